"""Password policy (GB/T 22239 level 3): length 8–64, three of four character classes, not common,
not one of the last five, changed at least every PASSWORD_MAX_AGE_DAYS days.

The validators plug into AUTH_PASSWORD_VALIDATORS, so every form that sets a password (the
password-change page, the admin) enforces them; messages are Chinese.
"""

from __future__ import annotations

import datetime as dt
import re
import string

from django.conf import settings
from django.contrib.auth.hashers import check_password
from django.contrib.auth.password_validation import CommonPasswordValidator as _CommonPasswordValidator
from django.core.exceptions import ValidationError
from django.utils import timezone
from django_zxcvbn_password_validator import ZxcvbnPasswordValidator

HISTORY_SIZE = 5


class LengthValidator:
    def __init__(self, min_length: int = 8, max_length: int = 64):
        self.min_length, self.max_length = min_length, max_length

    def validate(self, password: str, user=None) -> None:
        if len(password) < self.min_length:
            raise ValidationError(f"密码至少需要 {self.min_length} 个字符。", code="password_too_short")
        if len(password) > self.max_length:
            raise ValidationError(f"密码最多 {self.max_length} 个字符。", code="password_too_long")

    def get_help_text(self) -> str:
        return f"密码长度 {self.min_length}–{self.max_length} 个字符。"


def character_classes(password: str) -> int:
    return sum(
        [
            any(c.isupper() for c in password),
            any(c.islower() for c in password),
            any(c.isdigit() for c in password),
            any(not c.isalnum() or c in string.punctuation for c in password),
        ]
    )


class CharacterClassesValidator:
    def __init__(self, min_classes: int = 3):
        self.min_classes = min_classes

    def validate(self, password: str, user=None) -> None:
        if character_classes(password) < self.min_classes:
            raise ValidationError(
                f"密码须至少包含大写字母、小写字母、数字、符号中的 {self.min_classes} 类。", code="password_too_simple"
            )

    def get_help_text(self) -> str:
        return f"至少包含大写字母、小写字母、数字、符号中的 {self.min_classes} 类。"


class CommonPasswordValidator(_CommonPasswordValidator):
    def validate(self, password: str, user=None) -> None:
        try:
            super().validate(password, user)
        except ValidationError:
            raise ValidationError("该密码过于常见，请换一个。", code="password_too_common") from None

    def get_help_text(self) -> str:
        return "不能使用常见密码。"


# What a password must not contain: the system's own names (an attacker's first guesses here).
SYSTEM_NAMES = ("chencang", "cppcc", "zhengxie", "tian", "admin", "陈仓", "政协", "提案")
_YEAR_MATCHES = {"date", "regex"}  # zxcvbn: dates and its "recent_year" pattern
_YEAR = re.compile(r"(?<![0-9])(19[5-9][0-9]|20[0-9][0-9])(?![0-9])")


class StrengthValidator(ZxcvbnPasswordValidator):
    """How guessable the password is (zxcvbn, django-zxcvbn-password-validator): refuses the user's own
    username and name, the system's names, and a word plus a year (``Chencang@2027``, ``member@2026A``),
    keyboard runs and repeats (``Admin@123456``, ``11111111Aa``), in Chinese."""

    def _get_user_inputs(self, user):
        return [*super()._get_user_inputs(user), *SYSTEM_NAMES]

    def validate(self, password: str, user=None) -> None:
        lowered = password.lower()
        own = [getattr(user, "username", ""), getattr(user, "name", "")] if user is not None else []
        if any(len(word) >= 3 and word.lower() in lowered for word in own if word):
            raise ValidationError("密码不能包含您的用户名或姓名。", code="password_contains_username")
        if any(name in lowered for name in SYSTEM_NAMES):
            raise ValidationError(
                "密码不能包含本系统、单位或管理账号的名称（如 chencang、cppcc、admin）。",
                code="password_contains_system_name",
            )
        if _YEAR.search(password):
            raise ValidationError("密码不能包含年份（如 2026）。", code="password_contains_year")
        result = self._run_zxcvbn(password, user)
        common = [
            m["token"]
            for m in result["sequence"]
            if m.get("pattern") == "dictionary"
            and m.get("dictionary_name") == "passwords"
            and len(m["token"]) >= 6
            and m.get("rank", 0) <= 2000
        ]
        if common:
            raise ValidationError(f"密码中的“{common[0]}”是常见密码，请换一个。", code="password_contains_common")
        has_year = any(match.get("pattern") in _YEAR_MATCHES for match in result["sequence"])
        if result["score"] < self.password_minimal_strength or (has_year and result["score"] < 4):
            reason = "含有年份，" if has_year else ""
            raise ValidationError(
                f"密码太容易被猜中（{reason}强度 {result['score']}/4）：请不要使用年份、日期、键盘序列、重复字符或常见单词，"
                "可以用几个互不相关的词再加数字和符号。",
                code="password_too_guessable",
            )

    def get_help_text(self) -> str:
        return "不能包含用户名、姓名、系统名称或年份，不能是键盘序列、重复字符或常见单词。"


class HistoryValidator:
    """Not the current password nor one of the last ``HISTORY_SIZE`` (members.PasswordHistory)."""

    def __init__(self, size: int = HISTORY_SIZE):
        self.size = size

    def validate(self, password: str, user=None) -> None:
        if user is None or user.pk is None:
            return
        recent = list(
            user.password_history.order_by("-created_at", "-id").values_list("password", flat=True)[: self.size]
        )
        if user.password and user.password not in recent:
            recent.append(user.password)
        if any(check_password(password, encoded) for encoded in recent):
            raise ValidationError(f"新密码不能与最近 {self.size} 次使用过的密码相同。", code="password_reused")

    def get_help_text(self) -> str:
        return f"不能与最近 {self.size} 次使用过的密码相同。"


def max_age() -> dt.timedelta:
    return dt.timedelta(days=getattr(settings, "PASSWORD_MAX_AGE_DAYS", 90))


def password_expired(user, now: dt.datetime | None = None) -> bool:
    # Accounts from before the policy (no stamp) are not expired; their next change stamps them.
    changed = getattr(user, "password_changed_at", None)
    return changed is not None and (now or timezone.now()) - changed > max_age()


def change_required_reason(user) -> str:
    """Why this user must change their password before anything else, or ''."""
    if getattr(user, "must_change_password", False):
        return "您的密码由管理员设置，请先修改密码。"
    if password_expired(user):
        return f"您的密码已超过 {max_age().days} 天未修改，请先修改密码。"
    return ""
