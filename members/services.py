"""Account life cycle: accounts unused too long, and members whose term has ended."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from audit import trail as audit

from .models import Membership, Role, Term, User


def inactive_accounts(days: int | None = None, now: dt.datetime | None = None):
    """Active accounts not used for ``days`` (ACCOUNT_INACTIVE_DAYS): never logged in counts from
    the date the account was created."""
    days = days if days is not None else settings.ACCOUNT_INACTIVE_DAYS
    cutoff = (now or timezone.now()) - dt.timedelta(days=days)
    return (
        User.objects.filter(is_active=True)
        .filter(Q(last_login__lt=cutoff) | Q(last_login__isnull=True, date_joined__lt=cutoff))
        .order_by("username")
    )


@transaction.atomic
def disable_inactive_accounts(days: int | None = None, *, dry_run: bool = False) -> list[User]:
    users = list(inactive_accounts(days))
    if not dry_run:
        for user in users:
            user.is_active = False
            user.save(update_fields=["is_active"])  # also revokes API tokens (proposals.api.tokens)
            audit.record(
                "account_disabled",
                obj=user,
                data={"reason": "inactive", "days": days or settings.ACCOUNT_INACTIVE_DAYS},
            )
    return users


def _holds_other_role(user: User, ending: Term) -> bool:
    other_roles = set(user.groups.values_list("name", flat=True)) - {Role.MEMBER}
    other_membership = user.memberships.filter(active=True).exclude(term=ending).exists()
    return bool(other_roles or other_membership or user.is_superuser)


@transaction.atomic
def end_term(term: Term, new_term: Term | None = None) -> list[User]:
    """The term is over: its memberships end; members not re-appointed to ``new_term`` (an active
    membership there) and holding no other role lose their login. Returns the deactivated users."""
    memberships = list(Membership.objects.filter(term=term, active=True).select_related("user"))
    Membership.objects.filter(pk__in=[m.pk for m in memberships]).update(active=False)
    term.is_current = False
    term.save(update_fields=["is_current"])
    if new_term is not None and not new_term.is_current:
        new_term.is_current = True
        new_term.save(update_fields=["is_current"])
    deactivated = []
    for user in {m.user for m in memberships}:
        if user.is_active and not _holds_other_role(user, term):
            user.is_active = False
            user.save(update_fields=["is_active"])
            deactivated.append(user)
    audit.record(
        "term_ended",
        object_type="term",
        object_id=term.pk,
        data={
            "memberships": len(memberships),
            "deactivated": [u.username for u in deactivated],
            "new_term": new_term.pk if new_term else None,
        },
    )
    return sorted(deactivated, key=lambda u: u.username)
