"""Excel exports: the proposal catalogue (提案目录), "export what I see", and the unit league table.

XlsxWriter runs in constant-memory mode and writes to a temporary file that is streamed back as
a FileResponse: rows are flushed to disk as they are written and cases are read in chunks of primary keys,
each fetched with its prefetches and dropped before the next (``iter_cases``), so 100k cases cost
no more memory than 1k. The caller scopes the queryset (``access.visible_cases(user)``); this module never
widens it. Every export leaves one ``export`` audit event. Proposers' addresses never appear,
and phone numbers only masked.
"""

from __future__ import annotations

import datetime as dt
import tempfile
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from itertools import islice
from typing import Any

import xlsxwriter
from django.db.models import Prefetch, QuerySet
from django.http import FileResponse
from django.utils import timezone

from audit import trail as audit
from core import clock
from proposals.models import (
    Assignment,
    AssignmentRole,
    AssignmentStatus,
    Case,
    Proposer,
    Rating,
    Reply,
    Satisfaction,
)

CHUNK_SIZE = 500  # cases per chunk and prefetch round: a chunk costs ≈ 12 MB Python at its peak


@dataclass(frozen=True)
class Column:
    header: str
    width: float
    value: Callable[[Any], Any]
    kind: str = "text"  # text | date | int | percent


# --- Reading one case ------------------------------------------------------------------------------


def mask_phone(phone: str) -> str:
    """13917001234 → 139****1234: enough to recognise, not enough to call."""
    digits = "".join(ch for ch in phone or "" if ch.isdigit())
    if len(digits) < 7:
        return "****" if digits else ""
    return f"{digits[:3]}****{digits[-4:]}"


def proposer_names(case: Case) -> str:
    return "、".join(p.display_name for p in case.proposers.all() if p.counts)


def live_assignments(case: Case) -> list[Assignment]:
    return [a for a in case.assignments.all() if a.status != AssignmentStatus.WITHDRAWN_FROM_UNIT]


def units_text(case: Case) -> str:
    """主办：区住建局；会办：区教育局 — every live unit with its role marked."""
    by_role: dict[str, list[str]] = {}
    for assignment in live_assignments(case):
        by_role.setdefault(assignment.role, []).append(assignment.unit.name)
    labels = dict(AssignmentRole.choices)
    return "；".join(f"{labels[role]}：{'、'.join(names)}" for role, names in by_role.items())


def reply_class(case: Case) -> str:
    # DOMAIN.md "Counting": the class of the last accepted reply.
    accepted = [r for r in case.replies.all() if r.state == Reply.State.ACCEPTED and r.reply_class]
    if not accepted:
        return ""
    return max(accepted, key=lambda r: (r.round, r.decided_at or r.updated_at, r.pk)).reply_class


def satisfaction_text(case: Case) -> str:
    """The reply-dimension ratings of the case's latest rated round: 满意 / 满意2、基本满意1."""
    ratings: list[Rating] = list(case.ratings.all())
    if not ratings:
        return ""
    latest = max(r.round for r in ratings)
    counts = Counter(r.reply_rating for r in ratings if r.round == latest)
    labels = dict(Satisfaction.choices)
    if len(counts) == 1:
        return labels[next(iter(counts))]
    return "、".join(f"{labels[value]}{counts[value]}" for value in Satisfaction.values if counts[value])


def earliest_due(case: Case) -> dt.date | None:
    dues = [a.due_date for a in live_assignments(case) if a.role != AssignmentRole.CO]
    return min(dues) if dues else None


def initiator_phone(case: Case) -> str:
    row = next((p for p in case.proposers.all() if p.is_initiator), None)
    return mask_phone(row.user.phone) if row else ""


def local_date(value: dt.datetime | None) -> dt.date | None:
    return timezone.localtime(value).date() if value else None


CATALOGUE_COLUMNS = [
    Column("编号", 24, lambda c: c.display_number),
    Column("案由", 48, lambda c: c.title),
    Column("提案人", 24, proposer_names),
    Column("类别", 10, lambda c: c.category.name if c.category_id else ""),
    Column("承办单位", 40, units_text),
    Column("状态", 14, lambda c: c.status_label),
    Column("答复类别", 10, reply_class),
    Column("满意度", 16, satisfaction_text),
]

CASE_LIST_COLUMNS = [
    Column("编号", 24, lambda c: c.display_number),
    Column("类型", 8, lambda c: c.get_kind_display()),
    Column("案由", 48, lambda c: c.title),
    Column("提案人", 24, proposer_names),
    Column("领衔人电话", 14, initiator_phone),
    Column("类别", 10, lambda c: c.category.name if c.category_id else ""),
    Column("来源", 10, lambda c: c.get_source_display() if c.source else ""),
    Column("状态", 14, lambda c: c.status_label),
    Column("重点提案", 8, lambda c: "是" if c.is_key else ""),
    Column("提交日期", 12, lambda c: local_date(c.submitted_at), "date"),
    Column("立案日期", 12, lambda c: local_date(c.filed_at), "date"),
    Column("交办日期", 12, lambda c: local_date(c.assigned_at), "date"),
    Column("答复期限", 12, earliest_due, "date"),
    Column("承办单位", 40, units_text),
    Column("答复日期", 12, lambda c: local_date(c.replied_at), "date"),
    Column("答复类别", 10, reply_class),
    Column("满意度", 16, satisfaction_text),
    Column("办结日期", 12, lambda c: local_date(c.closed_at), "date"),
]

LEAGUE_COLUMNS = [
    Column("承办单位", 24, lambda r: r.get("unit", "")),
    Column("交办件数", 10, lambda r: r.get("assigned"), "int"),
    Column("按时签收", 10, lambda r: r.get("signed_on_time"), "int"),
    Column("已答复", 10, lambda r: r.get("replied"), "int"),
    Column("按时答复", 10, lambda r: r.get("replied_on_time"), "int"),
    Column("逾期", 8, lambda r: r.get("overdue"), "int"),
    Column("A类占比", 10, lambda r: r.get("a_share"), "percent"),
    Column("B类占比", 10, lambda r: r.get("b_share"), "percent"),
    Column("C类占比", 10, lambda r: r.get("c_share"), "percent"),
    Column("满意率", 10, lambda r: r.get("satisfaction_rate"), "percent"),
]


def with_export_prefetch(cases: QuerySet[Case]) -> QuerySet[Case]:
    """Everything a row needs, fetched per chunk when iterated with a chunk size."""
    return cases.select_related("session", "category").prefetch_related(
        Prefetch(
            "proposers",
            queryset=Proposer.objects.select_related("user", "organisation", "sector", "group", "committee"),
        ),
        Prefetch("assignments", queryset=Assignment.objects.select_related("unit").order_by("id")),
        Prefetch("replies", queryset=Reply.objects.filter(state=Reply.State.ACCEPTED)),
        Prefetch("ratings", queryset=Rating.objects.all()),
    )


# --- Writing ----------------------------------------------------------------------------------------


def write_sheet(path_or_file, sheet_name: str, columns: list[Column], rows: Iterable[Any], *, title: str = "") -> int:
    """Write one sheet; return the number of data rows. Constant memory: rows go to disk as written."""
    workbook = xlsxwriter.Workbook(path_or_file, {"constant_memory": True, "tmpdir": tempfile.gettempdir()})
    header = workbook.add_format(
        {"bold": True, "bg_color": "#DDEBF7", "border": 1, "text_wrap": True, "valign": "vcenter", "align": "center"}
    )
    formats = {
        "text": workbook.add_format({"text_wrap": True, "valign": "top"}),
        "date": workbook.add_format({"num_format": "yyyy-mm-dd", "valign": "top"}),
        "int": workbook.add_format({"valign": "top"}),
        "percent": workbook.add_format({"num_format": "0.0%", "valign": "top"}),
    }
    sheet = workbook.add_worksheet(sheet_name)
    first = 0
    if title:
        sheet.write_string(0, 0, title, workbook.add_format({"bold": True, "font_size": 14}))
        first = 1
    for index, column in enumerate(columns):
        sheet.set_column(index, index, column.width)
        sheet.write_string(first, index, column.header, header)
    sheet.freeze_panes(first + 1, 0)
    count = 0
    for count, item in enumerate(rows, start=1):
        row = first + count
        for index, column in enumerate(columns):
            value = column.value(item)
            if value is None or value == "":
                continue
            if column.kind == "date":
                sheet.write_datetime(row, index, value, formats["date"])
            elif column.kind in ("int", "percent"):
                sheet.write_number(row, index, value, formats[column.kind])
            else:
                sheet.write_string(row, index, str(value), formats["text"])
    if count:
        sheet.autofilter(first, 0, first + count, len(columns) - 1)
    workbook.close()
    return count


def _file_response(
    columns: list[Column], rows: Iterable[Any], *, sheet: str, stem: str, title: str = ""
) -> tuple[FileResponse, int]:
    # The temporary file is deleted when FileResponse closes it after sending.
    tmp = tempfile.NamedTemporaryFile(suffix=".xlsx")
    count = write_sheet(tmp, sheet, columns, rows, title=title)
    tmp.seek(0)
    filename = f"{stem}_{clock.today():%Y%m%d}.xlsx"
    response = FileResponse(
        tmp,
        as_attachment=True,
        filename=filename,
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    return response, count


def _audit(user, kind: str, rows: int, filters: dict | None) -> None:
    audit.record(
        "export", actor=user, object_type="case_list", data={"kind": kind, "rows": rows, "filters": filters or {}}
    )


def iter_cases(cases: QuerySet[Case]):
    """The cases of ``cases``, in its order, with everything a row needs; one chunk in memory at a time.

    Only primary keys are streamed from the caller's queryset (its filters, distinct, order and slice
    apply unchanged); each chunk of ``CHUNK_SIZE`` keys is fetched with its prefetches and handed out
    case by case. A case is meant for one row: when the next case is asked for, the previous one's
    prefetched relations are released (reading them again would query the database).

    Why: a prefetched case sits in reference cycles (its prefetched querysets keep it in
    ``_known_related_objects``, and every prefetched row points back to it), so dropping the last
    reference does not free it; only the cyclic garbage collector does, late. With
    ``QuerySet.iterator(chunk_size=2000)`` every chunk stayed in memory until a full collection ran,
    so the peak grew with the number of cases (67 MB Python at 100k, 120 MB RSS). Clearing the
    prefetch cache breaks the cycles and frees each case as soon as its row is written.
    """
    keys = cases.values_list("pk", flat=True).iterator(chunk_size=CHUNK_SIZE)
    fetch = with_export_prefetch(cases.model.objects.all())
    while chunk := list(islice(keys, CHUNK_SIZE)):
        by_pk = {case.pk: case for case in fetch.filter(pk__in=chunk)}
        for pk in chunk:
            case = by_pk.pop(pk, None)  # None: deleted since its key was read
            if case is None:
                continue
            try:
                yield case
            finally:
                _release(case)
        del by_pk


def _release(case: Case) -> None:
    """Break the reference cycles of a prefetched case so that it is freed with its last reference."""
    case.__dict__.pop("_prefetched_objects_cache", None)


def export_catalogue(user, cases: QuerySet[Case], *, filters: dict | None = None, title: str = "") -> FileResponse:
    """提案目录 of numbered cases, in number order within session and kind."""
    numbered = cases.filter(number__isnull=False).order_by("session__opens", "kind", "number")
    response, count = _file_response(
        CATALOGUE_COLUMNS, iter_cases(numbered), sheet="提案目录", stem="提案目录", title=title
    )
    _audit(user, "catalogue", count, filters)
    return response


def export_cases(user, cases: QuerySet[Case], *, filters: dict | None = None) -> FileResponse:
    """ "Export what I see": whatever (already scoped) queryset the list page shows, in its order."""
    if not cases.query.order_by:
        cases = cases.order_by("-id")
    response, count = _file_response(CASE_LIST_COLUMNS, iter_cases(cases), sheet="提案列表", stem="提案列表")
    _audit(user, "case_list", count, filters)
    return response


def export_unit_league(user, rows: Iterable[dict], *, filters: dict | None = None) -> FileResponse:
    """承办单位办理情况: rows come from the statistics module (dicts keyed as LEAGUE_COLUMNS read them)."""
    response, count = _file_response(LEAGUE_COLUMNS, rows, sheet="承办单位", stem="承办单位办理情况")
    _audit(user, "unit_league", count, filters)
    return response
