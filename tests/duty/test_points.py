"""Duty points come from the records, with the rules of their year; checked against a hand count."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.urls import reverse

from core import clock
from duty import points
from duty.models import PointRule
from tests.duty.conftest import activity, attend
from tests.factories import CaseBuilder


def test_a_members_points_are_the_hand_count_of_their_records(duty_world):
    w = duty_world
    # By hand with the 2022 default rules: a filed proposal led (5) that is a key proposal (5); the plenary
    # attended (4); the 调研 attended (3), two opinions (1 + 1) and its report (5); one unexcused absence (-3).
    assert points.totals(2025, [w.member.pk])[w.member.pk] == Decimal("5") + 5 + 4 + 3 + 2 + 5 - 3
    # The co-signer: 附议 (1) and the plenary (4); the leave costs nothing and earns nothing.
    assert points.totals(2025, [w.member2.pk])[w.member2.pk] == Decimal("5")
    # Everyone at once gives the same figures.
    everyone = points.totals(2025)
    assert everyone[w.member.pk] == Decimal("21") and everyone[w.member2.pk] == Decimal("5")


def test_every_line_links_to_its_record(duty_world):
    w = duty_world
    rows = {row.kind: row for row in points.compute(2025, [w.member.pk])[w.member.pk]}
    assert rows["case_lead"].lines[0].record.url == reverse("proposals:case_detail", args=[w.case.pk])
    assert "关于加快车站棚户区改造的提案" in rows["case_lead"].lines[0].record.label
    study_url = reverse("duty:activity_detail", args=[w.study.pk])
    assert rows["study"].lines[0].record.url == study_url
    assert rows["report"].lines[0].record.url == study_url + "#report"
    assert all(line.record.url.startswith(study_url + "#opinion-") for line in rows["opinion"].lines)
    assert rows["absence"].lines[0].record.url == reverse("duty:activity_detail", args=[w.meeting.pk])
    assert rows["absence"].subtotal == Decimal("-3")


def test_a_rule_change_applies_from_its_year_only(duty_world):
    w = duty_world
    with clock.frozen(dt.datetime(2024, 6, 3, 10, tzinfo=clock.LOCAL)):
        CaseBuilder(w, title="关于加快先进制造业高质量发展的提案").filed()
    assert points.totals(2024, [w.member.pk])[w.member.pk] == Decimal("5")
    PointRule.objects.create(kind="case_lead", year=2025, points=Decimal("8"))
    assert points.totals(2024, [w.member.pk])[w.member.pk] == Decimal("5")  # 2024 keeps its rule
    assert points.totals(2025, [w.member.pk])[w.member.pk] == Decimal("24")  # 21 + (8 - 5)
    assert points.totals(2026, [w.member.pk]).get(w.member.pk) is None  # no records in 2026


def test_a_cap_counts_the_records_over_it_as_zero_and_still_lists_them(world):
    w = world
    for month in range(1, 8):
        a = activity(w, "reading", f"“书香政协”读书活动第{month}期", dt.date(2025, month, 15), [w.member])
        attend(w, a, m1="present")
    (row,) = points.compute(2025, [w.member.pk])[w.member.pk]
    assert row.kind == "reading" and row.count == 7
    assert row.subtotal == Decimal("5")  # 1 point each, at most 5 a year
    assert [line.capped for line in row.lines] == [False] * 5 + [True] * 2


def test_a_deduction_stops_at_its_cap(world):
    w = world
    for month in range(1, 8):
        a = activity(w, "committee", f"专委会会议（{month}月）", dt.date(2025, month, 10), [w.member])
        attend(w, a, m1="absent")
    assert points.totals(2025, [w.member.pk])[w.member.pk] == Decimal("-15")


def test_a_case_not_yet_filed_earns_nothing(world):
    w = world
    with clock.frozen(dt.datetime(2025, 3, 10, 10, tzinfo=clock.LOCAL)):
        CaseBuilder(w, cosign=True).submitted()  # submitted, not filed: nothing yet
    assert points.totals(2025, [w.member.pk, w.member2.pk]) == {}
