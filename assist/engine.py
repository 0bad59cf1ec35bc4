"""The similarity itself, independent of where the cases come from.

A case is a ``Doc``: the terms of its title and of its body (assist.text). Its vector is TF-IDF with
scikit-learn's weighting (sublinear tf, smoothed idf, L2 norm), built for title and body apart and mixed
(title 0.6, body 0.4) so a long body cannot drown the title, which is what members and staff compare
first. Two cases' similarity is the cosine of their vectors.

An ``Index`` supplies the document frequencies and the candidates: ``ScratchIndex`` (in memory: the
evaluation command, the tests) here, ``assist.index.DbIndex`` (PostgreSQL bigram index, scoped by
proposals.access) for the site and the API. Both rank through ``similar()`` — the one code path.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Protocol

import numpy as np
from scipy import sparse
from sklearn.feature_extraction import DictVectorizer
from sklearn.metrics.pairwise import linear_kernel

from . import text

TITLE_SHARE = 0.6
# Within a vector: a shared synonym group says the most, a shared word a lot, a shared bigram a little
# (a two-word title already yields several bigrams).
KIND_WEIGHT = {"s": 1.4, "w": 1.0, "c": 0.45}
# Below this cosine a case is not shown as similar at all (it would only be noise).
MIN_SCORE = 0.08
# Candidates narrowed by shared bigrams before the exact ranking.
CANDIDATES = 200
# Terms kept per stored vector.
VECTOR_TERMS = 64


@dataclass
class Doc:
    id: int
    title_terms: list[str]
    body_terms: list[str] = field(default_factory=list)
    title: str = ""
    # The stored unit vector (computed when the doc was indexed); None: compute it from the terms.
    vector: dict[str, float] | None = None
    # Whether the doc itself is counted in the index's frequencies (an indexed case asking for its peers).
    indexed: bool = False

    @classmethod
    def of(cls, id: int, title: str, body: str = "", synonyms: text.Synonyms = text.NO_SYNONYMS) -> Doc:
        return cls(id, text.terms(title, synonyms), text.terms(body, synonyms), title)

    def term_set(self) -> set[str]:
        return set(self.title_terms) | set(self.body_terms)


@dataclass
class Hit:
    id: int
    score: float
    why: list[str]


class Index(Protocol):
    n_docs: int

    def df(self, term: str) -> int: ...

    def candidates(self, query: Doc, exclude: set[int], limit: int) -> list[Doc]: ...


class Idf:
    """scikit-learn's smoothed idf, ln((1 + n) / (1 + df)) + 1, memoised per term (an unseen term counts
    as seen once), times the weight of the term's kind."""

    def __init__(self, index: Index):
        self.index = index
        self.memo: dict[str, float] = {}
        self.top = math.log(1 + index.n_docs) - math.log(2) + 1.0

    def __call__(self, term: str) -> float:
        value = self.memo.get(term)
        if value is None:
            df = self.index.df(term)
            value = (math.log((1 + self.index.n_docs) / (1 + df)) + 1.0 if df > 1 else self.top) * KIND_WEIGHT[term[0]]
            self.memo[term] = value
        return value


def idf_of(index: Index) -> Idf:
    cached = getattr(index, "_idf", None)
    if cached is None or cached.index is not index or cached.top != math.log(1 + index.n_docs) - math.log(2) + 1.0:
        cached = Idf(index)
        try:
            index._idf = cached  # type: ignore[attr-defined]
        except AttributeError:
            pass
    return cached


def _weights(terms: Sequence[str], idf: Idf) -> dict[str, float]:
    return {t: (1.0 + math.log(n)) * idf(t) for t, n in Counter(terms).items()}


def _unit(vec: dict[str, float]) -> dict[str, float]:
    norm = math.sqrt(sum(v * v for v in vec.values()))
    return {t: v / norm for t, v in vec.items()} if norm else {}


def weights(doc: Doc, index: Index) -> dict[str, float]:
    """The doc's unit vector as a term → weight dict (title and body mixed, then normalised)."""
    idf = idf_of(index)
    title = _unit(_weights(doc.title_terms, idf))
    body = _unit(_weights(doc.body_terms, idf))
    if not body or not title:
        return title or body
    mixed: dict[str, float] = defaultdict(float)
    for t, v in title.items():
        mixed[t] += TITLE_SHARE * v
    for t, v in body.items():
        mixed[t] += (1 - TITLE_SHARE) * v
    return _unit(mixed)


def vector(doc: Doc, index: Index) -> dict[str, float]:
    """What an index stores for a doc: its unit vector cut to the heaviest ``VECTOR_TERMS`` terms (the
    light tail barely moves a cosine) and renormalised."""
    if doc.vector is not None:
        return doc.vector
    full = weights(doc, index)
    if len(full) > VECTOR_TERMS:
        full = dict(sorted(full.items(), key=lambda kv: -kv[1])[:VECTOR_TERMS])
    return {t: round(v, 5) for t, v in _unit(full).items()}


def matrix(vectors: Sequence[dict[str, float]]) -> sparse.csr_matrix:
    """The unit vectors as rows of one sparse matrix (columns: the terms these vectors use)."""
    return DictVectorizer().fit_transform(vectors)


def cosine(vectors: Sequence[dict[str, float]]) -> np.ndarray:
    """Pairwise cosine of unit vectors (scikit-learn's linear kernel on the sparse rows)."""
    m = matrix(vectors)
    return linear_kernel(m, m)


def _why(query: dict[str, float], other: dict[str, float], n: int = 5) -> list[str]:
    shared = sorted((query[t] * other[t], t) for t in query.keys() & other.keys())
    shared.reverse()
    words = [text.display(t) for _, t in shared if not t.startswith("c:")]
    if len(words) < 2:  # no shared word: the shared character pairs are the reason
        words += [text.display(t) for _, t in shared if t.startswith("c:")]
    return list(dict.fromkeys(words))[:n]


def rank(query: Doc, candidates: Sequence[Doc], index: Index, k: int, min_score: float = MIN_SCORE) -> list[Hit]:
    """The ``k`` candidates closest to ``query``, best first, each with the shared terms that explain it."""
    if not candidates:
        return []
    q = vector(query, index)
    if not q:
        return []
    cand = [vector(d, index) for d in candidates]
    # One query against a few hundred sparse vectors: a plain dot product over the query's terms is
    # faster than building a matrix (the merge page, many against many, uses scikit-learn's kernel).
    get = q.get
    scores = np.array([sum(w * get(t, 0.0) for t, w in c.items()) for c in cand])
    order = np.argsort(-scores, kind="stable")[:k]
    return [
        Hit(candidates[i].id, round(float(scores[i]), 4), _why(q, cand[i])) for i in order if scores[i] >= min_score
    ]


def similar(index: Index, query: Doc, k: int = 5, exclude: Iterable[int] = ()) -> list[Hit]:
    """The one code path of similar cases: narrow by shared bigrams, then rank exactly."""
    skip = set(exclude) | {query.id}
    return rank(query, index.candidates(query, skip, CANDIDATES), index, k)


def narrowing_terms(query: Doc, index: Index, synonyms: text.Synonyms, limit: int = 16) -> list[str]:
    """The character bigrams a candidate must share at least one of: the title's (and, for the synonym
    groups the case mentions, every phrase's of the group), rarest first; the body's when the title has none."""
    grams = [t[2:] for t in query.title_terms if t.startswith("c:")]
    for term in query.title_terms:
        if term.startswith("s:"):
            for phrase in synonyms.phrases_of(term[2:]):
                grams += [g[2:] for g in text.terms(phrase) if g.startswith("c:")]
    if not grams:
        grams = [t[2:] for t in query.body_terms if t.startswith("c:")]
    # Rarest first; a bigram no other indexed case has would narrow to nothing.
    mine = query.term_set() if query.indexed else set()
    unique = [g for g in dict.fromkeys(grams) if index.df("c:" + g) > (1 if "c:" + g in mine else 0)]
    unique.sort(key=lambda g: index.df("c:" + g))
    return unique[:limit]


class ScratchIndex:
    """An in-memory index of a few thousand docs (the evaluation command and tests)."""

    def __init__(self, docs: Iterable[Doc], synonyms: text.Synonyms = text.NO_SYNONYMS):
        self.docs = {d.id: d for d in docs}
        self.synonyms = synonyms
        self._df: Counter[str] = Counter()
        self._postings: dict[str, set[int]] = defaultdict(set)
        for d in self.docs.values():
            terms = d.term_set()
            self._df.update(terms)
            for t in terms:
                if t.startswith("c:"):
                    self._postings[t[2:]].add(d.id)
        self.n_docs = len(self.docs)
        for d in self.docs.values():  # stored once the frequencies are known, as the database index does
            d.vector = vector(d, self)
            d.indexed = True

    def df(self, term: str) -> int:
        return self._df.get(term, 0)

    def candidates(self, query: Doc, exclude: set[int], limit: int) -> list[Doc]:
        # The same rule as the database's: share one of the narrowing bigrams; the most shared first.
        hits: Counter[int] = Counter()
        for gram in narrowing_terms(query, self, self.synonyms):
            hits.update(self._postings.get(gram, ()))
        for doc_id in exclude:
            hits.pop(doc_id, None)
        return [self.docs[i] for i, _ in hits.most_common(limit)]


def clusters(vectors: Sequence[dict[str, float]], threshold: float) -> list[tuple[list[int], float]]:
    """Groups of probably-the-same-matter docs: average-linkage clustering (scikit-learn) on cosine
    distance, cut where the average similarity falls below ``threshold``. Each group of two or more:
    (row indices, average pairwise similarity)."""
    from sklearn.cluster import AgglomerativeClustering

    if len(vectors) < 2:
        return []
    sim = cosine(vectors)
    labels = AgglomerativeClustering(
        n_clusters=None, metric="precomputed", linkage="average", distance_threshold=1.0 - threshold
    ).fit_predict(np.clip(1.0 - sim, 0.0, 2.0))
    members: dict[int, list[int]] = defaultdict(list)
    for i, label in enumerate(labels):
        members[int(label)].append(i)
    out = []
    for rows in members.values():
        if len(rows) < 2:
            continue
        block = sim[np.ix_(rows, rows)]
        n = len(rows)
        out.append((rows, float((block.sum() - np.trace(block)) / (n * (n - 1)))))
    return out
