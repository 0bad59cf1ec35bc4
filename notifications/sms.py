"""SMS channel: pluggable backends, chosen by ``settings.SMS_BACKEND`` (a dotted class path).

- ``ConsoleSMSBackend`` (development): writes each message to stdout.
- ``LocmemSMSBackend`` (tests): appends to the module-level ``outbox`` list.
- ``HttpSMSBackend``: a generic free-text HTTP gateway, see its docstring.
- ``notifications.sms_aliyun.AliyunSMSBackend``, ``notifications.sms_tencent.TencentSMSBackend``
  (production): the template gateways offices use, through the providers' official SDKs.

A backend has ``send_template(phone, template, params, text, ref)`` (the kind of event whose
registered template is sent, its parameters, the rendered text and the outbox id); the free-text
backends fall back to ``send(phone, text)``. It raises ``SMSError`` on a failure worth retrying
(the outbox backs off and tries again) and ``SMSGiveUp`` on one that no retry can mend (an
invalid number, a template not approved): the outbox marks that message failed at once. Phone
numbers come from ``User.phone`` (members and unit contacts alike).
"""

from __future__ import annotations

import json
import sys
import urllib.error
import urllib.request
from dataclasses import dataclass

from django.conf import settings
from django.utils.module_loading import import_string


class SMSError(Exception):
    """A failure worth retrying later (rate limited, network, provider busy)."""


class SMSGiveUp(SMSError):
    """A failure no retry mends (invalid number, template or signature not approved, bad credentials)."""


@dataclass(frozen=True)
class SMS:
    phone: str
    text: str
    template: str = ""
    params: tuple = ()


# The locmem backend's messages; tests empty it between tests.
outbox: list[SMS] = []


class BaseSMSBackend:
    provider = ""  # a template gateway ("aliyun", "tencent"): only registered templates can be sent
    label = "短信"
    credential_env: tuple[str, ...] = ()
    max_length_cap: int | None = None

    def send(self, phone: str, text: str) -> None:
        raise NotImplementedError

    def send_template(self, phone: str, template: str, params: dict, text: str, ref: str = "") -> None:
        self.send(phone, text)

    @classmethod
    def available(cls, kind: str) -> bool:
        """Whether a notice of this kind can go out by SMS (a gateway needs its template's code)."""
        if not cls.provider:
            return True
        from .sms_templates import code_for

        return bool(code_for(kind))


class ConsoleSMSBackend(BaseSMSBackend):
    label = "控制台（开发用，不真正发送）"

    def send_template(self, phone: str, template: str, params: dict, text: str, ref: str = "") -> None:
        sys.stdout.write(
            f"[短信 模板 {template} 参数 {json.dumps(params, ensure_ascii=False)}] {phone}: {_signed(text)}\n"
        )
        sys.stdout.flush()

    def send(self, phone: str, text: str) -> None:
        sys.stdout.write(f"[短信] {phone}: {_signed(text)}\n")
        sys.stdout.flush()


class LocmemSMSBackend(BaseSMSBackend):
    label = "内存（测试用）"

    def send(self, phone: str, text: str) -> None:
        outbox.append(SMS(phone, _signed(text)))

    def send_template(self, phone: str, template: str, params: dict, text: str, ref: str = "") -> None:
        outbox.append(SMS(phone, _signed(text), template, tuple(sorted(params.items()))))


class HttpSMSBackend(BaseSMSBackend):
    """The provider's HTTP API as the offices' SMS gateways (运营商/云短信) expose it.

    Request: ``POST {SMS_API_URL}`` with ``Content-Type: application/json`` and
    ``Authorization: Bearer {SMS_API_KEY}``, body::

        {"phone": "13917000001", "sign": "陈仓区政协", "content": "提案“…”已交办贵单位，请及时签收。"}

    ``sign`` is the registered signature (签名, setting ``SMS_SIGN``); providers put it in
    brackets before the text. Any 2xx answer is success; anything else, a timeout or a JSON
    body with a non-zero ``code`` raises SMSError, and the outbox retries later. A provider with
    another request shape gets its own subclass overriding ``payload()`` / ``check()``.
    """

    timeout = 10

    def payload(self, phone: str, text: str) -> dict:
        return {"phone": phone, "sign": getattr(settings, "SMS_SIGN", ""), "content": text}

    def check(self, status: int, body: bytes) -> None:
        if not 200 <= status < 300:
            raise SMSError(f"短信接口返回 HTTP {status}: {body[:200]!r}")
        try:
            answer = json.loads(body or b"{}")
        except ValueError:
            return
        if isinstance(answer, dict) and answer.get("code") not in (None, 0, "0", "OK", "ok"):
            raise SMSError(f"短信接口拒绝：{answer}")

    def send(self, phone: str, text: str) -> None:
        url = getattr(settings, "SMS_API_URL", "")
        if not url:
            raise SMSError("未配置 SMS_API_URL。")
        request = urllib.request.Request(
            url,
            data=json.dumps(self.payload(phone, text), ensure_ascii=False).encode(),
            headers={
                "Content-Type": "application/json",
                "Authorization": f"Bearer {getattr(settings, 'SMS_API_KEY', '')}",
            },
            method="POST",
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                self.check(response.status, response.read())
        except urllib.error.HTTPError as error:
            self.check(error.code, error.read())
        except (urllib.error.URLError, TimeoutError, OSError) as error:
            raise SMSError(f"短信接口不可达：{error}") from error


def _signed(text: str) -> str:
    sign = getattr(settings, "SMS_SIGN", "")
    return f"【{sign}】{text}" if sign else text


def backend_class() -> type[BaseSMSBackend]:
    return import_string(getattr(settings, "SMS_BACKEND", "notifications.sms.ConsoleSMSBackend"))


def get_backend() -> BaseSMSBackend:
    return backend_class()()
