"""Every feature a role has is linked from its pages (issue 17 item 1).

Each role walks its links from the workbench, as a person would, and every URL it may open must turn
up: the case's documents and print view, the exports, the key-proposal catalogue, /audit/, the account
pages. A download link counts as linked without being fetched.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urljoin, urlsplit

import pytest
from django.urls import Resolver404, resolve, reverse

from tests.site17 import build_site

pytestmark = pytest.mark.django_db
HREF = re.compile(r'(?:href|hx-get|action)="([^"#]+)"')
NOT_FOLLOWED = ("/logout/", "/admin/", "/static/", "/api/", "/files/", "/exports/", "/documents/", "/jobs/")

ACCOUNT = {"members:account", "members:password_change", "notifications:list", "notifications:preferences"}
CASE_FILES = {"reporting:case_print", "reporting:case_document", "proposals:case_detail"}
EXPORTS = {
    "reporting:export_cases",
    "reporting:export_catalogue",
    "reporting:export_key_catalogue",
    "reporting:stats_dashboard",
    "jobs:list",
}
EXPECTED = {
    "member": ACCOUNT | CASE_FILES | {"proposals:member_workbench", "proposals:draft_new", "members:otp_enrol"},
    "staff": ACCOUNT
    | CASE_FILES
    | EXPORTS
    | {
        "proposals:staff_workbench",
        "proposals:case_list",
        "proposals:overdue_board",
        "proposals:urge_assignment",
        "proposals:bulk_assign",
        "proposals:draft_new",
        "assist:merge_suggestions",
        "imports:catalogue",
        "notifications:outbox",
        "reporting:stats_league_xlsx",
    },
    "reviewer": ACCOUNT | CASE_FILES | EXPORTS | {"proposals:reviewer_workbench", "proposals:case_list"},
    "unit": ACCOUNT | CASE_FILES | {"proposals:unit_workbench", "members:otp_enrol"},
    "leader": ACCOUNT | CASE_FILES | EXPORTS | {"proposals:leader_workbench"},
    "auditor": ACCOUNT | {"audit:audit_log"},
    "sysadmin": ACCOUNT | {"admin:index"},
}


def _name(path: str) -> str | None:
    try:
        match = resolve(urlsplit(path).path)
    except Resolver404:
        return None
    return f"{match.namespace}:{match.url_name}" if match.namespace else match.url_name


def walk(client) -> set[str]:
    """The URL names linked from the pages reachable in three clicks from the workbench."""
    linked: set[str] = set()
    seen: set[str] = set()
    frontier = {reverse("proposals:home")}
    for _depth in range(4):
        found: set[str] = set()
        for url in sorted(frontier - seen):
            seen.add(url)
            response = client.get(url, follow=True)
            assert response.status_code < 500, url
            if "text/html" not in response.get("Content-Type", ""):
                continue
            here = response.request["PATH_INFO"]
            linked.add(_name(here) or here)
            for raw in HREF.findall(response.content.decode()):
                parts = urlsplit(urljoin(here, raw.replace("&amp;", "&")))
                if parts.netloc and parts.netloc != "testserver":
                    continue
                name = _name(parts.path)
                if name is None:
                    continue
                linked.add(name)
                if not parts.path.startswith(NOT_FOLLOWED) and "after" not in parse_qs(parts.query):
                    found.add(parts.path + (f"?{parts.query}" if parts.query else ""))
        frontier = found
    return linked


@pytest.mark.parametrize("who", sorted(EXPECTED))
def test_every_feature_of_the_role_is_linked_from_its_pages(client, who):
    site = build_site()
    client.force_login(site.users()[who])
    missing = EXPECTED[who] - walk(client)
    assert not missing, f"{who}: never linked: {sorted(missing)}"


def test_the_export_of_the_list_carries_the_lists_filters(client):
    site = build_site()
    client.force_login(site.world.staff)
    page = client.get(reverse("proposals:case_list"), {"status": "handling", "q": "供暖", "after": "x"})
    html = page.content.decode().replace("&amp;", "&")
    href = re.search(r'href="(/exports/cases\.xlsx[^"]*)"', html).group(1)
    query = parse_qs(urlsplit(href).query)
    assert query == {"status": ["handling"], "q": ["供暖"]}  # the list's filters, not its page


def test_the_auditor_starts_on_the_audit_log(client):
    site = build_site()
    client.force_login(site.auditor)
    assert client.get(reverse("proposals:home")).url == reverse("audit:audit_log")
