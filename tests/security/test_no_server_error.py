"""No input causes a server error (issue 20 item 2): each finding of the attack answers 400 with a
Chinese message — {"detail", "code"} under /api/, the page or list with the message elsewhere —
on both databases."""

import base64
import json

import pytest
from django.test import Client

from core.params import MAX_ID
from tests.api.conftest import client_for
from tests.auth_helpers import login
from tests.factories import CaseBuilder
from tests.security.world import administrator

pytestmark = pytest.mark.django_db


def chinese(text: str) -> bool:
    return any("\u4e00" <= ch <= "\u9fff" for ch in text)


def api_refusal(response, status=400) -> dict:
    assert response.status_code == status, response.content[:300]
    body = response.json()
    assert set(body) >= {"detail", "code"} and chinese(body["detail"]), body
    return body


def page_refusal(response, status=400) -> str:
    assert response.status_code == status, response.content[:300]
    html = response.content.decode()
    assert chinese(html)
    return html


def cursor(values, number=2) -> str:
    raw = json.dumps({"v": values, "n": number}).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


@pytest.fixture
def staff(client, world):
    login(client, world.staff)
    return client


@pytest.mark.parametrize("q", ["²", "١٢٣", "9" * 40, "\u00bd"])
def test_odd_digits_in_a_search_are_plain_text(client, world, q):
    assert client.get("/public/", {"q": q}).status_code == 200
    login(client, world.staff)
    assert client.get("/cases/", {"q": q}).status_code == 200
    case = CaseBuilder(world).submitted().case
    assert client.get(f"/cases/{case.pk}/hosts/", {"host_q": q}).status_code == 200


@pytest.mark.parametrize("path", ["/public/?q=a%00b", "/cases/?q=%00", "/login/?next=%00"])
def test_a_nul_byte_in_a_query_is_refused(staff, path):
    assert "空字符" in page_refusal(staff.get(path))


def test_a_nul_byte_in_a_username_is_refused(client, world):
    assert "空字符" in page_refusal(client.post("/login/", {"username": "m1\x00", "password": "x"}))
    response = Client().post(
        "/api/auth/token/", json.dumps({"username": "m1\u0000", "password": "x"}), content_type="application/json"
    )
    assert api_refusal(response)["code"] == "nul_byte"


def test_a_100000_character_username_is_refused_without_a_database_error(client, world):
    for path in ("/login/", "/admin/login/"):
        response = client.post(path, {"username": "u" * 100_000, "password": "x"})
        assert response.status_code == 200 and "用户名最多 150 个字符" in response.content.decode(), path
    response = Client().post(
        "/api/auth/token/", json.dumps({"username": "u" * 100_000, "password": "x"}), content_type="application/json"
    )
    api_refusal(response)


@pytest.mark.parametrize(
    "after",
    [
        "!!not-a-cursor",
        cursor(["not-a-date", 1]),
        cursor([{"x": 1}, 1]),
        cursor(["2026-01-01T00:00:00+00:00", 2**70]),
        cursor(["2026-01-01T00:00:00+00:00", "1\x00"]),
        cursor([1, 2, 3]),
        "A" * 5000,
    ],
)
def test_a_forged_page_cursor_shows_the_list_with_a_message(client, world, after):
    CaseBuilder(world).closed().act("publish", world.staff)
    html = page_refusal(client.get("/public/", {"after": after}))
    assert ("翻页位置参数无效" in html and "职业技术" not in html) or "棚户区" in html
    login(client, world.staff)
    assert "翻页位置参数无效" in page_refusal(client.get("/cases/", {"after": after}))


@pytest.mark.parametrize(
    "cursor_value",
    ["garbage", base64.b64encode(b"o=1&r=0&p=not-a-number").decode(), base64.b64encode(b"p=" + b"9" * 40).decode()],
)
def test_a_forged_api_cursor_is_a_400_in_chinese(world, cursor_value):
    api = client_for(world.staff)
    assert api_refusal(api.get("/api/cases/", {"cursor": cursor_value}))["code"] == "invalid_cursor"
    api_refusal(api.get("/api/cases/", {"cursor": cursor_value, "ordering": "submitted_at"}))


def test_json_nested_100000_deep_is_refused_before_parsing(world):
    api = client_for(world.member)
    body = "[" * 100_000 + "]" * 100_000
    for path in ("/api/cases/", "/api/auth/token/"):
        response = api.generic("POST", path, body, content_type="application/json")
        assert api_refusal(response)["code"] == "json_too_deep"
    nested = {"title": "x"}
    for _ in range(10):
        nested = {"a": nested}  # moderate nesting is the serializer's to judge
    assert api.post("/api/cases/", nested, format="json").status_code == 400


def test_a_body_over_the_size_limit_is_a_json_400_in_chinese(world, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    api = client_for(world.member)
    response = api.generic("POST", "/api/cases/", json.dumps({"title": "x" * 5000}), content_type="application/json")
    assert api_refusal(response)["code"] == "request_too_large"


@pytest.mark.parametrize("count,message", [(300_000, "请求体过大"), (5000, "字段过多"), (300, "最多选择")])
def test_masses_of_cosigners_are_refused_with_a_message(staff, world, count, message):
    login(staff, world.member)
    fields = "&".join(f"cosigners={i}" for i in range(1, count + 1))
    response = staff.generic(
        "POST", "/cases/new/", f"kind=proposal&title=x&{fields}", content_type="application/x-www-form-urlencoded"
    )
    assert message in page_refusal(response)


@pytest.mark.parametrize(
    "query,message",
    [({"since": "x"}, "起始日期"), ({"until": "2025-99-99"}, "截止日期"), ({"ip": "not-an-ip"}, "IP 地址")],
)
def test_bad_audit_filters_show_the_log_with_the_message(client, world, query, message):
    login(client, administrator("auditor"))
    assert message in page_refusal(client.get("/audit/", query))
    assert client.get("/audit/", {**query, "format": "csv"}).status_code == 400


@pytest.mark.parametrize("year", ["0", "99999", "²", "-1"])
def test_a_bad_year_of_the_key_proposal_catalogue_is_a_400(staff, year):
    assert "年度" in page_refusal(staff.get("/exports/key_proposals.docx", {"year": year}))


@pytest.mark.parametrize("value", [str(MAX_ID + 1), "99999999999999999999999", "²", "1.5", "-3"])
def test_ids_out_of_range_or_not_ids_never_reach_the_database(staff, world, value):
    assert staff.get(f"/cases/{value}/").status_code == 404
    assert staff.get(f"/public/{value}/").status_code == 404
    assert page_refusal(staff.get("/stats/", {"term": value}))
    api = client_for(world.staff)
    assert api.get(f"/api/cases/{value}/").status_code == 404
    api_refusal(api.get("/api/members/", {"term": value}))
    api_refusal(api.get("/api/cases/", {"session": value}))
    case = CaseBuilder(world).handling().case
    assert staff.get(f"/cases/{case.pk}/act/log_contact/", {"assignment": value}).status_code == 400


def test_drf_and_django_404s_under_the_api_are_chinese(world):
    api = client_for(world.staff)
    for path in ("/api/no-such-endpoint/", "/api/cases/999999/", "/api/cases/999999/contacts/"):
        assert api_refusal(api.get(path), 404)["code"] == "not_found"
    assert chinese(api.delete("/api/cases/").json()["detail"])  # 405


def test_authenticated_answers_and_the_api_are_not_stored(client, world):
    assert "no-store" not in client.get("/public/").get("Cache-Control", "")  # public pages may be cached
    login(client, world.member)
    for path in ("/", "/cases/new/", "/account/2fa/"):
        assert "no-store" in client.get(path).get("Cache-Control", ""), path
    assert "no-store" in client_for(world.member).get("/api/cases/").get("Cache-Control", "")
    assert "no-store" in Client().get("/api/cases/").get("Cache-Control", "")


def test_healthz_names_the_database_only_to_signed_in_users(client, world):
    body = client.get("/healthz").json()
    assert body["status"] == "ok" and "vendor" not in body and "sqlite" not in json.dumps(body)
    login(client, world.staff)
    assert "vendor" in client.get("/healthz").json()
