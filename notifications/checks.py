"""The SMS configuration check (``manage.py check``; migrate, runserver and deliver_outbox run it too):
a configuration that could send a message over the provider's limit, or cannot send, is refused at
start-up rather than at sending."""

from __future__ import annotations

import os

from django.conf import settings
from django.core.checks import Error, Warning, register

from . import sms, sms_templates
from .rules import EVENT_KINDS


@register("sms")
def sms_configuration(app_configs=None, **kwargs) -> list:
    """Refuse an SMS configuration that could produce a message over the limit, or cannot send."""
    problems: list = []
    try:
        backend_class = sms.backend_class()
    except ImportError as error:
        return [Error(f"SMS_BACKEND 无法加载：{error}", id="notifications.E101")]
    provider = getattr(backend_class, "provider", "")
    limit = sms_templates.max_length()
    cap = getattr(backend_class, "max_length_cap", None)
    if cap and limit > cap:
        problems.append(
            Error(f"SMS_MAX_LENGTH={limit} 超过{backend_class.label}单条短信上限 {cap} 字。", id="notifications.E102")
        )
    configured = getattr(settings, "SMS_TEMPLATES", None) or {}
    for kind in configured:
        if kind not in sms_templates.TEMPLATES:
            problems.append(
                Error(
                    f"SMS_TEMPLATES 中的事件类型“{kind}”不存在（SMS_TEMPLATE_{kind.upper()}）。",
                    hint="可用的类型见 README“短信网关”一节。",
                    id="notifications.E103",
                )
            )
    # Every template that can be sent: the configured ones on a gateway, all of them otherwise.
    for kind, template in sms_templates.TEMPLATES.items():
        if provider and not configured.get(kind):
            continue
        longest = sms_templates.signed(template.longest())
        if len(longest) > limit:
            problems.append(
                Error(
                    f"短信模板“{kind}”最长可达 {len(longest)} 字（含签名），超过上限 {limit} 字：{longest}",
                    hint="缩短签名 SMS_SIGN，或提高 SMS_MAX_LENGTH（按条计费的长短信），或调整模板。",
                    id="notifications.E104",
                )
            )
    if not provider:
        return problems
    if not getattr(settings, "SMS_SIGN", ""):
        problems.append(Error("使用短信网关必须设置已备案的短信签名 SMS_SIGN。", id="notifications.E105"))
    for name in backend_class.credential_env:
        if not os.environ.get(name):
            problems.append(
                Error(
                    f"{backend_class.label}的凭据环境变量 {name} 未设置。",
                    hint="凭据只从环境变量读取，不写入数据库或设置文件。",
                    id="notifications.E106",
                )
            )
    for name in getattr(backend_class, "required_settings", ()):
        if not getattr(settings, name, ""):
            problems.append(Error(f"{backend_class.label}需要设置 {name}。", id="notifications.E107"))
    missing = [kind for kind, k in EVENT_KINDS.items() if k.sms and not configured.get(kind)]
    if missing:
        problems.append(
            Warning(
                f"以下默认发短信的事件未配置模板编号，将不发短信：{'、'.join(missing)}。",
                hint="设置环境变量 " + "、".join(sms_templates.TEMPLATES[k].setting for k in missing),
                id="notifications.W101",
            )
        )
    return problems
