from django.apps import AppConfig


class ReportingConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "reporting"
    verbose_name = "统计与文书"

    def ready(self) -> None:
        from django.db.models.signals import post_save

        from audit.models import AuditEvent
        from reporting import (
            annual,
            jobs,  # registers the export and refresh jobs
        )
        from reporting.documents import batch  # noqa: F401  (registers the 交办会 batch jobs)

        annual.register_document_kind()

        post_save.connect(jobs.case_changed, sender=AuditEvent, dispatch_uid="reporting.dashboard_refresh")

        from audit import labels

        labels.register(
            {
                "download": "下载",
                "document_number": "编发文字号",
                "document_template_upload": "上传公文模板",
                "unit_league": "导出单位排名",
            }
        )
