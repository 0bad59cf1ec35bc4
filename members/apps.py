from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps


class CppccAdminConfig(admin_apps.AdminConfig):
    """django.contrib.admin with the 三员分立 site (members.admin_roles) as admin.site."""

    default = False
    default_site = "members.admin_roles.CppccAdminSite"


class MembersConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "members"
    verbose_name = "委员与承办单位"

    def ready(self) -> None:
        from . import middleware, signals  # noqa: F401  (receivers)

        signals.connect()
        from django.apps import apps
        from django.db.models.signals import post_migrate

        from .admin_roles import sync_group_permissions

        # After the last app's permissions exist: post_migrate is sent per app with models, in
        # INSTALLED_APPS order, so listen for the last such app.
        last = [config for config in apps.get_app_configs() if config.models_module is not None][-1]
        post_migrate.connect(sync_group_permissions, sender=last, dispatch_uid="members_sync_admin_groups")

        from audit import labels

        labels.register(
            {
                "login": "登录",
                "login_failed": "登录失败",
                "logout": "退出登录",
                "lockout": "账号锁定",
                "otp_enrolled": "启用双因素验证",
                "otp_failed": "双因素验证失败",
                "otp_reset": "重置双因素验证",
                "password_changed": "修改密码",
                "permission_denied": "越权访问被拒",
                "account_disabled": "停用账号",
                "admin_change": "后台修改",
                "term_ended": "届满",
            }
        )
