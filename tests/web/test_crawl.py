"""Every page each role can reach from its workbench renders without a server error."""

import datetime as dt
import re
from urllib.parse import urljoin, urlsplit

import pytest
from django.urls import reverse

from core import clock
from tests.factories import CaseBuilder, upload

pytestmark = pytest.mark.django_db
DAY = dt.date(2026, 3, 2)
HREF = re.compile(r'(?:href|hx-get)="([^"#]+)"')
SKIP = ("/logout/", "/admin/", "/static/", "/api/")


def links(html: str, base: str) -> set[str]:
    found = set()
    for raw in HREF.findall(html):
        url = urljoin(base, raw.replace("&amp;", "&"))
        parts = urlsplit(url)
        if parts.netloc and parts.netloc != "testserver":
            continue
        path = parts.path + (f"?{parts.query}" if parts.query else "")
        if not path.startswith(SKIP):
            found.add(path)
    return found


@pytest.fixture
def cases(world):
    with clock.frozen(DAY):
        closed = CaseBuilder(world, title="关于加快先进制造业高质量发展的提案").closed().act("publish", world.staff)
        upload(closed.case, world.staff)
        CaseBuilder(world, title="关于专精特新企业培育的提案").replied()
        CaseBuilder(world, title="关于电信网络诈骗治理的提案").assigned()
        CaseBuilder(world, title="关于双减的提案").submitted().act(
            "recommend", world.staff, {"outcome": "file", "reason": "可行"}
        )
        CaseBuilder(world, title="关于公交一体化的提案")
        key = CaseBuilder(world, title="关于车站棚户区改造的提案").handling()
        key.act("recommend_key", world.staff, {"leaders": [world.leader.pk], "plan": "带案视察"})
        key.act("designate_key", world.reviewer)


@pytest.mark.parametrize("who", ["member", "member2", "staff", "reviewer", "unit", "unit2", "leader"])
def test_no_page_two_links_from_the_workbench_fails(client, world, cases, who):
    client.force_login(world.users()[who])
    seen: dict[str, int] = {}
    frontier = {reverse("proposals:home")}
    with clock.frozen(DAY):
        for _depth in range(3):  # home → workbench, then two levels of links
            next_frontier = set()
            for url in frontier - set(seen):
                response = client.get(url, follow=True)
                seen[url] = response.status_code
                assert response.status_code < 500, url
                if "text/html" in response.get("Content-Type", ""):
                    next_frontier |= links(response.content.decode(), response.request["PATH_INFO"])
            frontier = next_frontier
    assert len(seen) > 5


def test_anonymous_visitors_can_crawl_the_public_pages(client, world, cases):
    response = client.get(reverse("proposals:public_list"))
    assert response.status_code == 200
    for url in links(response.content.decode(), "/public/"):
        assert client.get(url, follow=True).status_code < 500, url
