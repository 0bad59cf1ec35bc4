"""Seeded data for the statistics tests: cases in many states, built through the services."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client

from core import clock
from members.models import Organisation, Sector, SpecialCommittee
from proposals import services
from proposals.models import Kind
from tests.factories import PASSWORD, CaseBuilder, make_member, named_signer

T0 = dt.date(2026, 3, 2)
LATER = dt.date(2026, 9, 1)  # well past every three-month due date of T0


def _builder(world, case) -> CaseBuilder:
    """A CaseBuilder around a draft made with options the builder's constructor does not offer."""
    builder = CaseBuilder.__new__(CaseBuilder)
    builder.w, builder.case = world, case
    return builder


def _contact(builder: CaseBuilder, *, face: bool) -> CaseBuilder:
    w = builder.w
    return builder.act(
        "log_contact",
        w.unit_user,
        {
            "way": "meeting" if face else "phone",
            "point": "intake" if face else "handling",
            "date": T0,
            "people": "钱科长",
            "summary": "沟通办理思路。",
            "face_to_face": face,
        },
        assignment=builder.assignment(w.unit),
    )


def build_mix(world) -> dict[str, CaseBuilder]:
    """One case in each interesting state, with a second sector and committee, a collective
    proposer, a face-to-face contact, a key proposal and a rehandled case."""
    w = world
    with clock.frozen(T0):
        built = {
            "closed_a": _contact(CaseBuilder(w).handling(), face=True).closed("A"),
            "replied_b": _contact(CaseBuilder(w, cosign=False).handling(), face=False).replied("B"),
            "rehandling": CaseBuilder(w).rehandling(),
            "handling": _contact(CaseBuilder(w, cosign=False).handling(co=False), face=True),
            "assigned": CaseBuilder(w).assigned(),
            "filed": CaseBuilder(w).filed(),
            "submitted": CaseBuilder(w).submitted(),
            "returned": CaseBuilder(w).returned(),
            "withdrawn": CaseBuilder(w).withdrawn(),
            "rejected": CaseBuilder(w).rejected(),
            "converted": CaseBuilder(w).converted(),
            "draft": CaseBuilder(w),
        }
        b = built["replied_b"]
        b.act(
            "rate", w.member, {"reply_rating": "basic", "contact_rating": "satisfied"}, assignment=b.assignment(w.unit)
        )
        host = built["filed"].case
        built["merged"] = CaseBuilder(w).merged_into(host)
        lead = built["closed_a"]
        b = built["handling"]
        b.act("recommend_key", w.staff, {"leaders": [w.leader.pk], "plan": "带案视察一次。"})
        b.act("designate_key", w.reviewer)
        b.act(
            "log_supervision",
            w.leader,
            {"kind": "inspection", "date": T0, "people": "督办领导", "minutes": "现场查看。"},
        )
        # A separate unit (分办) on a second case, and a member of another sector and committee.
        other = make_member(w.term, username="m9", name="赵委员")
        membership = other.memberships.get()
        membership.sector = Sector.objects.create(name="教育界")
        membership.committee = SpecialCommittee.objects.create(name="文史委员会")
        membership.save()
        sep = _builder(
            w,
            services.create_draft(
                w.member,
                title="关于城区供暖设施改造的提案",
                facts="情况。",
                suggestions="建议。",
                category=w.category.pk,
                cosigners=[other.pk],
            ),
        )
        sep.act("cosign", other).submitted().act("file", w.reviewer).act(
            "assign",
            w.staff,
            {"units": [{"unit": w.unit.pk, "role": "separate"}, {"unit": w.unit3.pk, "role": "separate"}]},
        )
        built["separate"] = sep
        # A party's proposal (集体提案).
        party = Organisation.objects.create(name="民进陈仓区委会", kind=Organisation.Kind.PARTY)
        case = services.create_draft(
            w.member,
            title="关于专精特新企业培育的提案",
            facts="情况。",
            suggestions="建议。",
            category=w.category.pk,
            collective="organisation",
            organisation=party.pk,
        )
        named_signer(case)
        built["party"] = _builder(w, case).submitted().act("file", w.reviewer)
    assert built["converted"].refresh().kind == Kind.SUGGESTION
    assert lead.refresh().status == "closed"
    return built


@pytest.fixture
def seeded(world):
    return build_mix(world)


@pytest.fixture
def login():
    def as_(user) -> Client:
        client = Client()
        assert client.login(username=user.username, password=PASSWORD)
        return client

    return as_
