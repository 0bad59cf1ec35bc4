"""Test data: people, units and cases, built with factory-boy and driven through the services.

``CaseBuilder`` brings a case to any state of the workflow the way people would (every step
through proposals.services), so tests start from real states with a real audit trail.
"""

from __future__ import annotations

import datetime as dt
import itertools

import factory
from django.core.files.base import ContentFile

from core import clock
from members.models import (
    Affiliation,
    CollectiveSigner,
    Membership,
    Role,
    Sector,
    Session,
    SpecialCommittee,
    Term,
    Unit,
    User,
    role_group,
)
from proposals import services
from proposals.models import Assignment, Attachment, Case, Category, RejectionGround
from proposals.services.drafting import COLLECTIVE_BODY

PASSWORD = "Chencang@2026"
_seq = itertools.count(1)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    name = factory.Sequence(lambda n: f"测试用户{n}")
    phone = factory.Sequence(lambda n: f"1391700{n:04d}")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def roles(self, create, extracted, **kwargs):
        for role in extracted or []:
            self.groups.add(role_group(role))
        self.save()


def make_term(*, current: bool = True, number: int = 4, start: dt.date = dt.date(2022, 1, 5)) -> Term:
    term, _ = Term.objects.get_or_create(
        number=number, defaults={"name": "四届", "start_date": start, "is_current": current}
    )
    if not term.sessions.exists():
        for i, year in enumerate(range(start.year, start.year + 5), start=1):
            Session.objects.create(
                term=term,
                number=i,
                name=f"四届{'一二三四五'[i - 1]}次会议",
                opens=dt.date(year, 1, 8),
                closes=dt.date(year, 1, 12),
            )
    return term


def make_member(term: Term | None = None, **kwargs) -> User:
    term = term or make_term()
    user = UserFactory(roles=[Role.MEMBER], **kwargs)
    sector, _ = Sector.objects.get_or_create(name="经济界")
    committee, _ = SpecialCommittee.objects.get_or_create(name="提案委员会")
    Membership.objects.create(user=user, term=term, sector=sector, committee=committee, affiliation=Affiliation.CPC)
    return user


def make_unit(name: str | None = None, *, active: bool = True) -> tuple[Unit, User]:
    unit = Unit.objects.create(name=name or f"区测试局{next(_seq)}", active=active)
    contact = UserFactory(roles=[Role.UNIT])
    unit.contacts.add(contact)
    return unit, contact


def upload(case: Case, user: User, purpose: str = Attachment.Purpose.ATTACHMENT, name: str = "scan.pdf") -> Attachment:
    attachment = Attachment(
        case=case,
        purpose=purpose,
        original_name=name,
        content_type="application/pdf",
        size=20,
        uploaded_by=user,
        uploaded_at=clock.now(),
    )
    attachment.file.save(name, ContentFile(b"%PDF-1.4\n%test\n"), save=False)
    attachment.save()
    return attachment


def reply_letter(case: Case, user: User) -> Attachment:
    """The stamped reply letter a unit uploads with its reply (required for proposals by default)."""
    return upload(case, user, Attachment.Purpose.REPLY_LETTER, "答复函.pdf")


def sealed_scan(case: Case, user: User) -> Attachment:
    """The sealed scan a collective case is submitted with (required by default)."""
    return upload(case, user, Attachment.Purpose.SEALED_SCAN, "盖章件.pdf")


def named_signer(case: Case, user: User | None = None) -> CollectiveSigner:
    """Make ``user`` (default: the initiator) the named contact of the collective body of ``case``'s initiator
    row in the case's term, and upload the sealed scan: what a collective case needs before it is submitted."""
    row = case.proposers.get(role="initiator")
    user = user or row.user
    field = COLLECTIVE_BODY[row.collective]
    signer, _ = CollectiveSigner.objects.get_or_create(
        term=case.term, user=user, **{f"{field}_id": getattr(row, f"{field}_id")}
    )
    sealed_scan(case, user)
    return signer


class World:
    """Everyone a case needs: two members, staff, a reviewer, three units, a leader."""

    def __init__(self):
        self.term = make_term()
        self.member = make_member(self.term, username="m1", name="张委员")
        self.member2 = make_member(self.term, username="m2", name="李委员")
        self.outsider = make_member(self.term, username="m3", name="王委员")
        self.staff = UserFactory(username="s1", name="提案委小刘", roles=[Role.STAFF])
        self.reviewer = UserFactory(username="r1", name="审查组", roles=[Role.REVIEWER])
        self.leader = UserFactory(username="l1", name="督办领导", roles=[Role.LEADER])
        self.unit, self.unit_user = make_unit("区住建局")
        self.unit2, self.unit2_user = make_unit("区教育局")
        self.unit3, self.unit3_user = make_unit("区交通运输局")
        self.category = Category.objects.order_by("id").first()
        self.ground = RejectionGround.objects.order_by("id").first()

    def users(self) -> dict[str, User]:
        return {
            "member": self.member,
            "member2": self.member2,
            "outsider": self.outsider,
            "staff": self.staff,
            "reviewer": self.reviewer,
            "leader": self.leader,
            "unit": self.unit_user,
            "unit2": self.unit2_user,
            "unit3": self.unit3_user,
        }


class CaseBuilder:
    """Drive one case forward through the services. Each method returns the builder."""

    def __init__(self, world: World, *, cosign: bool = True, title: str = "关于加快车站棚户区改造的提案"):
        self.w = world
        self.case = services.create_draft(
            world.member,
            title=title,
            facts="车站片区棚户区房屋老旧，基础设施薄弱。",
            suggestions="一是统筹资金；二是分期实施。",
            category=world.category.pk,
            cosigners=[world.member2.pk] if cosign else [],
        )

    def act(self, action: str, user, data=None, assignment: Assignment | None = None) -> CaseBuilder:
        self.case = services.perform(
            action, user, self.case.pk, data or {}, assignment_id=assignment.pk if assignment else None
        )
        return self

    def refresh(self) -> Case:
        self.case.refresh_from_db()
        return self.case

    def assignment(self, unit: Unit) -> Assignment:
        return self.case.assignments.exclude(status="withdrawn_from_unit").get(unit=unit)

    # Steps -----------------------------------------------------------------------------------
    def cosigned(self):
        if self.case.proposers.filter(role="cosigner", confirmation="pending").exists():
            self.act("cosign", self.w.member2)
        return self

    def submitted(self):
        return self.cosigned().act("submit", self.w.member)

    def filed(self):
        return self.submitted().act("file", self.w.reviewer)

    def assigned(self, co: bool = True):
        units = [{"unit": self.w.unit.pk, "role": "lead"}]
        if co:
            units.append({"unit": self.w.unit2.pk, "role": "co"})
        return self.filed().act("assign", self.w.staff, {"units": units})

    def handling(self, co: bool = True):
        self.assigned(co)
        self.act("sign", self.w.unit_user, assignment=self.assignment(self.w.unit))
        if co:
            self.act("sign", self.w.unit2_user, assignment=self.assignment(self.w.unit2))
        return self

    def reply_sent(self, reply_class: str = "B", co: bool = True):
        if self.case.status != "handling" and self.case.status != "rehandling":
            self.handling(co)
        return self.act(
            "reply",
            self.w.unit_user,
            {
                "reply_class": reply_class,
                "letter": "经研究，答复如下……",
                "signer": "赵局长",
                "contact_person": "钱科长",
                "contact_phone": "0917-6212345",
                "letter_file": reply_letter(self.case, self.w.unit_user).pk,
            },
            assignment=self.assignment(self.w.unit),
        )

    def replied(self, reply_class: str = "B", co: bool = True):
        self.reply_sent(reply_class, co)
        return self.act("accept_reply", self.w.staff, assignment=self.assignment(self.w.unit))

    def rated(self, reply_rating: str = "satisfied"):
        lead = self.assignment(self.w.unit)
        for user in (self.w.member, self.w.member2):
            self.act("rate", user, {"reply_rating": reply_rating, "contact_rating": "satisfied"}, assignment=lead)
        return self

    def closed(self, reply_class: str = "B"):
        return self.replied(reply_class).rated().act("close", self.w.staff)

    # Side branches -----------------------------------------------------------------------------
    def returned(self, reason: str = "请补充情况分析和具体建议。"):
        return self.submitted().act("return_for_revision", self.w.reviewer, {"reason": reason})

    def withdrawn(self, reason: str = "情况已发生变化，撤回本案。"):
        return self.submitted().act("withdraw", self.w.member, {"reason": reason})

    def rejected(self):
        return self.submitted().act(
            "reject", self.w.reviewer, {"ground": self.w.ground.pk, "message": "不属于提案范围。"}
        )

    def merged_into(self, host: Case):
        return self.submitted().act("merge", self.w.reviewer, {"host": host.pk, "reason": "内容相近，并案办理。"})

    def converted(self):
        return self.submitted().act(
            "convert_to_suggestion",
            self.w.reviewer,
            {"reason": "不够提案条件，转为建议。", "consent": "提案人电话同意"},
        )

    def return_requested(self, co: bool = True):
        self.assigned(co)
        return self.act(
            "request_return",
            self.w.unit_user,
            {"reason": "不属于本单位职责。", "suggested_unit": self.w.unit3.pk},
            assignment=self.assignment(self.w.unit),
        )

    def rehandling(self):
        self.replied()
        lead = self.assignment(self.w.unit)
        self.act("rate", self.w.member, {"reply_rating": "unsatisfied", "contact_rating": "basic"}, assignment=lead)
        self.act("rate", self.w.member2, {"reply_rating": "satisfied", "contact_rating": "satisfied"}, assignment=lead)
        return self.act("rehandle", self.w.staff, {"reason": "提案人不满意，重新办理。"})


def ensure_reference_data() -> None:
    """Transactional tests run after a flush has emptied the migrations' reference rows: put back what World needs."""
    if not Category.objects.exists():
        Category.objects.create(name="经济建设")
    if not RejectionGround.objects.exists():
        RejectionGround.objects.create(name="属于个人或家庭事务")
