"""What every request repeats is read once or cached, and the shortcuts stay correct: roles come
with the user, the bell's count is cached and dropped on every write, the member's own cases are
picked by index, and the staff queues come from one query."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from core import clock
from members.models import Role, User, role_group
from notifications import rules as notifications
from proposals import access
from proposals.models import Case, Status
from tests.auth_helpers import login
from tests.factories import CaseBuilder

pytestmark = pytest.mark.django_db


def test_the_request_user_comes_with_its_roles(world):
    user = User.objects.with_roles().get(pk=world.staff.pk)
    assert user.role_set() == world.staff.role_set() == frozenset({Role.STAFF})


def test_a_revoked_role_takes_effect_on_the_next_request(client, world):
    login(client, world.reviewer)
    assert client.get(reverse("proposals:reviewer_workbench")).status_code == 200
    world.reviewer.groups.remove(role_group(Role.REVIEWER))
    assert client.get(reverse("proposals:reviewer_workbench")).status_code == 403


def _bell(client) -> str:
    page = client.get(reverse("proposals:member_workbench")).content.decode()
    start = page.index('id="notification-bell"')
    return page[start : page.index("</a>", start)]


def test_the_bell_on_every_page_follows_new_and_read_notices(client, world, django_capture_on_commit_callbacks):
    login(client, world.member)
    assert 'class="badge"' not in _bell(client)  # nothing unread; the count is now cached
    with django_capture_on_commit_callbacks(execute=True):
        notifications.write([world.member], kind="review_outcome", case=None, title="您的提案已立案", key="t1")
    assert '<span class="badge">1</span>' in _bell(client)
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(reverse("notifications:mark_all_read")).status_code == 302
    assert 'class="badge"' not in _bell(client)


def test_own_cases_are_the_members_proposals_and_within_what_they_may_see(world):
    with clock.frozen(dt.date(2026, 3, 2)):
        mine = CaseBuilder(world).submitted().refresh()  # member initiates, member2 co-signs
        cosigned_only = CaseBuilder(world, cosign=False).submitted().refresh()
    own = set(access.own_cases(world.member).values_list("id", flat=True))
    assert mine.pk in own and cosigned_only.pk in own
    assert own <= set(access.visible_cases(world.member).values_list("id", flat=True))
    assert mine.pk in set(access.own_cases(world.member2).values_list("id", flat=True))  # confirmed co-signer
    assert cosigned_only.pk not in set(access.own_cases(world.member2).values_list("id", flat=True))
    assert not access.own_cases(world.staff).exists()


def test_the_staff_queues_show_the_ten_oldest_of_each_step(client, world):
    with clock.frozen(dt.date(2026, 3, 2)):
        submitted = [CaseBuilder(world, title=f"待审查提案{i}").submitted().refresh() for i in range(12)]
        filed = CaseBuilder(world, title="待交办提案").filed().refresh()
    login(client, world.staff)
    context = client.get(reverse("proposals:staff_workbench")).context
    assert [c.pk for c in context["to_recommend"]] == [c.pk for c in submitted[:10]]
    assert [c.pk for c in context["to_assign"]] == [filed.pk]
    assert context["to_close"] == [] and context["to_publish"] == []
    assert {c["status"]: c["n"] for c in context["counts"]}[Status.SUBMITTED] == 12
    assert Case.objects.filter(status=Status.SUBMITTED).count() == 12


def test_the_member_workbench_counts_follow_the_next_action(client, world):
    """The counts are cached by the audit trail's newest event: any action shows on the next request."""
    login(client, world.member)
    with clock.frozen(dt.date(2026, 3, 2)):
        CaseBuilder(world, title="关于供暖的提案").submitted()

        def counts():
            return {c["status"]: c["n"] for c in client.get(reverse("proposals:member_workbench")).context["counts"]}

        assert counts() == {Status.SUBMITTED: 1}
        assert counts() == {Status.SUBMITTED: 1}  # from the cache
        CaseBuilder(world, title="关于污水处理的提案").filed()
    assert counts() == {Status.SUBMITTED: 1, Status.FILED: 1}


def test_the_staff_workbench_counts_follow_the_next_action(client, world):
    login(client, world.staff)
    with clock.frozen(dt.date(2026, 3, 2)):
        CaseBuilder(world, title="关于供暖的提案").submitted()

        def counts():
            return {c["status"]: c["n"] for c in client.get(reverse("proposals:staff_workbench")).context["counts"]}

        assert counts() == {Status.SUBMITTED: 1}
        assert counts() == {Status.SUBMITTED: 1}  # from the cache
        CaseBuilder(world, title="关于污水处理的提案").filed()
    assert counts() == {Status.SUBMITTED: 1, Status.FILED: 1}
