"""Database triggers that refuse UPDATE and DELETE of audit rows, on PostgreSQL and SQLite.

TRUNCATE does not fire row triggers: in production it is refused by privileges (the application's
database role does not own the table; see docs/deploy.md).
"""

from django.db import migrations

from audit.db_triggers import create_audit_triggers, drop_audit_triggers


def forwards(apps, schema_editor):
    create_audit_triggers(schema_editor.connection)


def backwards(apps, schema_editor):
    drop_audit_triggers(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [("proposals", "0002_reference_data")]
    operations = [migrations.RunPython(forwards, backwards)]
