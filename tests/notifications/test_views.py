"""The notification centre's pages: bell, list, mark read, preferences, the staff outbox page."""

from __future__ import annotations

import pytest
from django.urls import reverse

from notifications.models import Notification, NotificationPreference
from tests.factories import PASSWORD, CaseBuilder


@pytest.fixture
def filed(w):
    return CaseBuilder(w).submitted().act("file", w.reviewer)


def login(client, user):
    assert client.login(username=user.username, password=PASSWORD)
    return client


def test_the_bell_shows_the_unread_count_and_is_a_passive_request(client, w, filed):
    response = login(client, w.member).get(reverse("notifications:bell"))
    assert response.status_code == 200
    unread = Notification.objects.filter(user=w.member, read_at__isnull=True).count()
    assert unread == 2  # cosign confirmed, filed
    assert f'<span class="badge">{unread}</span>' in response.content.decode()
    assert response.wsgi_request.passive_request is True


def test_the_list_shows_only_my_notices(client, w, filed):
    page = login(client, w.member2).get(reverse("notifications:list")).content.decode()
    assert "已立案" in page
    assert login(client, w.unit_user).get(reverse("notifications:list")).content.decode().count("已立案") == 0


def test_mark_read_needs_post_and_only_touches_my_notice(client, w, filed):
    mine = Notification.objects.get(user=w.member, event="review_outcome")
    theirs = Notification.objects.get(user=w.member2, event="review_outcome")
    login(client, w.member)
    assert client.get(reverse("notifications:mark_read", args=[mine.pk])).status_code == 405
    assert client.post(reverse("notifications:mark_read", args=[theirs.pk])).status_code == 404
    response = client.post(reverse("notifications:mark_read", args=[mine.pk]), {"open": "1"})
    assert response.status_code == 302 and response["Location"] == mine.link
    mine.refresh_from_db()
    theirs.refresh_from_db()
    assert mine.read_at is not None and theirs.read_at is None


def test_mark_all_read(client, w, filed):
    login(client, w.member2).post(reverse("notifications:mark_all_read"))
    assert not Notification.objects.filter(user=w.member2, read_at__isnull=True).exists()


def test_csrf_is_enforced_on_mark_all_read(w, filed):
    from django.test import Client

    client = login(Client(enforce_csrf_checks=True), w.member)
    assert client.post(reverse("notifications:mark_all_read")).status_code == 403


def test_preferences_page_saves_channels_per_kind(client, w):
    login(client, w.member)
    assert "收到答复、请评价" in client.get(reverse("notifications:preferences")).content.decode()
    client.post(reverse("notifications:preferences"), {"review_outcome:sms": "on"})
    pref = NotificationPreference.objects.get(user=w.member, event="review_outcome")
    assert (pref.email, pref.sms) == (False, True)


def test_outbox_page_is_for_staff_only(client, w, filed):
    assert login(client, w.member).get(reverse("notifications:outbox")).status_code == 403
    page = login(client, w.staff).get(reverse("notifications:outbox") + "?state=pending")
    assert page.status_code == 200 and "已立案" in page.content.decode()
