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
