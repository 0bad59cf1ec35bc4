import os

import pytest
from django.core.management.commands import flush
from hypothesis import HealthCheck, Phase
from hypothesis import settings as hypothesis_settings

from audit.db_triggers import create_audit_triggers, drop_audit_triggers
from proposals import settings_registry, workdays

REQUIRE_ALL = os.environ.get("REQUIRE_ALL_TESTS") == "1"

# Hypothesis profiles of the workflow state machine (tests/workflow/test_state_machine.py). Under plain
# pytest it runs "workflow-ci": 200 sequences of up to 30 steps, derandomized so that CI is repeatable
# (a fixed seed, still a real search: Hypothesis generates and shrinks as usual). ``--hypothesis-profile=long``
# is the longer local run, with a fresh random seed each time.
_WORKFLOW_COMMON = {
    "stateful_step_count": 30,
    "deadline": None,
    "suppress_health_check": [HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much],
    "print_blob": True,
}
hypothesis_settings.register_profile(
    "workflow-ci", max_examples=200, derandomize=True, database=None, **_WORKFLOW_COMMON
)
hypothesis_settings.register_profile("long", max_examples=2000, **_WORKFLOW_COMMON)
hypothesis_settings.register_profile(
    "workflow-quick",
    max_examples=int(os.environ.get("WORKFLOW_EXAMPLES", "20")),
    phases=[Phase.explicit, Phase.reuse, Phase.generate],
    **_WORKFLOW_COMMON,
)


def skip_or_fail(reason: str):
    """Skip with a stated reason; under .ci/run (REQUIRE_ALL_TESTS=1) a missing dependency is a failure."""
    if REQUIRE_ALL:
        pytest.fail(f"REQUIRE_ALL_TESTS=1 but: {reason}")
    pytest.skip(reason)


@pytest.fixture(autouse=True)
def _fresh_caches():
    from django.core.cache import caches

    # Throttle counters, lockouts and cached lists must not leak from one test into the next.
    for alias in caches:
        caches[alias].clear()
    settings_registry.invalidate()
    workdays.invalidate()
    yield
    settings_registry.invalidate()
    workdays.invalidate()


# The one test-only way to empty the audit table: transactional tests flush the database between
# tests, and the append-only triggers would refuse that DELETE. Production has no such path.
_original_flush = flush.Command.handle


def _flush_with_audit_unlocked(self, **options):
    from django.db import connections

    connection = connections[options.get("database") or "default"]
    if getattr(connection, "_test_serialized_contents", None):
        # The snapshot below restores what post_migrate would create (groups, permissions, content types).
        options["inhibit_post_migrate"] = True
    drop_audit_triggers(connection)
    try:
        result = _original_flush(self, **options)
    finally:
        create_audit_triggers(connection)
    _reload_reference_data(connection, reset_sequences=options.get("reset_sequences", True))
    return result


def _reload_reference_data(connection, reset_sequences: bool = False):
    """A flush also empties what data migrations loaded (roles, categories, grounds, the calendar);
    put it back so the next transactional test starts from a migrated database."""
    import importlib

    from django.apps import apps

    serialized = getattr(connection, "_test_serialized_contents", None)
    if serialized:
        # The same rows under the same keys: a serialized_rollback test that loads them again
        # then only updates them, instead of clashing on the unique names.
        connection.creation.deserialize_db_from_string(serialized)
        if reset_sequences:
            # `manage.py flush` restarts the sequences (TestCase flushes do not); the rows put back keep their
            # keys, so move each sequence past them or the next insert clashes with a restored row (PostgreSQL).
            from django.apps import apps as django_apps
            from django.core.management.color import no_style

            with connection.cursor() as cursor:
                for sql in connection.ops.sequence_reset_sql(no_style(), django_apps.get_models()):
                    cursor.execute(sql)
        return
    for module in (
        "members.migrations.0002_role_groups",
        "proposals.migrations.0002_reference_data",
        "assist.migrations.0002_seed_synonyms",
    ):
        migration = importlib.import_module(module)
        loader = getattr(migration, "create_groups", None) or migration.load
        loader(apps, None)


flush.Command.handle = _flush_with_audit_unlocked


@pytest.fixture(autouse=True)
def _force_login_is_two_factor_verified(monkeypatch):
    # 2FA is required for staff, reviewers, leaders and administrators: a test's force_login
    # stands for the whole login, second factor included (tests/auth_helpers.py).
    from django.test import Client

    from tests.auth_helpers import login_verified

    monkeypatch.setattr(Client, "_login", login_verified)


@pytest.fixture(autouse=True)
def _audit_checkpoints_in_tmp(tmp_path, settings, monkeypatch):
    # Each test's audit checkpoints are its own (verify_audit checks the chain against them), and so
    # are those of the manage.py subprocesses a test starts.
    folder = tmp_path / "audit-checkpoints"
    settings.AUDIT_CHECKPOINT_DIR = folder
    monkeypatch.setenv("AUDIT_CHECKPOINT_DIR", str(folder))


@pytest.fixture
def world(db):
    from tests.factories import World

    return World()


@pytest.fixture
def postgres_only(db):
    """A test of PostgreSQL behaviour (locks, roles, tsvector). On the SQLite pass it skips plainly:
    .ci/run runs the suite again on PostgreSQL, where a missing server fails the whole pass."""
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL 专项测试：在 PostgreSQL 轮次中运行（DATABASE_URL=postgres://…）")
