"""A Hypothesis fuzz of every page's query parameters (issue 20 item 2): every GET page of the site,
for each kind of user, with arbitrary values of every parameter the pages read — none may answer with
a server error (the test client re-raises the exception of a 500, so a failure shows its cause).

Per route: first every known-hostile value in every parameter at once (each value as one of the roles,
in turn), then FUZZ_EXAMPLES (default 2; more locally) random queries as every role. The figures are printed by the
last test."""

from __future__ import annotations

import os
import re

import pytest
from django.db import transaction
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.auth_helpers import login
from tests.security.world import build, walk

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", 2))
ROLES = ("anonymous", "member", "staff", "unit", "leader", "auditor")
# Every query parameter a page reads (views, the case FilterSet, the audit filter form, pagination).
PARAMS = (
    "q", "host_q", "term", "session", "year", "case", "assignment", "after", "page", "sort", "order",
    "state", "status", "kind", "category", "committee", "sector", "unit", "key", "overdue", "unread",
    "submitted_after", "submitted_before", "filed_after", "filed_before", "since", "until", "ip",
    "action", "outcome", "actor_label", "format", "next", "count", "name", "tab",
)  # fmt: skip

HOSTILE_VALUES = [
        "²", "١٢٣", "½", "9" * 25, str(2**63), "-1", "0", "1e309", "NaN", "1.5", "2025-99-99", "x", "",
        "%00", "\u202e", "'; DROP TABLE x;--", "<script>", "a" * 3000, "//evil.example", "１２３", "true",
        "csv", "docx", "-id", "submitted_at", "None", "[]", "{}", "\ud7ff",
]  # fmt: skip
HOSTILE = st.sampled_from(HOSTILE_VALUES)
VALUES = st.one_of(HOSTILE, st.text(max_size=40), st.integers(min_value=-(2**70), max_value=2**70).map(str))
QUERIES = st.dictionaries(st.sampled_from(PARAMS), st.one_of(VALUES, st.lists(VALUES, max_size=3)), max_size=5)

# GET pages that are not the admin's (its own forms are Django's), the API (Schemathesis fuzzes it) or
# downloads of one stored file.
SKIP = re.compile(r"^(admin/|api/|files/|static/)")


def _pages():
    out = []
    for key, route, _pattern in walk():
        if SKIP.match(route) or "(?P" in route:
            continue
        out.append((key, route))
    return sorted(set(out))


PAGES = _pages()


@pytest.fixture(scope="module")
def sw(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        world = build()
        yield world
        transaction.set_rollback(True)


def _url(route: str, ids: dict) -> str:
    values = {"pk": ids["case"], "assignment_id": ids["lead"], "name": "log_contact", "kind": "reply_letter"}
    return "/" + re.sub(r"<(?:\w+:)?(\w+)>", lambda m: str(values.get(m.group(1), ids["case"])), route)


def _clients(sw) -> dict[str, Client]:
    clients = {}
    for role in ROLES:
        client = Client()
        if sw.users[role] is not None:
            login(client, sw.users[role])
        clients[role] = client
    return clients


@pytest.mark.parametrize("key,route", PAGES, ids=[k for k, _ in PAGES])
def test_no_query_string_makes_a_page_fail(sw, db, key, route):
    clients = _clients(sw)
    url = _url(route, sw.ids)
    for i, value in enumerate(HOSTILE_VALUES):
        role = ROLES[i % len(ROLES)]
        with transaction.atomic():
            response = clients[role].get(url, {name: value for name in PARAMS})
            transaction.set_rollback(True)
        assert response.status_code < 500, (role, url, value)

    @settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck), database=None)
    @given(query=QUERIES)
    def probe(query):
        for role, client in clients.items():
            with transaction.atomic():
                response = client.get(url, query)
                transaction.set_rollback(True)
            assert response.status_code < 500, (role, url, query)

    probe()


def test_the_fuzz_covers_every_page_route(sw):
    print(
        f"\nquery fuzz: {len(PAGES)} page routes × ({len(HOSTILE_VALUES)} hostile values in all {len(PARAMS)} "
        f"parameters + {EXAMPLES} random queries × {len(ROLES)} roles)"
    )
    assert len(PAGES) >= 30
