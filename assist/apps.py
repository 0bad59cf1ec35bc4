from django.apps import AppConfig


class AssistConfig(AppConfig):
    name = "assist"
    verbose_name = "审查辅助"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from audit import labels

        from . import signals  # noqa: F401  (connects the index to proposals' saves)

        labels.register(
            {
                "synonym_group_created": "新增同义词组",
                "synonym_group_changed": "修改同义词组",
                "synonym_group_deleted": "删除同义词组",
            }
        )
