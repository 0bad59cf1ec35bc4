"""The similarity index in the database: kept up to date on every save of a case's text, rebuilt by
``assist_rebuild``, and read by ``DbIndex`` (candidates narrowed by proposals' bigram index on
PostgreSQL, scoped by proposals.access.visible_cases)."""

from __future__ import annotations

import contextlib
import hashlib
from collections.abc import Iterable

from django.conf import settings
from django.contrib.postgres.search import SearchQuery, SearchRank
from django.core.cache import cache
from django.db import connection, transaction
from django.db.models import F, QuerySet

from proposals.models import Case

from . import engine, text
from .models import CaseIndex, SynonymGroup, TermStat

SYNONYM_VERSION_KEY = "assist:synonyms:version"
_paused = False
N_DOCS_KEY = "assist:n_docs"
# Fewer candidates than this from the cases sharing two bigrams: look at those sharing one as well.
MIN_CANDIDATES = 30
_synonyms: tuple[object, text.Synonyms] | None = None


# --- Synonyms ------------------------------------------------------------------------------------


def synonyms() -> text.Synonyms:
    """The active synonym groups; reread when staff edit them (the version lives in the shared cache,
    so every worker sees an edit at once)."""
    global _synonyms
    version = cache.get(SYNONYM_VERSION_KEY)
    if _synonyms is None or version is None or _synonyms[0] != version:
        if version is None:
            version = cache.get_or_set(SYNONYM_VERSION_KEY, 1, None)
        groups = [g.word_list() for g in SynonymGroup.objects.filter(active=True).order_by("id")]
        _synonyms = (version, text.Synonyms.of(groups))
    return _synonyms[1]


def synonyms_changed() -> None:
    try:
        cache.incr(SYNONYM_VERSION_KEY)
    except ValueError:
        cache.set(SYNONYM_VERSION_KEY, 2, None)


# --- The index of the cases ----------------------------------------------------------------------


def source_of(case: Case) -> tuple[str, str]:
    return case.title or "", f"{case.facts or ''}\n{case.suggestions or ''}"


def source_hash(title: str, body: str, syn: text.Synonyms) -> str:
    digest = hashlib.md5(usedforsecurity=False)
    digest.update(f"{title}\x00{body}\x00{syn.groups!r}".encode())
    return digest.hexdigest()


class DbIndex:
    """The database's index as an ``engine.Index``; ``user`` scopes the candidates (None: every case)."""

    def __init__(self, user=None, syn: text.Synonyms | None = None):
        self.user = user
        self.synonyms = syn or synonyms()
        self._df: dict[str, int] = {}
        n = cache.get(N_DOCS_KEY)
        if n is None:
            n = CaseIndex.objects.count()
            cache.set(N_DOCS_KEY, n, getattr(settings, "ASSIST_COUNT_SECONDS", 60))
        self.n_docs = max(int(n), 1)

    # engine.Index
    def df(self, term: str) -> int:
        return self._df.get(term, 0)

    def prepare(self, terms: Iterable[str]) -> None:
        """Fetch the document frequencies of ``terms`` (one query) before they are asked for."""
        missing = [t for t in set(terms) if t not in self._df]
        if missing:
            self._df.update(dict(TermStat.objects.filter(term__in=missing).values_list("term", "df")))
            for t in missing:
                self._df.setdefault(t, 0)

    def scope(self) -> QuerySet[Case]:
        if self.user is None:
            return Case.objects.all()
        from proposals import access

        return access.visible_cases(self.user)

    def candidates(self, query: engine.Doc, exclude: set[int], limit: int) -> list[engine.Doc]:
        scope = self.scope().exclude(pk__in=exclude).exclude(status="draft")
        if connection.vendor == "postgresql":
            grams = engine.narrowing_terms(query, self, self.synonyms)
            common = max(self.n_docs * 0.08, 200)  # a bigram in more than 8% of many cases narrows nothing
            grams = [g for g in grams if self.df("c:" + g) <= common] or grams[:3]
            if not grams:
                return []
            # First the cases sharing at least two of the rarest bigrams (selective: the bigram index
            # answers it alone); only when that finds few, those sharing one.
            top = grams[:6]
            pairs = [f"('{a}' & '{b}')" for i, a in enumerate(top) for b in top[i + 1 :]]
            ids: list[int] = []
            for raw in ([" | ".join(pairs)] if pairs else []) + [" | ".join(f"'{g}'" for g in grams[:4])]:
                q = SearchQuery(raw, config="simple", search_type="raw")
                found = (
                    scope.filter(search_vector=q)
                    .exclude(pk__in=ids)
                    .annotate(rank=SearchRank(F("search_vector"), q))
                    .order_by("-rank", "-id")
                    .values_list("id", flat=True)[: limit - len(ids)]
                )
                ids += list(found)
                if len(ids) >= MIN_CANDIDATES:
                    break
        else:  # SQLite (development, tests): no bigram index; the newest cases in scope
            ids = list(scope.order_by("-id").values_list("id", flat=True)[: limit * 10])
        rows = CaseIndex.objects.filter(case_id__in=ids).values_list("case_id", "vector")
        return [engine.Doc(case_id, [], [], vector=vector) for case_id, vector in rows]


def doc_for(case: Case, index: DbIndex) -> engine.Doc:
    """The case as a query: its stored terms when indexed and current, else computed from its text."""
    title, body = source_of(case)
    row = CaseIndex.objects.filter(case_id=case.pk).first()
    if row is not None and row.source_hash == source_hash(title, body, index.synonyms):
        doc = engine.Doc(case.pk, row.title_terms.split(), row.body_terms.split(), title, indexed=True)
    else:
        doc = engine.Doc.of(case.pk, title, body, index.synonyms)
    prepare_query(doc, index)
    return doc


def doc_for_text(title: str, body: str, index: DbIndex, id: int = 0) -> engine.Doc:
    doc = engine.Doc.of(id, title, body, index.synonyms)
    prepare_query(doc, index)
    return doc


def prepare_query(doc: engine.Doc, index: DbIndex) -> None:
    needed = doc.term_set()
    for term in doc.title_terms:
        if term.startswith("s:"):
            for phrase in index.synonyms.phrases_of(term[2:]):
                needed.update(t for t in text.terms(phrase) if t.startswith("c:"))
    index.prepare(needed)


def _bump(terms: Iterable[str], delta: int) -> None:
    terms = sorted(set(terms))
    if not terms:
        return
    table = TermStat._meta.db_table
    with connection.cursor() as cur:
        if delta > 0:
            cur.executemany(
                f"INSERT INTO {table} (term, df) VALUES (%s, 1) ON CONFLICT (term) DO UPDATE SET df = {table}.df + 1",
                [(t[:64],) for t in terms],
            )
        else:
            TermStat.objects.filter(term__in=[t[:64] for t in terms], df__gt=0).update(df=F("df") - 1)


def reindex(case: Case, syn: text.Synonyms | None = None) -> bool:
    """Bring one case's index row up to date with its text; False when it already was."""
    syn = syn or synonyms()
    title, body = source_of(case)
    digest = source_hash(title, body, syn)
    row = CaseIndex.objects.filter(case_id=case.pk).first()
    if row is not None and row.source_hash == digest:
        return False
    doc = engine.Doc.of(case.pk, title, body, syn)
    new_terms = doc.term_set()
    with transaction.atomic():
        old_terms = set(row.title_terms.split()) | set(row.body_terms.split()) if row else set()
        _bump(new_terms - old_terms, +1)
        _bump(old_terms - new_terms, -1)
        index = DbIndex(syn=syn)
        if row is None:
            index.n_docs += 1
        index.prepare(new_terms)
        CaseIndex.objects.update_or_create(
            case_id=case.pk,
            defaults={
                "source_hash": digest,
                "title_terms": " ".join(doc.title_terms),
                "body_terms": " ".join(doc.body_terms),
                "vector": engine.vector(doc, index),
            },
        )
    if row is None:
        cache.delete(N_DOCS_KEY)
    return True


def forget(case_id: int) -> None:
    row = CaseIndex.objects.filter(case_id=case_id).first()
    if row is not None:
        _bump(set(row.title_terms.split()) | set(row.body_terms.split()), -1)
        row.delete()
        cache.delete(N_DOCS_KEY)


@contextlib.contextmanager
def paused():
    """Saves do not update the index meanwhile (a bulk load or the demo's replayed history); call
    ``rebuild()`` afterwards."""
    global _paused
    previous, _paused = _paused, True
    try:
        yield
    finally:
        _paused = previous


def is_paused() -> bool:
    return _paused


def rebuild(cases: QuerySet[Case] | None = None, batch: int = 2000, progress=None) -> int:
    """Recompute the whole index: every case's terms, the document frequencies, then every vector."""
    syn = synonyms()
    cases = (cases if cases is not None else Case.objects.all()).order_by("id")
    docs: dict[int, tuple[str, engine.Doc]] = {}
    df: dict[str, int] = {}
    for case in cases.only("id", "title", "facts", "suggestions").iterator(chunk_size=batch):
        title, body = source_of(case)
        doc = engine.Doc.of(case.pk, title, body, syn)
        docs[case.pk] = (source_hash(title, body, syn), doc)
        for term in doc.term_set():
            df[term] = df.get(term, 0) + 1
        if progress and len(docs) % 10000 == 0:
            progress(f"已分词 {len(docs)} 件")
    scratch = _FrozenIndex(df, len(docs))
    with transaction.atomic():
        CaseIndex.objects.all().delete()
        TermStat.objects.all().delete()
        TermStat.objects.bulk_create((TermStat(term=t[:64], df=n) for t, n in df.items()), batch_size=5000)
        rows = []
        for case_id, (digest, doc) in docs.items():
            rows.append(
                CaseIndex(
                    case_id=case_id,
                    source_hash=digest,
                    title_terms=" ".join(doc.title_terms),
                    body_terms=" ".join(doc.body_terms),
                    vector=engine.vector(doc, scratch),
                )
            )
            if len(rows) >= batch:
                CaseIndex.objects.bulk_create(rows)
                rows = []
                if progress:
                    progress("已写入索引")
        CaseIndex.objects.bulk_create(rows)
    cache.delete(N_DOCS_KEY)
    return len(docs)


class _FrozenIndex:
    def __init__(self, df: dict[str, int], n: int):
        self._df = df
        self.n_docs = max(n, 1)

    def df(self, term: str) -> int:
        return self._df.get(term, 0)

    def candidates(self, query, exclude, limit):  # pragma: no cover - never ranked against
        return []
