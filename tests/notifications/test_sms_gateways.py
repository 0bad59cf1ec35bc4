"""The Alibaba Cloud and Tencent Cloud SMS backends, through their SDKs, against local fakes of the gateways."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from core import clock
from notifications import outbox, sms_aliyun, sms_tencent
from notifications.models import OutboxMessage
from notifications.sms_templates import TEMPLATES
from tests.factories import CaseBuilder
from tests.notifications import fake_gateways as fg

CODES = {kind: f"SMS_4801{n:05d}" for n, kind in enumerate(TEMPLATES)}


def _aliyun(settings, monkeypatch, fake):
    settings.SMS_BACKEND = "notifications.sms_aliyun.AliyunSMSBackend"
    settings.SMS_ALIYUN_ENDPOINT, settings.SMS_ALIYUN_PROTOCOL = fake.endpoint, "http"
    monkeypatch.setenv("ALIBABA_CLOUD_ACCESS_KEY_ID", fg.ALIYUN_KEY_ID)
    monkeypatch.setenv("ALIBABA_CLOUD_ACCESS_KEY_SECRET", fg.ALIYUN_SECRET)


def _tencent(settings, monkeypatch, fake):
    settings.SMS_BACKEND = "notifications.sms_tencent.TencentSMSBackend"
    settings.SMS_TENCENT_ENDPOINT, settings.SMS_TENCENT_PROTOCOL = fake.endpoint, "http"
    settings.SMS_TENCENT_APP_ID = "1400787878"
    monkeypatch.setenv("TENCENTCLOUD_SECRET_ID", fg.TENCENT_ID)
    monkeypatch.setenv("TENCENTCLOUD_SECRET_KEY", fg.TENCENT_KEY)


PROVIDERS = {"aliyun": (fg.ALIYUN_SECRET, _aliyun), "tencent": (fg.TENCENT_KEY, _tencent)}


@pytest.fixture(params=sorted(PROVIDERS))
def gateway(request, settings, monkeypatch):
    secret, configure = PROVIDERS[request.param]
    fake = fg.start(request.param, secret)
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
    configure(settings, monkeypatch, fake)
    settings.SMS_TEMPLATES = dict(CODES)
    settings.SMS_SIGN = "陈仓区政协"
    yield fake
    fg.stop(fake)


def sent_template(fake: fg.Fake, received: fg.Received) -> tuple[str, str, str, list | dict]:
    """(phone, signature, template code, params) as the gateway received them."""
    if fake.kind == "aliyun":
        q = received.query
        return q["PhoneNumbers"], q["SignName"], q["TemplateCode"], json.loads(q["TemplateParam"])
    body = received.json
    assert body["SmsSdkAppId"] == "1400787878"
    (number,) = body["PhoneNumberSet"]
    return number.removeprefix("+86"), body["SignName"], body["TemplateId"], body["TemplateParamSet"]


def unit_sms(w):
    return OutboxMessage.objects.get(channel="sms", template="assigned", recipient=w.unit_user)


def test_an_assignment_goes_out_as_the_registered_template_signed_as_the_provider_specifies(w, gateway):
    b = CaseBuilder(w, title="关于加快车站棚户区改造推进老城区更新的提案").filed()
    b.act("assign", w.staff, {"units": [{"unit": w.unit.pk, "role": "lead"}, {"unit": w.unit2.pk, "role": "co"}]})
    report = outbox.deliver()
    queued = OutboxMessage.objects.filter(channel="sms")
    assert {m.template for m in queued} == {"assigned"} and len(
        report.sent
    ) == queued.count() + OutboxMessage.objects.filter(channel="email").count()
    assert len(gateway.requests) == 2  # one per unit contact, nothing else by SMS
    assert all(r.signature_ok for r in gateway.requests), [r.problem for r in gateway.requests]
    got = {sent_template(gateway, r)[0]: sent_template(gateway, r) for r in gateway.requests}
    _phone, sign, code, params = got[w.unit_user.phone]
    assert (sign, code) == ("陈仓区政协", CODES["assigned"])
    title = "关于加快车站棚户区改造推进老城区更新的…"  # 20 characters at most
    assert len(title) == 20
    if gateway.kind == "aliyun":
        assert params == {"title": title, "result": "已交办贵单位"}
        assert gateway.requests[0].headers["x-acs-action"] == "SendSms"
    else:
        assert params == [title, "已交办贵单位"]
    message = unit_sms(w)
    assert message.state == "sent" and message.body == f"“{title}”已交办贵单位。请登录提案管理系统办理。"
    # Nothing is sent twice: a second run finds nothing to send.
    assert outbox.deliver().sent == [] and len(gateway.requests) == 2


RATE_LIMITED = {"aliyun": "isv.BUSINESS_LIMIT_CONTROL", "tencent": "LimitExceeded.PhoneNumberOneHourLimit"}
BAD_NUMBER = {"aliyun": "isv.MOBILE_NUMBER_ILLEGAL", "tencent": "InvalidParameterValue.IncorrectPhoneNumber"}
NOT_APPROVED = {"aliyun": "isv.SMS_TEMPLATE_ILLEGAL", "tencent": "FailedOperation.TemplateIncorrectOrUnapproved"}
THROTTLED = {"aliyun": "Throttling.User", "tencent": "RequestLimitExceeded"}


def _one_sms(w):
    CaseBuilder(w).filed().act("assign", w.staff, {"units": [{"unit": w.unit.pk, "role": "lead"}]})
    OutboxMessage.objects.filter(channel="email").update(state="sent")
    return unit_sms(w)


@pytest.mark.parametrize("codes", [RATE_LIMITED, THROTTLED], ids=["rate_limited", "throttled"])
def test_rate_limits_are_retried_with_backoff_and_then_sent_once(w, gateway, codes):
    message = _one_sms(w)
    gateway.script = [codes[gateway.kind]]
    start = clock.now()
    with clock.frozen(start):
        report = outbox.deliver()
    message.refresh_from_db()
    assert report.retrying == [message.pk] and (message.state, message.attempts) == ("pending", 1)
    assert codes[gateway.kind] in message.last_error
    assert message.next_attempt_at == start + outbox.backoff(1)
    with clock.frozen(start + dt.timedelta(seconds=30)):
        assert outbox.deliver().sent == []  # backing off
    assert len(gateway.requests) == 1
    with clock.frozen(start + dt.timedelta(minutes=2)):
        assert outbox.deliver().sent == [message.pk]
    with clock.frozen(start + dt.timedelta(hours=1)):
        assert outbox.deliver().sent == []
    message.refresh_from_db()
    assert message.state == "sent" and len(gateway.requests) == 2
    assert all(r.signature_ok for r in gateway.requests)


@pytest.mark.parametrize("codes", [BAD_NUMBER, NOT_APPROVED], ids=["invalid_number", "template_not_approved"])
def test_errors_no_retry_can_mend_fail_at_once(w, gateway, codes):
    message = _one_sms(w)
    gateway.script = [codes[gateway.kind]]
    report = outbox.deliver()
    message.refresh_from_db()
    assert report.failed == [message.pk] and (message.state, message.attempts) == ("failed", 1)
    assert codes[gateway.kind] in message.last_error
    with clock.frozen(clock.now() + dt.timedelta(days=1)):
        outbox.deliver()
    assert len(gateway.requests) == 1


def test_a_wrong_secret_is_refused_by_the_gateway_and_never_written_down(w, gateway, monkeypatch):
    message = _one_sms(w)
    wrong = "this-is-not-the-secret-9f8e7d"
    monkeypatch.setenv(
        "ALIBABA_CLOUD_ACCESS_KEY_SECRET" if gateway.kind == "aliyun" else "TENCENTCLOUD_SECRET_KEY", wrong
    )
    outbox.deliver()
    message.refresh_from_db()
    (received,) = gateway.requests
    assert not received.signature_ok and received.problem == "signature mismatch"
    assert message.state == "failed"  # a configuration error: staff see it on the outbox page
    assert (
        "SignatureDoesNotMatch" if gateway.kind == "aliyun" else "AuthFailure.SignatureFailure"
    ) in message.last_error
    for row in OutboxMessage.objects.values_list("body", "last_error", "params"):
        assert wrong not in str(row) and fg.ALIYUN_SECRET not in str(row) and fg.TENCENT_KEY not in str(row)


def test_a_message_claimed_by_another_worker_is_not_sent_again(w, gateway):
    message = _one_sms(w)
    worker, claimed = outbox.claim()
    assert [m.pk for m in claimed] == [message.pk]
    assert outbox.deliver().sent == [] and gateway.requests == []  # the second server sends nothing
    report = outbox.Report()
    outbox.send_one(claimed[0])
    outbox._finish(claimed[0], worker, report, None)
    assert report.sent == [message.pk] and len(gateway.requests) == 1
    assert outbox.deliver().sent == [] and len(gateway.requests) == 1


def test_an_unreachable_gateway_is_retried(w, gateway):
    message = _one_sms(w)
    fg.stop(gateway)  # nothing listens on its port any more
    outbox.deliver()
    message.refresh_from_db()
    assert (message.state, message.attempts) == ("pending", 1)
    assert ("不可达" if gateway.kind == "aliyun" else "ClientNetworkError") in message.last_error


def test_a_kind_without_a_template_code_queues_no_sms(w, gateway, settings):
    settings.SMS_TEMPLATES = {k: v for k, v in CODES.items() if k != "assigned"}
    CaseBuilder(w).filed().act("assign", w.staff, {"units": [{"unit": w.unit.pk, "role": "lead"}]})
    assert not OutboxMessage.objects.filter(channel="sms").exists()
    assert OutboxMessage.objects.filter(channel="email", recipient=w.unit_user).exists()


@pytest.mark.parametrize(
    "module, code, give_up",
    [
        (sms_aliyun, "isv.BUSINESS_LIMIT_CONTROL", False),
        (sms_aliyun, "isv.DAY_LIMIT_CONTROL", False),
        (sms_aliyun, "isv.AMOUNT_NOT_ENOUGH", False),
        (sms_aliyun, "isp.SYSTEM_ERROR", False),
        (sms_aliyun, "isv.MOBILE_NUMBER_ILLEGAL", True),
        (sms_aliyun, "isv.SMS_TEMPLATE_ILLEGAL", True),
        (sms_aliyun, "isv.SMS_SIGNATURE_ILLEGAL", True),
        (sms_aliyun, "InvalidAccessKeyId.NotFound", True),
        (sms_aliyun, "isv.SOMETHING_NEW", False),
        (sms_tencent, "LimitExceeded.PhoneNumberDailyLimit", False),
        (sms_tencent, "RequestLimitExceeded", False),
        (sms_tencent, "FailedOperation.InsufficientBalanceInSmsPackage", False),
        (sms_tencent, "ClientNetworkError", False),
        (sms_tencent, "InvalidParameterValue.IncorrectPhoneNumber", True),
        (sms_tencent, "FailedOperation.TemplateIncorrectOrUnapproved", True),
        (sms_tencent, "FailedOperation.SignatureIncorrectOrUnapproved", True),
        (sms_tencent, "InvalidParameterValue.SomethingNew", True),
        (sms_tencent, "InternalError.Unknown", False),
    ],
)
def test_provider_codes_map_to_retry_or_give_up(module, code, give_up):
    from notifications.sms import SMSError, SMSGiveUp

    error = module.classify(code, "x")
    assert isinstance(error, SMSError) and isinstance(error, SMSGiveUp) is give_up and code in str(error)
