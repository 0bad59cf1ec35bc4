"""Parsing query and form parameters in one place: ids and small integers that the database can hold.

``str.isdigit()`` accepts characters ``int()`` refuses (``"²"``), and ``int()`` accepts values no
database column holds (``2**63``): both once ended in a server error. Every id or number a view reads
from the query string or a form goes through here (or through a form / django-filter / serializer
field with the same bounds).
"""

from __future__ import annotations

import re

# PostgreSQL bigint and SQLite's integer are signed 64-bit.
MAX_ID = 2**63 - 1
_ASCII_DIGITS = re.compile(r"[0-9]{1,19}")


def parse_id(value, *, maximum: int = MAX_ID) -> int | None:
    """A positive integer id from user input, or None when it is not one (never an exception)."""
    text = str(value if value is not None else "").strip()
    if not _ASCII_DIGITS.fullmatch(text):
        return None
    number = int(text)
    return number if 0 < number <= maximum else None


def parse_int(value, *, minimum: int, maximum: int) -> int | None:
    """An integer within [minimum, maximum] (ASCII digits, optional minus sign), or None."""
    text = str(value if value is not None else "").strip()
    if not re.fullmatch(r"-?[0-9]{1,19}", text):
        return None
    number = int(text)
    return number if minimum <= number <= maximum else None


class IdConverter:
    """``<id:pk>`` in the URLs: like ``<int:…>`` but at most 18 digits, so an id the database cannot
    hold (≥ 2⁶³) is a plain 404 instead of an overflow in the query (registered in CoreConfig.ready)."""

    regex = "[0-9]{1,18}"

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value) -> str:
        return str(value)


class BadParameter(Exception):
    """A query or form parameter that cannot be used: answered 400 with ``message`` (in the API's
    {"detail", "code"} shape under /api/, the 400 page elsewhere) by core.middleware."""

    def __init__(self, message: str, code: str = "invalid_parameter"):
        super().__init__(message)
        self.message, self.code = message, code


def id_param(params, name: str, label: str) -> int | None:
    """The id in ``params[name]``: None when absent or empty, BadParameter when not an id."""
    raw = str(params.get(name) or "").strip()
    if not raw:
        return None
    value = parse_id(raw)
    if value is None:
        raise BadParameter(f"参数 {name}（{label}）须为正整数编号。")
    return value


def int_param(params, name: str, label: str, *, minimum: int, maximum: int) -> int | None:
    raw = str(params.get(name) or "").strip()
    if not raw:
        return None
    value = parse_int(raw, minimum=minimum, maximum=maximum)
    if value is None:
        raise BadParameter(f"参数 {name}（{label}）须为 {minimum}–{maximum} 之间的整数。")
    return value


def id_list(values, name: str, label: str, *, limit: int) -> list[int]:
    """Ids picked in a form (checkboxes, a multi-select): each must be an id, at most ``limit`` of them."""
    values = list(values)
    if len(values) > limit:
        raise BadParameter(f"{label}最多选择 {limit} 个。", code="too_many_values")
    ids = [parse_id(v) for v in values if str(v).strip()]
    if any(i is None for i in ids):
        raise BadParameter(f"参数 {name}（{label}）须为正整数编号。")
    return list(dict.fromkeys(i for i in ids if i is not None))


# Case numbers are per-session sequences (第123号): nine digits is far beyond any real one.
MAX_CASE_NUMBER = 999_999_999


def flag_bad_parameter(request, message: str) -> None:
    """For a page that can still show its form or list: the message is shown on it (the messages
    framework) and core.middleware answers it with status 400."""
    from django.contrib import messages

    messages.error(request, message)
    request.bad_parameter = True
