"""Workflow settings: every period and switch of DOMAIN.md, with its default.

Places differ (return windows of 5–10 working days, …), so each number is a setting that an
administrator changes in the admin without a deploy; every change is audited. Values are
cached for a few seconds per process, so several app servers agree within that time.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError


@dataclass(frozen=True)
class SettingDef:
    key: str
    label: str
    default: Any
    type: type
    minimum: int | None = None
    maximum: int | None = None
    choices: tuple[str, ...] | None = None

    def clean(self, value: Any) -> Any:
        if self.type is bool:
            if isinstance(value, str):
                value = value.strip().lower() in {"1", "true", "yes", "on", "是"}
            return bool(value)
        if self.type is int:
            try:
                value = int(value)
            except (TypeError, ValueError):
                raise ValidationError(f"“{self.label}”必须是整数。")
            if self.minimum is not None and value < self.minimum:
                raise ValidationError(f"“{self.label}”不能小于 {self.minimum}。")
            if self.maximum is not None and value > self.maximum:
                raise ValidationError(f"“{self.label}”不能大于 {self.maximum}。")
            return value
        value = str(value)
        if self.choices and value not in self.choices:
            raise ValidationError(f"“{self.label}”只能是：{'、'.join(self.choices)}。")
        return value


DEFINITIONS: dict[str, SettingDef] = {
    d.key: d
    for d in [
        SettingDef("return_window_workdays", "申请退回期限（工作日）", 5, int, 1, 30),
        SettingDef("reply_period_months", "答复期限（月）", 3, int, 1, 12),
        SettingDef("co_views_period_months", "会办意见期限（月）", 1, int, 1, 6),
        SettingDef("extension_max_months", "延期后最长期限（自交办起，月）", 6, int, 1, 12),
        SettingDef("rating_window_workdays", "评价期限（工作日）", 15, int, 1, 60),
        SettingDef("rehandle_period_months", "重新办理答复期限（月）", 1, int, 1, 6),
        SettingDef("rehandle_max", "最多重新办理次数", 1, int, 0, 5),
        SettingDef("deemed_signed_enabled", "逾期未申请退回视为签收", True, bool),
        SettingDef("proposal_reply_class", "提案答复须分类（A/B/C）", True, bool),
        SettingDef("proposal_rating", "提案须评价", True, bool),
        SettingDef("suggestion_reply_class", "建议答复须分类（A/B/C）", False, bool),
        SettingDef("suggestion_rating", "建议须评价", True, bool),
        SettingDef(
            "regular_case_session",
            "平时提案编入的会议序列",
            "latest_before_filing",
            str,
            choices=("latest_before_filing", "next_session"),
        ),
        SettingDef("proposal_reply_letter_required", "提案答复须上传盖章答复函", True, bool),
        SettingDef("suggestion_reply_letter_required", "建议答复须上传盖章答复函", False, bool),
        SettingDef("collective_sealed_scan_required", "集体提案须上传盖章扫描件", True, bool),
        SettingDef("reminder_days_before", "到期前提醒（工作日）", 3, int, 0, 30),
        # The pre-submission check (assist.precheck, issue 22): advice only, never a refusal.
        SettingDef("precheck_body_min_chars", "预审：正文最少字数（少于此数提示）", 120, int, 0, 5000),
        SettingDef("precheck_body_max_chars", "预审：正文最多字数（超过此数提示）", 5000, int, 500, 20000),
    ]
}

_CACHE_SECONDS = 5.0
_cache: dict[str, Any] = {}
_cache_loaded_at = 0.0


def _load() -> dict[str, Any]:
    global _cache, _cache_loaded_at
    if time.monotonic() - _cache_loaded_at > _CACHE_SECONDS:
        from .models import WorkflowSetting

        _cache = {row.key: row.value for row in WorkflowSetting.objects.all()}
        _cache_loaded_at = time.monotonic()
    return _cache


def invalidate() -> None:
    global _cache_loaded_at
    _cache_loaded_at = 0.0


def get(key: str) -> Any:
    definition = DEFINITIONS[key]
    stored = _load().get(key, definition.default)
    try:
        return definition.clean(stored)
    except ValidationError:
        return definition.default


def set_value(key: str, value: Any, *, by=None) -> Any:
    """Change a setting and audit who changed what from what."""
    from django.db import transaction

    from audit import trail as audit

    from .models import WorkflowSetting

    definition = DEFINITIONS[key]
    value = definition.clean(value)
    with transaction.atomic():
        old = get(key)
        WorkflowSetting.objects.update_or_create(key=key, defaults={"value": value, "updated_by": by})
        audit.record(
            "settings_change",
            actor=by,
            object_type="setting",
            object_id=key,
            data={"key": key, "label": definition.label, "old": old, "new": value},
        )
    invalidate()
    return value


def needs_class(kind: str) -> bool:
    return get(f"{kind}_reply_class")


def needs_letter_file(kind: str) -> bool:
    return get(f"{kind}_reply_letter_required")


def needs_rating(kind: str) -> bool:
    return get(f"{kind}_rating")
