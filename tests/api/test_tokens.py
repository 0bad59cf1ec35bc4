import datetime as dt

from django.utils import timezone
from knox.models import AuthToken
from rest_framework.test import APIClient

from tests.api.conftest import token_for
from tests.factories import PASSWORD


def _get(token: str):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    return client.get("/api/units/")


def test_it_issues_a_token_with_its_expiry_in_eight_hours(world):
    response = APIClient().post("/api/auth/token/", {"username": "m1", "password": PASSWORD}, format="json")
    assert response.status_code == 200
    expiry = dt.datetime.fromisoformat(response.json()["expiry"])
    assert abs((expiry - timezone.now()) - dt.timedelta(hours=8)) < dt.timedelta(minutes=1)
    assert _get(response.json()["token"]).status_code == 200
    # Stored hashed: the token itself is nowhere in the table.
    assert not AuthToken.objects.filter(digest=response.json()["token"]).exists()


def test_it_refuses_wrong_credentials_with_a_chinese_message(world):
    response = APIClient().post("/api/auth/token/", {"username": "m1", "password": "wrong"}, format="json")
    assert response.status_code == 400
    assert response.json()["code"] == "invalid_data"
    assert "用户名或密码不正确" in response.json()["detail"]


def test_it_throttles_repeated_login_attempts(world):
    client = APIClient()
    codes = [
        client.post("/api/auth/token/", {"username": "m1", "password": "wrong"}, format="json").status_code
        for _ in range(12)
    ]
    assert codes[0] == 400 and codes[-1] == 429


def test_it_refuses_an_expired_token(world):
    token = token_for("m1")
    AuthToken.objects.filter(user=world.member).update(expiry=timezone.now() - dt.timedelta(seconds=1))
    response = _get(token)
    assert response.status_code == 401
    assert response.json()["code"] == "authentication_failed"


def test_logout_revokes_the_current_token(world):
    token = token_for("m1")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert client.post("/api/auth/logout/").status_code == 204
    assert _get(token).status_code == 401


def test_a_password_change_revokes_all_of_the_users_tokens(world):
    tokens = [token_for("m1"), token_for("m1")]
    other = token_for("m2")
    world.member.set_password("Another@2026pass")
    world.member.save()
    assert [_get(t).status_code for t in tokens] == [401, 401]
    assert _get(other).status_code == 200


def test_disabling_the_account_revokes_its_tokens(world):
    token = token_for("m1")
    world.member.is_active = False
    world.member.save()
    assert not AuthToken.objects.filter(user=world.member).exists()
    assert _get(token).status_code == 401


def test_an_unrelated_save_keeps_the_tokens(world):
    token = token_for("m1")
    world.member.phone = "13900000000"
    world.member.save()
    assert _get(token).status_code == 200


def test_anonymous_calls_are_refused_with_401(world):
    response = APIClient().get("/api/cases/")
    assert response.status_code == 401
    assert set(response.json()) == {"detail", "code"}
