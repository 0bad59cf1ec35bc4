"""With DEBUG off, error pages are plain Chinese pages that tell an attacker nothing."""

import pytest
from django.core.exceptions import PermissionDenied
from django.test import override_settings
from django.urls import path

from chencang_cppcc.urls import urlpatterns as site_patterns

pytestmark = pytest.mark.django_db
LEAKS = ("Traceback", "/work/", "site-packages", ".py", "Django", "django", "DEBUG", "Exception", "5.2")


def broken(request):
    raise RuntimeError("secret detail /srv/app/settings.py")


def forbidden(request):
    raise PermissionDenied("secret detail")


urlpatterns = [path("boom/", broken), path("forbidden/", forbidden), *site_patterns]
handler500 = "core.views.server_error"


def assert_reveals_nothing(body: str):
    for leak in LEAKS:
        assert leak not in body, leak
    assert "secret detail" not in body


@override_settings(DEBUG=False)
def test_a_missing_page_says_so_in_chinese_and_nothing_more(client):
    response = client.get("/no/such/page/../../etc/passwd")
    assert response.status_code == 404
    body = response.content.decode()
    assert "页面不存在" in body
    assert_reveals_nothing(body)


@override_settings(DEBUG=False, ROOT_URLCONF=__name__)
def test_a_refusal_says_so_in_chinese_and_nothing_more(client):
    response = client.get("/forbidden/")
    assert response.status_code == 403
    body = response.content.decode()
    assert "无权访问" in body
    assert_reveals_nothing(body)


@override_settings(DEBUG=False, ROOT_URLCONF=__name__)
def test_a_server_error_shows_no_traceback(client):
    client.raise_request_exception = False
    response = client.get("/boom/")
    assert response.status_code == 500
    body = response.content.decode()
    assert "系统暂时出错" in body
    assert_reveals_nothing(body)


@override_settings(DEBUG=False)
def test_the_500_handler_needs_no_request_context(rf):
    from core.views import server_error

    response = server_error(rf.get("/"))  # no session, no user: context processors would fail
    assert response.status_code == 500
    assert "系统暂时出错" in response.content.decode()


@override_settings(DEBUG=False)
def test_a_form_post_without_csrf_token_gets_the_chinese_page(world):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(world.member)
    response = client.post("/logout/")
    assert response.status_code == 403
    body = response.content.decode()
    assert "请求已过期" in body
    assert_reveals_nothing(body)
