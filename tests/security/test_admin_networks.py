"""The admin site answers only from the configured networks; elsewhere it does not exist."""

import pytest
from django.test import override_settings

from core.http import ip_in_networks

pytestmark = pytest.mark.django_db


def test_networks_match_by_cidr():
    assert ip_in_networks("10.1.2.3", ["10.0.0.0/8"])
    assert ip_in_networks("::1", ["127.0.0.0/8", "::1/128"])
    assert not ip_in_networks("8.8.8.8", ["10.0.0.0/8", "127.0.0.0/8"])
    assert not ip_in_networks("not-an-ip", ["0.0.0.0/0"])
    assert not ip_in_networks(None, ["0.0.0.0/0"])


@override_settings(ADMIN_ALLOWED_NETWORKS=["10.20.0.0/16"])
def test_the_admin_login_is_reachable_from_an_allowed_network(client):
    response = client.get("/admin/login/", REMOTE_ADDR="10.20.3.4")
    assert response.status_code == 200


@override_settings(ADMIN_ALLOWED_NETWORKS=["10.20.0.0/16"])
def test_the_admin_site_is_a_404_from_anywhere_else(client, world):
    client.force_login(world.staff)
    for url in ("/admin/", "/admin/login/", "/admin/members/user/"):
        assert client.get(url, REMOTE_ADDR="203.0.113.9").status_code == 404, url
    assert (
        client.post("/admin/login/", {"username": "x", "password": "y"}, REMOTE_ADDR="203.0.113.9").status_code == 404
    )


@override_settings(ADMIN_ALLOWED_NETWORKS=["10.20.0.0/16"], TRUST_X_FORWARDED_FOR=True)
def test_behind_the_proxy_the_forwarded_client_address_counts(client):
    assert client.get("/admin/login/", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.9").status_code == 404
    assert client.get("/admin/login/", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="10.20.0.7").status_code == 200


@override_settings(ADMIN_ALLOWED_NETWORKS=["10.20.0.0/16"])
def test_other_pages_are_not_affected(client):
    assert client.get("/public/", REMOTE_ADDR="203.0.113.9", follow=True).status_code == 200
