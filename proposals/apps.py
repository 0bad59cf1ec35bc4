from django.apps import AppConfig


class ProposalsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "proposals"
    verbose_name = "提案办理"

    def ready(self) -> None:
        from . import checks, signals  # noqa: F401  (registers deployment checks and cache invalidation)
        from . import notifications  # noqa: F401  (notices and outbox rows for workflow actions)
        from . import sms_templates  # noqa: F401  (registers the SMS configuration check)
        from .api import tokens  # noqa: F401  (revokes API tokens on a password change or deactivation)
