"""Each workflow event notifies exactly the right people, in-app and on their chosen channels."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core import mail
from django.core.management import call_command

from core import clock
from notifications import sms
from notifications.models import Notification, NotificationPreference, OutboxMessage
from proposals import services
from tests.factories import CaseBuilder, reply_letter

PROPOSERS = {"member", "member2"}


def lead(w, b):
    return b.assignment(w.unit)


def co(w, b):
    return b.assignment(w.unit2)


def _merge_ready(w):
    b = CaseBuilder(w).submitted()
    b.host = CaseBuilder(w, cosign=False, title="关于加快先进制造业高质量发展的提案").filed()
    return b


def _extension_requested(w):
    b = CaseBuilder(w).handling()
    a = lead(w, b)
    return b.act(
        "request_extension",
        w.unit_user,
        {"reason": "需协调市级资金", "due": a.due_date + dt.timedelta(days=20)},
        assignment=a,
    )


def _key_recommended(w):
    return CaseBuilder(w).handling().act("recommend_key", w.staff, {"leaders": [w.leader.pk], "plan": "带案视察两次"})


def _unsatisfied(w):
    b = CaseBuilder(w).replied()
    return b.act(
        "rate", w.member, {"reply_rating": "unsatisfied", "contact_rating": "satisfied"}, assignment=lead(w, b)
    )


REPLY = {
    "reply_class": "B",
    "letter": "经研究，答复如下……",
    "signer": "赵局长",
    "contact_person": "钱科长",
    "contact_phone": "0917-6212345",
}

# (id, prepare(w) -> builder, act(w, builder), in-app recipients, SMS recipients under default preferences)
EVENTS = [
    ("create_draft_asks_cosigners", lambda w: None, lambda w, b: CaseBuilder(w), {"member2"}, set()),
    (
        "adding_a_cosigner_asks_only_them",
        lambda w: CaseBuilder(w),
        lambda w, b: services.update_draft(w.member, b.case.pk, cosigners=[w.member2.pk, w.outsider.pk]),
        {"outsider"},
        set(),
    ),
    (
        "editing_the_text_asks_confirmed_cosigners_again",
        lambda w: CaseBuilder(w).cosigned(),
        lambda w, b: services.update_draft(w.member, b.case.pk, facts="补充了新的调研数据。"),
        {"member2"},
        set(),
    ),
    ("cosign_tells_initiator", lambda w: CaseBuilder(w), lambda w, b: b.act("cosign", w.member2), {"member"}, set()),
    (
        "decline_cosign_tells_initiator",
        lambda w: CaseBuilder(w),
        lambda w, b: b.act("decline_cosign", w.member2, {"reason": "不熟悉该领域"}),
        {"member"},
        set(),
    ),
    (
        "withdraw_submitted_tells_cosigners_and_staff",
        lambda w: CaseBuilder(w).submitted(),
        lambda w, b: b.act("withdraw", w.member, {"reason": "问题已解决"}),
        {"member2", "staff"},
        set(),
    ),
    (
        "withdraw_draft_tells_cosigners_only",
        lambda w: CaseBuilder(w),
        lambda w, b: b.act("withdraw", w.member, {"reason": "不再提出"}),
        {"member2"},
        set(),
    ),
    (
        "return_for_revision_tells_proposers",
        lambda w: CaseBuilder(w).submitted(),
        lambda w, b: b.act("return_for_revision", w.reviewer, {"reason": "建议不够具体"}),
        PROPOSERS,
        set(),
    ),
    (
        "file_tells_proposers",
        lambda w: CaseBuilder(w).submitted(),
        lambda w, b: b.act("file", w.reviewer),
        PROPOSERS,
        set(),
    ),
    (
        "convert_tells_proposers",
        lambda w: CaseBuilder(w).submitted(),
        lambda w, b: b.act(
            "convert_to_suggestion", w.reviewer, {"reason": "更适合作为建议", "consent": "电话征得同意"}
        ),
        PROPOSERS,
        set(),
    ),
    (
        "reject_tells_proposers",
        lambda w: CaseBuilder(w).submitted(),
        lambda w, b: b.act("reject", w.reviewer, {"ground": w.ground.pk, "message": "属于个人事项"}),
        PROPOSERS,
        set(),
    ),
    (
        "merge_tells_the_merged_proposers",
        _merge_ready,
        lambda w, b: b.act("merge", w.reviewer, {"host": b.host.case.pk}),
        PROPOSERS,
        set(),
    ),
    (
        "assign_tells_each_unit_and_the_proposers",  # proposers in-app and by email (issue 17 item 7)
        lambda w: CaseBuilder(w).filed(),
        lambda w, b: b.act(
            "assign", w.staff, {"units": [{"unit": w.unit.pk, "role": "lead"}, {"unit": w.unit2.pk, "role": "co"}]}
        ),
        {"unit", "unit2", "member", "member2"},
        {"unit", "unit2"},
    ),
    (
        "reassign_tells_new_and_losing_unit",
        lambda w: CaseBuilder(w).assigned(),
        lambda w, b: b.act("reassign", w.staff, {"replace": co(w, b).pk, "unit": w.unit3.pk, "reason": "职能调整"}),
        {"unit2", "unit3"},
        {"unit2", "unit3"},
    ),
    (
        "sign_tells_nobody",
        lambda w: CaseBuilder(w).assigned(),
        lambda w, b: b.act("sign", w.unit_user, assignment=lead(w, b)),
        set(),
        set(),
    ),
    (
        "request_return_tells_staff",
        lambda w: CaseBuilder(w).assigned(),
        lambda w, b: b.act(
            "request_return",
            w.unit2_user,
            {"reason": "不属本单位职能", "suggested_unit": w.unit3.pk},
            assignment=co(w, b),
        ),
        {"staff"},
        set(),
    ),
    (
        "approve_return_tells_unit",
        lambda w: _return_requested(w),
        lambda w, b: b.act("approve_return", w.staff, {"reason": "同意"}, assignment=co(w, b)),
        {"unit2"},
        set(),
    ),
    (
        "refuse_return_tells_unit",
        lambda w: _return_requested(w),
        lambda w, b: b.act("refuse_return", w.staff, {"reason": "属于贵单位职能"}, assignment=co(w, b)),
        {"unit2"},
        set(),
    ),
    (
        "request_extension_tells_staff",
        lambda w: CaseBuilder(w).handling(),
        lambda w, b: b.act(
            "request_extension",
            w.unit_user,
            {"reason": "需协调市级资金", "due": lead(w, b).due_date + dt.timedelta(days=20)},
            assignment=lead(w, b),
        ),
        {"staff"},
        set(),
    ),
    (
        "approve_extension_tells_unit",
        _extension_requested,
        lambda w, b: b.act("approve_extension", w.staff, {}, assignment=lead(w, b)),
        {"unit"},
        set(),
    ),
    (
        "refuse_extension_tells_unit",
        _extension_requested,
        lambda w, b: b.act("refuse_extension", w.staff, {"reason": "理由不充分"}, assignment=lead(w, b)),
        {"unit"},
        set(),
    ),
    (
        "send_views_tells_lead_unit",
        lambda w: CaseBuilder(w).handling(),
        lambda w, b: b.act("send_views", w.unit2_user, {"text": "同意主办单位意见。"}, assignment=co(w, b)),
        {"unit"},
        set(),
    ),
    (
        "reply_tells_staff",
        lambda w: CaseBuilder(w).handling(),
        lambda w, b: b.act(
            "reply", w.unit_user, {**REPLY, "letter_file": reply_letter(b.case, w.unit_user).pk}, assignment=lead(w, b)
        ),
        {"staff"},
        set(),
    ),
    (
        "return_reply_tells_unit",
        lambda w: CaseBuilder(w).reply_sent(),
        lambda w, b: b.act("return_reply", w.staff, {"reason": "请补充办理措施"}, assignment=lead(w, b)),
        {"unit"},
        set(),
    ),
    (
        "accept_reply_tells_every_proposer",
        lambda w: CaseBuilder(w).reply_sent(),
        lambda w, b: b.act("accept_reply", w.staff, {}, assignment=lead(w, b)),
        PROPOSERS,
        PROPOSERS,
    ),
    (
        "class_change_also_tells_unit",
        lambda w: CaseBuilder(w).reply_sent(),
        lambda w, b: b.act(
            "accept_reply", w.staff, {"reply_class": "A", "reason": "已列入今年计划并开工"}, assignment=lead(w, b)
        ),
        PROPOSERS | {"unit"},
        PROPOSERS,
    ),
    (
        "rating_tells_unit",
        lambda w: CaseBuilder(w).replied(),
        lambda w, b: b.act(
            "rate", w.member, {"reply_rating": "satisfied", "contact_rating": "satisfied"}, assignment=lead(w, b)
        ),
        {"unit"},
        set(),
    ),
    (
        "unsatisfied_rating_also_tells_staff",
        lambda w: CaseBuilder(w).replied(),
        lambda w, b: b.act(
            "rate", w.member, {"reply_rating": "unsatisfied", "contact_rating": "basic"}, assignment=lead(w, b)
        ),
        {"unit", "staff"},
        set(),
    ),
    (
        "rehandle_tells_unit_and_the_proposers",
        _unsatisfied,
        lambda w, b: b.act("rehandle", w.staff, {"reason": "请重新办理"}),
        {"unit", "member", "member2"},
        {"unit"},
    ),
    (
        "close_tells_proposers_and_units",
        lambda w: CaseBuilder(w).replied().rated(),
        lambda w, b: b.act("close", w.staff),
        PROPOSERS | {"unit", "unit2"},
        set(),
    ),
    (
        "designate_key_tells_leader_and_units",
        _key_recommended,
        lambda w, b: b.act("designate_key", w.reviewer, {}),
        {"leader", "unit", "unit2"},
        set(),
    ),
    (
        "supervision_tells_units_and_proposers",
        lambda w: _key_recommended(w).act("designate_key", w.reviewer, {}),
        lambda w, b: b.act(
            "log_supervision",
            w.leader,
            {
                "kind": "inspection",
                "date": clock.today(),
                "people": "督办领导、区住建局",
                "minutes": "现场查看棚改进度。",
            },
        ),
        PROPOSERS | {"unit", "unit2"},
        set(),
    ),
    (
        "publish_tells_proposers",
        lambda w: CaseBuilder(w).closed(),
        lambda w, b: b.act("publish", w.staff),
        PROPOSERS,
        set(),
    ),
]


def _deliver() -> None:
    call_command("deliver_outbox", stdout=io.StringIO())


def _return_requested(w):
    b = CaseBuilder(w).assigned()
    return b.act(
        "request_return", w.unit2_user, {"reason": "不属本单位职能", "suggested_unit": w.unit3.pk}, assignment=co(w, b)
    )


@pytest.mark.parametrize("prepare, act, in_app, by_sms", [pytest.param(*e[1:], id=e[0]) for e in EVENTS])
def test_each_event_notifies_exactly_the_right_people(w, watch, prepare, act, in_app, by_sms):
    builder = prepare(w)
    _deliver()  # what the preparation queued is not this event's
    mail.outbox.clear()
    sms.outbox.clear()
    seen = watch()

    act(w, builder)

    assert seen.notified() == in_app
    _deliver()
    emails = {addr for message in mail.outbox for addr in message.to}
    assert emails == {f"{w.users()[name].username}@example.cn" for name in in_app}
    assert {m.phone for m in sms.outbox} == {w.users()[name].phone for name in by_sms}


def test_a_notice_names_the_case_links_to_it_and_carries_the_reason(w, watch):
    b = CaseBuilder(w).submitted()
    seen = watch()
    b.act("return_for_revision", w.reviewer, {"reason": "建议不够具体"})
    notice = seen.notices().get(user=w.member)
    assert "关于加快车站棚户区改造的提案" in notice.title and "退回修改" in notice.title
    assert "建议不够具体" in notice.body
    assert notice.link == f"/cases/{b.case.pk}/"
    assert notice.case_id == b.case.pk and notice.read_at is None


def test_accepted_reply_links_to_the_rating_form(w, watch):
    b = CaseBuilder(w).reply_sent()
    seen = watch()
    b.act("accept_reply", w.staff, {}, assignment=lead(w, b))
    assert all(n.link.endswith("#rate") and "请评价" in n.title for n in seen.notices())


def test_channels_follow_each_users_choice_in_app_always_on(w, watch):
    NotificationPreference.objects.create(user=w.member, event="review_outcome", email=False, sms=True)
    NotificationPreference.objects.create(user=w.member2, event="review_outcome", email=False, sms=False)
    b = CaseBuilder(w).submitted()
    _deliver()
    mail.outbox.clear()
    sms.outbox.clear()
    seen = watch()
    b.act("file", w.reviewer)
    _deliver()
    assert seen.notified() == PROPOSERS
    assert mail.outbox == []
    assert [m.phone for m in sms.outbox] == [w.member.phone]
    assert sms.outbox[0].text.startswith("【陈仓区政协】")


def test_nobody_without_an_address_gets_an_outbox_row(w, watch):
    w.unit_user.email, w.unit_user.phone = "", ""
    w.unit_user.save()
    b = CaseBuilder(w).filed()
    b.act("assign", w.staff, {"units": [{"unit": w.unit.pk, "role": "lead"}]})
    assert Notification.objects.filter(user=w.unit_user, event="assigned").count() == 1
    assert not OutboxMessage.objects.filter(recipient=w.unit_user).exists()


def test_an_actor_is_not_notified_of_their_own_action(w, watch):
    # A staff member who is also a contact of the unit gets no notice of the reply they themself sent back.
    w.unit.contacts.add(w.staff)
    b = CaseBuilder(w).reply_sent()
    seen = watch()
    b.act("return_reply", w.staff, {"reason": "请补充"}, assignment=lead(w, b))
    assert seen.notified() == {"unit"}
