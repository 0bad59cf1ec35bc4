from django.apps import AppConfig


class SlowJobConfig(AppConfig):
    name = "tests.jobs.slow"
    label = "slow_job_for_tests"

    def ready(self) -> None:
        from tests.jobs.slow import handlers  # noqa: F401
