"""Password policy: length 8–64, 3 of 4 classes, not common, not guessable (zxcvbn: no username,
system name or year), not one of the last 5 — in Chinese."""

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError

from members.models import PasswordHistory
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def errors_for(password, user=None) -> str:
    try:
        validate_password(password, user)
    except ValidationError as exc:
        return " ".join(exc.messages)
    return ""


@pytest.mark.parametrize(
    "password,expected",
    [
        ("Ab1!xyz", "至少需要 8 个字符"),
        ("Aa1!" * 16 + "x", "最多 64 个字符"),
        ("abcdefghij", "至少包含"),
        ("abcdefgh12", "至少包含"),
        ("Password1", "过于常见"),
    ],
)
def test_it_refuses_weak_passwords_in_chinese(password, expected):
    assert expected in errors_for(password)


@pytest.mark.parametrize(
    "password",
    ["Qx7#mVt2pLr9", "huang-Ye7#qiao", "Gz4$pW9!nKx2", "Tq8!vN3w-Hz6K" + "mB5&rL9*xW2^" * 4 + "pQ7!dK3#zR8@"[:3]],
)
def test_it_accepts_strong_passwords_up_to_64_characters(password):
    assert len(password) <= 64
    assert errors_for(password) == ""


def test_it_refuses_any_of_the_last_five_passwords_but_not_the_sixth():
    user = UserFactory()
    passwords = [f"Zheng{i}hou#Qk7v" for i in range(6)]
    for password in passwords:
        user.set_password(password)
        user.save()
    assert PasswordHistory.objects.filter(user=user).count() >= 6
    for recent in passwords[1:]:
        assert "最近 5 次" in errors_for(recent, user)
    assert errors_for(passwords[0], user) == ""


def test_the_history_stores_hashes_only():
    user = UserFactory()
    user.set_password("Baoji#Chencang1")
    user.save()
    stored = PasswordHistory.objects.filter(user=user).latest("created_at").password
    assert "Baoji#Chencang1" not in stored and stored == user.password


@pytest.mark.parametrize(
    "password,username,expected",
    [
        ("member@2026A", "member", "用户名"),
        ("Chencang@2027", "someone", "系统"),
        ("Admin@123456", "someone", "系统"),
        ("Passw0rd!", "someone", "常见密码"),
        ("11111111Aa", "someone", "常见密码"),
        ("Xinyu@2027q", "someone", "年份"),
        ("Qwertyuiop1!", "someone", "常见密码"),
        ("Aa1!Aa1!Aa1!", "someone", "容易被猜中"),
    ],
)
def test_it_refuses_usernames_system_names_years_and_guessable_patterns(password, username, expected):
    user = UserFactory.build(username=username)
    assert expected in errors_for(password, user)


def test_the_seeders_published_demo_password_is_set_without_the_policy():
    from demo.seeder import PASSWORD

    assert "系统" in errors_for(PASSWORD)  # people may not choose it …
    user = UserFactory()  # … but the factories and the seeder set it directly (README: demo logins)
    assert user.check_password(PASSWORD)
