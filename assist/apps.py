from django.apps import AppConfig


class AssistConfig(AppConfig):
    name = "assist"
    verbose_name = "审查辅助"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from . import signals  # noqa: F401  (connects the index to proposals' saves)
