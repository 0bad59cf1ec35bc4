"""Keyset pagination for long lists: "the next 25 after this row" instead of OFFSET.

An OFFSET makes the database walk and throw away every earlier row, so page 400 of 100,000 cases
costs 400 pages of work; a keyset page starts from the last row it showed (an index seek) and
costs the same on every page. No COUNT is taken: one extra row tells whether there is a next page.
The cursor carries the sort values of the last row shown, base64-encoded JSON; it is only a
position, never a permission — the queryset it filters is already the user's visible cases. A cursor
that does not decode, or whose values do not fit the sort keys' fields, is a 400 (``clean_position``,
also used by the API's cursor pagination), never a database error.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import json
from dataclasses import dataclass

from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import models
from django.db.models import Expression, F, Q, QuerySet
from django.http import HttpRequest
from django.utils import timezone

from .params import MAX_ID, BadParameter, flag_bad_parameter, parse_int

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


BAD_CURSOR = "翻页位置参数无效（可能已过期或被改动），请从第一页重新开始。"
MAX_CURSOR_LENGTH = 2000


def _decode(cursor: str, size: int) -> tuple[list, int] | None:
    if len(cursor) > MAX_CURSOR_LENGTH:
        return None
    try:
        data = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode())
        values, number = data["v"], int(data["n"])
    except (binascii.Error, ValueError, KeyError, TypeError, UnicodeDecodeError, RecursionError):
        return None
    if not isinstance(values, list) or len(values) != size or not 1 <= number <= 1_000_000:
        return None
    return values, number


def field_of(queryset: QuerySet, name: str):
    """The model field or annotation output field a sort key compares against."""
    annotation = queryset.query.annotations.get(name)
    if annotation is not None:
        return annotation.output_field
    try:
        return queryset.model._meta.get_field(name)
    except FieldDoesNotExist:
        return None


def clean_position(field, raw):
    """A sort value read back from a cursor, as the field's Python value — or BadParameter.

    The one check of both cursor kinds (the pages' keyset cursor and the API's CursorPagination):
    a forged value of the wrong type or size is refused here instead of failing in the database."""
    if field is None or isinstance(raw, (dict, list)) or (isinstance(raw, str) and ("\x00" in raw or len(raw) > 500)):
        raise BadParameter(BAD_CURSOR, "invalid_cursor")
    try:
        if isinstance(field, models.DateTimeField):
            value = dt.datetime.fromisoformat(str(raw))
            return value if timezone.is_aware(value) else timezone.make_aware(value, dt.UTC)
        if isinstance(field, models.DateField):
            return dt.date.fromisoformat(str(raw))
        if isinstance(field, (models.IntegerField, models.AutoField)):
            value = None if isinstance(raw, bool) else parse_int(raw, minimum=-MAX_ID - 1, maximum=MAX_ID)
            if value is None:
                raise ValueError(raw)
            return value
        if raw is None:
            raise ValueError(raw)
        return field.to_python(raw)
    except (ValidationError, ValueError, TypeError, OverflowError):
        raise BadParameter(BAD_CURSOR, "invalid_cursor") from None


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
        self.number = 1
        if request.GET.get("after"):
            try:
                decoded = _decode(request.GET["after"], len(keys))
                if decoded is None:
                    raise BadParameter(BAD_CURSOR, "invalid_cursor")
                values = [clean_position(field_of(qs, k.name), raw) for k, raw in zip(keys, decoded[0])]
            except BadParameter as error:
                # The page answers 400 and shows its list from the start, with the message.
                flag_bad_parameter(request, error.message)
            else:
                self.number = decoded[1]
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
