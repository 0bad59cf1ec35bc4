"""Reads: similar cases for a case or a draft's text, and merge suggestions for a session — all scoped
by proposals.access.visible_cases, all ranked by assist.engine."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch, Q
from django.shortcuts import get_object_or_404

from core import clock
from members.models import Session
from proposals import access
from proposals.models import Assignment, Case, Proposer, Reply

from . import engine, index
from .models import CaseIndex, SynonymGroup

# Two cases whose cosine reaches this are put in one merge group (average linkage, so a group does not
# chain through one broad case). Measured on bench/assist/cases.jsonl with `assist_eval --merge`.
MERGE_THRESHOLD = 0.3
MERGEABLE = {"submitted", "filed"}
HOST_STATES = {"filed", "assigned", "handling", "replied", "rehandling", "closed"}
MAX_SIMILAR = 10


@dataclass
class Similar:
    case: Case
    score: float
    why: list[str]
    units: list[str] = field(default_factory=list)
    reply: Reply | None = None


def _decorate(hits: list[engine.Hit]) -> list[Similar]:
    """The hits' cases with what a reader needs: state, number, session, units and the accepted reply."""
    if not hits:
        return []
    cases = (
        Case.objects.filter(pk__in=[h.id for h in hits])
        .select_related("session")
        .prefetch_related(
            Prefetch(
                "assignments",
                Assignment.objects.select_related("unit").exclude(status="withdrawn_from_unit").order_by("id"),
            ),
            Prefetch(
                "replies",
                Reply.objects.filter(state=Reply.State.ACCEPTED).select_related("assignment__unit").order_by("-id"),
                to_attr="accepted_replies",
            ),
        )
    )
    by_id = {c.pk: c for c in cases}
    out = []
    for hit in hits:
        case = by_id.get(hit.id)
        if case is None:
            continue
        replies = case.accepted_replies
        out.append(
            Similar(
                case,
                hit.score,
                hit.why,
                units=[a.unit.name for a in case.assignments.all()],
                reply=replies[0] if replies else None,
            )
        )
    return out


def similar_hits(user, case: Case, k: int = 5) -> list[engine.Hit]:
    """The ranked hits for a case the user may see (the API and the panels)."""
    idx = index.DbIndex(user)
    doc = index.doc_for(case, idx)
    return engine.similar(idx, doc, k=min(k, MAX_SIMILAR), exclude=_related(case))


def similar_cases(user, case: Case, k: int = 5) -> list[Similar]:
    return _decorate(similar_hits(user, case, k))


def similar_to_text(user, title: str, body: str, exclude: int | None = None, k: int = 5) -> list[Similar]:
    """Similar cases for a draft as it is typed (nothing saved)."""
    if len((title or "").strip()) < 2 and len((body or "").strip()) < 6:
        return []
    idx = index.DbIndex(user)
    doc = index.doc_for_text(title, body, idx, id=exclude or 0)
    return _decorate(engine.similar(idx, doc, k=k, exclude={exclude} if exclude else set()))


def _related(case: Case) -> set[int]:
    """Cases already merged into this one or that it was merged into are not news."""
    related = set(Case.objects.filter(merged_into=case).values_list("id", flat=True))
    if case.merged_into_id:
        related.add(case.merged_into_id)
    return related


# --- Merge suggestions ------------------------------------------------------------------------------


@dataclass
class MergeGroup:
    host: Case
    members: list[Case]
    score: float
    host_reason: str

    @property
    def cases(self) -> list[Case]:
        return [self.host, *self.members]


def _host_key(case: Case) -> tuple:
    """The suggested host: a case already filed (it can take merges now; the lowest number first), then a
    collective case (a party, sector or committee speaks for more people), then the fullest text, then the
    earliest submitted."""
    filed = case.status in HOST_STATES
    collective = any(p.collective for p in case.proposers.all())
    length = len(case.facts or "") + len(case.suggestions or "")
    return (
        not filed,
        case.number or 0,
        not collective,
        -length,
        case.submitted_at or case.created_at,
        case.pk,
    )


def _host_reason(case: Case) -> str:
    if case.status in HOST_STATES:
        return "已立案，可直接并入"
    if any(p.collective for p in case.proposers.all()):
        return "集体提案"
    return "内容最完整"


def merge_pool(user, session_id: int | None):
    """The cases a merge group is made of: the session's cases waiting for review or filed (a filed case
    can host merges at once), or, without a session, every waiting case with the filed cases of their
    sessions (a case submitted between plenaries is numbered in the latest session held)."""
    qs = access.visible_cases(user).filter(status__in=MERGEABLE)
    if session_id:
        return qs.filter(session_id=session_id)
    sessions = set(
        access.visible_cases(user).filter(status="submitted").values_list("session_id", flat=True).distinct()
    )
    if None in sessions:
        latest = Session.objects.filter(opens__lte=clock.today()).order_by("-opens").first()
        if latest is not None:
            sessions.add(latest.pk)
    sessions.discard(None)
    return qs.filter(Q(status="submitted") | Q(session_id__in=sessions))


# Beyond this many cases the page groups the newest ones (a session has a few hundred; pick a session to
# see an older one in full).
MAX_POOL = 1500


def merge_suggestions(user, session_id: int | None = None, threshold: float = MERGE_THRESHOLD) -> list[MergeGroup]:
    pool = list(
        merge_pool(user, session_id)
        .order_by("-id")[:MAX_POOL]
        .select_related("session")
        .prefetch_related(Prefetch("proposers", Proposer.objects.only("id", "case_id", "collective")))
    )
    vectors = dict(CaseIndex.objects.filter(case_id__in=[c.pk for c in pool]).values_list("case_id", "vector"))
    pool = [c for c in pool if vectors.get(c.pk)]
    groups: list[MergeGroup] = []
    for kind in {c.kind for c in pool}:
        cases = [c for c in pool if c.kind == kind]
        clusters = engine.clusters([vectors[c.pk] for c in cases], threshold)
        for members, score in clusters:
            group = [cases[i] for i in members]
            if not any(c.status in MERGEABLE for c in group):
                continue
            group.sort(key=_host_key)
            host, rest = group[0], [c for c in group[1:] if c.status in MERGEABLE]
            if rest:
                groups.append(MergeGroup(host, rest, round(score, 3), _host_reason(host)))
    groups.sort(key=lambda g: (-len(g.members), -g.score, g.host.pk))
    return groups


# --- The synonym list ---------------------------------------------------------------------------------


def may_edit_synonyms(user) -> bool:
    """Staff (提案委) keep the synonym list; members, units, reviewers and leaders do not see it."""
    return access.is_staff(user)


def synonym_groups(user):
    """Every synonym group, active ones first, for the staff page (PermissionDenied for anyone else)."""
    if not may_edit_synonyms(user):
        raise PermissionDenied("只有提案委工作人员可以维护同义词表。")
    return SynonymGroup.objects.order_by("-active", "id")


def synonym_group_or_404(user, pk: int) -> SynonymGroup:
    return get_object_or_404(synonym_groups(user), pk=pk)
