"""Reads: similar cases for a case or a draft's text, and merge suggestions for a session — all scoped
by proposals.access.visible_cases, all ranked by assist.engine."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Max, Prefetch, Q, Sum
from django.shortcuts import get_object_or_404

from core import clock
from members.models import Session, Unit
from proposals import access
from proposals.models import Assignment, AssignmentRole, Case, Proposer, Reply

from . import engine, index, units
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


# --- Suggested units (issue 22) -------------------------------------------------------------------------

ASSIGNED_STATES = ("assigned", "handling", "replied", "rehandling", "closed")
HISTORY_YEARS = 3


class _AssignedIndex(index.DbIndex):
    """The database index narrowed to the cases assigned in the last ``HISTORY_YEARS`` years."""

    def scope(self):
        since = clock.now() - dt.timedelta(days=365 * HISTORY_YEARS)
        return super().scope().filter(status__in=ASSIGNED_STATES, assigned_at__gte=since)


@dataclass
class _Remit:
    key: tuple
    profiles: units.Profiles
    prior: dict[str, int]


_remit: _Remit | None = None


def _unit_roles(case_ids) -> tuple[dict[int, list[str]], dict[int, list[str]]]:
    leads: dict[int, list[str]] = defaultdict(list)
    cos: dict[int, list[str]] = defaultdict(list)
    rows = (
        Assignment.objects.filter(case_id__in=case_ids)
        .exclude(status="withdrawn_from_unit")
        .order_by("id")
        .values_list("case_id", "role", "unit__name")
    )
    for case_id, role, name in rows:
        (cos if role == AssignmentRole.CO else leads)[case_id].append(name)
    return leads, cos


def _remit_profiles() -> _Remit:
    """The units' profiles from the last years' assignments, rebuilt when assignments change (the key:
    aggregates of the assignments) — per process, as the synonyms are."""
    global _remit
    since = clock.now() - dt.timedelta(days=365 * HISTORY_YEARS)
    recent = Assignment.objects.filter(
        assigned_at__gte=since, role__in=[AssignmentRole.LEAD, AssignmentRole.SEPARATE]
    ).exclude(status="withdrawn_from_unit")
    # Sums too: ids are reused after a rollback (SQLite), so the newest id and the count alone could repeat.
    key = (
        tuple(recent.aggregate(Max("id"), Count("id"), Sum("case_id"), Sum("unit_id"), Max("assigned_at")).values()),
        since.date(),
    )
    if _remit is not None and _remit.key == key:
        return _remit
    profiles = units.Profiles()
    prior: dict[str, int] = defaultdict(int)
    by_case: dict[int, list[str]] = defaultdict(list)
    for case_id, name in recent.values_list("case_id", "unit__name"):
        by_case[case_id].append(name)
        prior[name] += 1
    for case_id, vector in CaseIndex.objects.filter(case_id__in=list(by_case)).values_list("case_id", "vector"):
        for name in by_case[case_id]:
            profiles.add(name, vector)
    _remit = _Remit(key, profiles, dict(prior))
    return _remit


def suggested_units(user, case: Case) -> tuple[list[units.Suggestion], list[units.Suggestion]]:
    """The likely lead units and co-handlers of ``case`` (staff only: the callers check), best first."""
    idx = _AssignedIndex(user)
    doc = index.doc_for(case, idx)
    hits = engine.similar(idx, doc, k=units.NEIGHBOURS, exclude=_related(case))
    leads, cos = _unit_roles([h.id for h in hits])
    titles = dict(Case.objects.filter(pk__in=[h.id for h in hits]).values_list("id", "title"))
    past = [units.Past(h.id, h.score, leads.get(h.id, []), cos.get(h.id, []), titles.get(h.id, "")) for h in hits]
    active = dict(Unit.objects.filter(active=True).values_list("name", "id"))
    remit = _remit_profiles()
    query = engine.vector(doc, idx)
    title, body = index.source_of(case)
    lead, co = units.rank(
        past,
        text=f"{title}\n{body}",
        units=active,
        prior={k: v for k, v in remit.prior.items() if k in active},
        remit={k: v for k, v in remit.profiles.scores(query).items() if k in active},
        years=HISTORY_YEARS,
    )
    lead = [s for s in lead if s.unit in active]
    co = [s for s in co if s.unit in active]
    for s in [*lead, *co]:
        s.unit_id = active[s.unit]
    return lead, co


# --- The pre-submission check (预审, issue 22) ----------------------------------------------------------------


def _earlier(case_session_id: int | None):
    """Cases of sessions before the current one (the draft's, or the latest held): the repeat rule's pool."""
    current = Session.objects.filter(pk=case_session_id).first() if case_session_id else None
    if current is None:
        current = Session.objects.filter(opens__lte=clock.today()).order_by("-opens").first()
    return current


def precheck(user, title: str, facts: str, suggestions: str, *, exclude: int | None = None, session_id=None):
    """The advice for a text (assist.precheck's rules) plus a repeat of a case of an earlier session that
    ``user`` may see, with its accepted reply."""
    from . import precheck as rules

    advice = rules.check_text(title, facts, suggestions)
    if len((title or "").strip()) >= 4:
        current = _earlier(session_id)
        for item in similar_to_text(user, title, f"{facts}\n{suggestions}", exclude=exclude, k=5):
            c = item.case
            if item.score < rules.REPEAT_THRESHOLD or c.status in ("draft", "withdrawn"):
                continue
            if current is not None and (c.session is None or c.session.opens >= current.opens):
                continue
            reply = item.reply
            detail = {
                "id": c.pk,
                "title": c.title,
                "number": c.display_number or "",
                "session": c.session.name if c.session else "",
                "status": c.status_label,
                "reply": {
                    "unit": reply.assignment.unit.name,
                    "reply_class": reply.reply_class or "",
                    "letter": reply.letter[:400],
                }
                if reply
                else None,
            }
            advice.append(rules.repeat_advice(item.score, detail))
            break
    return advice
