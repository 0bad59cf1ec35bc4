"""The audit chain becomes keyed (issue 20): each row names the HMAC key that made its hash.

Existing rows keep ``key_id`` empty and their plain SHA-256 hash, so they keep verifying; they are
accepted only as the chain's beginning (audit.trail.verify_chain). On SQLite adding a NOT NULL
column rebuilds the table, which drops its append-only triggers: they are created again after it
(and, when reversing, after the column is removed again)."""

from django.db import migrations, models


def recreate_triggers(apps, schema_editor):
    from audit.db_triggers import create_audit_triggers

    create_audit_triggers(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(migrations.RunPython.noop, recreate_triggers),
        migrations.AddField(
            model_name="auditevent",
            name="key_id",
            field=models.CharField(blank=True, default="", max_length=20, verbose_name="密钥标识"),
        ),
        migrations.RunPython(recreate_triggers, migrations.RunPython.noop),
    ]
