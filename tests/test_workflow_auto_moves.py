"""The moves a case makes by itself (workflow.AUTO_MOVES), applied by the runner after every action,
whatever order the units signed, replied and were accepted in (issue 13, item 1)."""

from __future__ import annotations

import datetime as dt

from django.core.management import call_command

from audit.models import AuditEvent
from core import clock
from proposals.workflow import ACTIONS, automatic_move
from tests.factories import CaseBuilder

T0 = dt.date(2026, 3, 2)
REPLY = {
    "reply_class": "A",
    "letter": "经研究，答复如下……",
    "signer": "赵局长",
    "contact_person": "钱科长",
    "contact_phone": "0917-6212345",
}


def _reply(b, user, assignment):
    from tests.factories import upload

    letter = upload(b.case, user, purpose="reply_letter", name="reply.pdf")
    return b.act("reply", user, {**REPLY, "letter_file": letter.pk}, assignment=assignment)


def test_the_stuck_sequence_lead_accepted_before_the_co_handler_signed_ends_in_replied(world):
    """Issue 13: lead signs and replies, staff accept while the co-handler is still pending (case
    assigned), then the co-handler signs. Decision: the accept is allowed (a unit's actions never wait
    on another unit's) and the case is replied as soon as every replying assignment is accepted."""
    w = world
    with clock.frozen(T0):
        b = CaseBuilder(w).assigned(co=True)
        lead, co = b.assignment(w.unit), b.assignment(w.unit2)
        b.act("sign", w.unit_user, assignment=lead)
        _reply(b, w.unit_user, b.assignment(w.unit))
        assert b.refresh().status == "assigned"
        b.act("accept_reply", w.staff, assignment=b.assignment(w.unit))
        case = b.refresh()
        assert case.status == "replied"
        assert case.rating_deadline is not None and case.replied_at is not None
        event = AuditEvent.objects.filter(case=case, action="accept_reply").get()
        assert event.data["case_status"] == ["assigned", "replied"]
        assert event.data["auto_moves"] == ["all_replies_accepted"]
        # The co-handler is no longer needed: its sign is refused (the case is past handling), nothing is stuck.
        assert automatic_move(case) is None
        b.rated().act("close", w.staff)
        assert b.refresh().status == "closed"
        assert co.pk


def test_a_deemed_signature_moves_the_case_like_a_signature(world):
    w = world
    with clock.frozen(T0):
        b = CaseBuilder(w).assigned(co=True)
        b.act("sign", w.unit_user, assignment=b.assignment(w.unit))
    with clock.frozen(T0 + dt.timedelta(days=14)):
        call_command("deem_signed")
        case = b.refresh()
        assert case.status == "handling"
        assert b.assignment(w.unit2).deemed_signed


def test_approving_the_last_unsigned_units_return_moves_the_case_to_handling(world):
    w = world
    with clock.frozen(T0):
        b = CaseBuilder(w).assigned(co=True)
        b.act("sign", w.unit_user, assignment=b.assignment(w.unit))
        b.act(
            "request_return",
            w.unit2_user,
            {"reason": "不属于本单位职责。", "suggested_unit": w.unit3.pk},
            assignment=b.assignment(w.unit2),
        )
        b.act("approve_return", w.staff, {"reason": "同意。"}, assignment=b.assignment(w.unit2))
        assert b.refresh().status == "handling"


def test_every_assignment_move_of_the_table_is_applied_by_the_runner():
    """The handlers no longer set assignment states: the table does (checked in the source)."""
    import inspect

    from proposals import services

    for name, action in ACTIONS.items():
        if action.assignment_to:
            source = inspect.getsource(services.HANDLERS[name])
            assert ".status =" not in source, name
