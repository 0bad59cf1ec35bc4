"""Settings of the worker processes the worker tests start: the project's, plus the slow test job."""

from chencang_cppcc.settings import *  # noqa: F403
from chencang_cppcc.settings import INSTALLED_APPS

INSTALLED_APPS = [*INSTALLED_APPS, "tests.jobs.slow"]
