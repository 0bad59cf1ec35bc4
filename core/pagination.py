"""Keyset pagination for long lists: "the next 25 after this row" instead of OFFSET.

An OFFSET makes the database walk and throw away every earlier row, so page 400 of 100,000 cases
costs 400 pages of work; a keyset page starts from the last row it showed (an index seek) and
costs the same on every page. No COUNT is taken: one extra row tells whether there is a next page.
The cursor carries the sort values of the last row shown, base64-encoded JSON; it is only a
position, never a permission — the queryset it filters is already the user's visible cases.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import json
from dataclasses import dataclass

from django.db.models import Expression, F, Q, QuerySet
from django.http import HttpRequest

PAGE_SIZE = 25


@dataclass(frozen=True)
class Key:
    """One sort key: an annotation name, what it is computed from (a field name or a non-NULL expression)."""

    name: str
    source: str | Expression
    descending: bool = False


def _encode(values: list, number: int) -> str:
    raw = json.dumps(
        {"v": [v.isoformat() if isinstance(v, (dt.date, dt.datetime)) else v for v in values], "n": number},
        ensure_ascii=False,
        separators=(",", ":"),
    )
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def _decode(cursor: str, size: int) -> tuple[list, int] | None:
    try:
        data = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode())
        values, number = data["v"], int(data["n"])
    except (binascii.Error, ValueError, KeyError, TypeError, UnicodeDecodeError):
        return None
    if not isinstance(values, list) or len(values) != size:
        return None
    return values, number


def _after(keys: list[Key], values: list) -> Q:
    """Rows strictly after ``values`` in the keys' order: (a > x) or (a = x and b > y) or …"""
    condition = Q(pk__in=[])
    equal = Q()
    for key, value in zip(keys, values):
        step = Q(**{f"{key.name}__{'lt' if key.descending else 'gt'}": value})
        condition |= equal & step
        equal &= Q(**{key.name: value})
    return condition


class KeysetPage:
    """One page of ``queryset`` ordered by ``keys`` (the last key must be unique, e.g. id)."""

    def __init__(self, queryset: QuerySet, request: HttpRequest, keys: list[Key], page_size: int = PAGE_SIZE):
        qs = queryset.annotate(
            **{k.name: F(k.source) if isinstance(k.source, str) else k.source for k in keys if k.name != k.source}
        )
        qs = qs.order_by(*[f"{'-' if k.descending else ''}{k.name}" for k in keys])
        decoded = _decode(request.GET.get("after", ""), len(keys)) if request.GET.get("after") else None
        self.number = 1
        if decoded is not None:
            values, self.number = decoded
            qs = qs.filter(_after(keys, values))
        rows = list(qs[: page_size + 1])
        self.items = rows[:page_size]
        self.has_next = len(rows) > page_size
        self.has_previous = self.number > 1
        self.next_cursor = (
            _encode([getattr(self.items[-1], k.name) for k in keys], self.number + 1) if self.has_next else ""
        )
        params = request.GET.copy()
        params.pop("after", None)
        params.pop("page", None)
        self.base_query = params.urlencode()

    def __iter__(self):
        return iter(self.items)

    def __len__(self):
        return len(self.items)
