"""The one clock of the workflow.

Service functions never call timezone.now() directly: tests and the demo seeder set the
clock back or forward (``with clock.frozen(dt):``) so deadlines and the audit trail come out
as if the workflow had really run at that time.
"""

from __future__ import annotations

import contextlib
import contextvars
import datetime as dt
from zoneinfo import ZoneInfo

from django.utils import timezone

_override: contextvars.ContextVar[dt.datetime | None] = contextvars.ContextVar("clock_override", default=None)
_offset: contextvars.ContextVar[dt.timedelta] = contextvars.ContextVar("clock_offset", default=dt.timedelta())

LOCAL = ZoneInfo("Asia/Shanghai")


def now() -> dt.datetime:
    fixed = _override.get()
    if fixed is not None:
        return fixed
    return timezone.now() + _offset.get()


def today() -> dt.date:
    """Today in Asia/Shanghai: deadlines are counted in local calendar days."""
    return now().astimezone(LOCAL).date()


def local_date(moment: dt.datetime) -> dt.date:
    return moment.astimezone(LOCAL).date()


@contextlib.contextmanager
def frozen(moment: dt.datetime | dt.date):
    """Freeze the clock at ``moment`` (a date means 10:00 local time on that day)."""
    if isinstance(moment, dt.date) and not isinstance(moment, dt.datetime):
        moment = dt.datetime.combine(moment, dt.time(10, 0), tzinfo=LOCAL)
    elif timezone.is_naive(moment):
        moment = moment.replace(tzinfo=LOCAL)
    token = _override.set(moment)
    try:
        yield moment
    finally:
        _override.reset(token)
