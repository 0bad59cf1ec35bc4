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
import datetime as dt
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
    """张三、李四 or 张三（联名人：李四、王五） → ['张三', '李四', '王五'], the initiator first; the forms printed
    catalogues use are read too (see ``parse_proposer_cell``)."""
    return parse_proposer_cell(value).names


@dataclass(frozen=True)
class ProposerCell:
    names: list[str]
    collective: frozenset[str] = frozenset()  # names the cell marks as a collective proposer
    unnamed: int = 0  # co-signers the cell counts but does not name (罗吉卿等3位委员)


# 罗吉卿等3位委员, 谢春峰等委员, 张三等5人, 李四等
_OTHERS = re.compile(r"等\s*(?:(?P<n>\d+)\s*(?:位|名|人)?)?\s*(?:委员|人|同志)?$")
# 九三学社济南市委（集体提案）, 冯艳虹（区政协常委）: a note in brackets after a name
_NOTE = re.compile(r"[（(](?P<note>[^）)]*)[）)]")
PARTY_WORDS = re.compile(r"民革|民盟|民建|民进|农工|致公|九三|台盟|工商联")
_CN_NAMES = "零一二三四五六七八九十"
COLLECTIVE_WORDS = re.compile(
    r"民革|民盟|民建|民进|农工|致公|九三|台盟|工商联|总工会|团委|共青团|妇联|科协|侨联|文联|台联|青联|"
    r"委员会|市委|区委|县委|委会|支部|界别|联组|小组|专委会|集体"
)


def parse_proposer_cell(value: Any) -> ProposerCell:
    text = str(value or "").strip()
    match = _JOINT.match(text)
    if match:
        names = split_list(match["first"]) + split_list(match["rest"]) + split_list(match["tail"])
        return ProposerCell(list(dict.fromkeys(names)))
    collective: set[str] = set()
    names: list[str] = []
    unnamed = 0
    for part in re.split(r"[、，,；;/／]+", text):
        part = part.strip()
        if not part:
            continue
        notes = [m["note"] for m in _NOTE.finditer(part)]
        name = _NOTE.sub("", part).strip()
        others = _OTHERS.search(name)
        if others and len(name) > len(others.group(0)):
            name = name[: others.start()].strip()
            if others["n"]:
                unnamed += max(int(others["n"]) - 1, 0)
        for word in split_list(name):
            names.append(word)
            if any("集体" in n for n in notes):
                collective.add(word)
    return ProposerCell(list(dict.fromkeys(names)), frozenset(collective), unnamed)


def looks_collective(name: str) -> bool:
    """A party branch, an organisation, a sector or a group rather than a person (民进漳州市委会)."""
    return bool(COLLECTIVE_WORDS.search(name)) or len(name) > 6


_UNIT_ROLES = {
    "牵头": "lead",
    "主办": "lead",
    "联合": "co",
    "会办": "co",
    "协办": "co",
    "配合": "co",
    "分办": "separate",
}


def parse_unit_cell(value: Any) -> list[tuple[str, str]]:
    """市发改委等 → [('市发改委', '')]; 市农业农村局（牵头）、市市场监督管理局（联合） → [(…, 'lead'), (…, 'co')]:
    each unit with the role its note gives ('' when none)."""
    out: list[tuple[str, str]] = []
    for part in re.split(r"[、，,；;/／\s]+", str(value or "").strip()):
        if not part:
            continue
        role = ""
        for note in _NOTE.findall(part):
            for word, meaning in _UNIT_ROLES.items():
                if word in note:
                    role = meaning
        name = _NOTE.sub("", part).strip()
        name = re.sub(r"等$", "", name).strip()
        if name and name not in [n for n, _ in out]:
            out.append((name, role))
    return out


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
    # Before 立案: 不予立案 and 未立案 contain it.
    (Status.REJECTED, ("不予立案", "未立案", "不立案")),
    (Status.WITHDRAWN, ("撤案", "撤回")),
    (Status.CLOSED, ("办结", "完成")),
    (Status.REHANDLING, ("重新办理",)),
    (Status.REPLIED, ("已答复", "待评价", "答复")),
    (Status.HANDLING, ("办理中", "正在办理", "已签收", "在办")),
    (Status.ASSIGNED, ("已交办", "待签收", "交办")),
    (Status.FILED, ("已立案", "待交办", "立案", "已登记")),
]
IMPORTABLE_STATES = (Status.FILED, Status.ASSIGNED, Status.HANDLING, Status.REPLIED, Status.CLOSED)
# History that never got a number: imported as it ended, without one (and without units).
UNNUMBERED_STATES = (Status.REJECTED, Status.WITHDRAWN)


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
    created_sessions: list[str] = field(default_factory=list)
    created_organisations: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # per row: the number a row without 案号 gets, …

    @property
    def ok(self) -> bool:
        return not self.problems

    def lines(self) -> list[str]:
        out = [f"文件：{self.filename}，数据行 {self.rows} 行。"]
        out += [str(p) for p in self.problems]
        out += self.notes
        if self.created_sessions:
            out.append(f"{'将' if self.dry_run else '已'}新建（往届）会议：{'、'.join(self.created_sessions)}")
        if self.created_organisations:
            out.append(
                f"{'将' if self.dry_run else '已'}新建（停用状态）党派团体：{'、'.join(self.created_organisations)}"
            )
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
    create_organisation: bool = False


_CN_DIGITS = {c: i for i, c in enumerate("零一二三四五六七八九")}


def chinese_number(text: str) -> int:
    """一 → 1, 十 → 10, 十二 → 12, 二十 → 20, 二十三 → 23 (term and session numbers)."""
    if not text or any(c not in _CN_DIGITS and c != "十" for c in text):
        raise ValueError(text)
    if "十" not in text:
        return int("".join(str(_CN_DIGITS[c]) for c in text))
    tens, _, units = text.partition("十")
    return (_CN_DIGITS[tens] if tens else 1) * 10 + (_CN_DIGITS[units] if units else 0)


_SESSION_NAME = re.compile(r"^(?P<term>[一二三四五六七八九十]+)届(?P<n>[一二三四五六七八九十]+)次(?:全体)?(?:会议)?$")


def parse_session_name(name: str) -> tuple[int, int]:
    """三届五次会议 → (3, 5); ValueError when the name is not of that form."""
    match = _SESSION_NAME.match(re.sub(r"\s+", "", name or ""))
    if not match:
        raise ValueError(f"无法识别的会议“{name}”（应如“三届五次会议”）")
    return chinese_number(match["term"]), chinese_number(match["n"])


@dataclass
class SessionRef:
    """A session of the file: one in the database, or (with --create-missing) a past one to create."""

    name: str
    term_number: int
    number: int
    session: Session | None = None

    @property
    def key(self) -> str:
        return self.name


class Sessions:
    def __init__(self, create_missing: bool, report: ImportReport):
        self.create_missing, self.report = create_missing, report
        self._known: dict[str, SessionRef] = {}

    def of(self, session: Session) -> SessionRef:
        ref = self._known.get(session.name)
        if ref is None:
            ref = self._known[session.name] = SessionRef(session.name, session.term.number, session.number, session)
        return ref

    def named(self, name: str) -> SessionRef | str:
        if name in self._known:
            return self._known[name]
        found = Session.objects.select_related("term").filter(name=name).order_by("-term__number").first()
        if found is not None:
            return self.of(found)
        try:
            term_number, number = parse_session_name(name)
        except ValueError as error:
            return f"未知的会议“{name}”" if not self.create_missing else str(error)
        found = Session.objects.select_related("term").filter(term__number=term_number, number=number).first()
        if found is not None:
            ref = self._known[name] = SessionRef(name, term_number, number, found)
            return ref
        if not self.create_missing:
            return f"未知的会议“{name}”（可用 --create-missing 作为往届会议新建）"
        ref = self._known[name] = SessionRef(name, term_number, number)
        self.report.created_sessions.append(name)
        return ref


@dataclass
class PlannedCase:
    row: int
    session: SessionRef
    kind: str
    number: int | None
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
        self._groups = {g.name: g for g in MemberGroup.objects.filter(term=term)} if term else {}
        self._sectors = {s.name: s for s in Sector.objects.all()}
        self._committees = {c.name: c for c in SpecialCommittee.objects.all()}
        self._members: dict[str, list[Membership]] = {}
        for m in Membership.objects.filter(term=term).select_related("user") if term else []:
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
        if "title" in mapping.values() and len(mapping) >= 2:
            return position, mapping
    raise ImportFileError("找不到表头：前 10 行中没有含“案由/标题”及其他列（提案人、承办单位……）的一行。")


def _plan_row(
    n: int,
    cells: list[Any],
    mapping: dict[int, str],
    *,
    resolvers: Resolvers,
    sessions: Sessions,
    session: SessionRef | None,
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
    parsed = None
    raw_number = _cell(cells, mapping, "number")
    if _text(raw_number):  # a row without 案号 is numbered (or not) after every row is read
        try:
            parsed = parse_number(raw_number)
            number = parsed.number
        except ValueError as error:
            reasons.append(str(error))
    row_session = session
    session_name = _text(_cell(cells, mapping, "session"))
    if session_name:
        found = sessions.named(session_name)
        if isinstance(found, str):
            reasons.append(found)
            row_session = None
        else:
            row_session = found
    elif row_session is None and parsed and parsed.year:
        by_year = Session.objects.select_related("term").filter(opens__year=parsed.year).order_by("-term__number")
        row_session = sessions.of(by_year[0]) if by_year else None
    if row_session is None and not session_name:
        reasons.append("无法确定所属会议（请用 --session 指定，或在表中加“会议”列）")
    if number is not None and row_session is not None:
        key = (row_session.key, row_kind, number)
        label = f"{row_session.name}{'建议' if row_kind == Kind.SUGGESTION else ''}第{number}号"
        if key in seen:
            reasons.append(f"编号重复：本文件中已有{label}")
        elif (
            row_session.session is not None
            and Case.objects.filter(session=row_session.session, kind=row_kind, number=number).exists()
        ):
            reasons.append(f"编号重复：系统中已有{label}")
        seen.add(key)
    resolver = resolvers.for_session(row_session)

    proposers: list[ProposerRef] = []
    cell = parse_proposer_cell(_cell(cells, mapping, "proposers"))
    names = cell.names + split_list(_cell(cells, mapping, "cosigners"))
    if not names:
        reasons.append("提案人为空")
    if cell.unnamed:
        report.notes.append(f"第{n}行：另有 {cell.unnamed} 位联名委员未列出姓名，只导入列出的提案人。")
    for name in dict.fromkeys(names):
        found = resolver.proposer(name)
        if isinstance(found, ProposerRef):
            proposers.append(found)
        elif resolver.create_missing and "重名" not in found:
            if name in cell.collective or looks_collective(name):
                proposers.append(
                    ProposerRef(name, collective=Proposer.Collective.ORGANISATION, create_organisation=True)
                )
                if name not in report.created_organisations:
                    report.created_organisations.append(name)
            else:
                proposers.append(ProposerRef(name, create=True))
                if name not in report.created_people:
                    report.created_people.append(name)
        else:
            reasons.append(found)

    units: list[tuple[str, Unit | None, str]] = []
    lead_items = parse_unit_cell(_cell(cells, mapping, "lead_units"))
    co_items = parse_unit_cell(_cell(cells, mapping, "co_units"))
    separate_items = parse_unit_cell(_cell(cells, mapping, "separate_units"))
    if any(role for _, role in lead_items):
        # 市农业农村局（牵头）、市市场监督管理局（联合）: the notes say each unit's part.
        annotated = [(name_, role or "") for name_, role in lead_items]
        lead = [name_ for name_, role in annotated if role == "lead"]
        unnoted = [name_ for name_, role in annotated if not role]
        if not lead and unnoted:
            lead, unnoted = unnoted[:1], unnoted[1:]
        co = [name_ for name_, role in annotated if role == "co"] + unnoted
        separate = [name_ for name_, role in annotated if role == "separate"]
    else:
        lead = [name_ for name_, _ in lead_items]
        co, separate = [], []
    co += [name_ for name_, role in co_items if role != "lead"]
    lead += [name_ for name_, role in co_items if role == "lead"]
    separate += [name_ for name_, _ in separate_items]
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
        roles = [(separate_only, AssignmentRole.LEAD)] + [(n_, AssignmentRole.CO) for n_ in co]
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
    if status and status not in IMPORTABLE_STATES + UNNUMBERED_STATES:
        reasons.append(f"办理状态“{Status(status).label}”不能导入")
    if status in UNNUMBERED_STATES:
        if number is not None:
            reasons.append(f"办理状态为“{Status(status).label}”的提案不应有案号")
        units = []  # it never reached the units
    else:
        if not status:
            status = (Status.CLOSED if reply_class else Status.ASSIGNED) if units else Status.FILED
        if status == Status.FILED and units:
            status = Status.ASSIGNED
        if status != Status.FILED and not units and not any(r.startswith("未知的承办单位") for r in reasons):
            reasons.append(f"办理状态为“{Status(status).label}”但没有承办单位")

    if reasons:
        report.problems.append(RowProblem(n, reasons))
        return None
    assert row_session is not None
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


class Resolvers:
    """One Resolver per term (a created term has nobody in it yet)."""

    def __init__(self, default_term, create_missing: bool):
        self.default_term, self.create_missing = default_term, create_missing
        self._by_term: dict[int | None, Resolver] = {}

    def for_session(self, ref: SessionRef | None) -> Resolver:
        if ref is None:
            term = self.default_term
        elif ref.session is not None:
            term = ref.session.term
        else:
            term = Term.objects.filter(number=ref.term_number).first()
        key = term.pk if term else None
        if key not in self._by_term:
            self._by_term[key] = Resolver(term, self.create_missing)
        return self._by_term[key]


def _number_missing(planned: list[PlannedCase], report: ImportReport) -> None:
    """A row without 案号: numbered after its session's highest (in the database and in the file), in file
    order, when it was filed or later; kept unnumbered when it never was (不予立案, 撤案)."""
    highest: dict[tuple[str, str], int] = {}
    for plan in planned:
        key = (plan.session.key, plan.kind)
        if key not in highest:
            existing = 0
            if plan.session.session is not None:
                existing = (
                    Case.objects.filter(session=plan.session.session, kind=plan.kind)
                    .exclude(number=None)
                    .order_by("-number")
                    .values_list("number", flat=True)
                    .first()
                    or 0
                )
            in_file = max((p.number for p in planned if p.number and (p.session.key, p.kind) == key), default=0)
            highest[key] = max(existing, in_file)
    for plan in planned:
        if plan.number is not None:
            continue
        label = f"{plan.session.name}{'建议' if plan.kind == Kind.SUGGESTION else ''}"
        if plan.status in UNNUMBERED_STATES:
            report.notes.append(f"第{plan.row}行：无案号，状态为“{Status(plan.status).label}”，导入后不编号。")
            continue
        key = (plan.session.key, plan.kind)
        highest[key] += 1
        plan.number = highest[key]
        report.notes.append(
            f"第{plan.row}行：无案号，{'将' if report.dry_run else '已'}编为{label}第{plan.number:03d}号。"
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
    if term is None and not create_missing:
        raise ImportFileError("没有当前届次，请用 --session 指定会议。")
    rows = read_rows(source, filename)
    header_at, mapping = _find_header(rows)
    report = ImportReport(filename=filename, dry_run=dry_run)
    sessions = Sessions(create_missing, report)
    resolvers = Resolvers(term, create_missing)
    default_session = sessions.of(session_obj) if session_obj else None
    seen: set = set()
    planned = []
    for n, cells in rows[header_at + 1 :]:
        if not any(_text(c) for c in cells):
            continue
        report.rows += 1
        plan = _plan_row(
            n,
            list(cells),
            mapping,
            resolvers=resolvers,
            sessions=sessions,
            session=default_session,
            kind=kind,
            seen=seen,
            report=report,
        )
        if plan:
            planned.append(plan)
    report.would_import = len(planned)
    if not report.problems:
        _number_missing(planned, report)
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
        self.created_organisations: dict[str, Organisation] = {}

    def write(self, planned: list[PlannedCase]) -> None:
        highest: dict[tuple[int, str], int] = {}
        for plan in planned:
            session = self._session(plan.session)
            case = self._case(plan, session)
            self.report.imported.append(case.pk)
            if plan.number is not None:
                key = (session.pk, plan.kind)
                highest[key] = max(highest.get(key, 0), plan.number)
        for (session_id, kind), number in highest.items():
            NumberSequence.objects.bulk_create(
                [NumberSequence(session_id=session_id, kind=kind)], ignore_conflicts=True
            )
            sequence = NumberSequence.objects.select_for_update().get(session_id=session_id, kind=kind)
            if sequence.last < number:
                sequence.last = number
                sequence.save(update_fields=["last"])

    def _session(self, ref: SessionRef) -> Session:
        """The session of a row; a session (and term) of an earlier term that the database lacks is created
        as a past one: its dates reckoned back from the current term (five years a term, one session a
        year), never current."""
        if ref.session is not None:
            return ref.session
        term = Term.objects.filter(number=ref.term_number).first()
        if term is None:
            current = Term.current() or Term.objects.order_by("-number").first()
            base = current.start_date if current else self.today
            years_back = 5 * ((current.number if current else ref.term_number + 1) - ref.term_number)
            start = base.replace(year=base.year - years_back, month=1, day=1)
            term = Term.objects.create(
                number=ref.term_number,
                name=f"{_CN_NAMES[ref.term_number] if ref.term_number < len(_CN_NAMES) else ref.term_number}届",
                start_date=start,
                end_date=start.replace(year=start.year + 5) - dt.timedelta(days=1),
                is_current=False,
            )
        opens = term.start_date.replace(year=term.start_date.year + ref.number - 1, month=1, day=10)
        session, _ = Session.objects.get_or_create(
            term=term,
            number=ref.number,
            defaults={"name": ref.name, "opens": opens, "closes": opens + dt.timedelta(days=4)},
        )
        ref.session = session
        return session

    # Missing people, units and categories are recorded inactive: visible to staff, never able to log in.
    def _missing_user(self, name: str, term=None) -> tuple[User, Membership]:
        term = term or self.term
        if (name, term.pk) in self.created_users:
            user = self.created_users[(name, term.pk)]
            return user, Membership.objects.get(user=user, term=term)
        if name not in self.created_users:
            user = User.objects.create(username=f"import-{uuid.uuid4().hex[:12]}", name=name, is_active=False)
            user.set_unusable_password()
            user.save(update_fields=["password"])
            self.created_users[name] = user
            sector, _ = Sector.objects.get_or_create(name="待核实", defaults={"order": 999})
            committee, _ = SpecialCommittee.objects.get_or_create(name="待核实", defaults={"order": 999})
            Membership.objects.create(
                user=user,
                term=term,
                sector=sector,
                committee=committee,
                affiliation=Affiliation.MASSES,
                active=False,
            )
        user = self.created_users[name]
        membership = Membership.objects.filter(user=user, term=term).first()
        if membership is None:  # the same person named in rows of two terms
            first = Membership.objects.filter(user=user).first()
            membership = Membership.objects.create(
                user=user,
                term=term,
                sector=first.sector,
                committee=first.committee,
                affiliation=first.affiliation,
                active=False,
            )
        self.created_users[(name, term.pk)] = user
        return user, membership

    def _organisation(self, name: str) -> Organisation:
        if name not in self.created_organisations:
            kind = Organisation.Kind.PARTY if PARTY_WORDS.search(name) else Organisation.Kind.PEOPLES_ORG
            self.created_organisations[name], _ = Organisation.objects.get_or_create(
                name=name[:80], defaults={"kind": kind, "active": False}
            )
        return self.created_organisations[name]

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

    def _case(self, plan: PlannedCase, session: Session) -> Case:
        status = plan.status
        reached = IMPORTABLE_STATES.index(status) if status in IMPORTABLE_STATES else -1
        now = self.now
        case = Case.objects.create(
            term=session.term,
            session=session,
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
            filed_at=now if reached >= 0 else None,
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
        if reached >= 0:
            self._assignments(case, plan)
        audit.record(
            "import",
            actor=self.user,
            obj=case,
            case=case,
            to_state=case.status,
            data={"row": plan.row, "file": self.filename, "number": case.display_number or ""},
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
            if ref.create_organisation:
                row.organisation = self._organisation(ref.name)
                ref = ProposerRef(ref.name, collective=ref.collective, organisation=row.organisation)
            if ref.create:
                row.user, membership = self._missing_user(ref.name, case.term)
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
