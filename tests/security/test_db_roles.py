"""The application's database role, granted exactly as docs/deploy.md says, can append audit events
but cannot change, delete or truncate them, nor disable the triggers."""

import re
import uuid
from pathlib import Path

import pytest
from django.db import DatabaseError, connection, transaction

from audit import trail as audit
from audit.models import AuditEvent
from tests.factories import CaseBuilder

pytestmark = pytest.mark.postgres
DEPLOY_DOC = Path(__file__).resolve().parents[2] / "docs" / "deploy.md"


def documented_grants() -> list[str]:
    text = DEPLOY_DOC.read_text(encoding="utf-8")
    block = re.search(r"<!-- db-roles:grants -->\s*```sql\n(.*?)```", text, re.S)
    assert block, "docs/deploy.md lost its grants block"
    return [line.strip() for line in block.group(1).splitlines() if line.strip()]


@pytest.fixture
def app_role(postgres_only, world):
    """Roles created inside the test's transaction (rolled back with it); the test runs as the app role."""
    suffix = uuid.uuid4().hex[:8]
    owner, app = f"cppcc_owner_t{suffix}", f"cppcc_app_t{suffix}"
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE ROLE {owner} NOLOGIN")
        cursor.execute(f"CREATE ROLE {app} NOLOGIN")
        for statement in documented_grants():
            cursor.execute(statement.replace("cppcc_owner", owner).replace("cppcc_app", app))
        cursor.execute(f"SET LOCAL ROLE {app}")
    yield app
    with connection.cursor() as cursor:
        cursor.execute("RESET ROLE")
        cursor.execute(f"DROP OWNED BY {app}, {owner}")
        cursor.execute(f"DROP ROLE {app}")
        cursor.execute(f"DROP ROLE {owner}")


def refused(sql: str) -> bool:
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql)
    except DatabaseError:
        return True
    return False


def test_the_app_role_can_work_and_append_audit_events(app_role, world):
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_user")
        assert cursor.fetchone()[0] == app_role
    CaseBuilder(world).submitted()  # a workflow action: rows in several tables plus audit events
    event = audit.record("test_append", actor=world.staff)
    assert AuditEvent.objects.filter(pk=event.pk).exists()
    assert audit.verify_chain().ok


def test_the_app_role_cannot_update_delete_or_truncate_audit_events(app_role, world):
    audit.record("test_append", actor=world.staff)
    assert refused("UPDATE proposals_auditevent SET action = 'forged'")
    assert refused("DELETE FROM proposals_auditevent")
    assert refused("TRUNCATE proposals_auditevent")
    assert refused("ALTER TABLE proposals_auditevent DISABLE TRIGGER ALL")
    assert refused("DROP TRIGGER audit_no_update ON proposals_auditevent")
    assert AuditEvent.objects.filter(action="test_append").exists()


def test_the_app_role_owns_no_table_and_cannot_truncate_any(app_role):
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_tables WHERE tableowner = current_user")
        assert cursor.fetchone()[0] == 0
    assert refused("TRUNCATE proposals_case CASCADE")
    assert refused("TRUNCATE django_session")
