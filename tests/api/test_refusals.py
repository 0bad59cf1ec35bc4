"""Each kind of refusal answers its documented status and body, and changes nothing."""

import datetime as dt

import pytest

from audit.models import AuditEvent
from core import clock
from proposals.models import Case
from tests.factories import CaseBuilder


@pytest.fixture
def submitted(world):
    with clock.frozen(dt.date(2026, 3, 2)):
        yield CaseBuilder(world).submitted()


def snapshot(case_id):
    case = Case.objects.get(pk=case_id)
    return (
        case.status,
        case.number,
        case.updated_at,
        AuditEvent.objects.filter(case_id=case_id, outcome="success").count(),
    )


@pytest.mark.parametrize(
    "role, action, body, status, code",
    [
        ("unit", "file", {}, 404, "not_found"),  # not visible to this unit
        ("staff", "no_such_action", {}, 404, "action_not_found"),
        ("member", "file", {}, 403, "actor_not_allowed"),  # wrong actor
        ("reviewer", "assign", {"units": []}, 403, "actor_not_allowed"),
        ("staff", "assign", {"units": []}, 409, "wrong_state"),  # wrong state
        ("reviewer", "reject", {"ground": "x"}, 400, "invalid_data"),  # bad data
        ("staff", "return_for_revision", {}, 400, "invalid_data"),
    ],
)
def test_a_refusal_answers_its_status_and_body_and_changes_nothing(submitted, as_, role, action, body, status, code):
    case_id = submitted.case.pk
    before = snapshot(case_id)
    response = as_(role).post(f"/api/cases/{case_id}/actions/{action}/", body, format="json")
    assert response.status_code == status, response.json()
    payload = response.json()
    assert payload["code"] == code
    assert payload["detail"] and any("\u4e00" <= ch <= "\u9fff" for ch in payload["detail"])
    assert ("errors" in payload) == (status == 400)
    assert snapshot(case_id) == before
    assert AuditEvent.objects.filter(action=action, outcome="refused").exists()


def test_checks_run_in_order_wrong_actor_before_wrong_state_before_bad_data(world, as_):
    with clock.frozen(dt.date(2026, 3, 2)):
        case_id = CaseBuilder(world).filed().case.pk
    # The member is neither reviewer nor in the right state, and sends bad data: 403 wins.
    assert (
        as_("member").post(f"/api/cases/{case_id}/actions/reject/", {"ground": "bad"}, format="json").status_code == 403
    )
    # The reviewer is allowed to reject, but the case is filed: 409 before the bad ground.
    assert (
        as_("reviewer").post(f"/api/cases/{case_id}/actions/reject/", {"ground": "bad"}, format="json").status_code
        == 409
    )


def test_an_assignment_action_without_its_assignment_is_404(world, as_):
    with clock.frozen(dt.date(2026, 3, 2)):
        case_id = CaseBuilder(world).assigned().case.pk
    response = as_("unit").post(f"/api/cases/{case_id}/actions/sign/", {}, format="json")
    assert response.status_code == 404
    assert response.json()["code"] == "assignment_not_found"


def test_a_unit_cannot_act_on_another_units_assignment(world, as_):
    with clock.frozen(dt.date(2026, 3, 2)):
        b = CaseBuilder(world).assigned()
    other = b.assignment(world.unit2).pk
    response = as_("unit").post(f"/api/cases/{b.case.pk}/actions/sign/", {"assignment": other}, format="json")
    assert response.status_code == 403
    assert b.assignment(world.unit2).status == "pending"


def test_a_body_that_is_not_an_object_is_400_after_the_other_checks(submitted, as_):
    case_id = submitted.case.pk
    assert as_("member").post(f"/api/cases/{case_id}/actions/file/", [1], format="json").status_code == 403
    response = as_("reviewer").post(f"/api/cases/{case_id}/actions/file/", [1], format="json")
    assert response.status_code == 400 and response.json()["code"] == "invalid_body"
    assert Case.objects.get(pk=case_id).status == "submitted"


def test_editing_a_submitted_case_is_409_and_bad_draft_data_400(submitted, world, as_):
    case_id = submitted.case.pk
    assert as_("member").patch(f"/api/cases/{case_id}/", {"title": "新标题"}, format="json").status_code == 409
    draft = as_("member").post("/api/cases/", {"title": "草稿"}, format="json").json()["id"]
    response = as_("member").patch(f"/api/cases/{draft}/", {"title": "长" * 101}, format="json")
    assert response.status_code == 400 and "title" in response.json()["errors"]
    assert as_("member2").patch(f"/api/cases/{draft}/", {"title": "x"}, format="json").status_code == 404
