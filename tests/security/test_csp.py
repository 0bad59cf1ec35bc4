"""Every page carries the Content-Security-Policy, and no page needs what it forbids: inline scripts,
on…= handlers, inline styles."""

from html.parser import HTMLParser

import pytest
from django.urls import reverse

from core import clock
from tests.web.test_crawl import DAY, cases, links  # noqa: F401  (the crawl's fixture and link finder)

pytestmark = pytest.mark.django_db


class InlineFinder(HTMLParser):
    def __init__(self):
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag, attrs):
        names = {name for name, _ in attrs}
        # A JSON data block (json_script) is never executed, so the policy has nothing to block there.
        if tag == "script" and "src" not in names and dict(attrs).get("type") != "application/json":
            self.found.append("<script> without src")
        if tag == "style":
            self.found.append("<style> element")
        self.found += [f"<{tag} {name}=…>" for name in names if name.startswith("on") or name == "style"]


def inline_code_in(html: str) -> list[str]:
    finder = InlineFinder()
    finder.feed(html)
    return finder.found


def test_the_policy_forbids_inline_scripts_and_styles(client):
    policy = client.get(reverse("proposals:public_list"))["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in policy.split(";"))
    assert directives["script-src"] == "'self'"
    assert directives["style-src"] == "'self'"
    assert directives["default-src"] == "'self'"
    assert directives["object-src"] == "'none'"
    assert directives["frame-ancestors"] == "'none'"
    assert directives["img-src"] == "'self' data:"
    assert directives["base-uri"] == "'self'"
    assert directives["form-action"] == "'self'"
    assert "unsafe" not in policy


def test_the_finder_sees_what_the_policy_would_block():
    assert len(inline_code_in('<script>x()</script><a onclick="x()" style="color:red">a</a><style></style>')) == 4
    assert inline_code_in('<script src="/static/app.js" defer></script><a href="/">a</a>') == []


@pytest.mark.parametrize("who", ["member", "staff", "reviewer", "unit", "leader"])
def test_every_page_a_role_reaches_has_the_policy_and_no_inline_code(client, world, cases, who):  # noqa: F811
    client.force_login(world.users()[who])
    seen: set[str] = set()
    frontier = {reverse("proposals:home")}
    with clock.frozen(DAY):
        for _depth in range(3):
            next_frontier: set[str] = set()
            for url in sorted(frontier - seen):
                seen.add(url)
                response = client.get(url, follow=True)
                assert "Content-Security-Policy" in response, url
                if "text/html" in response.get("Content-Type", ""):
                    html = response.content.decode()
                    assert inline_code_in(html) == [], url
                    next_frontier |= links(html, response.request["PATH_INFO"])
            frontier = next_frontier
    assert len(seen) > 5


def test_public_and_login_pages_have_no_inline_code(client, world, cases):  # noqa: F811
    for url in [
        reverse("proposals:public_list"),
        reverse("members:login"),
        *links(client.get(reverse("proposals:public_list")).content.decode(), "/public/"),
    ]:
        response = client.get(url, follow=True)
        assert "Content-Security-Policy" in response, url
        assert inline_code_in(response.content.decode()) == [], url


def test_swagger_ui_loads_its_init_script_by_url(client):
    page = client.get("/api/docs/")
    assert page.status_code == 200
    html = page.content.decode()
    assert inline_code_in(html) == []
    assert '<script src="/api/docs/?script="></script>' in html
    script = client.get("/api/docs/?script=")
    assert script.status_code == 200
    assert script["Content-Type"].startswith("application/javascript")
    assert b"SwaggerUIBundle" in script.content


def test_the_error_pages_have_no_inline_code(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert inline_code_in(response.content.decode()) == []
