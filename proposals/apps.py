from django.apps import AppConfig


class ProposalsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "proposals"
    verbose_name = "提案办理"

    def ready(self) -> None:
        from audit import labels

        from . import signals  # noqa: F401  (cache invalidation when the calendar or settings change)
        from .api import tokens  # noqa: F401  (revokes API tokens on a password change or deactivation)
        from .workflow import ACTIONS

        labels.register({name: action.label for name, action in ACTIONS.items()})
        labels.register(
            {
                "create": "起草",
                "edit_draft": "修改草稿",
                "urge": "催办",
                "api_login": "API 登录",
                "import_holiday_notice": "导入节假日安排",
                "settings_change": "修改业务设置",
            }
        )
