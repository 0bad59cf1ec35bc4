"""The default point rules and assessment method (from 2022, the 4th term's first year); administrators edit
them, adding a row with a later year for a change that applies from that year on."""

from decimal import Decimal

from django.db import migrations

RULES = [  # kind, points, cap, note
    ("case_lead", "5", None, "立案提案的领衔提案人"),
    ("case_cosign", "1", "5", "确认附议的立案提案"),
    ("suggestion_lead", "3", None, "转为建议或作为建议登记的领衔提案人"),
    ("suggestion_cosign", "0.5", "3", ""),
    ("key_proposal", "5", None, "确定为重点提案的领衔提案人另加"),
    ("case_adopted", "2", None, "答复为A类（已解决或采纳）的立案提案，领衔提案人另加"),
    ("attend_plenary", "4", None, ""),
    ("attend_standing", "3", None, ""),
    ("attend_committee", "2", None, ""),
    ("study", "3", "15", "专题调研、视察、对口协商"),
    ("opinion", "1", "10", "在调研视察、协商活动中提出并登记的意见建议"),
    ("report", "5", None, "执笔专题调研报告"),
    ("sector", "2", "10", "界别活动"),
    ("reading", "1", "5", "“书香政协”读书活动"),
    ("absence", "-3", "15", "无故缺席会议和活动，每次扣分，年度最多扣 15 分"),
]


def forwards(apps, schema_editor):
    PointRule = apps.get_model("duty", "PointRule")
    AssessmentPolicy = apps.get_model("duty", "AssessmentPolicy")
    for kind, points, cap, note in RULES:
        PointRule.objects.get_or_create(
            kind=kind,
            year=2022,
            defaults={"points": Decimal(points), "cap": Decimal(cap) if cap else None, "note": note},
        )
    AssessmentPolicy.objects.get_or_create(year=2022)


def backwards(apps, schema_editor):
    apps.get_model("duty", "PointRule").objects.filter(year=2022).delete()
    apps.get_model("duty", "AssessmentPolicy").objects.filter(year=2022).delete()


class Migration(migrations.Migration):
    dependencies = [("duty", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
