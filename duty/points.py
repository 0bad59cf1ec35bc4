"""Duty points, derived from the records and never typed: each rule kind has a source that lists the records
of a year (a proposer row of a filed case, an attendance, an opinion, a report); the year's rules give each
record its points, with the yearly caps. A line keeps its record, so the 履职档案 links every point to it.

The rules of a year are the latest ``PointRule`` of each kind at or before that year (a change applies from
its year on). Part 2 (社情民意, issue 25) adds its kinds to ``RuleKind`` and a source to ``SOURCES``.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Exists, OuterRef, Q
from django.urls import reverse

from core.clock import LOCAL
from proposals.models import Kind, Proposer, Reply, ReplyClass, Status

from .models import Activity, ActivityKind, Opinion, Participation, PointRule, RuleKind

ZERO = Decimal("0")


@dataclass(frozen=True)
class Record:
    """One record that earns points under ``kind``."""

    user_id: int
    kind: str
    date: dt.date
    label: str
    url: str


@dataclass
class Line:
    record: Record
    points: Decimal
    capped: bool = False  # over the year's cap: listed, counted as 0 (or less than the full value)


@dataclass
class RuleRow:
    kind: str
    label: str
    per: Decimal
    cap: Decimal | None
    rule_year: int
    lines: list[Line] = field(default_factory=list)

    @property
    def subtotal(self) -> Decimal:
        return sum((line.points for line in self.lines), ZERO)

    @property
    def count(self) -> int:
        return len(self.lines)


def rules_for(year: int) -> dict[str, PointRule]:
    """kind → the rule in force in ``year`` (the latest at or before it); kinds without one earn nothing."""
    rules: dict[str, PointRule] = {}
    for rule in PointRule.objects.filter(year__lte=year).order_by("kind", "-year"):
        rules.setdefault(rule.kind, rule)
    return rules


def _year_bounds(year: int) -> tuple[dt.datetime, dt.datetime]:
    return dt.datetime(year, 1, 1, tzinfo=LOCAL), dt.datetime(year + 1, 1, 1, tzinfo=LOCAL)


def _only(qs, user_ids: Iterable[int] | None, field_name: str):
    return qs if user_ids is None else qs.filter(**{f"{field_name}__in": list(user_ids)})


# --- Sources: the records of a year, per rule kind ------------------------------------------------------


def case_records(year: int, user_ids: Iterable[int] | None) -> Iterable[Record]:
    """Filed proposals and suggestions of the year (by filing date): the initiator leads, each confirmed
    co-signer 附议; a key proposal and an A-class reply add to the initiator's. A collective case is its
    body's, not the signing member's; a withdrawn case earns nothing."""
    start, end = _year_bounds(year)
    adopted = Reply.objects.filter(case=OuterRef("case_id"), state=Reply.State.ACCEPTED, reply_class=ReplyClass.A)
    rows = (
        _only(Proposer.objects, user_ids, "user_id")
        .filter(
            case__filed_at__gte=start,
            case__filed_at__lt=end,
            case__number__isnull=False,
            collective="",
        )
        .exclude(case__status=Status.WITHDRAWN)
        .filter(Q(role=Proposer.Role.INITIATOR) | Q(role=Proposer.Role.COSIGNER, confirmation="confirmed"))
        .annotate(adopted=Exists(adopted))
        .values(
            "user_id",
            "role",
            "case_id",
            "case__kind",
            "case__number",
            "case__title",
            "case__session__name",
            "case__filed_at",
            "case__is_key",
            "adopted",
        )
        .order_by("case__filed_at", "case_id")
    )
    for r in rows:
        suggestion = r["case__kind"] == Kind.SUGGESTION
        number = f"{r['case__session__name']} {'建议' if suggestion else ''}第{r['case__number']:03d}号"
        label = f"{number} {r['case__title']}"
        url = _case_url(r["case_id"])
        day = r["case__filed_at"].astimezone(LOCAL).date()
        lead = r["role"] == Proposer.Role.INITIATOR
        if suggestion:
            kind = RuleKind.SUGGESTION_LEAD if lead else RuleKind.SUGGESTION_COSIGN
        else:
            kind = RuleKind.CASE_LEAD if lead else RuleKind.CASE_COSIGN
        yield Record(r["user_id"], kind, day, label, url)
        if lead and r["case__is_key"]:
            yield Record(r["user_id"], RuleKind.KEY_PROPOSAL, day, label, url)
        if lead and r["adopted"] and not suggestion:
            yield Record(r["user_id"], RuleKind.CASE_ADOPTED, day, label, url)


ATTENDANCE_KIND = {
    ActivityKind.PLENARY: RuleKind.ATTEND_PLENARY,
    ActivityKind.STANDING: RuleKind.ATTEND_STANDING,
    ActivityKind.COMMITTEE: RuleKind.ATTEND_COMMITTEE,
    ActivityKind.RESEARCH: RuleKind.STUDY,
    ActivityKind.INSPECTION: RuleKind.STUDY,
    ActivityKind.CONSULTATION: RuleKind.STUDY,
    ActivityKind.SECTOR: RuleKind.SECTOR,
    ActivityKind.READING: RuleKind.READING,
    # A visit is paid TO a member by the 主席会议成员: recorded, not scored.
}


_MARK = 987654321


@functools.cache
def _url_pattern(name: str) -> str:
    # reverse() once per route, not once per record: a year of everyone's records is thousands of links.
    return reverse(name, args=[_MARK]).replace(str(_MARK), "{}")


def _case_url(case_id: int) -> str:
    return _url_pattern("proposals:case_detail").format(case_id)


def _activity_url(activity_id: int, anchor: str = "") -> str:
    return _url_pattern("duty:activity_detail").format(activity_id) + (f"#{anchor}" if anchor else "")


def attendance_records(year: int, user_ids: Iterable[int] | None) -> Iterable[Record]:
    rows = (
        _only(Participation.objects, user_ids, "user_id")
        .filter(activity__date__year=year, status__in=[Participation.Status.PRESENT, Participation.Status.ABSENT])
        .values("user_id", "status", "activity_id", "activity__kind", "activity__title", "activity__date")
        .order_by("activity__date", "activity_id")
    )
    for r in rows:
        kind: RuleKind | None = (
            RuleKind.ABSENCE if r["status"] == Participation.Status.ABSENT else ATTENDANCE_KIND.get(r["activity__kind"])
        )
        if kind is None:
            continue
        label = f"{ActivityKind(r['activity__kind']).label}：{r['activity__title']}"
        yield Record(r["user_id"], kind, r["activity__date"], label, _activity_url(r["activity_id"]))


def opinion_records(year: int, user_ids: Iterable[int] | None) -> Iterable[Record]:
    rows = (
        _only(Opinion.objects, user_ids, "author_id")
        .filter(author__isnull=False, activity__date__year=year)
        .values("id", "author_id", "text", "activity_id", "activity__title", "activity__date")
        .order_by("activity__date", "id")
    )
    for r in rows:
        text = r["text"] if len(r["text"]) <= 40 else r["text"][:40] + "……"
        label = f"{r['activity__title']}：{text}"
        yield Record(
            r["author_id"],
            RuleKind.OPINION,
            r["activity__date"],
            label,
            _activity_url(r["activity_id"], f"opinion-{r['id']}"),
        )


def report_records(year: int, user_ids: Iterable[int] | None) -> Iterable[Record]:
    rows = (
        _only(Activity.objects, user_ids, "report_author_id")
        .filter(report_author__isnull=False, date__year=year)
        .exclude(report_title="")
        .values("id", "report_author_id", "report_title", "date")
        .order_by("date", "id")
    )
    for r in rows:
        yield Record(
            r["report_author_id"], RuleKind.REPORT, r["date"], r["report_title"], _activity_url(r["id"], "report")
        )


Source = Callable[[int, Iterable[int] | None], Iterable[Record]]
SOURCES: list[Source] = [case_records, attendance_records, opinion_records, report_records]


# --- Applying the rules -----------------------------------------------------------------------------


def _apply(rule: PointRule, records: list[Record]) -> list[Line]:
    """Each record its rule's points, until the year's cap (for a deduction: the most it may take away)."""
    lines, running = [], ZERO
    for record in sorted(records, key=lambda r: (r.date, r.label)):
        value = rule.points
        if rule.cap is not None:
            room = rule.cap - abs(running)
            if abs(value) > room:
                value = max(room, ZERO) * (1 if value >= 0 else -1)
        lines.append(Line(record, value, capped=value != rule.points))
        running += value
    return lines


def compute(year: int, user_ids: Iterable[int] | None = None) -> dict[int, list[RuleRow]]:
    """user id → their rows (one per rule kind with records, in RuleKind order) for ``year``.
    ``user_ids`` None computes everyone with records (for ranks and the assessment) in a few queries."""
    ids = None if user_ids is None else list(user_ids)
    rules = rules_for(year)
    grouped: dict[int, dict[str, list[Record]]] = defaultdict(lambda: defaultdict(list))
    for source in SOURCES:
        for record in source(year, ids):
            if record.kind in rules:
                grouped[record.user_id][record.kind].append(record)
    order = {k: i for i, k in enumerate(RuleKind.values)}
    out: dict[int, list[RuleRow]] = {}
    for user_id, by_kind in grouped.items():
        rows = []
        for kind in sorted(by_kind, key=order.__getitem__):
            rule = rules[kind]
            rows.append(
                RuleRow(kind, RuleKind(kind).label, rule.points, rule.cap, rule.year, _apply(rule, by_kind[kind]))
            )
        out[user_id] = rows
    return out


def total(rows: list[RuleRow]) -> Decimal:
    return sum((row.subtotal for row in rows), ZERO)


def totals(year: int, user_ids: Iterable[int] | None = None) -> dict[int, Decimal]:
    return {uid: total(rows) for uid, rows in compute(year, user_ids).items()}
