"""The one switch “答复须上传盖章答复函” becomes one per kind (issue 13): required for proposals by default.
A value an administrator had set carries over to both kinds; the old row goes."""

from django.db import migrations

OLD = "reply_letter_file_required"
NEW = ("proposal_reply_letter_required", "suggestion_reply_letter_required")


def forwards(apps, schema_editor):
    WorkflowSetting = apps.get_model("proposals", "WorkflowSetting")
    old = WorkflowSetting.objects.filter(key=OLD).first()
    if old is None:
        return
    for key in NEW:
        WorkflowSetting.objects.get_or_create(key=key, defaults={"value": old.value})
    old.delete()


def backwards(apps, schema_editor):
    WorkflowSetting = apps.get_model("proposals", "WorkflowSetting")
    row = WorkflowSetting.objects.filter(key=NEW[0]).first()
    if row is not None:
        WorkflowSetting.objects.get_or_create(key=OLD, defaults={"value": row.value})
    WorkflowSetting.objects.filter(key__in=NEW).delete()


class Migration(migrations.Migration):
    dependencies = [("proposals", "0009_contact_point_and_approved_due")]

    operations = [migrations.RunPython(forwards, backwards)]
