"""The yearly assessment: grades from points by thresholds or shares, one transaction, one audit event."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied

from audit.models import AuditEvent
from duty import selectors, services
from duty.models import Assessment, AssessmentPolicy, AssessmentResult


def test_staff_run_the_assessment_and_it_is_audited_once(duty_world):
    w = duty_world
    AssessmentPolicy.objects.filter(year=2022).update(excellent_min=20, qualified_min=5, basic_min=1)
    before = AuditEvent.objects.filter(action="duty_assess").count()
    services.run_assessment(w.staff, 2025)
    grades = dict(AssessmentResult.objects.values_list("user__username", "grade"))
    assert grades == {"m1": "excellent", "m2": "qualified", "m3": "unqualified"}  # 21, 5, 0 points
    event = AuditEvent.objects.filter(action="duty_assess").latest("seq")
    assert AuditEvent.objects.filter(action="duty_assess").count() == before + 1
    assert event.actor == w.staff and event.object_type == "duty_assessment"
    assert event.data == {
        "year": 2025,
        "method": "thresholds",
        "members": 3,
        "grades": {"excellent": 1, "qualified": 1, "basic": 0, "unqualified": 1},
        "rerun": False,
    }


def test_a_rerun_replaces_the_results_and_says_so(duty_world):
    w = duty_world
    services.run_assessment(w.staff, 2025)
    services.run_assessment(w.staff, 2025)
    assert Assessment.objects.filter(year=2025).count() == 1
    assert AssessmentResult.objects.count() == 3
    assert AuditEvent.objects.filter(action="duty_assess").latest("seq").data["rerun"] is True


def test_by_shares_the_top_and_bottom_shares_are_graded_and_ties_share_a_grade():
    policy = AssessmentPolicy(method="shares", excellent_share=20, basic_share=20, unqualified_share=10)
    values = [(i, Decimal(v)) for i, v in enumerate([50, 40, 30, 30, 30, 20, 20, 10, 5, 0])]
    grades = services.grade_all(values, policy)
    assert [grades[i] for i in range(10)] == [
        "excellent",
        "excellent",
        "qualified",
        "qualified",
        "qualified",
        "qualified",
        "qualified",
        "basic",
        "basic",
        "unqualified",
    ]


def test_only_staff_may_run_it_and_a_refusal_changes_nothing(duty_world):
    w = duty_world
    with pytest.raises(PermissionDenied):
        services.run_assessment(w.member, 2025)
    assert not Assessment.objects.exists()


def test_the_notice_lists_the_excellent_by_sector_and_counts_the_rest(duty_world):
    w = duty_world
    AssessmentPolicy.objects.filter(year=2022).update(excellent_min=20, qualified_min=5, basic_min=1)
    services.run_assessment(w.staff, 2025)
    n = selectors.notice(2025)
    assert n.excellent == [("经济界", ["张委员"])]
    assert n.below == [("不合格", "王委员", "经济界")]  # 李委员 has 5 points: 合格 at these lines
    assert dict(n.by_grade) == {"优秀": 1, "合格": 1, "基本合格": 0, "不合格": 1}
    assert n.activities["study"] == 1 and n.activities["opinions"] == 2 and n.activities["meetings"] == 2
