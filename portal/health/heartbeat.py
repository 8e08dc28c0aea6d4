"""The worker's heartbeat: each ``flask portal worker`` process keeps one ``WorkerHeartbeat``
row, written when it starts and after each pass (how long the pass took, which tasks
failed). ``/healthz`` reports the newest beat and the admin home page lists the workers.

A looping worker's row is ``<node>:<pid>``. A ``--once`` run (cron, a systemd timer) is a
new process each time, so its row is ``<node>:once``, updated by every run on that node
rather than one row per run. Rows not written for ``FORGET_AFTER`` are deleted.

These functions flush; the worker commits.
"""

import os
from datetime import timedelta

from sqlalchemy import delete

from portal.extensions import db
from portal.models import WorkerHeartbeat
from portal.models.types import utcnow
from portal.search import node_name

FORGET_AFTER = timedelta(days=1)


class Heartbeat:
    """The heartbeat row of this worker process."""

    def __init__(self, once: bool):
        self.node = node_name()
        self.pid = os.getpid()
        self.name = f"{self.node}:{'once' if once else self.pid}"
        self.started_at = utcnow()

    def start(self) -> None:
        """The worker has started (no pass yet)."""
        self._write(pass_seconds=None, failed_tasks=None)

    def beat(self, pass_seconds: float, failed_tasks: list[str]) -> None:
        """A pass has ended; forget workers not seen for a day."""
        self._write(pass_seconds=round(pass_seconds, 3), failed_tasks=failed_tasks)
        forget_silent()

    def _write(self, pass_seconds: float | None, failed_tasks: list[str] | None) -> None:
        row = db.session.get(WorkerHeartbeat, self.name)
        if row is None:
            row = WorkerHeartbeat(name=self.name)
            db.session.add(row)
        row.node, row.pid, row.started_at = self.node, self.pid, self.started_at
        row.beat_at = utcnow()
        row.pass_seconds = pass_seconds
        row.failed_tasks = failed_tasks
        db.session.flush()


def forget_silent() -> int:
    """Delete the rows of workers that have not beaten for ``FORGET_AFTER``."""
    result = db.session.execute(
        delete(WorkerHeartbeat).where(WorkerHeartbeat.beat_at < utcnow() - FORGET_AFTER)
    )
    return result.rowcount
