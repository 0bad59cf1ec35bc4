"""Regression tests for what the workflow state machine (test_state_machine.py) found: buttons that were
offered although no data could make them succeed. Each is now refused by a guard beside the table, so
``available_actions()`` no longer offers it, and the service answers 409 with a stable code."""

from __future__ import annotations

import datetime as dt

import pytest

from core import clock
from members.models import Unit
from proposals import services
from proposals.errors import WorkflowError
from proposals.workflow import available_actions
from tests.factories import CaseBuilder

T0 = dt.date(2026, 3, 2)


def offered(user, case) -> set[str]:
    case.refresh_from_db()
    return {a.action.name for a in available_actions(user, case)}


def refused_with(code: str, *args, **kwargs) -> None:
    with pytest.raises(WorkflowError) as caught:
        services.perform(*args, **kwargs)
    assert (caught.value.kind, caught.value.code) == ("conflict", code)


def test_merge_is_not_offered_while_no_case_of_its_kind_can_host_it(world):
    with clock.frozen(T0):
        b = CaseBuilder(world).submitted()
        assert "merge" not in offered(world.reviewer, b.case)
        refused_with("no_merge_host", "merge", world.reviewer, b.case.pk, {"host": b.case.pk})
        CaseBuilder(world, title="关于车站片区改造的提案").filed()
        assert "merge" in offered(world.reviewer, b.case)


def test_staff_are_not_offered_to_answer_for_a_cosigner_when_none_is_pending(world):
    with clock.frozen(T0):
        b = (
            CaseBuilder(world, cosign=False)
            .submitted()
            .act("return_for_revision", world.reviewer, {"reason": "请补充。"})
        )
        assert not {"cosign", "decline_cosign"} & offered(world.staff, b.case)
        refused_with("no_cosigner_pending", "cosign", world.staff, b.case.pk, {})
        # With a co-signer still to answer, staff may record the signed paper.
        paper = services.create_draft(
            world.staff, on_behalf_of=world.member.pk, title="关于城区供暖设施的提案", cosigners=[world.member2.pk]
        )
        assert {"cosign", "decline_cosign"} <= offered(world.staff, paper)


def test_reassign_is_not_offered_when_every_active_unit_already_holds_the_case(world):
    with clock.frozen(T0):
        b = CaseBuilder(world).assigned(co=True)
        b.act("reassign", world.staff, {"unit": world.unit3.pk, "role": "co", "reason": "增派。"})
        Unit.objects.exclude(pk__in=[world.unit.pk, world.unit2.pk, world.unit3.pk]).update(active=False)
        assert "reassign" not in offered(world.staff, b.case)
        refused_with("no_free_unit", "reassign", world.staff, b.case.pk, {"unit": world.unit.pk, "reason": "改派。"})


def test_staff_are_not_offered_to_record_a_rating_once_every_proposer_has_rated(world):
    with clock.frozen(T0):
        b = CaseBuilder(world).replied()
        lead = b.assignment(world.unit)

        def staff_may_rate() -> bool:
            b.case.refresh_from_db()
            return any(a.action.name == "rate" and a.assignment == lead for a in available_actions(world.staff, b.case))

        assert staff_may_rate()
        b.rated()
        assert not staff_may_rate()
        refused_with(
            "all_rated",
            "rate",
            world.staff,
            b.case.pk,
            {"reply_rating": "satisfied", "contact_rating": "satisfied", "proposer": world.member.pk},
            assignment_id=lead.pk,
        )
