"""Import of legacy catalogues (历史提案目录) from .xlsx or CSV, as offices keep them.

Columns are recognised by their Chinese names in any order (synonyms mapped, a title row above
the header is skipped). Every row is read and checked first; a dry run stops there and reports.
A real run imports only when every row is good, in ONE transaction: each case is created in its
final state with its number, proposers, assignments (and reply class), the number sequence of
its session and kind is moved to at least the highest imported number, and one ``import`` audit
event is written per case. Timestamps of imported steps are the import time (the legacy files
carry no dates); the audit event's data says so by naming the file and row.
"""

from __future__ import annotations

import csv
import io
import re
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from django.db import transaction

from audit import trail as audit
from core import clock
from members.models import (
    Affiliation,
    MemberGroup,
    Membership,
    Organisation,
    Sector,
    Session,
    SpecialCommittee,
    Term,
    Unit,
    User,
)
from proposals import settings_registry, workdays
from proposals.models import (
    Assignment,
    AssignmentRole,
    AssignmentStatus,
    Case,
    Category,
    Kind,
    NumberSequence,
    Proposer,
    Reply,
    Status,
)

# --- Parsers ----------------------------------------------------------------------------------------

_OPEN = re.escape("〔［[（(【")
_CLOSE = re.escape("〕］]）)】")
_NUMBER_PATTERNS = [
    # 〔2023〕27号, 陈政协〔2023〕27号
    re.compile(rf"[{_OPEN}]\s*(?P<year>\d{{4}})\s*[{_CLOSE}]\s*第?\s*(?P<n>\d+)\s*号?$"),
    # 第〔27〕号, 第27号, 四届三次会议第027号, 建议第5号
    re.compile(rf"第\s*[{_OPEN}]?\s*(?P<n>\d+)\s*[{_CLOSE}]?\s*号?$"),
    # 27, 027, 27号, 〔27〕
    re.compile(rf"^[{_OPEN}]?\s*(?P<n>\d+)\s*[{_CLOSE}]?\s*号?$"),
]


@dataclass(frozen=True)
class ParsedNumber:
    number: int
    year: int | None = None


def parse_number(value: Any) -> ParsedNumber:
    """Read a case number as offices write it; ValueError when it cannot be read."""
    if isinstance(value, bool) or value is None:
        raise ValueError("编号为空")
    if isinstance(value, (int, float)):
        if float(value) != int(value) or int(value) <= 0:
            raise ValueError(f"无法识别的编号“{value}”")
        return ParsedNumber(int(value))
    text = re.sub(r"\s+", "", str(value))
    if not text:
        raise ValueError("编号为空")
    if re.fullmatch(r"\d+\.0+", text):  # a number that went through a spreadsheet as text
        text = text.split(".")[0]
    for pattern in _NUMBER_PATTERNS:
        match = pattern.search(text)
        if match:
            number = int(match.group("n"))
            if number <= 0:
                break
            year = match.groupdict().get("year")
            return ParsedNumber(number, int(year) if year else None)
    raise ValueError(f"无法识别的编号“{value}”")


_SEPARATORS = re.compile(r"[、，,；;/／\s]+")
_JOINT = re.compile(
    r"^(?P<first>[^（(]+)[（(]\s*(?:联名人|联名|附议人|附议)\s*[:：]?\s*(?P<rest>[^）)]*)[）)]\s*(?P<tail>.*)$"
)


def split_list(value: Any) -> list[str]:
    """张三、李四 / 区教育局，区卫健局 → names, in order, without blanks or repeats."""
    names = [part.strip() for part in _SEPARATORS.split(str(value or "").strip())]
    return list(dict.fromkeys(name for name in names if name))


def parse_proposers(value: Any) -> list[str]:
    """张三、李四 or 张三（联名人：李四、王五） → ['张三', '李四', '王五'], the initiator first."""
    text = str(value or "").strip()
    match = _JOINT.match(text)
    if match:
        return list(dict.fromkeys(split_list(match["first"]) + split_list(match["rest"]) + split_list(match["tail"])))
    return split_list(text)


_CLASS_WORDS = {"A": ("已解决", "采纳"), "B": ("正在解决", "列入计划", "计划解决"), "C": ("留作参考", "参考")}


def parse_reply_class(value: Any) -> str:
    """A / A类 / A类（已解决或采纳） / 已解决 → 'A'; '' when empty; ValueError when unreadable."""
    text = str(value or "").strip().upper()
    if not text:
        return ""
    if text[0] in "ABC" and (len(text) == 1 or not text[1].isalpha() or text[1] == "类"):
        return text[0]
    for letter, words in _CLASS_WORDS.items():
        if any(word in text for word in words):
            return letter
    raise ValueError(f"无法识别的答复类别“{value}”")


_STATUS_WORDS = [
    (Status.CLOSED, ("办结", "完成")),
    (Status.REHANDLING, ("重新办理",)),
    (Status.REPLIED, ("已答复", "待评价", "答复")),
    (Status.HANDLING, ("办理中", "正在办理", "已签收", "在办")),
    (Status.ASSIGNED, ("已交办", "待签收", "交办")),
    (Status.FILED, ("已立案", "待交办", "立案", "已登记")),
]
IMPORTABLE_STATES = (Status.FILED, Status.ASSIGNED, Status.HANDLING, Status.REPLIED, Status.CLOSED)


def parse_status(value: Any) -> str:
    text = str(value or "").strip()
    if not text:
        return ""
    if text in Status.values:
        return text
    for status, words in _STATUS_WORDS:
        if any(word in text for word in words):
            return Status.REPLIED if status == Status.REHANDLING else status
    raise ValueError(f"无法识别的办理状态“{value}”")


def parse_kind(value: Any, default: str) -> str:
    text = str(value or "").strip()
    if not text:
        return default
    if "建议" in text:
        return Kind.SUGGESTION
    if "提案" in text:
        return Kind.PROPOSAL
    raise ValueError(f"无法识别的类型“{value}”")


# --- Columns ----------------------------------------------------------------------------------------

COLUMN_SYNONYMS = {
    "number": ("案号", "编号", "提案号", "提案编号", "建议号", "建议编号", "立案号", "文号"),
    "title": ("案由", "标题", "提案标题", "题目", "提案名称", "提案题目", "名称"),
    "proposers": ("提案人", "领衔人", "领衔提案人", "提案者", "提出人", "提案单位", "提案人（单位）"),
    "cosigners": ("联名人", "附议人", "联名提案人"),
    "lead_units": ("主办单位", "承办单位", "办理单位", "主办"),
    "co_units": ("会办单位", "协办单位", "会办"),
    "separate_units": ("分办单位", "分办"),
    "category": ("类别", "分类", "提案类别", "类型分类"),
    "reply_class": ("答复类别", "办理结果", "答复类型", "答复分类", "办复类别"),
    "status": ("办理状态", "状态", "办理情况"),
    "kind": ("类型", "提案类型"),
    "session": ("会议", "届次会议", "届次"),
    "facts": ("情况分析", "提案内容", "内容", "案情"),
    "suggestions": ("办法建议", "具体建议", "建议内容"),
}
_HEADER_LOOKUP = {name: key for key, names in COLUMN_SYNONYMS.items() for name in names}


def normalise_header(value: Any) -> str:
    return re.sub(r"[\s*＊:：]", "", str(value or ""))


def map_headers(row: list[Any]) -> dict[int, str]:
    """Column index → field for the recognised headers of one row."""
    mapping: dict[int, str] = {}
    for index, cell in enumerate(row):
        key = _HEADER_LOOKUP.get(normalise_header(cell))
        if key and key not in mapping.values():
            mapping[index] = key
    return mapping


# --- Reading files ------------------------------------------------------------------------------------


def decode_csv(raw: bytes) -> str:
    """UTF-8 with or without BOM, else GB18030 (a superset of GBK and GB2312)."""
    if raw.startswith(b"\xef\xbb\xbf"):
        return raw[3:].decode("utf-8")
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw.decode("gb18030")


def read_rows(source: str | Path | IO[bytes], filename: str) -> list[tuple[int, list[Any]]]:
    """(file row number, cells) for every row of the first sheet, or of the CSV."""
    if isinstance(source, (str, Path)):
        with open(source, "rb") as handle:
            raw = handle.read()
    else:
        raw = source.read()
    if filename.lower().endswith(".csv"):
        text = decode_csv(raw)
        dialect = csv.excel_tab if text.split("\n", 1)[0].count("\t") > text.split("\n", 1)[0].count(",") else csv.excel
        return [(n, row) for n, row in enumerate(csv.reader(io.StringIO(text), dialect), start=1)]
    if filename.lower().endswith((".xlsx", ".xlsm")):
        from openpyxl import load_workbook

        workbook = load_workbook(io.BytesIO(raw), read_only=True, data_only=True)
        try:
            sheet = workbook.worksheets[0]
            return [(n, list(row)) for n, row in enumerate(sheet.iter_rows(values_only=True), start=1)]
        finally:
            workbook.close()
    raise ImportFileError("只能导入 .xlsx 或 .csv 文件（旧版 .xls 请先另存为 .xlsx）。")


class ImportFileError(Exception):
    """The file as a whole cannot be imported (format, header, session)."""


# --- Report -------------------------------------------------------------------------------------------


@dataclass
class RowProblem:
    row: int
    reasons: list[str]

    def __str__(self) -> str:
        return f"第{self.row}行：{'；'.join(self.reasons)}"


@dataclass
class ImportReport:
    filename: str
    dry_run: bool
    rows: int = 0
    problems: list[RowProblem] = field(default_factory=list)
    imported: list[int] = field(default_factory=list)  # case ids
    would_import: int = 0
    created_people: list[str] = field(default_factory=list)
    created_units: list[str] = field(default_factory=list)
    created_categories: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    def lines(self) -> list[str]:
        out = [f"文件：{self.filename}，数据行 {self.rows} 行。"]
        out += [str(p) for p in self.problems]
        if self.created_people:
            out.append(f"{'将' if self.dry_run else '已'}新建（停用状态）人员：{'、'.join(self.created_people)}")
        if self.created_units:
            out.append(f"{'将' if self.dry_run else '已'}新建（停用状态）单位：{'、'.join(self.created_units)}")
        if self.created_categories:
            out.append(f"{'将' if self.dry_run else '已'}新建（停用状态）类别：{'、'.join(self.created_categories)}")
        if self.problems:
            out.append(f"共 {len(self.problems)} 行有问题，未导入任何数据。")
        elif self.dry_run:
            out.append(f"试运行：{self.would_import} 行均可导入，未做任何修改。")
        else:
            out.append(f"已导入 {len(self.imported)} 件。")
        return out


# --- Resolving names ------------------------------------------------------------------------------------


@dataclass
class ProposerRef:
    name: str
    user: User | None = None
    collective: str = ""
    organisation: Organisation | None = None
    group: MemberGroup | None = None
    sector: Sector | None = None
    committee: SpecialCommittee | None = None
    membership: Membership | None = None
    create: bool = False


@dataclass
class PlannedCase:
    row: int
    session: Session
    kind: str
    number: int
    title: str
    facts: str
    suggestions: str
    category: Category | None
    category_name: str
    status: str
    reply_class: str
    proposers: list[ProposerRef]
    units: list[tuple[str, Unit | None, str]]  # (name, unit or None to create, role)


class Resolver:
    """Name lookups against the database, cached for the file; knows what is missing."""

    def __init__(self, term, create_missing: bool):
        self.term = term
        self.create_missing = create_missing
        self._units = {u.name: u for u in Unit.objects.all()}
        self._categories = {c.name: c for c in Category.objects.all()}
        self._organisations = {o.name: o for o in Organisation.objects.all()}
        self._groups = {g.name: g for g in MemberGroup.objects.filter(term=term)}
        self._sectors = {s.name: s for s in Sector.objects.all()}
        self._committees = {c.name: c for c in SpecialCommittee.objects.all()}
        self._members: dict[str, list[Membership]] = {}
        for m in Membership.objects.filter(term=term).select_related("user"):
            for key in {m.user.name, m.user.username, m.user.display_name} - {""}:
                self._members.setdefault(key, []).append(m)

    def unit(self, name: str) -> Unit | None:
        return self._units.get(name)

    def category(self, name: str) -> Category | None:
        return self._categories.get(name) or self._categories.get(name.removesuffix("类"))

    def proposer(self, name: str) -> ProposerRef | str:
        """A ProposerRef, or the reason the name is not known."""
        members = self._members.get(name, [])
        if len(members) > 1:
            return f"提案人“{name}”在本届有重名委员，无法确定是哪一位"
        if members:
            return ProposerRef(name, user=members[0].user, membership=members[0])
        if name in self._organisations:
            return ProposerRef(
                name, collective=Proposer.Collective.ORGANISATION, organisation=self._organisations[name]
            )
        if name in self._groups:
            return ProposerRef(name, collective=Proposer.Collective.GROUP, group=self._groups[name])
        sector = (
            self._sectors.get(name)
            or self._sectors.get(name.removesuffix("界别"))
            or self._sectors.get(name.removesuffix("别"))
        )
        if sector:
            return ProposerRef(name, collective=Proposer.Collective.SECTOR, sector=sector)
        if name in self._committees:
            return ProposerRef(name, collective=Proposer.Collective.COMMITTEE, committee=self._committees[name])
        return f"未知的提案人“{name}”（本届无此委员、党派团体、界别或委员小组）"


# --- The import -----------------------------------------------------------------------------------------


def _cell(cells: list[Any], mapping: dict[int, str], key: str) -> Any:
    for index, name in mapping.items():
        if name == key and index < len(cells):
            value = cells[index]
            return value.strip() if isinstance(value, str) else value
    return None


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _find_header(rows: list[tuple[int, list[Any]]]) -> tuple[int, dict[int, str]]:
    for position, (_, cells) in enumerate(rows[:10]):
        mapping = map_headers(cells)
        if {"number", "title"} <= set(mapping.values()):
            return position, mapping
    raise ImportFileError("找不到表头：前 10 行中没有同时含“案号/编号”和“案由/标题”的一行。")


def _plan_row(
    n: int,
    cells: list[Any],
    mapping: dict[int, str],
    *,
    resolver: Resolver,
    session: Session | None,
    kind: str,
    seen: set,
    report: ImportReport,
) -> PlannedCase | None:
    reasons: list[str] = []
    title = _text(_cell(cells, mapping, "title"))
    if not title:
        reasons.append("案由为空")
    elif len(title) > 100:
        reasons.append(f"案由超过 100 字（{len(title)} 字）")
    try:
        row_kind = parse_kind(_cell(cells, mapping, "kind"), kind)
    except ValueError as error:
        reasons.append(str(error))
        row_kind = kind
    number = None
    try:
        parsed = parse_number(_cell(cells, mapping, "number"))
        number = parsed.number
    except ValueError as error:
        reasons.append(str(error))
        parsed = None
    row_session = session
    session_name = _text(_cell(cells, mapping, "session"))
    if session_name:
        row_session = Session.objects.filter(term=resolver.term, name=session_name).first()
        if row_session is None:
            reasons.append(f"未知的会议“{session_name}”")
    elif row_session is None and parsed and parsed.year:
        row_session = Session.objects.filter(term=resolver.term, opens__year=parsed.year).first()
    if row_session is None and not session_name:
        reasons.append("无法确定所属会议（请用 --session 指定，或在表中加“会议”列）")
    if number is not None and row_session is not None:
        key = (row_session.pk, row_kind, number)
        if key in seen:
            reasons.append(
                f"编号重复：本文件中已有{row_session.name}{'建议' if row_kind == Kind.SUGGESTION else ''}第{number}号"
            )
        elif Case.objects.filter(session=row_session, kind=row_kind, number=number).exists():
            reasons.append(
                f"编号重复：系统中已有{row_session.name}{'建议' if row_kind == Kind.SUGGESTION else ''}第{number}号"
            )
        seen.add(key)

    proposers: list[ProposerRef] = []
    names = parse_proposers(_cell(cells, mapping, "proposers")) + split_list(_cell(cells, mapping, "cosigners"))
    if not names:
        reasons.append("提案人为空")
    for name in dict.fromkeys(names):
        found = resolver.proposer(name)
        if isinstance(found, ProposerRef):
            proposers.append(found)
        elif resolver.create_missing and "重名" not in found:
            proposers.append(ProposerRef(name, create=True))
            if name not in report.created_people:
                report.created_people.append(name)
        else:
            reasons.append(found)

    units: list[tuple[str, Unit | None, str]] = []
    lead = split_list(_cell(cells, mapping, "lead_units"))
    co = split_list(_cell(cells, mapping, "co_units"))
    separate = split_list(_cell(cells, mapping, "separate_units"))
    if len(lead) > 1 and not separate:
        # Several units in the 主办 column and no 分办 column: the office meant separate handling.
        separate, lead = lead, []
    roles = (
        [(n_, AssignmentRole.LEAD) for n_ in lead]
        + [(n_, AssignmentRole.CO) for n_ in co]
        + [(n_, AssignmentRole.SEPARATE) for n_ in separate]
    )
    if co and not lead:
        reasons.append("有会办单位但没有主办单位")
    if len(separate) == 1 and not lead:
        separate_only = separate[0]
        roles = [(separate_only, AssignmentRole.LEAD)]
    for unit_name, role in roles:
        unit = resolver.unit(unit_name)
        if unit is None and not resolver.create_missing:
            reasons.append(f"未知的承办单位“{unit_name}”")
            continue
        if unit is None and unit_name not in report.created_units:
            report.created_units.append(unit_name)
        units.append((unit_name, unit, role))
    if len({name for name, _, _ in units}) != len(units):
        reasons.append("同一单位重复出现")

    category_name = _text(_cell(cells, mapping, "category"))
    category = resolver.category(category_name) if category_name else None
    if category_name and category is None:
        if resolver.create_missing:
            if category_name not in report.created_categories:
                report.created_categories.append(category_name)
        else:
            reasons.append(f"未知的类别“{category_name}”")

    try:
        reply_class = parse_reply_class(_cell(cells, mapping, "reply_class"))
    except ValueError as error:
        reasons.append(str(error))
        reply_class = ""
    try:
        status = parse_status(_cell(cells, mapping, "status"))
    except ValueError as error:
        reasons.append(str(error))
        status = ""
    if status and status not in IMPORTABLE_STATES:
        reasons.append(f"办理状态“{Status(status).label}”不能导入")
    if not status:
        status = (Status.CLOSED if reply_class else Status.ASSIGNED) if units else Status.FILED
    if status == Status.FILED and units:
        status = Status.ASSIGNED
    if status != Status.FILED and not units and not any(r.startswith("未知的承办单位") for r in reasons):
        reasons.append(f"办理状态为“{Status(status).label}”但没有承办单位")

    if reasons:
        report.problems.append(RowProblem(n, reasons))
        return None
    return PlannedCase(
        n,
        row_session,
        row_kind,
        number,
        title,
        _text(_cell(cells, mapping, "facts")),
        _text(_cell(cells, mapping, "suggestions")),
        category,
        category_name,
        status,
        reply_class,
        proposers,
        units,
    )


def import_file(
    source: str | Path | IO[bytes],
    *,
    filename: str | None = None,
    dry_run: bool = False,
    create_missing: bool = False,
    session: str | Session | None = None,
    kind: str = Kind.PROPOSAL,
    user: User | None = None,
) -> ImportReport:
    """Check every row, then (unless a dry run or any row is bad) import them all in one transaction."""
    filename = filename or Path(getattr(source, "name", None) or str(source)).name
    if not dry_run and user is None:
        raise ImportFileError("请指定导入人（提案委工作人员账号）。")
    if kind not in Kind.values:
        raise ImportFileError(f"类型只能是 {'/'.join(Kind.values)}。")
    session_obj = (
        session
        if isinstance(session, Session) or session is None
        else (Session.objects.filter(name=session).order_by("-term__number").first())
    )
    if session is not None and session_obj is None:
        raise ImportFileError(f"没有名为“{session}”的会议。")
    term = session_obj.term if session_obj else Term.current()
    if term is None:
        raise ImportFileError("没有当前届次，请用 --session 指定会议。")
    rows = read_rows(source, filename)
    header_at, mapping = _find_header(rows)
    report = ImportReport(filename=filename, dry_run=dry_run)
    resolver = Resolver(term, create_missing)
    seen: set = set()
    planned = []
    for n, cells in rows[header_at + 1 :]:
        if not any(_text(c) for c in cells):
            continue
        report.rows += 1
        plan = _plan_row(
            n, list(cells), mapping, resolver=resolver, session=session_obj, kind=kind, seen=seen, report=report
        )
        if plan:
            planned.append(plan)
    report.would_import = len(planned)
    if dry_run or report.problems:
        return report
    with transaction.atomic():
        _Writer(term, user, filename, report).write(planned)
    return report


class _Writer:
    """Creates what the plan says. Runs inside the import's one transaction."""

    def __init__(self, term, user, filename: str, report: ImportReport):
        self.term, self.user, self.filename, self.report = term, user, filename, report
        self.now = clock.now()
        self.today = clock.today()
        self.created_users: dict[str, User] = {}
        self.created_units: dict[str, Unit] = {}
        self.created_categories: dict[str, Category] = {}
        self.collective_users: dict[tuple, User] = {}

    def write(self, planned: list[PlannedCase]) -> None:
        highest: dict[tuple[int, str], int] = {}
        for plan in planned:
            case = self._case(plan)
            self.report.imported.append(case.pk)
            key = (plan.session.pk, plan.kind)
            highest[key] = max(highest.get(key, 0), plan.number)
        for (session_id, kind), number in highest.items():
            NumberSequence.objects.bulk_create(
                [NumberSequence(session_id=session_id, kind=kind)], ignore_conflicts=True
            )
            sequence = NumberSequence.objects.select_for_update().get(session_id=session_id, kind=kind)
            if sequence.last < number:
                sequence.last = number
                sequence.save(update_fields=["last"])

    # Missing people, units and categories are recorded inactive: visible to staff, never able to log in.
    def _missing_user(self, name: str) -> tuple[User, Membership]:
        if name not in self.created_users:
            user = User.objects.create(username=f"import-{uuid.uuid4().hex[:12]}", name=name, is_active=False)
            user.set_unusable_password()
            user.save(update_fields=["password"])
            self.created_users[name] = user
            sector, _ = Sector.objects.get_or_create(name="待核实", defaults={"order": 999})
            committee, _ = SpecialCommittee.objects.get_or_create(name="待核实", defaults={"order": 999})
            Membership.objects.create(
                user=user,
                term=self.term,
                sector=sector,
                committee=committee,
                affiliation=Affiliation.MASSES,
                active=False,
            )
        user = self.created_users[name]
        return user, Membership.objects.get(user=user, term=self.term)

    def _collective_user(self, ref: ProposerRef) -> User:
        """A collective proposer with no named member in the legacy file acts through a placeholder account."""
        key = (ref.collective, ref.name)
        if key not in self.collective_users:
            username = (
                f"collective-{ref.collective}-{(ref.organisation or ref.group or ref.sector or ref.committee).pk}"
            )
            self.collective_users[key], _ = User.objects.get_or_create(
                username=username, defaults={"name": ref.name, "is_active": False}
            )
        return self.collective_users[key]

    def _unit(self, name: str, unit: Unit | None) -> Unit:
        if unit is not None:
            return unit
        if name not in self.created_units:
            self.created_units[name] = Unit.objects.create(name=name, kind=Unit.Kind.OTHER, active=False)
        return self.created_units[name]

    def _category(self, plan: PlannedCase) -> Category | None:
        if plan.category or not plan.category_name:
            return plan.category
        if plan.category_name not in self.created_categories:
            self.created_categories[plan.category_name] = Category.objects.create(
                name=plan.category_name, order=999, active=False
            )
        return self.created_categories[plan.category_name]

    def _case(self, plan: PlannedCase) -> Case:
        status = plan.status
        reached = IMPORTABLE_STATES.index(status)
        now = self.now
        case = Case.objects.create(
            term=self.term,
            session=plan.session,
            kind=plan.kind,
            number=plan.number,
            status=status,
            title=plan.title,
            facts=plan.facts,
            suggestions=plan.suggestions,
            category=self._category(plan),
            created_by=self.user,
            created_at=now,
            updated_at=now,
            submitted_at=now,
            filed_at=now,
            assigned_at=now if reached >= 1 else None,
            replied_at=now if reached >= 3 else None,
            rating_deadline=(
                workdays.add_workdays(self.today, settings_registry.get("rating_window_workdays"))
                if status == Status.REPLIED and settings_registry.needs_rating(plan.kind)
                else None
            ),
            closed_at=now if status == Status.CLOSED else None,
        )
        self._proposers(case, plan.proposers)
        self._assignments(case, plan)
        audit.record(
            "import",
            actor=self.user,
            obj=case,
            case=case,
            to_state=case.status,
            data={"row": plan.row, "file": self.filename, "number": case.display_number},
        )
        return case

    def _proposers(self, case: Case, refs: list[ProposerRef]) -> None:
        for order, ref in enumerate(refs):
            row = Proposer(
                case=case,
                order=order,
                role=Proposer.Role.INITIATOR if order == 0 else Proposer.Role.COSIGNER,
                confirmation=Proposer.Confirmation.CONFIRMED,
                confirmed_at=self.now,
                collective=ref.collective,
                organisation=ref.organisation,
                group=ref.group,
                sector=ref.sector,
                committee=ref.committee,
            )
            membership = ref.membership
            if ref.create:
                row.user, membership = self._missing_user(ref.name)
            elif ref.user is not None:
                row.user = ref.user
            else:
                row.user = self._collective_user(ref)
            if membership is not None and not ref.collective:
                # The same snapshot submission takes: the membership of the case's term.
                row.sector_id, row.committee_id, row.group_id = (
                    membership.sector_id,
                    membership.committee_id,
                    membership.group_id,
                )
            if case.proposers.filter(user=row.user).exists():
                continue
            row.save()

    def _assignments(self, case: Case, plan: PlannedCase) -> None:
        if plan.status == Status.FILED:
            return
        reached = IMPORTABLE_STATES.index(plan.status)
        due = workdays.add_months(self.today, settings_registry.get("reply_period_months"))
        for name, unit, role in plan.units:
            replying = role in (AssignmentRole.LEAD, AssignmentRole.SEPARATE)
            if reached >= 3:
                status = AssignmentStatus.ACCEPTED if replying else AssignmentStatus.VIEWS_SENT
            elif reached == 2:
                status = AssignmentStatus.SIGNED
            else:
                status = AssignmentStatus.PENDING
            signed = self.now if reached >= 2 else None
            assignment = Assignment.objects.create(
                case=case,
                unit=self._unit(name, unit),
                role=role,
                status=status,
                round=1,
                assigned_at=self.now,
                assigned_by=self.user,
                return_deadline=self.today,
                due_date=due,
                original_due_date=due,
                signed_at=signed,
                views_sent_at=self.now if status == AssignmentStatus.VIEWS_SENT else None,
                replied_at=self.now if status == AssignmentStatus.ACCEPTED else None,
                accepted_at=self.now if status == AssignmentStatus.ACCEPTED else None,
                first_accepted_at=self.now if status == AssignmentStatus.ACCEPTED else None,
            )
            if status == AssignmentStatus.ACCEPTED:
                Reply.objects.create(
                    assignment=assignment,
                    case=case,
                    round=1,
                    state=Reply.State.ACCEPTED,
                    reply_class=plan.reply_class,
                    original_class=plan.reply_class,
                    letter=f"（历史数据导入：{self.filename} 第{plan.row}行，答复原文未导入）",
                    created_by=self.user,
                    updated_at=self.now,
                    submitted_at=self.now,
                    decided_at=self.now,
                    decided_by=self.user,
                )
