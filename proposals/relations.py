"""How a user relates to a case: the actor tokens of the workflow table and the one function that
computes them, plus the role questions every scoping function asks.

Both ``workflow`` (who may act) and ``access`` (who may see) read these; keeping them here is what
keeps those two modules free of an import cycle.
"""

from __future__ import annotations

from members.models import Role

from .models import Case, KeyProposal, Proposer

# --- Actor tokens: how a user relates to a case ------------------------------------------------
INITIATOR = "initiator"  # the first proposer
COSIGNER = "cosigner"  # invited to co-sign (pending, confirmed or declined)
PROPOSER = "proposer"  # a proposer who counts: initiator, confirmed co-signer, merged-in
CREATOR = "creator"  # entered the case (staff entering a paper proposal on someone's behalf)
PROXY = "proxy"  # any staff member, on a case staff entered on a proposer's behalf (代录)
STAFF = "staff"
REVIEWER = "reviewer"
UNIT = "unit"  # a contact of the unit whose assignment the action names
LEADER = "leader"  # supervises this key proposal
SYSTEM = "system"  # a scheduled command

ACTOR_LABELS = {
    INITIATOR: "领衔提案人",
    COSIGNER: "受邀附议人",
    PROPOSER: "提案人",
    CREATOR: "录入人",
    PROXY: "提案委（代录件）",
    STAFF: "提案委",
    REVIEWER: "审查",
    UNIT: "承办单位",
    LEADER: "督办领导",
    SYSTEM: "系统",
}


def _units_of(user) -> tuple[tuple[int, str], ...]:
    """(id, name) of the units this user answers for, read once per request. Only the unit role acts
    for a unit (visible_cases and the workflow both say so), so other users' contact links are not
    read: one query fewer on their pages."""
    cached = getattr(user, "_units", None)
    if cached is None:
        acts_for_units = user.is_authenticated and Role.UNIT in user.role_set()
        cached = tuple(user.units.order_by("id").values_list("id", "name")) if acts_for_units else ()
        user._units = cached
    return cached


def unit_ids(user) -> frozenset[int]:
    return frozenset(pk for pk, _ in _units_of(user))


def unit_names(user) -> list[str]:
    return [name for _, name in _units_of(user)]


def is_staff(user) -> bool:
    return user.is_authenticated and user.has_role(Role.STAFF)


def is_reviewer(user) -> bool:
    return user.is_authenticated and user.has_role(Role.REVIEWER)


def relations(user, case: Case) -> frozenset[str]:
    """How ``user`` relates to ``case``: role tokens plus the case-specific ones."""
    if user is None:
        return frozenset({SYSTEM})
    roles = user.role_set()
    found: set[str] = set()
    if Role.STAFF in roles:
        found.add(STAFF)
    if Role.REVIEWER in roles:
        found.add(REVIEWER)
    if case.created_by_id == user.pk:
        found.add(CREATOR)
    for p in case.proposers.all():
        if Role.STAFF in roles and p.role == Proposer.Role.INITIATOR and p.user_id != case.created_by_id:
            found.add(PROXY)
        if p.user_id != user.pk:
            continue
        if p.role == Proposer.Role.COSIGNER:
            found.add(COSIGNER)
        if p.role == Proposer.Role.INITIATOR:
            found.add(INITIATOR)
        if p.counts:
            found.add(PROPOSER)
    mine = unit_ids(user)
    if mine and any(a.unit_id in mine and a.is_live for a in case.assignments.all()):
        found.add(UNIT)
    if Role.LEADER in roles and case.is_key and KeyProposal.objects.filter(case=case, leaders=user).exists():
        found.add(LEADER)
    return frozenset(found)
