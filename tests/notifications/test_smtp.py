"""Email end to end: a notice of each kind goes through Django's SMTP backend to a local SMTP server."""

from __future__ import annotations

import email
import email.policy
import socket

import pytest

from notifications import outbox
from notifications import rules as notifications
from notifications.models import OutboxMessage
from tests.conftest import skip_or_fail
from tests.factories import CaseBuilder

try:
    from aiosmtpd import controller as aiosmtpd_controller
except ImportError:  # requirements-dev.txt
    aiosmtpd_controller = None


class Keep:
    def __init__(self):
        self.envelopes = []

    async def handle_DATA(self, server, session, envelope):
        self.envelopes.append(envelope)
        return "250 OK"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def smtp(settings):
    if aiosmtpd_controller is None:
        skip_or_fail("aiosmtpd is not installed (pip install -r requirements-dev.txt)")
    handler = Keep()
    controller = aiosmtpd_controller.Controller(handler, hostname="127.0.0.1", port=_free_port())
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", controller.port
    settings.EMAIL_USE_TLS, settings.EMAIL_HOST_USER, settings.EMAIL_HOST_PASSWORD = False, "", ""
    settings.DEFAULT_FROM_EMAIL = "陈仓区政协提案委 <noreply@example.cn>"
    settings.SITE_URL = "https://zx.example.cn"
    yield handler
    controller.stop()


def read(envelope):
    return email.message_from_bytes(envelope.content, policy=email.policy.default)


def test_a_notice_of_each_kind_arrives_and_reads_back(w, smtp):
    case = CaseBuilder(w, cosign=False).filed().case
    titles = {}
    for kind, event in notifications.EVENT_KINDS.items():
        titles[kind] = f"测试通知（{event.label}）：“{case.title}”"
        # email on for every kind (some default to in-app and SMS only)
        notifications.NotificationPreference.objects.update_or_create(
            user=w.member, event=kind, defaults={"email": True, "sms": False}
        )
        notifications.write(
            [w.member],
            kind=kind,
            case=case,
            title=titles[kind],
            body=f"{event.label}的正文。",
            link=notifications.case_link(case.pk),
            key=f"smtp-test:{kind}",
        )
    report = outbox.deliver()
    assert not report.failed and not report.retrying
    mine = [read(e) for e in smtp.envelopes if e.rcpt_tos == [w.member.email]]
    # (a long encoded Subject is folded onto the next line; the parser keeps the fold's space)
    by_subject = {m["Subject"].strip(): m for m in mine if m["Subject"].strip().startswith("测试通知")}
    assert set(by_subject) == set(titles.values())
    for kind, title in titles.items():
        message = by_subject[title]
        text = message.get_content()
        assert message["To"] == w.member.email and "noreply@example.cn" in message["From"]
        assert title in text and f"{notifications.EVENT_KINDS[kind].label}的正文。" in text
        assert f"查看详情：https://zx.example.cn{notifications.case_link(case.pk)}" in text
    assert OutboxMessage.objects.filter(recipient=w.member, channel="email", state="sent").count() >= len(titles)


def test_a_workflow_action_mails_the_proposers_through_smtp(w, smtp):
    CaseBuilder(w).submitted().act("file", w.reviewer)
    outbox.deliver()
    got = {e.rcpt_tos[0]: read(e) for e in smtp.envelopes}
    assert {w.member.email, w.member2.email} <= set(got)
    assert "已立案" in got[w.member.email]["Subject"]
