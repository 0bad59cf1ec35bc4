"""Chinese keyword search that stays fast at 100,000 cases.

Chinese has no spaces, and most searches are two-character words (供暖, 养老). A trigram index
cannot serve a two-character query, so each case carries a ``search_vector``: the CJK bigrams of
its title, facts and suggestions plus its ASCII words and number, stored as a PostgreSQL
``tsvector`` under a GIN index. A query becomes its bigrams ANDed (``供暖`` → ``'供暖'``,
``集中供暖`` → ``'集中' & '中供' & '供暖'``); a single CJK character has no bigram and falls back
to ``icontains`` on the title. SQLite has no tsvector: there the search is ``icontains``.

``filter_cases(qs, q)`` is the one entry point: staff list, public list, API and export use it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from django.contrib.postgres.search import SearchQuery, SearchVectorField
from django.db import connections
from django.db.models import Q, QuerySet

from core.params import MAX_CASE_NUMBER, parse_id

# CJK unified ideographs (with extension A and compatibility ideographs): the runs bigrams are cut from.
_CJK_RUN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")
_ASCII_WORD = re.compile(r"[a-z0-9]+")


class CaseSearchVectorField(SearchVectorField):
    """A tsvector on PostgreSQL; plain text elsewhere, where the column is written but not queried."""

    def db_type(self, connection):
        return "tsvector" if connection.vendor == "postgresql" else "text"


def tokens(text: str) -> list[str]:
    """Distinct search tokens of ``text`` in first-seen order: CJK bigrams, then lower-case ASCII words."""
    text = (text or "").lower()
    seen: dict[str, None] = {}
    for run in _CJK_RUN.findall(text):
        for i in range(len(run) - 1):
            seen.setdefault(run[i : i + 2], None)
    for word in _ASCII_WORD.findall(text):
        seen.setdefault(word, None)
    return list(seen)


def vector_text(title: str, facts: str = "", suggestions: str = "", number: int | None = None) -> str:
    """The tsvector literal of one case (tokens contain no quotes or spaces, so quoting is plain)."""
    parts = [title, facts, suggestions]
    if number is not None:
        parts.append(f"{number} {number:03d}")
    return " ".join(f"'{t}'" for t in tokens(" ".join(p or "" for p in parts)))


def vector_of(case) -> str:
    return vector_text(case.title, case.facts, case.suggestions, case.number)


# The Case fields the vector is made of: a save that touches one of them rewrites the vector.
SOURCE_FIELDS = frozenset({"title", "facts", "suggestions", "number"})


def _is_postgres(qs: QuerySet) -> bool:
    return connections[qs.db].vendor == "postgresql"


def filter_cases(qs: QuerySet, q: str | None, *, fields: Iterable[str] = ("title", "facts", "suggestions")) -> QuerySet:
    """Cases of ``qs`` matching the keyword(s) ``q`` (title and body), or by number when ``q`` is digits."""
    q = (q or "").strip()
    if not q:
        return qs
    words = tokens(q)
    if not words:
        # A single CJK character (or only punctuation): no bigram to look up; the title is what people mean.
        match = Q(title__icontains=q)
    elif _is_postgres(qs):
        match = Q(search_vector=SearchQuery(" & ".join(f"'{w}'" for w in words), config="simple", search_type="raw"))
    else:
        match = Q()
        for field in fields:
            match |= Q(**{f"{field}__icontains": q})
    if (number := parse_id(q, maximum=MAX_CASE_NUMBER)) is not None:
        match |= Q(number=number)
    return qs.filter(match)
