"""Filters, ordering and cursor pagination of GET /api/cases/."""

from __future__ import annotations

import datetime as dt
from collections import OrderedDict

from django.db.models import DateField, DateTimeField, IntegerField, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce
from rest_framework.exceptions import NotFound
from rest_framework.filters import OrderingFilter
from rest_framework.pagination import CursorPagination
from rest_framework.response import Response

from core.pagination import BAD_CURSOR, clean_position, field_of
from core.params import BadParameter
from proposals.filters import CaseFilterSet
from proposals.models import Assignment, AssignmentStatus

LIVE = ~Q(status=AssignmentStatus.WITHDRAWN_FROM_UNIT)
# Cursor pagination compares the sort key with ">"; NULLs never compare, so sort keys are never NULL.
FAR_PAST = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
FAR_FUTURE = dt.date(9999, 12, 31)


def with_sort_keys(qs):
    due = Assignment.objects.filter(LIVE, case=OuterRef("pk")).order_by("due_date").values("due_date")[:1]
    return qs.annotate(
        due_date=Subquery(due, output_field=DateField()),
        sort_number=Coalesce("number", Value(0), output_field=IntegerField()),
        sort_submitted=Coalesce("submitted_at", Value(FAR_PAST), output_field=DateTimeField()),
        sort_filed=Coalesce("filed_at", Value(FAR_PAST), output_field=DateTimeField()),
        sort_due=Coalesce(Subquery(due, output_field=DateField()), Value(FAR_FUTURE), output_field=DateField()),
    )


# The filters themselves are proposals.filters.CaseFilterSet, shared with the list page and the export.
CaseFilter = CaseFilterSet


class CaseOrdering(OrderingFilter):
    """Public sort names mapped onto the non-NULL sort keys of with_sort_keys()."""

    ordering_param = "ordering"
    KEYS = OrderedDict(
        number="sort_number",
        submitted_at="sort_submitted",
        filed_at="sort_filed",
        due_date="sort_due",
        created_at="created_at",
        id="id",
    )
    ordering_fields = list(KEYS)
    ordering_description = "排序：number、submitted_at、filed_at、due_date、created_at、id，前加 - 为倒序；默认 -id"

    def get_ordering(self, request, queryset, view):
        raw = request.query_params.get(self.ordering_param, "")
        out = []
        for term in [t.strip() for t in raw.split(",") if t.strip()]:
            desc = term.startswith("-")
            key = self.KEYS.get(term.lstrip("-"))
            if key:
                out.append(("-" if desc else "") + key)
        if not out:
            return ["-id"]
        if out[-1].lstrip("-") != "id":
            out.append("-id")
        return out

    def get_schema_operation_parameters(self, view):
        names = [n for k in self.KEYS for n in (k, f"-{k}")]
        return [
            {
                "name": self.ordering_param,
                "required": False,
                "in": "query",
                "description": self.ordering_description,
                "schema": {"type": "string", "enum": names},
            }
        ]


class CasePagination(CursorPagination):
    page_size = 20
    page_size_query_param = "page_size"
    max_page_size = 200
    ordering = "-id"

    def paginate_queryset(self, queryset, request, view=None):
        self._count = queryset.count() if request.query_params.get("count") in ("1", "true") else None
        self._queryset = queryset
        return super().paginate_queryset(queryset, request, view)

    def decode_cursor(self, request):
        """DRF's decoding (a cursor that does not decode is its 404 "Invalid cursor"), then the
        position checked against the sort field: both a 400 in Chinese (core.pagination)."""
        try:
            cursor = super().decode_cursor(request)
        except NotFound:
            raise BadParameter(BAD_CURSOR, "invalid_cursor") from None
        if cursor is not None and cursor.position is not None:
            ordering = self.ordering[0] if isinstance(self.ordering, (list, tuple)) else self.ordering
            clean_position(field_of(self._queryset, ordering.lstrip("-")), cursor.position)
        return cursor

    def get_paginated_response(self, data):
        body = OrderedDict(next=self.get_next_link(), previous=self.get_previous_link())
        if self._count is not None:
            body["count"] = self._count
        body["results"] = data
        return Response(body)

    def get_paginated_response_schema(self, schema):
        base = super().get_paginated_response_schema(schema)
        base["properties"]["count"] = {"type": "integer", "description": "总数，仅在 ?count=1 时给出"}
        return base

    def get_schema_operation_parameters(self, view):
        params = super().get_schema_operation_parameters(view)
        params.append(
            {
                "name": "count",
                "required": False,
                "in": "query",
                "description": "为 1 时在结果中附带总数",
                "schema": {"type": "integer", "enum": [0, 1]},
            }
        )
        return params
