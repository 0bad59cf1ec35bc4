"""Settings for the 陈仓区政协提案管理系统.

Everything that differs between a laptop and production comes from the environment:
DATABASE_URL, SECRET_KEY, DEBUG, ALLOWED_HOSTS (see README "Settings").
Workflow periods (return window, reply period, …) are *not* here: administrators change
them at run time in the database (proposals.settings_registry), without a deploy.
"""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", False)

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if DEBUG:
        # Development only: a fixed key is harmless when DEBUG is on and the site is on a laptop.
        SECRET_KEY = "dev-only-insecure-key-chencang-cppcc-do-not-use-in-production"
    else:
        raise ImproperlyConfigured(
            "SECRET_KEY 未设置：生产环境必须通过环境变量 SECRET_KEY 提供密钥（开发时可设置 DEBUG=1）。"
        )

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    # The admin site of 三员分立 (members.admin_roles.CppccAdminSite) replaces the default one.
    "members.apps.CppccAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "django_filters",
    "knox",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "csp",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    # Background jobs: Django's task framework (backport) and its database queue (issue 14).
    "django_tasks",
    "django_tasks_db",
    # The project's apps, lowest layer first (docs/architecture.md; import-linter checks the order).
    "core",
    "audit",
    "members",
    "proposals",
    "assist",
    "notifications",
    "jobs",
    "reporting",
    "imports",
    "ops",
    "demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Refuses NUL bytes, over-deep JSON and over-size bodies with a Chinese 400 before any view runs.
    "core.middleware.InputGuardMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    # Cache-Control: no-store on every answer to a signed-in user and on the whole API.
    "core.middleware.NoStoreMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "audit.middleware.AuditContextMiddleware",
    "core.http.AdminNetworkMiddleware",
    # Issue 7 part B (members.middleware): refusals audited, session limits, 2FA, forced password change.
    "members.middleware.PermissionAuditMiddleware",
    "members.middleware.SessionTimeoutMiddleware",
    "members.middleware.TwoFactorMiddleware",
    "members.middleware.PasswordChangeMiddleware",
    # Last: it turns a lockout flagged during authenticate() into the lockout answer.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "chencang_cppcc.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

WSGI_APPLICATION = "chencang_cppcc.wsgi.application"

# --- Database -------------------------------------------------------------------------------
# SQLite is the embedded default; PostgreSQL (DATABASE_URL=postgres://…) is production.
DATABASE_URL = os.environ.get("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}")
DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60, conn_health_checks=True)}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Web requests are many small queries: a parallel plan's worker start-up (several ms) costs more
    # than it saves, and on a small server the workers take cores from the other requests; JIT
    # compilation of a statistics query took longer (1.3 s) than running it. Either can be turned
    # back on (PG_PARALLEL_WORKERS, PG_JIT=on).
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = (
        f"-c max_parallel_workers_per_gather={int(os.environ.get('PG_PARALLEL_WORKERS', 0))} "
        f"-c jit={'on' if os.environ.get('PG_JIT', '').lower() in ('1', 'on', 'true') else 'off'}"
    )
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        # WAL lets readers run beside the one writer; IMMEDIATE takes the write lock at BEGIN,
        # so two racing writers queue on the busy timeout instead of failing with "database is locked".
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
        "timeout": 30,
        "transaction_mode": "IMMEDIATE",
    }
    DATABASES["default"]["TEST"] = {"NAME": os.environ.get("SQLITE_TEST_NAME", "")}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "members.User"

# Password policy (members.passwords): 8–64 characters, 3 of 4 classes, not common, not guessable
# (zxcvbn score ≥ PASSWORD_MINIMAL_STRENGTH of 0–4), not one of the last 5.
PASSWORD_MINIMAL_STRENGTH = int(os.environ.get("PASSWORD_MINIMAL_STRENGTH", 3))
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "members.passwords.LengthValidator", "OPTIONS": {"min_length": 8, "max_length": 64}},
    {"NAME": "members.passwords.CharacterClassesValidator", "OPTIONS": {"min_classes": 3}},
    {"NAME": "members.passwords.CommonPasswordValidator"},
    # zxcvbn: no username, name, system name, year pattern, keyboard run or repeat (Chinese messages).
    {"NAME": "members.passwords.StrengthValidator"},
    {"NAME": "members.passwords.HistoryValidator", "OPTIONS": {"size": 5}},
]
PASSWORD_MAX_AGE_DAYS = int(os.environ.get("PASSWORD_MAX_AGE_DAYS", 90))

# Axes first: it refuses a locked-out username before any password is checked.
AUTHENTICATION_BACKENDS = [
    "members.backends.AxesBackend",
    "members.backends.ModelBackend",
]
# Lockout (django-axes 8): 5 failures lock for 30 minutes, counted per username+IP and per username.
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", 5))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("AXES_COOLOFF_MINUTES", 30)))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"], "username"]
AXES_RESET_ON_SUCCESS = True
AXES_CLIENT_IP_CALLABLE = "core.http.client_ip_of"
AXES_LOCKOUT_CALLABLE = "members.views.lockout_response"
AXES_ENABLE_ACCESS_FAILURE_LOG = True

# Sessions: idle logout and an absolute limit (members.middleware.SessionTimeoutMiddleware).
SESSION_IDLE_TIMEOUT_MINUTES = int(os.environ.get("SESSION_IDLE_TIMEOUT_MINUTES", 15))
SESSION_ABSOLUTE_TIMEOUT_HOURS = int(os.environ.get("SESSION_ABSOLUTE_TIMEOUT_HOURS", 8))
SESSION_COOKIE_AGE = SESSION_ABSOLUTE_TIMEOUT_HOURS * 3600
# Accounts unused this many days are disabled by `manage.py disable_inactive_accounts`.
ACCOUNT_INACTIVE_DAYS = int(os.environ.get("ACCOUNT_INACTIVE_DAYS", 90))
# Two-factor login (django-otp TOTP); the issuer names the entry in the authenticator app.
OTP_TOTP_ISSUER = "陈仓区政协提案"

# Apps above proposals that add endpoints to /api/ (proposals.api.urls includes them by name).
API_URLCONFS = ["reporting.api_urls", "assist.api_urls"]

LOGIN_URL = "members:login"
LOGIN_REDIRECT_URL = "proposals:home"
LOGOUT_REDIRECT_URL = "members:login"

# --- Internationalisation ---------------------------------------------------------------------
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文")]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

# --- Static and uploaded files ----------------------------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG or env_bool("TESTING")
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
# Uploads live outside the static root and are never served by URL: only through a
# permission-checked download view.
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "var" / "uploads"))
MEDIA_URL = None
# In development and tests whitenoise serves from the finders; production serves collectstatic's output.
WHITENOISE_AUTOREFRESH = DEBUG or env_bool("TESTING")
FILE_UPLOAD_PERMISSIONS = 0o640
UPLOAD_MAX_BYTES = int(os.environ.get("UPLOAD_MAX_BYTES", 20 * 1024 * 1024))

# --- Email (the outbox delivers through this) -------------------------------------------------
EMAIL_BACKEND = os.environ.get(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend" if DEBUG else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", 25))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_TIMEOUT = 10
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "陈仓区政协提案委 <noreply@localhost>")

# --- Notifications: SMS channel and outbox delivery (notifications.sms, notifications.outbox) ----------
SMS_API_URL = os.environ.get("SMS_API_URL", "")
SMS_API_KEY = os.environ.get("SMS_API_KEY", "")
SMS_SIGN = os.environ.get("SMS_SIGN", "陈仓区政协")
# SMS_PROVIDER picks a gateway (README "短信网关"): aliyun (阿里云短信 dysmsapi), tencent (腾讯云短信),
# console (print, the default under DEBUG). SMS_BACKEND (a dotted class path) overrides it.
SMS_PROVIDERS = {
    "aliyun": "notifications.sms_aliyun.AliyunSMSBackend",
    "tencent": "notifications.sms_tencent.TencentSMSBackend",
    "console": "notifications.sms.ConsoleSMSBackend",
    "http": "notifications.sms.HttpSMSBackend",
}
SMS_BACKEND = os.environ.get(
    "SMS_BACKEND",
    "notifications.sms.LocmemSMSBackend"
    if env_bool("TESTING")
    else SMS_PROVIDERS[os.environ["SMS_PROVIDER"]]
    if os.environ.get("SMS_PROVIDER") in SMS_PROVIDERS
    else "notifications.sms.HttpSMSBackend"
    if SMS_API_URL
    else "notifications.sms.ConsoleSMSBackend",
)
# The code the provider gave each registered template, per kind of event: SMS_TEMPLATE_ASSIGNED=SMS_480125031
# (Alibaba Cloud) or =2150123 (Tencent Cloud). The texts to register: proposals/sms_templates.py, README.
# Credentials are never settings: the backends read them from the environment (ALIBABA_CLOUD_ACCESS_KEY_ID /
# ALIBABA_CLOUD_ACCESS_KEY_SECRET, TENCENTCLOUD_SECRET_ID / TENCENTCLOUD_SECRET_KEY) when they send.
SMS_TEMPLATES = {
    name[len("SMS_TEMPLATE_") :].lower(): value.strip()
    for name, value in os.environ.items()
    if name.startswith("SMS_TEMPLATE_") and value.strip()
}
# The longest message allowed, signature included (70 characters: one billed message; a longer one is
# sent as several). Checked against the templates when the site starts (manage.py check).
SMS_MAX_LENGTH = int(os.environ.get("SMS_MAX_LENGTH", 70))
SMS_ALIYUN_ENDPOINT = os.environ.get("SMS_ALIYUN_ENDPOINT", "dysmsapi.aliyuncs.com")
SMS_ALIYUN_REGION = os.environ.get("SMS_ALIYUN_REGION", "cn-hangzhou")
SMS_ALIYUN_PROTOCOL = os.environ.get("SMS_ALIYUN_PROTOCOL", "https")
SMS_TENCENT_APP_ID = os.environ.get("SMS_TENCENT_APP_ID", "")  # SmsSdkAppId of the SMS application
SMS_TENCENT_REGION = os.environ.get("SMS_TENCENT_REGION", "ap-guangzhou")
SMS_TENCENT_ENDPOINT = os.environ.get("SMS_TENCENT_ENDPOINT", "sms.tencentcloudapi.com")
SMS_TENCENT_PROTOCOL = os.environ.get("SMS_TENCENT_PROTOCOL", "https")
SMS_TIMEOUT = int(os.environ.get("SMS_TIMEOUT", 10))
# Send the just-written messages right after the action commits (cron's deliver_outbox is the
# safety net). Off in tests, which call deliver_outbox themselves, unless a test turns it on.
# The audit payload contract (proposals/payloads.py): a writer or reader that breaks it raises in tests and
# under DEBUG; in production it is logged and the user's action goes through.
AUDIT_PAYLOAD_STRICT = env_bool("AUDIT_PAYLOAD_STRICT", DEBUG or env_bool("TESTING"))
OUTBOX_DELIVER_ON_COMMIT = env_bool("OUTBOX_DELIVER_ON_COMMIT", not env_bool("TESTING"))
OUTBOX_MAX_ATTEMPTS = int(os.environ.get("OUTBOX_MAX_ATTEMPTS", 8))
# Absolute links in emails ("https://zx.chencang.gov.cn"); empty: site-relative paths.
SITE_URL = os.environ.get("SITE_URL", "").rstrip("/")

# --- Django REST framework --------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # Token first: an anonymous API call is answered 401 with a WWW-Authenticate header.
        "knox.auth.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    # JSON only (issue 26): the schema then declares one body type per operation, and any other
    # content type is answered 415. The upload endpoint sets MultiPartParser itself.
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "proposals.api.errors.exception_handler",
    "DEFAULT_THROTTLE_CLASSES": [
        "rest_framework.throttling.AnonRateThrottle",
        "rest_framework.throttling.UserRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "api_token": os.environ.get("API_TOKEN_THROTTLE", "10/min"),
        # The suite sends thousands of API requests a minute from a handful of reused user ids;
        # tests that check the limits set their own rates.
        "anon": os.environ.get("API_THROTTLE_ANON", "100000/min" if env_bool("TESTING") else "60/min"),
        "user": os.environ.get("API_THROTTLE_USER", "100000/min" if env_bool("TESTING") else "600/min"),
    },
}

# API tokens (django-rest-knox): stored hashed, expire after API_TOKEN_TTL_HOURS, revoked on a
# password change or when the account is disabled (proposals.api.tokens).
API_TOKEN_TTL_HOURS = int(os.environ.get("API_TOKEN_TTL_HOURS", 8))
REST_KNOX = {
    "TOKEN_TTL": timedelta(hours=API_TOKEN_TTL_HOURS),
    "AUTO_REFRESH": False,
    "USER_SERIALIZER": None,
}

SPECTACULAR_SETTINGS = {
    "TITLE": "陈仓区政协提案管理系统 API",
    "DESCRIPTION": "提案、建议的办理流程、审计记录与统计。状态与操作名称见 DOMAIN.md 的参考流程表。",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # <id:…> (core.params.IdConverter): an integer id of at most 18 digits.
    "PATH_CONVERTER_OVERRIDES": {"id": {"type": "integer", "format": "int64", "maximum": 999999999999999999}},
    # Every error the API can give, with its body (issue 26; proposals/api/schema_hooks.py).
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "proposals.api.schema_hooks.document_framework_errors",
    ],
    "ENUM_NAME_OVERRIDES": {
        "CaseStatusEnum": "proposals.models.Status",
        "CaseKindEnum": "proposals.models.Kind",
        "AssignmentStatusEnum": "proposals.models.AssignmentStatus",
        "AssignmentRoleEnum": "proposals.models.AssignmentRole",
        "SatisfactionEnum": "proposals.models.Satisfaction",
        "ReplyClassEnum": "proposals.models.ReplyClass",
        "ActionReplyClassEnum": [("A", "A"), ("B", "B"), ("C", "C")],
    },
}

# Proxies in front of the app set X-Forwarded-For; only trust it when told to.
TRUST_X_FORWARDED_FOR = env_bool("TRUST_X_FORWARDED_FOR", False)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
    # The audit chain's checkpoints (verify_audit): INFO, so they reach the console/journal and, in
    # production, the central log server (docs/deploy.md, "Audit checkpoints").
    "loggers": {"audit.checkpoint": {"handlers": ["console"], "level": "INFO", "propagate": False}},
}

# A TOTP secret is shown once, at enrolment: never again in the admin (no QR code, no key).
OTP_ADMIN_HIDE_SENSITIVE_DATA = True

# --- Web hardening (GB/T 22239 level 3; `manage.py check --deploy --fail-level WARNING` is clean) ---
# HTTPS-only behaviour whenever DEBUG is off, except under the test runner: its client and the
# browser suite's live server speak plain HTTP (tests/security/test_deploy_check.py runs the
# deploy check without TESTING).
if not DEBUG and not env_bool("TESTING"):
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    if env_bool("TRUST_X_FORWARDED_PROTO"):
        # Only behind a proxy that overwrites X-Forwarded-Proto (docs/deploy.md, nginx block).
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", 365 * 24 * 3600))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    if not SECURE_HSTS_PRELOAD:
        # Preloading binds every subdomain of the registered domain for months and is hard to undo:
        # the operator opts in (SECURE_HSTS_PRELOAD=1), so the check's reminder is silenced until then.
        SILENCED_SYSTEM_CHECKS = ["security.W021"]
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CONTENT_TYPE_NOSNIFF = True

# Content-Security-Policy (django-csp 4): no inline scripts or styles anywhere, so an injected
# <script> or on…= attribute never runs. Templates keep scripts and styles in static files.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
    },
}

# The admin site answers only from these networks (core.http.AdminNetworkMiddleware).
ADMIN_ALLOWED_NETWORKS = env_list(
    "ADMIN_ALLOWED_NETWORKS",
    "127.0.0.0/8,::1/128" + (",10.0.0.0/8,172.16.0.0/12,192.168.0.0/16,fc00::/7" if DEBUG else ""),
)

# The audit chain is keyed (HMAC-SHA256) with a key from the application's environment, never the
# database: someone with the database credentials alone can then no longer append, rewrite or truncate
# events undetected (audit.trail). AUDIT_HMAC_KEY_ID names the key in each row, so keys can rotate;
# AUDIT_HMAC_OLD_KEYS ("id:key,id:key") keeps the retired ones for verifying older rows (docs/deploy.md).
# Development and tests get a fixed key; `check --deploy` refuses a missing or development key.
AUDIT_HMAC_DEV_KEY = "dev-only-audit-hmac-key-chencang-cppcc"
AUDIT_HMAC_KEY = os.environ.get("AUDIT_HMAC_KEY", "") or (AUDIT_HMAC_DEV_KEY if DEBUG or env_bool("TESTING") else "")
AUDIT_HMAC_KEY_ID = os.environ.get("AUDIT_HMAC_KEY_ID", "k1")
AUDIT_HMAC_OLD_KEYS = dict(item.split(":", 1) for item in env_list("AUDIT_HMAC_OLD_KEYS") if ":" in item)
# Checkpoints of the chain head (seq + keyed hash), written by `verify_audit` (daily) to this directory
# and to the `audit.checkpoint` logger; verify_audit checks the chain against every checkpoint.
AUDIT_CHECKPOINT_DIR = Path(os.environ.get("AUDIT_CHECKPOINT_DIR", BASE_DIR / "var" / "audit-checkpoints"))
# Refusals of anonymous requests (a CSRF failure on the login page, …) are recorded at most this many
# times a minute per client address; the next recorded one carries how many were left out.
AUDIT_ANONYMOUS_REFUSALS_PER_MINUTE = int(os.environ.get("AUDIT_ANONYMOUS_REFUSALS_PER_MINUTE", 10))

# Backups (manage.py backup/restore): Fernet key for --encrypt/--decrypt.
BACKUP_KEY = os.environ.get("BACKUP_KEY", "")
BACKUP_DIR = Path(os.environ.get("BACKUP_DIR", BASE_DIR / "var" / "backups"))

# The test suite creates hundreds of users; a real password hash costs half a second each.
if env_bool("TESTING"):
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# --- Background jobs (issue 14): the task queue is a database table (django-tasks-db); workers are
# `manage.py jobs_worker` processes (docs/deploy.md). TASKS_IMMEDIATE=1 runs each task inside the call
# that enqueues it (the test suite's default; no worker needed).
TASKS = {
    "default": {
        "BACKEND": (
            "django_tasks.backends.immediate.ImmediateBackend"
            if env_bool("TASKS_IMMEDIATE")
            else "django_tasks_db.DatabaseBackend"
        )
    }
}
# A running job's worker stamps a heartbeat every JOBS_HEARTBEAT_SECONDS; one silent for JOBS_LEASE_SECONDS
# is presumed dead and its job is run again from the start by another worker, at most JOBS_MAX_ATTEMPTS times.
JOBS_HEARTBEAT_SECONDS = float(os.environ.get("JOBS_HEARTBEAT_SECONDS", 10))
JOBS_LEASE_SECONDS = float(os.environ.get("JOBS_LEASE_SECONDS", 60))
JOBS_MAX_ATTEMPTS = int(os.environ.get("JOBS_MAX_ATTEMPTS", 3))
# An Excel export of more cases than this runs as a background job (我的导出); smaller ones download at once.
EXPORT_JOB_THRESHOLD = int(os.environ.get("EXPORT_JOB_THRESHOLD", 2000))
# Official documents as PDF (issue 16): LibreOffice's soffice (found on PATH when empty) and the longest a
# conversion may take; without soffice the Word files still work and the pages say PDF needs it.
DOCUMENTS_SOFFICE = os.environ.get("DOCUMENTS_SOFFICE", "")
DOCUMENTS_PDF_TIMEOUT = float(os.environ.get("DOCUMENTS_PDF_TIMEOUT", 120))
# The dashboard snapshot is refreshed this many seconds after a change (changes in between share one refresh).
DASHBOARD_REFRESH_DELAY = float(os.environ.get("DASHBOARD_REFRESH_DELAY", 5))

# --- Cache (issue 8): reference lists and per-role counts. Each process's memory by default;
# CACHE_URL=redis://127.0.0.1:6379/1 shares one Redis between workers (Django's built-in backend).
CACHES = {
    "default": (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": os.environ["CACHE_URL"]}
        if os.environ.get("CACHE_URL")
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "chencang"}
    )
}
