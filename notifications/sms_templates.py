"""SMS templates: what each kind of event sends through a template gateway, and the checks on them.

Chinese SMS gateways (Alibaba Cloud dysmsapi, Tencent Cloud SMS) send only templates the office
has registered and had approved, under a registered signature (签名), with the values passed as
template parameters. This module holds, per kind of event (notifications.rules.EVENT_KINDS):

- the template text to register (``${name}`` placeholders as Alibaba Cloud writes them; for
  Tencent Cloud the same text with ``{1}``, ``{2}`` … in parameter order, see ``tencent_text``);
- its parameters, each with a maximum length: a longer value (a long 案由) is cut to it with "…",
  so the longest text a template can produce is known before anything is sent;
- the setting that holds the code the provider gave it (``SMS_TEMPLATES[kind]``, from the
  environment variable ``SMS_TEMPLATE_<KIND>``, e.g. ``SMS_TEMPLATE_ASSIGNED=SMS_480125031``).

The system check ``sms_configuration`` refuses a configuration whose longest rendered message
(signature included) is longer than the limit (``SMS_MAX_LENGTH``, at most the provider's own), so a
too-long message is refused when the site is configured, never when it is sent.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings

# The longest value of each parameter (characters). Alibaba Cloud allows at most 35 per variable.
PARAM_MAX = {
    "title": 20,  # 案由, cut with "…"
    "result": 10,  # a fixed phrase chosen by the action (已立案, 不予立案, …)
    "date": 11,  # 2026年03月09日
}
PARAM_LABELS = {
    "title": "案由（超过 20 字截断）",
    "result": "结果（固定短语，至多 10 字）",
    "date": "日期（如 2026年03月09日）",
}


@dataclass(frozen=True)
class Template:
    kind: str
    text: str
    params: tuple[str, ...] = ("title",)

    @property
    def setting(self) -> str:
        return f"SMS_TEMPLATE_{self.kind.upper()}"

    def render(self, params: dict) -> str:
        text = self.text
        for name in self.params:
            text = text.replace("${" + name + "}", str(params.get(name, "")))
        return text

    def longest(self) -> str:
        return self.render({name: "字" * PARAM_MAX[name] for name in self.params})

    def tencent_text(self) -> str:
        text = self.text
        for i, name in enumerate(self.params, 1):
            text = text.replace("${" + name + "}", "{" + str(i) + "}")
        return text


TEMPLATES: dict[str, Template] = {
    t.kind: t
    for t in [
        Template("cosign_requested", "您收到“${title}”的附议邀请，请登录提案管理系统确认或谢绝。"),
        Template(
            "cosign_answered", "“${title}”的附议邀请已有回复：${result}。请登录提案管理系统查看。", ("title", "result")
        ),
        Template("withdrawn", "“${title}”已撤案。请登录提案管理系统查看。"),
        Template("review_outcome", "您的“${title}”审查结果：${result}。请登录提案管理系统查看。", ("title", "result")),
        Template("assigned", "“${title}”${result}。请登录提案管理系统办理。", ("title", "result")),
        Template("return_request", "“${title}”的退回申请：${result}。请登录提案管理系统查看。", ("title", "result")),
        Template("extension", "“${title}”的延期申请：${result}。请登录提案管理系统查看。", ("title", "result")),
        Template("co_views", "“${title}”的会办单位已送达会办意见。请登录提案管理系统查看。"),
        Template("reply_submitted", "承办单位已答复“${title}”，请登录提案管理系统审核。"),
        Template("reply_reviewed", "“${title}”的答复${result}。请登录提案管理系统查看。", ("title", "result")),
        Template("reply_accepted", "您的“${title}”已收到承办单位答复。请登录提案管理系统查看。"),
        Template("rating", "提案人已对“${title}”的答复作出评价。请登录提案管理系统查看。"),
        Template("rehandle", "提案人对“${title}”的答复不满意，请重新办理。请登录提案管理系统查看。"),
        Template("progress", "您的“${title}”有新的办理进展。请登录提案管理系统查看。"),
        Template("closed", "“${title}”已办结。请登录提案管理系统查看。"),
        Template("key_proposal", "“${title}”已确定为重点提案。请登录提案管理系统查看。"),
        Template("supervision", "重点提案“${title}”有新的督办记录。请登录提案管理系统查看。"),
        Template("published", "“${title}”已公开。请登录提案管理系统查看。"),
        Template("reminder", "“${title}”${result}，期限${date}。请登录提案管理系统处理。", ("title", "result", "date")),
        Template("audit_break", "审计记录校验发现异常，请立即登录提案管理系统核查。", ()),
    ]
}

# The ``result`` phrase of each action (kinds that cover several outcomes).
RESULTS = {
    "urge": "提案委催办",
    "cosign": "确认附议",
    "decline_cosign": "谢绝附议",
    "return_for_revision": "退回修改",
    "file": "已立案",
    "convert_to_suggestion": "转为建议",
    "merge": "已并案",
    "reject": "不予立案",
    "assign": "已交办贵单位",
    "reassign": "已改派至贵单位",
    "request_return": "待审批",
    "approve_return": "已同意",
    "refuse_return": "不同意，请签收",
    "request_extension": "待审批",
    "approve_extension": "已批准",
    "refuse_extension": "未获批准",
    "return_reply": "被退回",
    "accept_reply": "类别已调整",
}
REPLACED = "已改派其他单位"  # reassign, to the unit that no longer handles the case

# Reminders (notifications.reminders): (kind, phase) → phrase.
REMINDER_RESULTS = {
    ("sign_window", "near"): "待签收",
    ("sign_window", "past"): "逾期未签收",
    ("co_views", "near"): "待送会办意见",
    ("co_views", "past"): "会办意见逾期",
    ("reply_due", "near"): "待答复",
    ("reply_due", "past"): "答复已逾期",
    ("rating_window", "near"): "待评价",
    ("rating_window", "past"): "评价期限已过",
}


def short(value: str, name: str) -> str:
    limit = PARAM_MAX[name]
    value = " ".join(str(value or "").split())
    return value if len(value) <= limit else value[: limit - 1] + "…"


def params_for_rule(kind: str, action: str, rule, case, date: str = "") -> dict:
    """The template parameters of a notice written by a rule of notifications.rules.RULES."""
    template = TEMPLATES[kind]
    values = {"title": short(getattr(case, "title", ""), "title"), "date": date}
    if "result" in template.params:
        each = getattr(getattr(rule, "each", None), "__name__", "")
        values["result"] = short(REPLACED if each == "each_replaced" else RESULTS.get(action, ""), "result")
    return {name: values.get(name, "") for name in template.params}


def params_for_reminder(due) -> dict:
    return {
        "title": short(due.case.title, "title"),
        "result": short(REMINDER_RESULTS.get((due.kind, due.phase), ""), "result"),
        "date": f"{due.deadline:%Y年%m月%d日}" if isinstance(due.deadline, dt.date) else "",
    }


def signed(text: str) -> str:
    sign = getattr(settings, "SMS_SIGN", "")
    return f"【{sign}】{text}" if sign else text


def code_for(kind: str) -> str:
    return (getattr(settings, "SMS_TEMPLATES", None) or {}).get(kind, "")


def max_length() -> int:
    return int(getattr(settings, "SMS_MAX_LENGTH", 70))
