"""Suggested handling units (issue 22): for a filed case, the units most likely to lead it and the likely
co-handlers, learnt from past assignments of similar cases — each with its reason. Never chosen
automatically: the assignment form and the bulk page show them beside the picker, nothing is pre-selected.

How: the case's nearest past cases (``engine.similar``, the similar-case ranking, over cases that were
assigned) vote for the units that led them and co-handled them, each vote weighted by its similarity;
a unit named in the case's own text (区教育局 ← 教育, 千河镇) gets a smaller vote of its own, and the
units that lead most often break ties when the neighbours are few. Pure functions over plain data, so the
same code ranks for the site (``assist.selectors.suggested_units``) and for ``assist_eval --units``.
"""

from __future__ import annotations

import math
import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

# How many neighbours vote, and how many suggestions each list shows.
NEIGHBOURS = 25
TOP = 3
# A neighbour below this cosine says little about units (assist.engine.MIN_SCORE already drops noise).
MIN_VOTE = 0.1
NAME_VOTE = 0.2
PRIOR_VOTE = 0.02
# The unit's remit, learnt: the cosine between the case and the sum of the cases the unit led (its
# "profile") — it generalises from 污水 and 噪声 to 大气污染 where no neighbour is the same matter.
PROFILE_WEIGHT = 1.0


@dataclass
class Past:
    """One earlier assigned case, as a voter: its similarity, its lead (or separate) units, co-handlers."""

    id: int
    score: float
    lead: Sequence[str]
    co: Sequence[str] = ()
    title: str = ""


@dataclass
class Suggestion:
    unit: str
    score: float
    count: int  # similar past cases this unit led (or co-handled)
    reason: str
    examples: list[str] = field(default_factory=list)
    unit_id: int | None = None


_AFFIX = re.compile(r"^(区|市|县|省)|(分局|局|委员会|委|办公室|办|中心|街道办事处|街道|镇人民政府|镇|公司|院|所)$")


def name_stem(unit: str) -> str:
    """区住建局 → 住建, 区生态环境分局 → 生态环境, 千河镇 → 千河, 虢镇街道 → 虢镇."""
    stem = unit
    for _ in range(2):
        shorter = _AFFIX.sub("", stem)
        if len(shorter) < 2:
            break
        stem = shorter
    return stem


class Profiles:
    """Each unit's profile: the sum of the unit vectors of the past cases it led."""

    def __init__(self) -> None:
        self.sums: dict[str, dict[str, float]] = defaultdict(lambda: defaultdict(float))

    def add(self, unit: str, vector: dict[str, float], sign: float = 1.0) -> None:
        acc = self.sums[unit]
        for term, weight in vector.items():
            acc[term] += sign * weight

    def scores(self, query: dict[str, float], without: dict[str, dict[str, float]] | None = None) -> dict[str, float]:
        """Cosine of ``query`` with every profile; ``without``: unit → a vector to leave out of its profile
        (leave-one-out evaluation)."""
        out = {}
        for unit, acc in self.sums.items():
            minus = (without or {}).get(unit, {})
            dot = sum(w * (acc.get(t, 0.0) - minus.get(t, 0.0)) for t, w in query.items())
            if dot <= 0:
                continue
            norm = math.sqrt(sum((v - minus.get(t, 0.0)) ** 2 for t, v in acc.items()))
            if norm > 1e-9:
                out[unit] = dot / norm
        return out


def _named(text: str, units: Iterable[str]) -> set[str]:
    return {u for u in units if (stem := name_stem(u)) and len(stem) >= 2 and stem in text}


def _half_named(text: str, units: Iterable[str]) -> set[str]:
    """A four-character remit named by half (农业农村局 ← 农村, 生态环境分局 ← 环境, 交通运输局 ← 交通)."""
    out = set()
    for u in units:
        stem = name_stem(u)
        if len(stem) == 4 and (stem[:2] in text or stem[2:] in text):
            out.add(u)
    return out


def rank(
    neighbours: Sequence[Past],
    *,
    text: str = "",
    units: Iterable[str] = (),
    prior: dict[str, int] | None = None,
    remit: dict[str, float] | None = None,
    years: int = 3,
    top: int = TOP,
) -> tuple[list[Suggestion], list[Suggestion]]:
    """(likely lead units, likely co-handlers), best first, ``top`` of each."""
    units = list(units)
    lead_votes: dict[str, float] = defaultdict(float)
    co_votes: dict[str, float] = defaultdict(float)
    lead_seen: dict[str, list[Past]] = defaultdict(list)
    co_seen: dict[str, list[Past]] = defaultdict(list)
    for past in neighbours:
        if past.score < MIN_VOTE:
            continue
        for unit in dict.fromkeys(past.lead):
            lead_votes[unit] += past.score
            lead_seen[unit].append(past)
        for unit in dict.fromkeys(past.co):
            co_votes[unit] += past.score
            co_seen[unit].append(past)
    named = _named(text, units)
    for unit in named:
        lead_votes[unit] += NAME_VOTE
        co_votes[unit] += NAME_VOTE / 2
    for unit in _half_named(text, units) - named:
        lead_votes[unit] += NAME_VOTE / 3
    for unit, score in (remit or {}).items():
        lead_votes[unit] += PROFILE_WEIGHT * score
    if prior:
        total = sum(prior.values()) or 1
        for unit, n in prior.items():
            lead_votes[unit] += PRIOR_VOTE * n / total

    def build(votes: dict[str, float], seen: dict[str, list[Past]], role: str, skip: set[str]) -> list[Suggestion]:
        out = []
        for unit, score in sorted(votes.items(), key=lambda kv: (-kv[1], kv[0])):
            if unit in skip:
                continue
            cases = seen.get(unit, [])
            if cases:
                reason = f"近{years}年类似提案 {len(cases)} 件由{unit}{role}"
                if unit in named:
                    reason += "；案由或正文提到该单位"
            elif unit in named:
                reason = "案由或正文提到该单位"
            elif remit and remit.get(unit, 0) > 0.05:
                reason = f"与{unit}近{years}年{role}的提案内容相近"
            else:
                reason = f"近{years}年{role}提案较多的单位"
            out.append(Suggestion(unit, round(score, 3), len(cases), reason, [p.title for p in cases[:3] if p.title]))
            if len(out) == top:
                break
        return out

    lead = build(lead_votes, lead_seen, "主办", set())
    co = build(co_votes, co_seen, "会办", {s.unit for s in lead[:1]})
    return lead, co
