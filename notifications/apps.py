from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "notifications"
    verbose_name = "通知"

    def ready(self) -> None:
        from . import checks, rules  # noqa: F401  (notices and outbox rows; the SMS configuration check)
