"""The privacy purge as a periodic task (``portal.worker``). It scans the résumé folder
and a few tables, so a worker runs it at most once per ``EVERY`` (``flask privacy purge``
runs it at once)."""

import time
from datetime import timedelta

from portal.privacy import purge

EVERY = timedelta(hours=1)
_last_run: list[float] = []  # this process's last run (time.monotonic())


def purge_task() -> str:
    now = time.monotonic()
    if _last_run and now - _last_run[-1] < EVERY.total_seconds():
        return "not due (runs hourly)"
    _last_run[:] = [now]
    return str(purge.purge())
