"""Production settings pass `check --deploy --fail-level WARNING`; the project's own deploy checks warn."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import override_settings

from ops import checks

ROOT = Path(__file__).resolve().parents[2]
PRODUCTION_KEY = "k7#Qp2@xV9!mZ4$wL8^tR1&yN6*bH3(cJ5)fD0-gS2+eA7=uW4_iO9"


def production_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"TESTING", "DEBUG", "DATABASE_URL", "SECURE_SSL_REDIRECT", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    }
    env.update(
        DEBUG="0",
        SECRET_KEY=PRODUCTION_KEY,
        ALLOWED_HOSTS="cppcc.example.gov.cn",
        DATABASE_URL=f"sqlite:///{tmp_path / 'prod.sqlite3'}",
        AUDIT_HMAC_KEY="Zq8w-production-audit-key-7Hc2Lr9Vx4Tn1Bm6Kp3Yd5",
    )
    env.update(extra)
    return env


def run_deploy_check(env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_settings_pass_the_deploy_check(tmp_path):
    result = run_deploy_check(production_env(tmp_path))
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_deploy_check_fails_when_https_redirect_is_turned_off(tmp_path):
    result = run_deploy_check(production_env(tmp_path, SECURE_SSL_REDIRECT="0"))
    assert result.returncode != 0
    assert "security.W008" in result.stdout + result.stderr


def test_production_settings_trust_the_proxy_protocol_header_only_when_told(tmp_path):
    code = "from django.conf import settings; print(repr((settings.SECURE_PROXY_SSL_HEADER, settings.SECURE_HSTS_SECONDS)))"
    for flag, expected in (("0", "(None, 31536000)"), ("1", "(('HTTP_X_FORWARDED_PROTO', 'https'), 31536000)")):
        result = subprocess.run(
            [sys.executable, "manage.py", "shell", "-v", "0", "-c", code],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=120,
            env=production_env(tmp_path, TRUST_X_FORWARDED_PROTO=flag),
        )
        assert result.stdout.strip().splitlines()[-1] == expected, result.stdout + result.stderr


@pytest.mark.django_db
@override_settings(DEBUG=False)
def test_it_warns_when_a_superuser_exists_in_production(world):
    assert checks.no_superuser_in_production(None) == []
    world.staff.is_superuser = True
    world.staff.save(update_fields=["is_superuser"])
    warnings = checks.no_superuser_in_production(None)
    assert [w.id for w in warnings] == ["proposals.W002"]
    assert "s1" in warnings[0].msg


@pytest.mark.django_db
@override_settings(DEBUG=True)
def test_a_superuser_is_fine_on_a_development_machine(world):
    world.staff.is_superuser = True
    world.staff.save(update_fields=["is_superuser"])
    assert checks.no_superuser_in_production(None) == []


@pytest.mark.django_db
@override_settings(DEBUG=False)
def test_it_warns_when_demo_logins_exist_in_production(world):
    from tests.factories import UserFactory

    assert checks.demo_logins_in_production(None) == []
    UserFactory(username="member")
    warnings = checks.demo_logins_in_production(None)
    assert [w.id for w in warnings] == ["proposals.W001"]
    assert "member" in warnings[0].msg


@pytest.mark.django_db
@override_settings(DEBUG=True)
def test_demo_logins_are_fine_on_a_development_machine(world):
    from tests.factories import UserFactory

    UserFactory(username="member")
    assert checks.demo_logins_in_production(None) == []
