"""Bad input is refused with a clear Chinese message, field by field, and changes nothing."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from audit.models import AuditEvent
from core import clock
from members.models import Role
from proposals import services
from proposals.errors import WorkflowError
from proposals.models import Assignment, Case, Proposer, Reply
from tests.factories import CaseBuilder, UserFactory, make_member, make_term, make_unit

T0 = dt.date(2026, 3, 2)
CHINESE = re.compile(r"[\u4e00-\u9fff]")


def _state() -> dict:
    return {
        "cases": list(Case.objects.order_by("id").values()),
        "proposers": list(Proposer.objects.order_by("id").values()),
        "assignments": list(Assignment.objects.order_by("id").values()),
        "replies": list(Reply.objects.order_by("id").values()),
        "success": AuditEvent.objects.filter(outcome="success").count(),
        "refused": AuditEvent.objects.filter(outcome="refused").count(),
    }


def _refused(call, field: str, code: str | None = None) -> WorkflowError:
    before = _state()
    with clock.frozen(T0), pytest.raises(WorkflowError) as caught:
        call()
    error = caught.value
    assert error.kind == "invalid" and error.http_status == 400
    assert field in error.errors and all(CHINESE.search(m) for m in error.errors[field])
    assert CHINESE.search(error.message)
    if code:
        assert error.code == code
    after = _state()
    assert after["refused"] == before["refused"] + 1
    before.pop("refused"), after.pop("refused")
    assert after == before
    return error


def _draft(world, **overrides):
    fields = {
        "title": "关于加快车站棚户区改造的提案",
        "facts": "房屋老旧。",
        "suggestions": "分期实施。",
        "category": world.category.pk,
    } | overrides
    return lambda: services.create_draft(world.member, **fields)


def test_an_empty_title_is_refused(world):
    error = _refused(_draft(world, title="   "), "title")
    assert "案由" in error.message


def test_a_title_over_100_characters_is_refused(world):
    error = _refused(_draft(world, title="关" * 101), "title", "title_invalid")
    assert "100" in error.message and "101" in error.message


def test_a_title_of_exactly_100_characters_is_accepted(world):
    with clock.frozen(T0):
        assert len(_draft(world, title="关" * 100)().title) == 100


def test_editing_a_draft_to_an_empty_or_over_long_title_is_refused(world):
    with clock.frozen(T0):
        case = CaseBuilder(world).case
    _refused(lambda: services.update_draft(world.member, case.pk, title=""), "title")
    _refused(lambda: services.update_draft(world.member, case.pk, title="改" * 101), "title")


def test_an_over_long_title_in_review_is_refused(world):
    with clock.frozen(T0):
        case = CaseBuilder(world).submitted().case
    _refused(
        lambda: services.perform("edit_for_review", world.staff, case.pk, {"title": "改" * 101}),
        "title",
        "invalid_data",
    )


def test_a_cosigner_who_is_not_a_member_of_the_term_is_refused(world):
    old_term = make_term(current=False, number=3, start=dt.date(2017, 1, 5))
    former = make_member(old_term, name="赵前委员")  # a member of the 3rd term only
    not_member = UserFactory(name="钱群众", roles=[Role.MEMBER])
    for user in (former, not_member):
        error = _refused(_draft(world, cosigners=[user.pk]), "cosigners", "cosigner_not_member")
        assert user.display_name in error.message
    with clock.frozen(T0):
        case = CaseBuilder(world, cosign=False).case
    _refused(lambda: services.update_draft(world.member, case.pk, cosigners=[former.pk]), "cosigners")


def test_assignment_to_an_inactive_unit_is_refused(world):
    closed_unit, _ = make_unit("区已撤销局", active=False)
    with clock.frozen(T0):
        case = CaseBuilder(world).filed().case
    error = _refused(
        lambda: services.perform("assign", world.staff, case.pk, {"units": [{"unit": closed_unit.pk, "role": "lead"}]}),
        "units",
        "unit_inactive",
    )
    assert "区已撤销局" in error.message
    assert Case.objects.get(pk=case.pk).status == "filed"


def test_a_reply_without_a_class_is_refused(world):
    with clock.frozen(T0):
        b = CaseBuilder(world).handling()
    lead = b.assignment(world.unit)
    data = {"letter": "经研究……", "signer": "赵局长", "contact_person": "钱科长", "contact_phone": "0917-6212345"}
    _refused(
        lambda: services.perform("reply", world.unit_user, b.case.pk, data, assignment_id=lead.pk),
        "reply_class",
        "reply_class_required",
    )
    _refused(
        lambda: services.perform(
            "reply", world.unit_user, b.case.pk, data | {"reply_class": "D"}, assignment_id=lead.pk
        ),
        "reply_class",
        "invalid_data",
    )
    lead.refresh_from_db()
    assert lead.status == "signed"


def test_a_merge_into_a_case_of_the_other_kind_is_refused(world):
    with clock.frozen(T0):
        suggestion = CaseBuilder(world, title="关于城镇生活污水处理的建议").converted().case
        CaseBuilder(world).filed()  # a host of the right kind exists, so 并案 is offered at all
        case = CaseBuilder(world).submitted().case
    error = _refused(
        lambda: services.perform("merge", world.reviewer, case.pk, {"host": suggestion.pk}),
        "host",
        "merge_kind_mismatch",
    )
    assert "建议" in error.message and "提案" in error.message


def test_missing_required_fields_are_named_one_by_one(world):
    with clock.frozen(T0):
        case = CaseBuilder(world).submitted().case
    error = _refused(lambda: services.perform("reject", world.reviewer, case.pk, {}), "ground", "invalid_data")
    assert set(error.errors) == {"ground", "message"}
    assert error.as_dict()["errors"] == error.errors
