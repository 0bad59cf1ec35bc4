"""Settings of the benchmark (bench/run.py): production settings with what loopback load needs.

DEBUG off, plain HTTP on 127.0.0.1 (no SSL redirect, cookies not Secure-only), API throttles
lifted, and one extra URL, /bench/bare/, a view that does nothing behind the same middleware
(the floor of the stack the other pages are compared with). Never used outside the bench.
"""

import os

os.environ.setdefault("SECRET_KEY", "bench-only-not-secret")
# Production settings refuse to start without the audit chain's key; the bench's data are throwaway.
os.environ.setdefault("AUDIT_HMAC_KEY", "bench-only-not-secret-audit-key")
os.environ["DEBUG"] = "0"

from .settings import *  # noqa: F403
from .settings import REST_FRAMEWORK

DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
SECURE_SSL_REDIRECT = False
SECURE_HSTS_SECONDS = 0
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
ROOT_URLCONF = "chencang_cppcc.urls_bench"
REST_FRAMEWORK = {**REST_FRAMEWORK, "DEFAULT_THROTTLE_CLASSES": []}
# Pages only link to static files; the bench does not run collectstatic for a manifest.
STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}  # noqa: F405
# CACHE_URL (set by bench/run.py when Redis answers) gives the workers one shared cache, as production
# needs with several workers or servers (docs/deploy.md); without it each worker keeps its own.
