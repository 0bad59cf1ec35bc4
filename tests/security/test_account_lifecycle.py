"""Accounts unused too long are disabled; members' accounts end with their term."""

import datetime as dt
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from members import services
from members.models import Membership, Role, role_group
from tests.factories import make_term

pytestmark = pytest.mark.django_db


def test_disable_inactive_accounts_disables_unused_ones_and_says_so(world, settings):
    settings.ACCOUNT_INACTIVE_DAYS = 90
    old = timezone.now() - dt.timedelta(days=91)
    world.member.last_login = old
    world.member.save()
    world.staff.last_login = timezone.now() - dt.timedelta(days=10)
    world.staff.save()
    type(world.leader).objects.filter(pk=world.leader.pk).update(last_login=None, date_joined=old)
    out = StringIO()
    call_command("disable_inactive_accounts", stdout=out)
    for user in (world.member, world.staff, world.leader):
        user.refresh_from_db()
    assert not world.member.is_active and not world.leader.is_active and world.staff.is_active
    assert "m1" in out.getvalue() and "l1" in out.getvalue() and "s1" not in out.getvalue()


def test_end_term_deactivates_members_who_are_not_reappointed(world):
    new_term = make_term(number=5, current=False, start=dt.date(2027, 1, 5))
    kept = world.member2
    Membership.objects.create(
        user=kept,
        term=new_term,
        sector=kept.memberships.first().sector,
        committee=kept.memberships.first().committee,
        affiliation="cpc",
    )
    world.outsider.groups.add(role_group(Role.STAFF))  # also works for the committee office
    gone = services.end_term(world.term, new_term)
    assert [u.username for u in gone] == ["m1"]
    for user in (world.member, kept, world.outsider):
        user.refresh_from_db()
    assert not world.member.is_active and kept.is_active and world.outsider.is_active
    assert not Membership.objects.filter(term=world.term, active=True).exists()
    new_term.refresh_from_db()
    assert new_term.is_current
