"""Deployment check of the audit chain's key (`manage.py check --deploy`)."""

from django.conf import settings
from django.core.checks import Error, Tags, register


@register(Tags.security, deploy=True)
def audit_hmac_key(app_configs, **kwargs):
    key = settings.AUDIT_HMAC_KEY
    if key and key != settings.AUDIT_HMAC_DEV_KEY and len(key) >= 32:
        return []
    return [
        Error(
            "AUDIT_HMAC_KEY 未设置、过短（少于 32 个字符）或为开发用密钥：审计链必须以仅存于应用环境中的密钥签名。",
            hint='python -c "import secrets; print(secrets.token_urlsafe(48))"，写入服务的环境变量（docs/deploy.md）。',
            id="audit.E001",
        )
    ]
