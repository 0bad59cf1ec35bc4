"""Which documents a person may get for a case: ONE function, read by the case page's list and by the
download views (a document not offered here is a 404 there).

The case itself comes through ``proposals.access.get_case_or_404`` (scoping stays in proposals/access.py);
within a visible case, the proposers get the notices addressed to them and their own rating forms, a unit
the papers of its own assignment, staff, reviewers and leaders all of them; reminders are the office's.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.http import Http404
from django.urls import reverse

from core import clock
from proposals import settings_registry
from proposals.access import is_reviewer, is_staff, relations, unit_ids, visible_replies
from proposals.models import AssignmentRole, Case, Reply, Status
from proposals.relations import CREATOR, INITIATOR, LEADER, PROPOSER, REVIEWER, STAFF

from . import registry
from .proposal_documents import RatingSheet

OFFICE = frozenset({STAFF, REVIEWER, LEADER})
PROPOSERS = frozenset({INITIATOR, PROPOSER, CREATOR})
RATING_STATES = {Status.REPLIED, Status.REHANDLING, Status.CLOSED}


@dataclass(frozen=True)
class Offer:
    kind: str
    label: str  # what the list shows: "交办通知书（区住建局）"
    obj: Any
    param: str = ""  # "assignment=12" — picks the item among several of one kind
    case_id: int = 0

    @property
    def title(self) -> str:
        return registry.get(self.kind).title  # type: ignore[union-attr]

    @property
    def url(self) -> str:
        base = reverse("reporting:case_document", args=[self.case_id, self.kind])
        return f"{base}?{self.param}" if self.param else base

    @property
    def pdf_url(self) -> str:
        base = reverse("reporting:case_document_pdf", args=[self.case_id, self.kind])
        return f"{base}?{self.param}" if self.param else base


def case_documents(user, case: Case) -> list[Offer]:
    rel = relations(user, case)
    office = bool(OFFICE & rel) or is_staff(user) or is_reviewer(user)
    proposer = bool(PROPOSERS & rel)
    mine = unit_ids(user)
    offers: list[Offer] = [Offer("proposal_form", "提案表" if case.kind == "proposal" else "建议表", case, "", case.pk)]
    if case.number is not None and case.status not in (Status.REJECTED, Status.WITHDRAWN) and (office or proposer):
        offers.append(Offer("filing_notice", "立案通知", case, "", case.pk))
    if case.status == Status.REJECTED and (office or proposer):
        offers.append(Offer("rejection_notice", "不予立案通知", case, "", case.pk))
    # .all(): the case page has prefetched them (with their units), so the list costs no query there.
    live = sorted((a for a in case.assignments.all() if a.is_live), key=lambda a: a.pk)
    for a in live:
        if office or a.unit_id in mine:
            offers.append(Offer("assignment_notice", f"交办通知书（{a.unit.name}）", a, f"assignment={a.pk}", case.pk))
    replies = visible_replies(user, case).filter(state=Reply.State.ACCEPTED)
    for reply in replies:
        if office or proposer or reply.assignment.unit_id in mine:
            round_note = f"，第{reply.round}轮" if reply.round > 1 else ""
            offers.append(
                Offer(
                    "reply_letter",
                    f"答复函（{reply.assignment.unit.name}{round_note}）",
                    reply,
                    f"reply={reply.pk}",
                    case.pk,
                )
            )
    if case.status in RATING_STATES and settings_registry.needs_rating(case.kind):
        accepted = {r.assignment_id for r in replies}
        for a in live:
            if a.role == AssignmentRole.CO or a.pk not in accepted:
                continue
            for p in case.proposers.all():
                if not p.counts:
                    continue
                if office or a.unit_id in mine or p.user_id == user.pk:
                    offers.append(
                        Offer(
                            "rating_form",
                            f"征询意见表（{p.display_name}，{a.unit.name}）",
                            RatingSheet(p, a),
                            f"assignment={a.pk}&proposer={p.pk}",
                            case.pk,
                        )
                    )
    if is_staff(user):
        today = clock.today()
        for a in live:
            a.case = case
            if a.is_overdue(today):
                offers.append(Offer("reminder_notice", f"催办通知（{a.unit.name}）", a, f"assignment={a.pk}", case.pk))
    return offers


def find(user, case: Case, kind: str, params) -> Offer:
    """The offer a download asks for (``?assignment=``/``?reply=``/``?proposer=``); without them, the first
    of its kind (the old one-document URLs). Anything not offered to ``user`` is a 404."""
    if registry.get(kind) is None:
        raise Http404("没有这种文书。")
    wanted = {key: params.get(key) for key in ("assignment", "reply", "proposer") if params.get(key)}
    for offer in case_documents(user, case):
        if offer.kind != kind:
            continue
        given = dict(part.split("=", 1) for part in offer.param.split("&") if part)
        if all(given.get(key) == value for key, value in wanted.items()):
            return offer
    raise Http404("没有这份文书，或您无权获取。")
