"""pytest plugin (pytest.ini: -p chencang_cppcc.testenv): test-time environment defaults, set before Django reads its settings."""

import os

os.environ.setdefault("SECRET_KEY", "test-only-secret-key-not-for-production")
os.environ.setdefault("TESTING", "1")
# Jobs run inside the call that starts them (django-tasks' ImmediateBackend); the worker tests use the
# database queue and real worker processes instead.
os.environ.setdefault("TASKS_IMMEDIATE", "1")
os.environ.setdefault(
    "MEDIA_ROOT", os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "var", "test-uploads")
)
