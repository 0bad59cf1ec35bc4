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
from django.db.models import QuerySet
from django.db.models.base import ModelState
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

CHUNK_SIZE = 2000  # cases per chunk: one query per related table each; a chunk costs a few MB of Python objects


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


class _Rel(list):
    """A prefetched relation as the row code reads it: ``case.proposers.all()``."""

    def all(self):
        return self


class ExportCase:
    """One case as a row needs it: the case's own columns (an unsaved ``Case`` built from a values()
    row, so its properties — number, state label, choice labels — are the model's own) and its
    relations as plain lists of model instances built the same way. No attribute read queries."""

    __slots__ = ("_case", "assignments", "proposers", "ratings", "replies")

    def __init__(self, case: Case):
        self._case = case
        self.proposers, self.assignments, self.replies, self.ratings = _Rel(), _Rel(), _Rel(), _Rel()

    def __getattr__(self, name: str):
        return getattr(self._case, name)


CASE_FIELDS = (
    "id",
    "number",
    "session_id",
    "kind",
    "status",
    "title",
    "category_id",
    "is_key",
    "source",
    "submitted_at",
    "filed_at",
    "assigned_at",
    "replied_at",
    "closed_at",
)
PROPOSER_FIELDS = (
    "id",
    "case_id",
    "user_id",
    "role",
    "order",
    "collective",
    "organisation_id",
    "sector_id",
    "committee_id",
    "group_id",
    "confirmation",
)
USER_FIELDS = ("id", "username", "name", "first_name", "last_name", "phone")


class _References:
    """The small reference tables, read once per export: sessions, categories, units and the
    collective proposers' organisations, sectors, groups and committees."""

    def __init__(self):
        from members.models import MemberGroup, Organisation, Sector, Session, SpecialCommittee, Unit
        from proposals.models import Category

        self.session = {s.pk: s for s in Session.objects.all()}
        self.category = {c.pk: c for c in Category.objects.all()}
        self.unit = {u.pk: u for u in Unit.objects.only("id", "name")}
        self.organisation = {o.pk: o for o in Organisation.objects.only("id", "name")}
        self.sector = {o.pk: o for o in Sector.objects.only("id", "name")}
        self.group = {o.pk: o for o in MemberGroup.objects.only("id", "name")}
        self.committee = {o.pk: o for o in SpecialCommittee.objects.only("id", "name")}


def _bare(model, fields, values, **related):
    """A model instance from a values row without ``Model.__init__`` (what ``Model.from_db`` does, minus
    the per-field defaults it would apply): the model's own properties then read the values, and the
    related objects given are cached so reading them queries nothing. ~1 µs instead of ~20 µs."""
    obj = model.__new__(model)
    obj.__dict__.update(zip(fields, values))
    state = obj._state = ModelState()
    state.adding, state.db = False, "default"
    if related:
        state.fields_cache.update(related)
    return obj


def _rows(queryset, fields):
    return queryset.order_by().values_list(*fields).iterator(chunk_size=4 * CHUNK_SIZE)


def _chunk(rows: list[tuple], refs: _References) -> list[ExportCase]:
    """The cases of one chunk with their relations: one query per related table, no query per case."""
    from members.models import User

    by_id: dict[int, ExportCase] = {}
    out = []
    for values in rows:
        case = _bare(Case, CASE_FIELDS, values)
        related = {}
        if case.session_id:
            related["session"] = refs.session[case.session_id]
        if case.category_id:
            related["category"] = refs.category[case.category_id]
        case._state.fields_cache.update(related)
        by_id[case.id] = row = ExportCase(case)
        out.append(row)
    ids = list(by_id)
    proposers = list(_rows(Proposer.objects.filter(case_id__in=ids), PROPOSER_FIELDS))
    user_ids = {values[2] for values in proposers}
    users = {
        values[0]: _bare(User, USER_FIELDS, values)
        for values in _rows(User.objects.filter(pk__in=user_ids), USER_FIELDS)
    }
    proposers.sort(key=lambda v: (v[4], v[0]))  # Proposer's own ordering: order, id
    for values in proposers:
        p = _bare(Proposer, PROPOSER_FIELDS, values, user=users[values[2]])
        for name in ("organisation", "sector", "committee", "group"):
            ref_id = getattr(p, f"{name}_id")
            if ref_id:
                p._state.fields_cache[name] = getattr(refs, name)[ref_id]
        by_id[p.case_id].proposers.append(p)
    fields = ("id", "case_id", "unit_id", "role", "status", "due_date")
    for values in sorted(_rows(Assignment.objects.filter(case_id__in=ids), fields)):
        a = _bare(Assignment, fields, values, unit=refs.unit[values[2]])
        by_id[a.case_id].assignments.append(a)
    fields = ("id", "case_id", "round", "state", "reply_class", "decided_at", "updated_at")
    accepted = Reply.objects.filter(case_id__in=ids, state=Reply.State.ACCEPTED)
    for values in _rows(accepted, fields):
        by_id[values[1]].replies.append(_bare(Reply, fields, values))
    fields = ("id", "case_id", "round", "reply_rating")
    for values in _rows(Rating.objects.filter(case_id__in=ids), fields):
        by_id[values[1]].ratings.append(_bare(Rating, fields, values))
    return out


def count_cases(cases: QuerySet[Case]) -> int:
    return cases.order_by().count()


def iter_cases(cases: QuerySet[Case], progress: Callable[[int], None] | None = None):
    """The cases of ``cases``, in its order, with everything a row needs; one chunk in memory at a time.

    The caller's queryset (its filters, distinct, order and slice unchanged) is read once, as values
    through a server-side cursor; each chunk of ``CHUNK_SIZE`` cases then costs one query per related
    table (proposers, their users, assignments, accepted replies, ratings) and builds unsaved model
    instances from the values, so no row reads the database and nothing holds a reference cycle (the
    chunk is freed as soon as it is written). ``progress(n)`` is told how many cases were handed out.

    Why not ``prefetch_related``: at 100k cases its model instances with five select_related joins per
    proposer, and the per-chunk querysets, took minutes (385 s in the bench of 29 Nov); values() rows
    with the few columns a sheet shows take seconds.
    """
    refs = _References()
    rows = cases.values_list(*CASE_FIELDS).iterator(chunk_size=CHUNK_SIZE)
    handed = 0
    while chunk := list(islice(rows, CHUNK_SIZE)):
        batch = _chunk(chunk, refs)
        del chunk
        yield from batch
        handed += len(batch)
        del batch
        if progress is not None:
            progress(handed)


@dataclass(frozen=True)
class CaseExport:
    """One kind of case export: its columns, sheet and file name, and the order it lists cases in."""

    kind: str
    columns: list[Column]
    sheet: str
    stem: str
    prepare: Callable[[QuerySet[Case]], QuerySet[Case]]

    def filename(self) -> str:
        return f"{self.stem}_{clock.today():%Y%m%d}.xlsx"


def _numbered_in_order(cases: QuerySet[Case]) -> QuerySet[Case]:
    """提案目录 lists numbered cases, in number order within session and kind."""
    return cases.filter(number__isnull=False).order_by("session__opens", "kind", "number")


def _as_listed(cases: QuerySet[Case]) -> QuerySet[Case]:
    """ "Export what I see": the list page's queryset in its order (newest first when it has none)."""
    return cases if cases.query.order_by else cases.order_by("-id")


CASE_EXPORTS = {
    "catalogue": CaseExport("catalogue", CATALOGUE_COLUMNS, "提案目录", "提案目录", _numbered_in_order),
    "case_list": CaseExport("case_list", CASE_LIST_COLUMNS, "提案列表", "提案列表", _as_listed),
}


def rows_to_export(kind: str, cases: QuerySet[Case]) -> int:
    """How many rows an export of (already scoped) ``cases`` would write: the view's job threshold."""
    return count_cases(CASE_EXPORTS[kind].prepare(cases))


def write_case_export(
    user, kind: str, cases: QuerySet[Case], target, *, filters: dict | None = None, title: str = "", progress=None
) -> int:
    """Write the export of ``kind`` to ``target`` (a path or file) and audit it; the one path of the
    direct download and the background job. ``progress(done)`` follows the rows written."""
    spec = CASE_EXPORTS[kind]
    count = write_sheet(target, spec.sheet, spec.columns, iter_cases(spec.prepare(cases), progress), title=title)
    _audit(user, kind, count, filters)
    return count


def _case_export_response(
    user, kind: str, cases: QuerySet[Case], filters: dict | None, title: str = ""
) -> FileResponse:
    # The temporary file is deleted when FileResponse closes it after sending.
    tmp = tempfile.NamedTemporaryFile(suffix=".xlsx")
    write_case_export(user, kind, cases, tmp, filters=filters, title=title)
    tmp.seek(0)
    return FileResponse(
        tmp,
        as_attachment=True,
        filename=CASE_EXPORTS[kind].filename(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )


def export_catalogue(user, cases: QuerySet[Case], *, filters: dict | None = None, title: str = "") -> FileResponse:
    """提案目录 of numbered cases, in number order within session and kind."""
    return _case_export_response(user, "catalogue", cases, filters, title)


def export_cases(user, cases: QuerySet[Case], *, filters: dict | None = None) -> FileResponse:
    """ "Export what I see": whatever (already scoped) queryset the list page shows, in its order."""
    return _case_export_response(user, "case_list", cases, filters)


def export_unit_league(user, rows: Iterable[dict], *, filters: dict | None = None) -> FileResponse:
    """承办单位办理情况: rows come from the statistics module (dicts keyed as LEAGUE_COLUMNS read them)."""
    response, count = _file_response(LEAGUE_COLUMNS, rows, sheet="承办单位", stem="承办单位办理情况")
    _audit(user, "unit_league", count, filters)
    return response
