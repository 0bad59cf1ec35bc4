from django.apps import AppConfig


class JobsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "jobs"
    verbose_name = "后台任务"

    def ready(self) -> None:
        from audit import labels

        labels.register({"job_start": "启动后台任务", "job_failed": "后台任务失败", "download": "下载"})
