from django.apps import AppConfig


class ProposalsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "proposals"
    verbose_name = "提案办理"

    def ready(self) -> None:
        from . import signals  # noqa: F401  (cache invalidation when the calendar or settings change)
        from .api import tokens  # noqa: F401  (revokes API tokens on a password change or deactivation)
