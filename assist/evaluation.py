"""precision@3 and recall@5 of the similar-case ranking over a labelled set (`manage.py assist_eval`).

For every case that has a ``group``: the other cases of its group are the relevant ones;
precision@3 = hits among the top three / min(3, number of relevant), recall@5 = hits among the top five /
number of relevant; both averaged over the grouped cases. The ranking is ``engine.similar`` — the code the
site and the API call — over a scratch index of the file's cases.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from . import engine, text


@dataclass
class Labelled:
    id: int
    title: str
    body: str
    session: str
    group: str
    lead_unit: str


@dataclass
class Result:
    cases: int
    grouped: int
    groups: int
    precision_at_3: float
    recall_at_5: float
    misses: list[tuple[Labelled, list[int]]]


class BadFile(ValueError):
    pass


def read_jsonl(path: str | Path) -> list[Labelled]:
    rows: list[Labelled] = []
    seen: set[int] = set()
    with open(path, encoding="utf-8") as fh:
        for n, line in enumerate(fh, 1):
            if not line.strip():
                continue
            try:
                raw = json.loads(line)
                row = Labelled(
                    id=int(raw["id"]),
                    title=str(raw.get("title") or ""),
                    body=str(raw.get("body") or ""),
                    session=str(raw.get("session") or ""),
                    group=str(raw.get("group") or ""),
                    lead_unit=str(raw.get("lead_unit") or ""),
                )
            except (ValueError, KeyError, TypeError) as error:
                raise BadFile(f"第 {n} 行不是有效的案件记录（需要 JSON 对象，含整数 id）：{error}")
            if row.id in seen:
                raise BadFile(f"第 {n} 行：id {row.id} 重复。")
            seen.add(row.id)
            rows.append(row)
    return rows


def evaluate(rows: Iterable[Labelled], synonyms: text.Synonyms) -> Result:
    rows = list(rows)
    index = engine.ScratchIndex((engine.Doc.of(r.id, r.title, r.body, synonyms) for r in rows), synonyms)
    members: dict[str, set[int]] = defaultdict(set)
    for r in rows:
        if r.group:
            members[r.group].add(r.id)
    p3 = r5 = 0.0
    scored = 0
    misses = []
    for r in rows:
        relevant = members.get(r.group, set()) - {r.id} if r.group else set()
        if not relevant:
            continue
        ranked = [h.id for h in engine.similar(index, index.docs[r.id], k=5)]
        p3 += len(relevant & set(ranked[:3])) / min(3, len(relevant))
        r5 += len(relevant & set(ranked[:5])) / len(relevant)
        scored += 1
        if not relevant <= set(ranked[:5]):
            misses.append((r, ranked))
    return Result(
        cases=len(rows),
        grouped=scored,
        groups=sum(1 for ids in members.values() if len(ids) > 1),
        precision_at_3=p3 / scored if scored else 0.0,
        recall_at_5=r5 / scored if scored else 0.0,
        misses=misses,
    )


@dataclass
class MergeResult:
    threshold: float
    pair_precision: float
    pair_recall: float
    groups: int


def evaluate_merge(rows: Iterable[Labelled], synonyms: text.Synonyms, threshold: float) -> MergeResult:
    """Pairwise precision and recall of the merge groups (engine.clusters, as the merge page uses), within
    each session — merges are suggested per session."""
    rows = list(rows)
    index = engine.ScratchIndex((engine.Doc.of(r.id, r.title, r.body, synonyms) for r in rows), synonyms)
    by_session: dict[str, list[Labelled]] = defaultdict(list)
    for r in rows:
        by_session[r.session].append(r)
    predicted = true = both = groups = 0
    for session_rows in by_session.values():
        label = {r.id: r.group for r in session_rows}
        for i, a in enumerate(session_rows):
            for b in session_rows[i + 1 :]:
                if a.group and a.group == b.group:
                    true += 1
        vectors = [engine.vector(index.docs[r.id], index) for r in session_rows]
        for members, _ in engine.clusters(vectors, threshold):
            groups += 1
            ids = [session_rows[i].id for i in members]
            for j, x in enumerate(ids):
                for y in ids[j + 1 :]:
                    predicted += 1
                    if label[x] and label[x] == label[y]:
                        both += 1
    return MergeResult(threshold, both / predicted if predicted else 0.0, both / true if true else 0.0, groups)


# --- The pre-submission check (预审, issue 22) ----------------------------------------------------------------


@dataclass
class PrecheckResult:
    cases: int
    clean: int
    clean_with_advice: int
    fired: dict[str, tuple[int, int]]  # rule → (examples it fired on, examples)
    max_ms: float
    p95_ms: float
    misses: list[tuple[dict, list[str]]]

    @property
    def clean_advice_rate(self) -> float:
        return self.clean_with_advice / self.clean if self.clean else 0.0

    def rate(self, rule: str) -> float:
        hit, n = self.fired[rule]
        return hit / n if n else 0.0


def read_precheck(path: str | Path) -> list[dict]:
    rows = []
    with open(path, encoding="utf-8") as fh:
        for n, line in enumerate(fh, 1):
            if not line.strip():
                continue
            try:
                raw = json.loads(line)
                raw["id"] = int(raw["id"])
                for key in ("title", "facts", "suggestions", "label", "role", "session"):
                    raw[key] = str(raw.get(key) or "")
            except (ValueError, KeyError, TypeError) as error:
                raise BadFile(f"第 {n} 行不是有效的预审样例（需要 JSON 对象，含整数 id）：{error}")
            rows.append(raw)
    return rows


def evaluate_precheck(rows: list[dict], synonyms: text.Synonyms, bounds: tuple[int, int]) -> PrecheckResult:
    """Every ``case`` row checked as the drafting page checks it; ``history`` rows are the earlier sessions'
    cases the repeat rule searches (through engine.similar, as the site does)."""
    import time

    from . import precheck

    history = [r for r in rows if r["role"] == "history"]
    cases = [r for r in rows if r["role"] != "history"]
    index = engine.ScratchIndex(
        (engine.Doc.of(r["id"], r["title"], f"{r['facts']}\n{r['suggestions']}", synonyms) for r in history), synonyms
    )
    precheck.check_text("关于预热的提案", "", "", bounds=bounds)  # the segmenter's dictionary loads once, untimed
    fired: dict[str, list[int]] = {rule: [0, 0] for rule in precheck.RULES}
    clean = clean_with_advice = 0
    times: list[float] = []
    misses = []
    for r in cases:
        started = time.perf_counter()
        advice = precheck.check_text(r["title"], r["facts"], r["suggestions"], bounds=bounds)
        doc = engine.Doc.of(-r["id"], r["title"], f"{r['facts']}\n{r['suggestions']}", synonyms)
        for hit in engine.similar(index, doc, k=1):
            if hit.score >= precheck.REPEAT_THRESHOLD:
                advice.append(precheck.Advice("repeat", "", {"id": hit.id}))
        times.append((time.perf_counter() - started) * 1000)
        rules = [a.rule for a in advice]
        if not r["label"]:
            clean += 1
            clean_with_advice += bool(rules)
            if rules:
                misses.append((r, rules))
            continue
        fired[r["label"]][1] += 1
        if r["label"] in rules:
            fired[r["label"]][0] += 1
        else:
            misses.append((r, rules))
    times.sort()
    return PrecheckResult(
        cases=len(cases),
        clean=clean,
        clean_with_advice=clean_with_advice,
        fired={k: (v[0], v[1]) for k, v in fired.items()},
        max_ms=times[-1] if times else 0.0,
        p95_ms=times[int(len(times) * 0.95) - 1] if times else 0.0,
        misses=misses,
    )


# --- Suggested units (issue 22) ----------------------------------------------------------------------------


@dataclass
class UnitsResult:
    name: str
    train: int
    test: int
    top1: float
    top3: float


@dataclass
class UnitCase:
    id: int
    title: str
    body: str
    order: int  # the session's place in time (a time split trains on the lower ones)
    lead: list[str]
    co: list[str]


def evaluate_units(name: str, train: list[UnitCase], test: list[UnitCase], synonyms: text.Synonyms) -> UnitsResult:
    """Top-1 and top-3 accuracy of the suggested lead unit: a hit when one of the case's lead units is first
    (top-1) or among the first three (top-3). ``train`` and ``test`` may overlap (leave-one-out: a case is
    never its own neighbour)."""
    from collections import Counter

    from . import units

    pool = {c.id: c for c in [*train, *test]}
    trained = {c.id for c in train}
    index = engine.ScratchIndex((engine.Doc.of(c.id, c.title, c.body, synonyms) for c in train), synonyms)
    prior = Counter(u for c in train for u in c.lead)
    names = sorted({u for c in train for u in [*c.lead, *c.co]})
    profiles = units.Profiles()
    for c in train:
        for u in c.lead:
            profiles.add(u, index.docs[c.id].vector or {})
    top1 = top3 = 0
    for case in test:
        doc = index.docs[case.id] if case.id in trained else engine.Doc.of(-case.id, case.title, case.body, synonyms)
        hits = engine.similar(index, doc, k=units.NEIGHBOURS, exclude={case.id})
        past = [units.Past(h.id, h.score, pool[h.id].lead, pool[h.id].co) for h in hits]
        own = Counter(case.lead) if case.id in trained else Counter()
        query = engine.vector(doc, index)
        remit = profiles.scores(query, {u: query for u in case.lead} if case.id in trained else None)
        lead, _ = units.rank(past, text=f"{case.title}\n{case.body}", units=names, prior=prior - own, remit=remit)
        ranked = [s.unit for s in lead]
        top1 += bool(ranked[:1] and ranked[0] in case.lead)
        top3 += bool(set(ranked[:3]) & set(case.lead))
    n = len(test) or 1
    return UnitsResult(name, len(train), len(test), top1 / n, top3 / n)


def units_from_labelled(rows: list[Labelled]) -> list[UnitCase]:
    sessions = sorted({r.session for r in rows if r.session}, key=_session_order)
    order = {s: i for i, s in enumerate(sessions)}
    return [UnitCase(r.id, r.title, r.body, order.get(r.session, -1), [r.lead_unit], []) for r in rows if r.lead_unit]


_CN = {c: i for i, c in enumerate("〇一二三四五六七八九十", 0)}


def _session_order(name: str) -> tuple[int, int]:
    """四届三次会议 → (4, 3): sessions sort in time."""
    import re

    match = re.match(r"([一二三四五六七八九十]+)届([一二三四五六七八九十]+)次", name)
    if not match:
        return (0, 0)

    def num(s: str) -> int:
        if s == "十":
            return 10
        if s.startswith("十"):
            return 10 + _CN[s[1]]
        if s.endswith("十"):
            return _CN[s[0]] * 10
        if "十" in s:
            return _CN[s[0]] * 10 + _CN[s[2]]
        return _CN[s]

    return (num(match[1]), num(match[2]))


def time_split(cases: list[UnitCase]) -> tuple[list[UnitCase], list[UnitCase]]:
    """Train on every session before the latest, test on the latest."""
    latest = max((c.order for c in cases), default=-1)
    return [c for c in cases if c.order < latest], [c for c in cases if c.order == latest]


def units_from_database() -> list[UnitCase]:
    """Every assigned case of the database with the units that led it (lead or separate) and co-handled
    it, ordered by its session (the demo: seed_demo)."""
    from proposals.models import Assignment, AssignmentRole, Case, Status

    states = [Status.ASSIGNED, Status.HANDLING, Status.REPLIED, Status.REHANDLING, Status.CLOSED]
    leads: dict[int, list[str]] = defaultdict(list)
    cos: dict[int, list[str]] = defaultdict(list)
    for case_id, role, unit in (
        Assignment.objects.exclude(status="withdrawn_from_unit")
        .filter(case__status__in=states)
        .values_list("case_id", "role", "unit__name")
        .order_by("id")
    ):
        (cos if role == AssignmentRole.CO else leads)[case_id].append(unit)
    out = []
    for c in (
        Case.objects.filter(pk__in=leads.keys(), session__isnull=False)
        .select_related("session__term")
        .only("id", "title", "facts", "suggestions", "session__number", "session__term__number")
    ):
        order = c.session.term.number * 100 + c.session.number
        out.append(UnitCase(c.pk, c.title, f"{c.facts}\n{c.suggestions}", order, leads[c.pk], cos[c.pk]))
    return out
