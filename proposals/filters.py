"""The one FilterSet of case lists: the staff case list page, GET /api/cases/ and "export what I see"
(导出当前列表) all filter through ``CaseFilterSet``, so the same query string gives the same cases.

Values that do not parse are ignored on the pages and the export (the list shows everything else
it was asked for) and answered with 400 by the API (DRF's filter backend raises).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import django_filters as filters
from django import forms
from django.db.models import Exists, OuterRef, QuerySet

from core import clock
from core.params import MAX_ID

from . import search
from .models import Assignment, Case, Kind, Proposer, Status, overdue_q


class IdFilter(filters.NumberFilter):
    """An id: an integer from 1 to 2⁶³−1 (a bigger or odd number is a bad value, not a database error)."""

    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", MAX_ID)
        super().__init__(*args, **kwargs)


class CaseFilterSet(filters.FilterSet):
    kind = filters.ChoiceFilter(choices=Kind.choices, label="类型")
    status = filters.MultipleChoiceFilter(choices=Status.choices, label="状态（可多选）")
    session = IdFilter(field_name="session_id", label="会议编号")
    category = IdFilter(field_name="category_id", label="类别编号")
    term = IdFilter(field_name="term_id", label="届次编号")
    committee = IdFilter(method="filter_committee", label="专委会编号（任一提案人所属）")
    sector = IdFilter(method="filter_sector", label="界别编号（任一提案人所属）")
    unit = IdFilter(method="filter_unit", label="承办单位编号（在办，不含已改派）")
    key = filters.BooleanFilter(field_name="is_key", label="重点提案")
    overdue = filters.BooleanFilter(method="filter_overdue", label="逾期（答复或会办意见超期）")
    submitted = filters.DateFromToRangeFilter(
        field_name="submitted_at__date", label="提交日期范围（submitted_after / submitted_before）"
    )
    filed = filters.DateFromToRangeFilter(
        field_name="filed_at__date", label="立案日期范围（filed_after / filed_before）"
    )
    q = filters.CharFilter(method="filter_text", label="全文搜索（编号、案由、正文）")

    class Meta:
        model = Case
        fields: list[str] = []

    def _proposer_exists(self, **lookup):
        return Exists(Proposer.objects.filter(case=OuterRef("pk"), **lookup))

    def filter_committee(self, qs, name, value):
        return qs.filter(self._proposer_exists(committee_id=value))

    def filter_sector(self, qs, name, value):
        return qs.filter(self._proposer_exists(sector_id=value))

    def filter_unit(self, qs, name, value):
        return qs.filter(Exists(Assignment.objects.live().filter(case=OuterRef("pk"), unit_id=value)))

    def filter_overdue(self, qs, name, value):
        late = Exists(Assignment.objects.filter(overdue_q(clock.today()), case=OuterRef("pk")))
        return qs.filter(late) if value else qs.exclude(late)

    def filter_text(self, qs, name, value):
        return search.filter_cases(qs, value)

    def applied(self) -> dict[str, Any]:
        """The filters that took effect, as given (for the export's audit event and file name)."""
        if not self.is_bound:
            return {}
        self.is_valid()
        data = getattr(self.form, "cleaned_data", {})
        out: dict[str, Any] = {}
        for name, value in data.items():
            if value in (None, "", []) or (hasattr(value, "start") and value.start is None and value.stop is None):
                continue
            if isinstance(value, Decimal):
                value = int(value)
            out[name] = value if isinstance(value, (str, int, bool, list)) else str(value)
        return out


def filter_cases(cases: QuerySet[Case], params) -> tuple[QuerySet[Case], dict[str, Any]]:
    """``cases`` narrowed by the query string ``params``; returns the queryset and the filters applied."""
    filterset = CaseFilterSet(params, queryset=cases)
    return filterset.qs, filterset.applied()
