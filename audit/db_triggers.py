"""SQL of the audit table's append-only triggers, per database vendor.

Kept in one place so the migration and the test suite's one way to empty the table between
tests (tests/conftest.py) use the same statements.
"""

TABLE = "proposals_auditevent"

POSTGRES_CREATE = [
    """
    CREATE OR REPLACE FUNCTION audit_append_only() RETURNS trigger AS $$
    BEGIN
        RAISE EXCEPTION 'audit events are append-only (% refused)', TG_OP USING ERRCODE = 'insufficient_privilege';
    END;
    $$ LANGUAGE plpgsql
    """,
    f"DROP TRIGGER IF EXISTS audit_no_update ON {TABLE}",
    f"CREATE TRIGGER audit_no_update BEFORE UPDATE OR DELETE ON {TABLE} FOR EACH ROW EXECUTE FUNCTION audit_append_only()",
]
POSTGRES_DROP = [f"DROP TRIGGER IF EXISTS audit_no_update ON {TABLE}", "DROP FUNCTION IF EXISTS audit_append_only()"]

SQLITE_CREATE = [
    f"""CREATE TRIGGER IF NOT EXISTS audit_no_update BEFORE UPDATE ON {TABLE}
        BEGIN SELECT RAISE(ABORT, 'audit events are append-only (UPDATE refused)'); END""",
    f"""CREATE TRIGGER IF NOT EXISTS audit_no_delete BEFORE DELETE ON {TABLE}
        BEGIN SELECT RAISE(ABORT, 'audit events are append-only (DELETE refused)'); END""",
]
SQLITE_DROP = ["DROP TRIGGER IF EXISTS audit_no_update", "DROP TRIGGER IF EXISTS audit_no_delete"]


def _run(connection, statements):
    with connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql)


def create_audit_triggers(connection) -> None:
    if connection.vendor == "postgresql":
        _run(connection, POSTGRES_CREATE)
    elif connection.vendor == "sqlite":
        _run(connection, SQLITE_CREATE)


def drop_audit_triggers(connection) -> None:
    if connection.vendor == "postgresql":
        _run(connection, POSTGRES_DROP)
    elif connection.vendor == "sqlite":
        _run(connection, SQLITE_DROP)
