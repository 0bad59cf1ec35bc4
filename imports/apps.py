from django.apps import AppConfig


class ImportsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "imports"
    verbose_name = "历史数据导入"

    def ready(self) -> None:
        from audit import labels
        from imports import jobs  # noqa: F401 - registers the import job

        labels.register({"import": "导入往届目录"})
