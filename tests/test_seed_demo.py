"""manage.py seed_demo: the figures of the source report, every state on screen, and a second run that changes nothing.

The seeder runs once for the module (it replays several thousand workflow actions, about two minutes):
the ``seeded`` fixture seeds inside a transaction rolled back after the module; every test here reads
that one database, the realism tests below (issue 18: texts, places and shares) included.
"""

from __future__ import annotations

import io
import logging

import pytest
from django.apps import apps
from django.contrib.auth import authenticate
from django.core.management import call_command
from django.db import transaction
from django.db.models import Count

from audit import trail as audit
from audit.models import AuditEvent
from core import clock
from members.models import Affiliation, Membership, PartyBranch, SpecialCommittee, Term, Unit, User
from proposals.models import (
    Assignment,
    AssignmentStatus,
    Case,
    KeyProposal,
    Kind,
    Rating,
    Reply,
    ReplyClass,
    Status,
)

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=False)]

DEMO_LOGINS = ["admin", "staff", "reviewer", "member", "member2", "unit", "unit2", "leader"]


def _row_counts() -> dict[str, int]:
    models = [
        m
        for label in ("members", "proposals", "audit", "notifications", "auth")
        for m in apps.get_app_config(label).get_models()
    ]
    counts = {m._meta.label: m.objects.count() for m in models}
    for m in models:
        for field in m._meta.many_to_many:
            through = field.remote_field.through
            counts[through._meta.label] = through.objects.count()
    return counts


def _seed(*args) -> str:
    out = io.StringIO()
    call_command("seed_demo", *args, stdout=out)
    return out.getvalue()


class _Collect(logging.Handler):
    def __init__(self):
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record):
        self.messages.append(record.getMessage())


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker):
    """One seed for the module, rolled back after it: (the command's output, the calendar's warnings)."""
    warnings = _Collect()
    logger = logging.getLogger("proposals.workdays")
    logger.addHandler(warnings)
    try:
        with django_db_blocker.unblock(), transaction.atomic():
            output = _seed("--demo-logins")
            yield output, warnings.messages
            transaction.set_rollback(True)
    finally:
        logger.removeHandler(warnings)


def test_the_seed_reports_its_progress_and_says_each_warning_once(seeded):
    output, warnings = seeded
    progress = [line for line in output.splitlines() if "已办理" in line]
    assert len(progress) >= 5, output
    assert all(line.endswith("秒）") for line in progress)
    assert len(warnings) == len(set(warnings)), warnings


def test_the_seeder_builds_the_reports_figures_and_a_second_run_changes_nothing(seeded):
    term = Term.objects.get(is_current=True)
    assert term.name == "四届"
    assert list(term.sessions.values_list("name", flat=True)) == [f"四届{n}次会议" for n in "一二三四五"]
    cases = Case.objects.filter(term=term)

    # The figures of the source report.
    assert cases.filter(kind=Kind.PROPOSAL, number__isnull=False).count() == 393
    assert cases.filter(kind=Kind.SUGGESTION, number__isnull=False).count() == 196
    keys = KeyProposal.objects.filter(case__term=term, state=KeyProposal.State.DESIGNATED)
    assert keys.count() == 12
    assert cases.filter(is_key=True).count() == 12
    key_titles = " ".join(keys.values_list("case__title", flat=True))
    assert "加快车站棚户区改造" in key_titles and "加快先进制造业高质量发展" in key_titles
    memberships = Membership.objects.filter(term=term, active=True)
    assert memberships.count() == 238
    assert SpecialCommittee.objects.count() == 5
    assert memberships.exclude(committee__in=SpecialCommittee.objects.all()).count() == 0
    cpc = memberships.filter(affiliation=Affiliation.CPC)
    assert cpc.count() == 93
    assert cpc.filter(party_branch__isnull=True).count() == 0
    assert PartyBranch.objects.filter(term=term).count() == 5
    assert cpc.values("party_branch").distinct().count() == 5
    assert 40 <= Unit.objects.filter(active=True).count() <= 70
    assert cases.filter(title__regex=r"^.{101,}$").count() == 0
    # Everybody can be reached: a mailbox on the reserved example.cn domain and a valid mainland mobile.
    people = User.objects.all()
    assert not people.exclude(email__regex=r"^[a-z0-9]+@example\.cn$").exists()
    assert not people.exclude(phone="").exclude(phone__regex=r"^1[3-9][0-9]{9}$").exists()
    assert not people.filter(groups__name__in=["member", "unit"], phone="").exists()
    assert people.get(username="member").email == "member@example.cn"

    # Every state is on screen, with deadlines ahead and behind.
    present = set(cases.values_list("status", flat=True))
    assert set(Status.values) <= present, set(Status.values) - present
    assignment_states = set(Assignment.objects.values_list("status", flat=True))
    assert set(AssignmentStatus.values) <= assignment_states, set(AssignmentStatus.values) - assignment_states
    today = clock.today()
    open_work = Assignment.objects.filter(
        case__status__in=[Status.HANDLING, Status.ASSIGNED, Status.REHANDLING],
        status__in=[AssignmentStatus.PENDING, AssignmentStatus.SIGNED],
    )
    assert open_work.filter(due_date__lt=today).exists(), "some assignments are overdue"
    assert open_work.filter(due_date__gte=today).exists(), "some are still within their period"
    assert Assignment.objects.filter(status=AssignmentStatus.PENDING, return_deadline__gte=today).exists()
    assert Assignment.objects.filter(status=AssignmentStatus.PENDING, return_deadline__lt=today).exists()

    # Reply classes in realistic shares: most A, then B, a few C.
    shares = dict(
        Reply.objects.filter(state=Reply.State.ACCEPTED, case__kind=Kind.PROPOSAL)
        .values_list("reply_class")
        .annotate(n=Count("id"))
    )
    assert shares[ReplyClass.A] > shares[ReplyClass.B] > shares[ReplyClass.C] > 0

    # Demo logins are people of the data set and the password works.
    for username in DEMO_LOGINS:
        assert authenticate(username=username, password="Chencang@2026") is not None, username
    member = User.objects.get(username="member")
    assert memberships.filter(user=member).exists()
    assert member.proposer_rows.filter(role="cosigner", confirmation="pending", case__status="draft").exists()
    assert (
        len(set(cases.filter(proposers__user=member, proposers__role="initiator").values_list("status", flat=True)))
        >= 4
    )
    unit_states = set(Assignment.objects.filter(unit__contacts__username="unit").values_list("status", flat=True))
    assert {AssignmentStatus.PENDING, AssignmentStatus.SIGNED, AssignmentStatus.REPLIED} <= unit_states
    assert KeyProposal.objects.filter(leaders__username="leader").exists()
    assert User.objects.get(username="staff").is_staff

    assert audit.verify_chain().ok

    # A second run detects the data and changes nothing.
    before = _row_counts()
    events = AuditEvent.objects.count()
    output = _seed("--demo-logins")
    assert "未做任何更改" in output
    assert _row_counts() == before
    assert AuditEvent.objects.count() == events


# --- Realism (issue 18): the demo reads like a real committee's ------------------------------------------
# Measured on the seeded database with reporting's own statistics, so the numbers are the dashboard's.


def _term():
    return Term.objects.get(is_current=True)


# Words that contain 镇 or 街道 without naming a place.
_GENERIC = ("城镇", "乡镇", "镇村", "镇区", "镇级", "镇街", "镇（街道）", "镇长", "镇上")


def test_every_title_is_distinct_and_names_a_street_or_town_of_the_official_list(seeded):
    from demo import names

    assert len(names.OFFICIAL_PLACES) == 18 == len(set(names.OFFICIAL_PLACES))
    assert {"虢镇街道", "千渭街道", "东关街道", "凤阁岭镇", "磻溪镇"} <= set(names.OFFICIAL_PLACES)
    assert not {"山区镇", "桥镇", "吴山镇"} & set(names.OFFICIAL_PLACES)
    assert set(names.TOWNS) <= set(names.OFFICIAL_PLACES)
    assert all(set(m["places"]) <= set(names.OFFICIAL_PLACES) for m in names.MATTERS)

    cases = Case.objects.filter(term=_term())
    titles = list(cases.exclude(status=Status.MERGED).values_list("title", flat=True))
    assert len(titles) == len(set(titles)), [t for t in titles if titles.count(t) > 1][:5]
    for title in cases.values_list("title", flat=True):
        assert any(place in title for place in names.OFFICIAL_PLACES), title
        rest = title
        for word in sorted(names.OFFICIAL_PLACES, key=len, reverse=True) + list(_GENERIC):
            rest = rest.replace(word, "")
        assert "镇" not in rest and "街道" not in rest, f"a place not on the official list: {title}"
    assert not cases.filter(title__contains="公交一体化").exists()
    assert not cases.filter(facts__contains="山区镇").exists()


def test_facts_and_suggestions_are_several_paragraphs_with_figures_and_differ_from_case_to_case(seeded):
    import re

    cases = list(Case.objects.filter(term=_term()).values("facts", "suggestions"))
    for case in cases:
        assert case["facts"].count("\n") >= 1 and re.search(r"\d", case["facts"]), case["facts"]
        assert re.search(r"^二、", case["suggestions"], re.M), case["suggestions"]
    assert len({c["facts"] for c in cases}) == len(cases)


def test_replies_answer_with_measures_dates_and_amounts_and_the_classes_differ_in_substance(seeded):
    import re

    replies = list(
        Reply.objects.filter(case__term=_term(), state=Reply.State.ACCEPTED, case__kind=Kind.PROPOSAL).values_list(
            "reply_class", "letter"
        )
    )
    assert len({letter for _, letter in replies}) == len(replies)
    for reply_class, letter in replies:
        assert letter.split("\n")[0].endswith("委员："), letter
        assert re.search(r"20\d\d年\d{1,2}月", letter), letter  # dates
        figures = re.sub(r"20\d\d年(\d{1,2}月)?(\d{1,2}日)?", "", letter)
        assert re.search(r"\d+(\.\d+)?[%万亿元个户名公里人次套家台处所件平亩吨部条期场株座支]", figures), letter
        assert ("暂不具备" in letter) == (reply_class == ReplyClass.C), letter
    a_letters = [letter for c, letter in replies if c == ReplyClass.A]
    b_letters = [letter for c, letter in replies if c == ReplyClass.B]
    assert all("列入计划的事项" not in letter for letter in a_letters)
    assert all("列入计划的事项" in letter and re.search(r"20\d\d年\d{1,2}月", letter) for letter in b_letters)


def test_the_shares_are_within_what_real_district_committees_report(seeded):
    from reporting import stats

    term = _term()
    summary = stats.summary(term)
    assert 0.64 <= summary["filing_rate"] <= 0.95, summary["filing_rate"]
    converted = Case.objects.filter(term=term, kind=Kind.SUGGESTION, number__isnull=False).exclude(
        conversion_consent=""
    )
    assert converted.count() > 196 / 2, "most suggestions come from conversion at review"

    classes = summary["reply_classes"]
    total = sum(classes.values())
    assert 0.55 <= classes["A"] / total <= 0.70, classes
    assert 0.25 <= classes["B"] / total <= 0.40, classes
    assert 0.02 <= classes["C"] / total <= 0.10, classes

    satisfaction = summary["satisfaction"]
    assert 0.95 <= summary["satisfaction_rate"] < 1, satisfaction
    assert satisfaction["unsatisfied"] >= 3, "a few stay dissatisfied in the final round"
    latest = stats.latest_ratings(Rating.objects.filter(case__term=term))
    contact_basic = latest.filter(contact_rating="basic").count() / latest.count()
    assert 0.03 <= contact_basic <= 0.25, contact_basic

    submitted = Case.objects.filter(term=term).exclude(status=Status.DRAFT).count()
    assert 0.01 <= Case.objects.filter(term=term, status=Status.MERGED).count() / submitted <= 0.06

    cases = stats.scope(term)
    categories = {row["name"]: row["count"] for row in stats.by_category(cases)}
    numbered = sum(categories.values())
    leading = sorted(categories, key=categories.get, reverse=True)[:4]
    assert leading[0] == "经济", categories
    assert set(leading) <= {"经济", "社会", "城乡建设", "教育", "医疗卫生", "农业农村", "生态文明"}, categories
    livelihood = sum(categories.get(c, 0) for c in ("教育", "医疗卫生", "社会"))
    assert livelihood / numbered >= 0.25, categories
    assert categories.get("医疗卫生", 0) / numbered >= 0.06, categories
    for small in ("政治", "文化"):
        assert 0.01 <= categories.get(small, 0) / numbered <= 0.08, categories

    types = {row["type"]: row["count"] for row in stats.by_proposer_type(cases)}
    assert types["individual"] > types["joint"] > types["organisation"] > types["committee"] > 0, types
    collective = (types["organisation"] + types["sector_group"]) / sum(types.values())
    assert 0.10 <= collective <= 0.20, types


def test_the_named_key_proposals_are_supervised_by_inspection_and_door_to_door_consultation(seeded):
    from proposals.models import SupervisionActivity

    for named in ("加快车站棚户区改造", "加快先进制造业高质量发展"):
        keys = Case.objects.filter(term=_term(), is_key=True, title__contains=named)
        assert keys.exists(), named
        kinds = set(SupervisionActivity.objects.filter(case__in=keys).values_list("kind", flat=True))
        assert {"inspection", "visit"} <= kinds, (named, kinds)


def test_contact_records_name_the_people_and_the_place(seeded):
    from demo import names
    from proposals.models import ContactRecord

    records = list(ContactRecord.objects.filter(case__term=_term()).select_related("case"))
    assert records
    for record in records:
        assert any(place in record.summary for place in names.OFFICIAL_PLACES), record.summary
        assert "委员" in record.summary and len(record.people) >= 6, record.people
