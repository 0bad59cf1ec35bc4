from django.apps import AppConfig


class OpsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "ops"
    verbose_name = "运维"

    def ready(self) -> None:
        from . import checks  # noqa: F401  (registers the deployment checks)
