from django.apps import AppConfig


class DutyConfig(AppConfig):
    name = "duty"
    verbose_name = "委员履职"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from audit import labels

        labels.register(
            {
                "duty_activity": "登记履职活动",
                "duty_invite": "邀请参加活动",
                "duty_attendance": "登记出席",
                "duty_opinion": "登记意见建议",
                "duty_confirm": "委员确认出席",
                "duty_self_report": "提交履职报告",
                "duty_assess": "年度履职考核",
            }
        )
