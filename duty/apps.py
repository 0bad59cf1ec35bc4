from django.apps import AppConfig


class DutyConfig(AppConfig):
    name = "duty"
    verbose_name = "委员履职"
    default_auto_field = "django.db.models.BigAutoField"
