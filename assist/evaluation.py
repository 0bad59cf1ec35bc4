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
