# issue 13: the contact point (接案/办理/答复) and the due date staff approved.

import datetime as dt

from django.db import migrations, models


def approved_dues(apps, schema_editor):
    """Approved extensions get the due date staff approved: the approve_extension event's ``due``
    (staff may approve another date than the one asked for), else the date asked for."""
    Extension = apps.get_model("proposals", "Extension")
    AuditEvent = apps.get_model("audit", "AuditEvent")
    approved = {}
    for data in AuditEvent.objects.filter(action="approve_extension", outcome="success").values_list("data", flat=True):
        if isinstance(data, dict) and data.get("extension") and data.get("due"):
            approved[int(data["extension"])] = dt.date.fromisoformat(data["due"])
    for ext in Extension.objects.filter(state="approved", approved_due__isnull=True):
        ext.approved_due = approved.get(ext.pk, ext.requested_due)
        ext.save(update_fields=["approved_due"])


class Migration(migrations.Migration):
    dependencies = [
        ("proposals", "0008_move_audit_and_notifications_out"),
        ("audit", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="contactrecord",
            name="point",
            field=models.CharField(
                choices=[("intake", "接案"), ("handling", "办理"), ("reply", "答复")],
                default="handling",
                max_length=20,
                verbose_name="沟通环节",
            ),
        ),
        migrations.AddField(
            model_name="extension",
            name="approved_due",
            field=models.DateField(
                blank=True, help_text="工作人员批准的期限，可能不同于申请的日期", null=True, verbose_name="批准延至"
            ),
        ),
        migrations.RunPython(approved_dues, migrations.RunPython.noop),
    ]
