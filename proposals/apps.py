from django.apps import AppConfig


class ProposalsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "proposals"
    verbose_name = "提案办理"

    def ready(self) -> None:
        from . import checks, signals  # noqa: F401  (registers deployment checks and cache invalidation)
