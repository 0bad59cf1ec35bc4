"""Mainland China mobile numbers (中国大陆手机号码): where a number is entered for SMS."""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError

MOBILE = re.compile(r"1[3-9]\d{9}")
_SEPARATORS = re.compile(r"[\s\-()（）]")


def normalize_mobile(value: str) -> str:
    """'+86 139-1700-0001' → '13917000001'; anything else is returned without its separators."""
    digits = _SEPARATORS.sub("", value or "")
    for prefix in ("+86", "0086"):
        if digits.startswith(prefix):
            digits = digits[len(prefix) :]
    return digits


def is_mobile(value: str) -> bool:
    return bool(MOBILE.fullmatch(value or ""))


def validate_mobile(value: str) -> None:
    if value and not is_mobile(value):
        raise ValidationError(
            "请填写中国大陆 11 位手机号码（以 13–19 开头，如 13917000001）；办公座机请填在单位的办公电话中。",
            code="invalid_mobile",
        )


def mask_phone(phone: str | None) -> str:
    """'13917000001' → '139****0001'; a short number keeps only its last two digits."""
    phone = (phone or "").strip()
    if len(phone) >= 8:
        return f"{phone[:3]}****{phone[-4:]}"
    return "*" * max(len(phone) - 2, 0) + phone[-2:]


# The model's username length (AbstractUser): the login forms and the API token endpoint refuse more.
USERNAME_MAX_LENGTH = 150


class UsernameLengthMixin:
    """For Django's login forms: their username ``max_length`` is set after the field is built, so no
    validator enforces it, and django-axes then stored a 100,000-character username (a database error
    on PostgreSQL). Checked before authenticate() runs."""

    def clean_username(self):
        from django.core.exceptions import ValidationError

        username = self.cleaned_data.get("username", "")
        if len(username) > USERNAME_MAX_LENGTH:
            raise ValidationError(f"用户名最多 {USERNAME_MAX_LENGTH} 个字符。", code="username_too_long")
        return username
