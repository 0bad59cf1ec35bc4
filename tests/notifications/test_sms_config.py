"""A configuration that could send an SMS over the limit is refused when the site starts, not when it sends."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.core.management.base import SystemCheckError

from notifications.checks import sms_configuration
from notifications.rules import EVENT_KINDS
from notifications.sms_templates import PARAM_MAX, TEMPLATES, signed

ALIYUN = "notifications.sms_aliyun.AliyunSMSBackend"
TENCENT = "notifications.sms_tencent.TencentSMSBackend"


def ids(problems) -> list[str]:
    return sorted(p.id for p in problems)


def test_every_kind_of_event_has_a_template_and_every_template_fits_one_message():
    assert set(TEMPLATES) == set(EVENT_KINDS)
    for template in TEMPLATES.values():
        assert len(signed(template.longest())) <= 70, template.kind
        assert all(name in PARAM_MAX and "${" + name + "}" in template.text for name in template.params)


def test_the_default_configuration_passes(settings):
    assert sms_configuration() == []


def test_a_long_signature_is_refused_by_manage_py_check(settings):
    settings.SMS_SIGN = "政协宝鸡市陈仓区委员会提案委员会办公室专用短信"
    problems = sms_configuration()
    assert "notifications.E104" in ids(problems)
    reminder = next(p for p in problems if "“reminder”" in p.msg)
    assert "超过上限 70 字" in reminder.msg
    with pytest.raises(SystemCheckError):
        call_command("check")


def test_a_lower_limit_refuses_the_templates_that_could_exceed_it(settings):
    settings.SMS_MAX_LENGTH = 50
    too_long = {kind for kind, t in TEMPLATES.items() if len(signed(t.longest())) > 50}
    assert too_long and {p.msg.split("”")[0].split("“")[1] for p in sms_configuration()} == too_long


@pytest.mark.parametrize(
    "backend, env",
    [
        (ALIYUN, ("ALIBABA_CLOUD_ACCESS_KEY_ID", "ALIBABA_CLOUD_ACCESS_KEY_SECRET")),
        (TENCENT, ("TENCENTCLOUD_SECRET_ID", "TENCENTCLOUD_SECRET_KEY")),
    ],
)
def test_a_gateway_needs_its_credentials_sign_and_codes(settings, monkeypatch, backend, env):
    settings.SMS_BACKEND = backend
    settings.SMS_TENCENT_APP_ID = "1400787878"
    for name in env:
        monkeypatch.delenv(name, raising=False)
    settings.SMS_TEMPLATES = {"assigned": "SMS_1", "no_such_kind": "SMS_2"}
    found = ids(sms_configuration())
    assert found.count("notifications.E106") == 2 and "notifications.E103" in found and "notifications.W101" in found
    for name in env:
        monkeypatch.setenv(name, "x")
    settings.SMS_TEMPLATES = {kind: f"SMS_{i}" for i, kind in enumerate(TEMPLATES)}
    assert sms_configuration() == []
    settings.SMS_SIGN = ""
    assert ids(sms_configuration()) == ["notifications.E105"]
    settings.SMS_SIGN, settings.SMS_MAX_LENGTH = "陈仓区政协", 600
    assert ids(sms_configuration()) == ["notifications.E102"]


def test_tencent_needs_its_app_id(settings, monkeypatch):
    settings.SMS_BACKEND, settings.SMS_TENCENT_APP_ID = TENCENT, ""
    monkeypatch.setenv("TENCENTCLOUD_SECRET_ID", "x")
    monkeypatch.setenv("TENCENTCLOUD_SECRET_KEY", "x")
    settings.SMS_TEMPLATES = {kind: f"{i}" for i, kind in enumerate(TEMPLATES)}
    assert ids(sms_configuration()) == ["notifications.E107"]


def test_on_a_gateway_only_the_configured_templates_are_measured(settings, monkeypatch):
    settings.SMS_BACKEND = ALIYUN
    monkeypatch.setenv("ALIBABA_CLOUD_ACCESS_KEY_ID", "x")
    monkeypatch.setenv("ALIBABA_CLOUD_ACCESS_KEY_SECRET", "x")
    settings.SMS_MAX_LENGTH = 50
    settings.SMS_TEMPLATES = {"closed": "SMS_1"}  # 45 characters at most
    assert [p.id for p in sms_configuration() if p.level >= 40] == []
    settings.SMS_TEMPLATES = {"closed": "SMS_1", "reminder": "SMS_2"}  # 66
    assert [p.id for p in sms_configuration() if p.level >= 40] == ["notifications.E104"]
