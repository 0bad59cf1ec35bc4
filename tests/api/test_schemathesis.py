"""Schemathesis against the live schema, as each role, on PostgreSQL.

Fixed seed (derandomize), at most MAX_EXAMPLES per operation, the database rolled back to a
savepoint after every example. Asserts no 5xx and no response that breaks the schema; prints
per role: operations, examples, failures.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections, connection, transaction

from core import clock
from tests.api.conftest import token_for
from tests.factories import CaseBuilder

schemathesis = pytest.importorskip("schemathesis")
from hypothesis import HealthCheck, Phase, given
from hypothesis import settings as hsettings
from schemathesis.checks import not_a_server_error
from schemathesis.core.failures import Failure, FailureGroup
from schemathesis.specs.openapi.checks import response_schema_conformance, status_code_conformance

MAX_EXAMPLES = 10
ROLES = ["member", "staff", "reviewer", "unit", "leader"]


def _run_operation(operation, headers: dict, failures: list) -> int:
    examples = 0

    @given(case=operation.as_strategy())
    @hsettings(
        max_examples=MAX_EXAMPLES,
        derandomize=True,
        database=None,
        deadline=None,
        suppress_health_check=list(HealthCheck),
        phases=[Phase.explicit, Phase.generate],
    )
    def run(case):
        nonlocal examples
        examples += 1
        savepoint = transaction.savepoint()
        try:
            response = case.call(headers=headers)
            case.validate_response(
                response, checks=[not_a_server_error, response_schema_conformance, status_code_conformance]
            )
        except (Failure, FailureGroup) as error:
            failures.append(f"{operation.label}: {str(error)[:1500]}")
        finally:
            transaction.savepoint_rollback(savepoint)

    run()
    return examples


def test_schemathesis_finds_no_server_errors_or_schema_breaks_for_any_role(postgres_only, world, settings, monkeypatch):
    settings.ALLOWED_HOSTS = ["localhost", "testserver"]
    # The test's transaction must survive every request (requests run in this thread, on this connection).
    monkeypatch.setattr(connection, "close_if_unusable_or_obsolete", lambda: None)
    monkeypatch.setattr(connection, "close_if_health_check_failed", lambda: None)
    # Like Django's test client: keep the test's connection (and its transaction) across requests.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        _run_all_roles(world)
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


def _run_all_roles(world):
    with clock.frozen(dt.date(2026, 3, 2)):
        CaseBuilder(world).handling()
        CaseBuilder(world, title="关于城镇生活污水处理的提案").closed()
        CaseBuilder(world, title="关于职业技术教育人才培养的提案").submitted()
    schema = schemathesis.openapi.from_wsgi("/api/schema/?format=json", get_wsgi_application())
    operations = [result.ok() for result in schema.get_all_operations()]
    report, all_failures = [], []
    for role in ROLES:
        headers = {"Authorization": f"Token {token_for(world.users()[role].username)}"}
        failures: list[str] = []
        examples = sum(_run_operation(op, headers, failures) for op in operations)
        report.append(
            f"schemathesis role={role}: operations={len(operations)} examples={examples} failures={len(failures)}"
        )
        all_failures += [f"[{role}] {f}" for f in failures]
    print("\n" + "\n".join(report))
    assert not all_failures, "\n".join(all_failures[:30])
