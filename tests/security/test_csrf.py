"""CSRF: every form POST (pages, admin, and the API when it runs on the browser session) without a
token → 403. The routes come from the resolver; only the token-authenticated API and the token
endpoint itself are exempt."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from tests.auth_helpers import login
from tests.security.world import walk

# Token-authenticated: no cookie is involved, so CSRF does not apply.
EXEMPT = {"api:token"}


def _path(route: str) -> str:
    route = route.replace("^", "").replace("$", "")
    route = re.sub(r"\(\?P<url>\.\*\)", "x/", route)
    route = re.sub(r"\(\?P<app_label>[^)]*\)", "proposals", route)
    return "/" + re.sub(r"<(?:\w+:)?(\w+)>", "1", route)


ROUTES = sorted({(key, _path(route)) for key, route, _ in walk() if key not in EXEMPT})


@pytest.mark.parametrize("signed_in", [False, True], ids=["anonymous", "signed-in"])
def test_every_post_without_a_csrf_token_is_refused(world, signed_in):
    client = Client(enforce_csrf_checks=True)
    if signed_in:
        login(client, world.staff)
    accepted = []
    for key, path in ROUTES:
        response = client.post(path, {"title": "x"})
        # Without a session there is nothing to forge on the API: it answers 401 (or 405 for a read-only route).
        no_session_api = not signed_in and key.startswith("api:") and response.status_code in (401, 405)
        if response.status_code != 403 and not no_session_api:
            accepted.append(f"{key} {path}: {response.status_code}")
    assert not accepted, "\n".join(accepted)


def test_the_same_post_with_the_token_gets_through(world):
    client = Client(enforce_csrf_checks=True)
    login(client, world.member)
    client.get("/cases/new/")
    token = client.cookies["csrftoken"].value
    response = client.post(
        "/cases/new/", {"csrfmiddlewaretoken": token, "kind": "proposal", "title": "关于城区供暖设施的提案"}
    )
    assert response.status_code == 302


def test_the_token_endpoint_needs_no_csrf_token(world):
    response = Client(enforce_csrf_checks=True).post(
        "/api/auth/token/", {"username": "m1", "password": "wrong"}, content_type="application/json"
    )
    assert response.status_code in (400, 429)
