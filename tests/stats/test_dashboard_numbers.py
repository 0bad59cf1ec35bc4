"""The dashboard and stats.summary agree with counts computed here with plain ORM queries."""

from __future__ import annotations

import json

from django.db.models import Q

from members.models import Sector, SpecialCommittee
from proposals.models import (
    Assignment,
    Case,
    Category,
    KeyProposal,
    Kind,
    Proposer,
    Rating,
    Reply,
    Status,
)
from reporting import stats
from tests.stats.conftest import LATER

REPLYING = ("lead", "separate")


def numbered(world):
    return Case.objects.filter(term=world.term, number__isnull=False)


def counted_proposers():
    return Proposer.objects.filter(~Q(role="cosigner") | Q(confirmation="confirmed"))


def test_summary_agrees_with_plain_orm_counts(seeded, world):
    s = stats.summary(world.term, LATER)
    assert s["proposals_filed"] == numbered(world).filter(kind=Kind.PROPOSAL).count() == 8
    assert s["suggestions"] == numbered(world).filter(kind=Kind.SUGGESTION).count() == 1
    assert s["key_proposals"] == KeyProposal.objects.filter(state="designated").count() == 1
    replied = Assignment.objects.filter(role__in=REPLYING, first_accepted_at__isnull=False)
    assert s["replied"] == replied.count() == 3
    replied_cases = Case.objects.filter(assignments__in=replied).distinct()
    face = replied_cases.filter(contacts__face_to_face=True).distinct().count()
    assert (s["cases_replied"], s["cases_face_to_face"]) == (replied_cases.count(), face) == (3, 1)
    for status in Status.values:
        if status != Status.DRAFT:
            assert s["by_status"][status] == Case.objects.filter(status=status).count(), status


def test_dashboard_groups_agree_with_plain_orm_counts(seeded, world):
    d = stats.dashboard(world.term, today=LATER)
    for row in d["by_kind_and_state"]:
        assert row["proposal"] == Case.objects.filter(status=row["status"], kind="proposal").count()
        assert row["suggestion"] == Case.objects.filter(status=row["status"], kind="suggestion").count()
    assert {r["name"]: r["count"] for r in d["by_category"]} == {
        c.name: numbered(world).filter(category=c).count()
        for c in Category.objects.all()
        if numbered(world).filter(category=c).exists()
    }
    for field, model, key in (("sector", Sector, "by_sector"), ("committee", SpecialCommittee, "by_committee")):
        expected = {}
        for item in model.objects.all():
            n = numbered(world).filter(id__in=counted_proposers().filter(**{field: item}).values("case_id")).count()
            if n:
                expected[item.name] = n
        assert {r["name"]: r["count"] for r in d[key]} == expected
    # The party's proposal has no sector; the joint case with the 教育界 member counts in both.
    assert {r["name"]: r["count"] for r in d["by_sector"]} == {"经济界": 8, "教育界": 1}
    s = stats.summary(world.term, LATER)
    assert {r["name"]: r["count"] for r in d["by_sector"]} == s["by_sector"]
    assert {r["name"]: r["count"] for r in d["by_committee"]} == s["by_committee"]
    assert {r["name"]: r["count"] for r in d["by_category"]} == s["by_category"]

    types = {r["type"]: r["count"] for r in d["by_proposer_type"]}
    initiators = Proposer.objects.filter(case__in=numbered(world), role="initiator")
    with_cosigner = set(
        Proposer.objects.filter(role="cosigner", confirmation="confirmed").values_list("case_id", flat=True)
    )
    individual_ids = set(initiators.filter(collective="").values_list("case_id", flat=True))
    assert types["joint"] == len(individual_ids & with_cosigner)
    assert types["individual"] == len(individual_ids - with_cosigner)
    assert types["organisation"] == initiators.filter(collective="organisation").count() == 1
    assert sum(types.values()) == numbered(world).count()

    h = d["headline"]
    assert h["face_to_face_rate"] == round(1 / 3, 4)
    # Received: decided proposals (the submitted and the returned one are still under review, apart).
    received = (
        Case.objects.filter(submitted_at__isnull=False)
        .filter(Q(kind="proposal") | ~Q(conversion_consent=""))
        .exclude(status__in=["submitted", "returned"])
    )
    assert h["filing_rate"] == round(numbered(world).filter(kind="proposal").count() / received.count(), 4)
    assert (h["received"], h["under_review"]) == (received.count(), 2)

    trend = {r["month"]: r for r in d["monthly_trend"]}
    assert trend["2026-03"]["submitted"] == Case.objects.filter(submitted_at__isnull=False).count()
    assert trend["2026-03"]["filed"] == Case.objects.filter(filed_at__isnull=False).count()
    assert trend["2026-03"]["closed"] == Case.objects.filter(status="closed").count()
    (key,) = d["key_progress"]
    assert key["case_id"] == seeded["handling"].case.pk and key["activities"] == 1 and key["leaders"] == "督办领导"


def test_unit_league_agrees_with_plain_orm_counts(seeded, world):
    league = stats.unit_league(stats.scope(world.term), LATER)
    rows = {r["unit"]: r for r in league["rows"]}
    for unit in (world.unit, world.unit2, world.unit3):
        live = Assignment.objects.filter(unit=unit).exclude(status="withdrawn_from_unit")
        row = rows[unit.name]
        assert row["assigned"] == live.count()
        assert row["replied"] == live.filter(role__in=REPLYING, first_accepted_at__isnull=False).count()
        assert (
            row["overdue"]
            == live.filter(role__in=REPLYING, status__in=["pending", "signed"], due_date__lt=LATER).count()
        )
        accepted = Reply.objects.filter(assignment__unit=unit, state="accepted")
        for cls, share in (("A", "a_share"), ("B", "b_share"), ("C", "c_share")):
            total = accepted.exclude(reply_class="").count()
            assert row[share] == (round(accepted.filter(reply_class=cls).count() / total, 4) if total else None)
        latest = [
            r for r in Rating.objects.filter(assignment__unit=unit).select_related("case") if r.round == r.case.round
        ]
        assert row["ratings_given"] == len(latest)
    # Totals are the sums, and match the term's summary.
    s = stats.summary(world.term, LATER)
    t = league["totals"]
    assert t["assigned"] == Assignment.objects.exclude(status="withdrawn_from_unit").count()
    assert (t["replied"], t["replied_on_time"], t["replies_due"]) == (
        s["replied"],
        s["replies_on_time"],
        s["replies_due"],
    )
    assert {c: t[c] for c in "ABC"} == s["reply_classes"] == {"A": 1, "B": 2, "C": 0}
    assert t["satisfaction_rate"] == s["satisfaction_rate"]
    assert rows[world.unit.name]["satisfied"] == 2 and rows[world.unit.name]["basic"] == 1


def test_a_session_holding_every_numbered_case_gives_the_term_headline(seeded, world):
    session = Case.objects.filter(number__isnull=False).first().session
    term_view = stats.dashboard(world.term, today=LATER)["headline"]
    session_view = stats.dashboard(world.term, session, today=LATER)["headline"]
    for key in (
        "proposals_filed",
        "suggestions",
        "key_proposals",
        "replied",
        "replies_on_time",
        "replies_due",
        "on_time_reply_rate",
        "satisfaction_rate",
        "cases_replied",
        "cases_face_to_face",
        "reply_classes",
    ):
        assert session_view[key] == term_view[key], key


def test_another_session_counts_nothing(seeded, world):
    empty = world.term.sessions.exclude(pk=Case.objects.filter(number__isnull=False).first().session_id).first()
    d = stats.dashboard(world.term, empty, today=LATER)
    assert d["headline"]["proposals_filed"] == 0 and d["league"]["rows"] == [] and d["by_category"] == []


def test_the_page_shows_the_same_numbers_and_hands_them_to_the_charts(seeded, world, login):
    response = login(world.staff).get("/stats/")
    assert response.status_code == 200
    html = response.content.decode()
    start = html.index('<script id="dashboard-data" type="application/json">') + len(
        '<script id="dashboard-data" type="application/json">'
    )
    data = json.loads(html[start : html.index("</script>", start)])
    expected = stats.dashboard(world.term)
    assert data["headline"] == expected["headline"]
    assert data["league"]["rows"] == expected["league"]["rows"]
    assert html.count('class="chart') >= 9 and html.count("<caption>") >= 9
    assert "<script>" not in html  # no inline scripts: data travels as JSON only
