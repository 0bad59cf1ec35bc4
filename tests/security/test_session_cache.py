"""Being signed in is cheap (issue 21): the session and the user's state (user, roles, OTP devices) come
from the cache — and still a role change, a deactivation, a password change or a removed 2FA device
applies on the very next request, the idle timeout holds, and the session is written at most once a
minute."""

import datetime as dt
from unittest import mock

import pytest
from django.conf import settings
from django.contrib.auth.models import Group
from django.contrib.sessions.backends.cached_db import SessionStore
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from members import authcache, twofactor
from members.models import Role, role_group
from tests.auth_helpers import login

pytestmark = pytest.mark.django_db

START = timezone.now()


def at(seconds):
    return mock.patch("django.utils.timezone.now", return_value=START + dt.timedelta(seconds=seconds))


@pytest.fixture(autouse=True)
def _start_now():
    global START
    START = timezone.now()


def signed_in(client) -> bool:
    return "_auth_user_id" in client.session


def test_sessions_live_in_the_cache_backed_by_the_database():
    assert settings.AUTH_STATE_CACHE
    assert settings.SESSION_ENGINE == "django.contrib.sessions.backends.cached_db"


def test_a_signed_in_request_reads_neither_session_nor_user_nor_device_from_the_database(client, world):
    login(client, world.staff)  # staff need 2FA: the session names a device
    client.get(reverse("proposals:staff_workbench"))
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("proposals:staff_workbench")).status_code == 200
    tables = " ".join(q["sql"] for q in queries.captured_queries)
    assert "django_session" not in tables
    assert '"members_user"."password"' not in tables  # the user row itself
    assert "otp_totp_totpdevice" not in tables


def test_a_revoked_role_applies_on_the_next_request(client, world):
    login(client, world.reviewer)
    assert client.get(reverse("proposals:reviewer_workbench")).status_code == 200
    world.reviewer.groups.remove(role_group(Role.REVIEWER))
    assert client.get(reverse("proposals:reviewer_workbench")).status_code == 403


def test_a_role_given_from_the_groups_side_applies_on_the_next_request(client, world):
    login(client, world.member)
    assert client.get(reverse("proposals:reviewer_workbench")).status_code == 403
    role_group(Role.REVIEWER).user_set.add(world.member)
    response = client.get(reverse("proposals:reviewer_workbench"))
    # A reviewer must use 2FA: being sent to enrol shows the new role is in force.
    assert response.status_code == 302 and response.url.startswith(reverse("members:otp_enrol"))
    Group.objects.get(name=Role.REVIEWER).user_set.clear()
    assert client.get(reverse("proposals:reviewer_workbench")).status_code == 403


def test_a_deactivated_account_is_signed_out_on_the_next_request(client, world):
    login(client, world.member)
    assert client.get(reverse("proposals:member_workbench")).status_code == 200
    world.member.is_active = False
    world.member.save(update_fields=["is_active"])
    response = client.get(reverse("proposals:member_workbench"))
    assert response.status_code == 302 and response.url.startswith(reverse("members:login"))


def test_a_password_changed_elsewhere_ends_the_session_on_the_next_request(client, world):
    login(client, world.member)
    assert client.get(reverse("proposals:member_workbench")).status_code == 200
    world.member.set_password("Another#Secret-771")
    world.member.save()
    response = client.get(reverse("proposals:member_workbench"))
    assert response.status_code == 302 and not signed_in(client)


def test_a_removed_2fa_device_applies_on_the_next_request(client, world):
    login(client, world.staff)
    assert client.get(reverse("proposals:staff_workbench")).status_code == 200
    twofactor.reset(world.staff)  # the security administrator's reset: a lost phone
    response = client.get(reverse("proposals:staff_workbench"))
    assert response.status_code == 302 and response.url.startswith(reverse("members:otp_enrol"))


def test_the_idle_timeout_holds_with_a_warm_cache(client, world):
    with at(0):
        login(client, world.member)
        assert client.get(reverse("proposals:member_workbench")).status_code == 200
    with at(16 * 60):
        response = client.get(reverse("proposals:member_workbench"))
    assert response.status_code == 302 and response.url.startswith(reverse("members:login"))
    assert not signed_in(client)


def test_the_session_is_written_at_most_once_a_minute(client, world):
    with at(0):
        login(client, world.member)
        client.get(reverse("proposals:member_workbench"))
    with mock.patch.object(SessionStore, "save", autospec=True, side_effect=SessionStore.save) as save:
        for seconds in (5, 20, 40, 59):
            with at(seconds):
                assert client.get(reverse("proposals:member_workbench")).status_code == 200
        assert save.call_count == 0
        for seconds in (61, 70, 100):
            with at(seconds):
                assert client.get(reverse("proposals:member_workbench")).status_code == 200
        assert save.call_count == 1


def test_a_state_cached_under_an_old_token_is_read_again(world):
    calls = []

    def loader():
        calls.append(1)
        return f"state {len(calls)}"

    assert authcache.load(world.member.pk, loader) == "state 1"
    assert authcache.load(world.member.pk, loader) == "state 1"  # cached
    authcache.forget(world.member.pk)
    assert authcache.load(world.member.pk, loader) == "state 2"


def test_without_the_cache_every_request_reads_the_user_and_its_device_again(client, world, settings):
    settings.AUTH_STATE_CACHE = False  # a cache per worker: nothing about the user may be kept
    login(client, world.staff)
    client.get(reverse("proposals:staff_workbench"))
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("proposals:staff_workbench")).status_code == 200
    tables = " ".join(q["sql"] for q in queries.captured_queries)
    assert '"members_user"."password"' in tables and "otp_totp_totpdevice" in tables
    world.staff.groups.remove(role_group(Role.STAFF))
    assert client.get(reverse("proposals:staff_workbench")).status_code == 403
