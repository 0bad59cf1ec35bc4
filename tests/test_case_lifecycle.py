"""One case through every branch of the workflow, and the side branches, through the services."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import call_command

from audit.models import AuditEvent
from core import clock
from proposals import services, workdays
from proposals.access import visible_cases
from proposals.errors import WorkflowError
from proposals.models import Attachment, Case, CoHandlerView, ContactRecord, Extension, FollowUp, Rating
from tests.factories import CaseBuilder, upload

T0 = dt.date(2026, 3, 2)


def _actions(case: Case) -> list[str]:
    return list(
        AuditEvent.objects.filter(case=case, outcome="success").order_by("seq").values_list("action", flat=True)
    )


def _last_event(case: Case) -> AuditEvent:
    return AuditEvent.objects.filter(case=case).order_by("-seq").first()


def test_a_joint_proposal_goes_through_every_step_of_handling_and_rehandling(world):
    w = world
    with clock.frozen(T0):
        b = CaseBuilder(w)  # joint: 张委员 leads, 李委员 invited to co-sign
        assert b.case.status == "draft"
        b.act("cosign", w.member2).act("submit", w.member).act("file", w.reviewer)
        assert b.refresh().number == 1
        b.act("assign", w.staff, {"units": [{"unit": w.unit.pk, "role": "lead"}, {"unit": w.unit2.pk, "role": "co"}]})
        lead, co = b.assignment(w.unit), b.assignment(w.unit2)
        b.act("sign", w.unit_user, assignment=lead)
        assert b.refresh().status == "assigned"  # one unit has not signed yet
        b.act("sign", w.unit2_user, assignment=co)
        assert b.refresh().status == "handling"
        b.act("send_views", w.unit2_user, {"text": "建议分两期实施。"}, assignment=co)
        assert CoHandlerView.objects.get(case=b.case).assignment == co
        b.act(
            "log_contact",
            w.unit_user,
            {
                "way": "meeting",
                "point": "handling",
                "date": T0,
                "people": "钱科长、张委员",
                "summary": "与提案人面商改造方案。",
                "face_to_face": True,
            },
            assignment=lead,
        )
        assert ContactRecord.objects.get(case=b.case).face_to_face
    with clock.frozen(T0 + dt.timedelta(days=30)):
        b.replied("B")
        case = b.refresh()
        assert (case.status, case.round) == ("replied", 1)
        b.act(
            "rate",
            w.member,
            {"reply_rating": "unsatisfied", "contact_rating": "basic", "comment": "进度太慢。"},
            assignment=lead,
        )
        b.act("rate", w.member2, {"reply_rating": "satisfied", "contact_rating": "satisfied"}, assignment=lead)
        b.act("rehandle", w.staff, {"reason": "提案人不满意。"})
        case, lead = b.refresh(), b.assignment(w.unit)
        assert (case.status, case.round, lead.status, lead.round) == ("rehandling", 2, "signed", 2)
        assert lead.due_date == workdays.add_months(clock.today(), 1)
    with clock.frozen(T0 + dt.timedelta(days=50)):
        b.replied("B")
        b.rated()
        assert Rating.objects.filter(case=b.case, round=2).count() == 2
        b.act("close", w.staff)
        b.act("follow_up", w.staff, {"date": clock.today(), "content": "一期改造已完工。", "done": True})
    case = b.refresh()
    assert (case.status, case.follow_up_done) == ("closed", True)
    assert FollowUp.objects.get(case=case).done
    assert _actions(case) == [
        "create",
        "cosign",
        "submit",
        "file",
        "assign",
        "sign",
        "sign",
        "send_views",
        "log_contact",
        "reply",
        "accept_reply",
        "rate",
        "rate",
        "rehandle",
        "reply",
        "accept_reply",
        "rate",
        "rate",
        "close",
        "follow_up",
    ]
    # The case moved to handling exactly once, with the second signature.
    moves = [e.data.get("case_status") for e in AuditEvent.objects.filter(case=case, action="sign")]
    assert moves == [None, ["assigned", "handling"]]


def test_a_returned_case_is_revised_and_resubmitted_and_editing_asks_cosigners_again(world):
    w = world
    with clock.frozen(T0):
        b = CaseBuilder(w).returned("请补充具体建议。")
        assert b.refresh().status == "returned"
        assert b.case.proposers.get(user=w.member2).confirmation == "confirmed"
        services.update_draft(w.member, b.case.pk, suggestions="一是统筹资金；二是分期实施；三是加强监管。")
        assert b.case.proposers.get(user=w.member2).confirmation == "pending"
        with pytest.raises(WorkflowError) as caught:
            b.act("submit", w.member)
        assert (caught.value.kind, caught.value.code) == ("conflict", "cosigners_pending")
        b.act("cosign", w.member2).act("submit", w.member)
    assert b.refresh().status == "submitted"
    assert _actions(b.case)[-4:] == ["return_for_revision", "edit_draft", "cosign", "submit"]
    assert _last_event(b.case).from_state == "returned"


def test_a_proposal_converted_with_consent_becomes_a_numbered_suggestion(world):
    with clock.frozen(T0):
        CaseBuilder(world).filed()  # proposal 第001号
        b = CaseBuilder(world, title="关于专精特新企业培育的提案").converted()
    case = b.refresh()
    assert (case.status, case.kind, case.number) == ("filed", "suggestion", 1)
    assert case.conversion_consent == "提案人电话同意"
    assert "建议第001号" in case.display_number
    assert _last_event(case).data["consent"] == "提案人电话同意"


def test_a_filed_case_merged_into_a_host_keeps_its_number_and_its_proposers_join_the_host(world):
    w = world
    with clock.frozen(T0):
        host = CaseBuilder(w, cosign=False).filed().case
        other = services.create_draft(
            w.outsider,
            title="关于车站片区改造的提案",
            facts="同一片区。",
            suggestions="加快改造。",
            category=w.category.pk,
        )
        services.perform("submit", w.outsider, other.pk)
        services.perform("file", w.reviewer, other.pk)
        services.perform("merge", w.reviewer, other.pk, {"host": host.pk, "reason": "内容相同。"})
    other.refresh_from_db()
    assert (other.status, other.number, other.merged_into_id) == ("merged", 2, host.pk)
    assert host.proposers.filter(user=w.outsider, role="merged").exists()
    assert other.pk in visible_cases(w.outsider).values_list("pk", flat=True)
    assert _last_event(other).data["joined"] == [w.outsider.display_name]


def test_a_rejected_case_records_its_ground_and_message(world):
    with clock.frozen(T0):
        case = CaseBuilder(world).rejected().refresh()
    assert (case.status, case.rejection_ground, case.number) == ("rejected", world.ground, None)
    assert _last_event(case).data["ground"] == world.ground.name


def test_an_approved_return_request_is_reassigned_and_the_old_unit_loses_access(world):
    w = world
    with clock.frozen(T0 + dt.timedelta(days=1)):
        b = CaseBuilder(w).return_requested()
        old = b.assignment(w.unit)
        assert b.case.pk in visible_cases(w.unit_user).values_list("pk", flat=True)
        b.act("approve_return", w.staff, {"reason": "确属交通部门职责。"}, assignment=old)
        b.act("reassign", w.staff, {"replace": old.pk, "unit": w.unit3.pk, "reason": "改派区交通运输局。"})
    old.refresh_from_db()
    new = b.assignment(w.unit3)
    assert (old.status, old.replaced_by_id, new.role, new.status) == ("withdrawn_from_unit", new.pk, "lead", "pending")
    assert new.return_deadline == workdays.add_workdays(T0 + dt.timedelta(days=1), 5)
    assert b.case.pk not in visible_cases(w.unit_user).values_list("pk", flat=True)
    assert b.case.pk in visible_cases(w.unit3_user).values_list("pk", flat=True)
    with pytest.raises(WorkflowError) as caught:
        services.perform("sign", w.unit_user, b.case.pk, assignment_id=old.pk)
    assert caught.value.kind == "not_found"


def test_assignments_left_unsigned_past_the_window_are_deemed_signed_by_the_scheduled_command(world):
    w = world
    with clock.frozen(T0):
        b = CaseBuilder(w).assigned()
    deadline = b.assignment(w.unit).return_deadline
    with clock.frozen(deadline):
        call_command("deem_signed", stdout=open("/dev/null", "w"))
    assert b.refresh().status == "assigned"  # the last day of the window still belongs to the unit
    with clock.frozen(deadline + dt.timedelta(days=1)):
        call_command("deem_signed", stdout=open("/dev/null", "w"))
    assert b.refresh().status == "handling"
    events = AuditEvent.objects.filter(case=b.case, action="deem_signed", outcome="success")
    assert events.count() == 2
    assert all(e.actor_id is None and e.actor_label == "system" for e in events)
    assert all(a.deemed_signed for a in b.case.assignments.all())


def test_an_extension_is_approved_once_and_refused_once(world):
    w = world
    with clock.frozen(T0):
        b = CaseBuilder(w).handling()
        lead = b.assignment(w.unit)
        original = lead.due_date
        b.act(
            "request_extension",
            w.unit_user,
            {"reason": "需市级资金批复。", "due": original + dt.timedelta(days=30)},
            assignment=lead,
        )
        b.act("approve_extension", w.staff, {"reason": "同意。"}, assignment=lead)
        lead.refresh_from_db()
        assert lead.due_date == original + dt.timedelta(days=30)
        b.act(
            "request_extension",
            w.unit_user,
            {"reason": "再延一个月。", "due": lead.due_date + dt.timedelta(days=20)},
            assignment=lead,
        )
        b.act("refuse_extension", w.staff, {"reason": "不再延期。"}, assignment=lead)
        too_late = workdays.add_months(T0, 6) + dt.timedelta(days=1)
        with pytest.raises(WorkflowError) as caught:
            b.act("request_extension", w.unit_user, {"reason": "再延。", "due": too_late}, assignment=lead)
        assert caught.value.code == "extension_too_long"
    lead.refresh_from_db()
    assert lead.due_date == original + dt.timedelta(days=30)
    assert list(Extension.objects.filter(assignment=lead).order_by("id").values_list("state", flat=True)) == [
        "approved",
        "refused",
    ]


def test_staff_enter_a_paper_proposal_and_confirm_cosignatures_from_the_scan(world):
    w = world
    with clock.frozen(T0):
        case = services.create_draft(
            w.staff,
            on_behalf_of=w.member.pk,
            title="关于城区供暖设施改造的提案",
            facts="纸质提案。",
            suggestions="更新管网。",
            category=w.category.pk,
            cosigners=[w.member2.pk],
        )
        assert _last_event(case).on_behalf_of == w.member
        assert case.pk in visible_cases(w.staff).values_list("pk", flat=True)
        with pytest.raises(WorkflowError) as caught:  # the scan is the evidence of the signature
            services.perform("cosign", w.staff, case.pk, {"proposer": w.member2.pk})
        assert caught.value.kind == "invalid" and "scan" in caught.value.errors
        scan = upload(case, w.staff, Attachment.Purpose.COSIGN_SCAN)
        services.perform("cosign", w.staff, case.pk, {"proposer": w.member2.pk, "scan": scan.pk})
        cosigned = _last_event(case)
        services.perform("submit", w.staff, case.pk)
        submitted = _last_event(case)
    row = case.proposers.get(user=w.member2)
    assert (row.confirmation, row.confirmed_by) == ("confirmed", w.staff)
    assert (cosigned.actor, cosigned.on_behalf_of, cosigned.data["scan"]) == (w.staff, w.member2, scan.pk)
    assert (submitted.actor, submitted.on_behalf_of, submitted.to_state) == (w.staff, w.member, "submitted")
    assert case.proposers.get(role="initiator").user == w.member
