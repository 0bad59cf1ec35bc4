"""The bench's floor (bench/run.py): Django with nothing of the project — no apps, no middleware,
no database — serving one view under the same gunicorn. Every page is also reported as a share of it."""

SECRET_KEY = "bench-only-not-secret"
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
ROOT_URLCONF = "chencang_cppcc.urls_plain"
INSTALLED_APPS: list[str] = []
MIDDLEWARE: list[str] = []
DATABASES: dict = {}
USE_TZ = True
