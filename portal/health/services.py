"""What ``GET /healthz`` and the admin home page report.

``report()`` runs the checks of this node, each cheap (one small query or the process's
open searcher) and each caught: a check that raises is reported, never raised.

- ``fail`` (HTTP 503, take this node out of rotation): the database does not answer, or
  this node's search index cannot be opened.
- ``degraded`` (HTTP 200, keep serving, someone should look): this node's index is being
  rebuilt (an empty stand-in answers meanwhile) or is more than
  ``HEALTH_OUTBOX_LAG_SECONDS`` behind the search outbox, the oldest waiting email
  is older than ``HEALTH_MAIL_AGE_SECONDS``, or no worker on any node has beaten within
  ``HEALTH_WORKER_STALE_SECONDS`` (the worker's tasks — mail, alerts, expiry — need one
  worker somewhere; this node's own index lag is the outbox check).
- ``ok`` otherwise.
"""

import logging
import time
from datetime import datetime

from flask import current_app
from sqlalchemy import func, select, text

from portal import mail
from portal.extensions import db
from portal.models import WorkerHeartbeat
from portal.models.types import utcnow
from portal.search import index_documents, node_name, outbox_lag, rebuilding

log = logging.getLogger("portal.health")


class Report:
    """The checks' figures and the reasons the status is not ``ok``."""

    def __init__(self):
        self.checks: dict[str, dict] = {}
        self.failures: list[str] = []  # this node cannot serve
        self.warnings: list[str] = []  # it can, but something is behind

    def error(self, check: str, exc: Exception, failing: bool) -> None:
        """A check raised: say which exception (no message: this page is public; the log
        has the details)."""
        log.warning("health check %s failed: %r", check, exc)
        self.checks[check]["error"] = type(exc).__name__
        (self.failures if failing else self.warnings).append(f"{check}: {type(exc).__name__}")

    def late(self, check: str, seconds: float | None, limit: float, what: str) -> None:
        if seconds is None:
            self.warnings.append(f"{check}: {what}")
        elif seconds > limit:
            self.warnings.append(f"{check}: {what} {seconds:.0f} s ago (limit {limit:g} s)")

    @property
    def status(self) -> str:
        return "fail" if self.failures else "degraded" if self.warnings else "ok"

    def as_json(self) -> dict:
        return {
            "status": self.status,
            "node": node_name(),
            "reasons": self.failures + self.warnings,
            "checks": self.checks,
        }


def report() -> Report:
    found = Report()
    if _database(found):
        _outbox(found)
        _mail(found)
        _worker(found)
    else:  # each would wait for the database again: reported as unknown
        found.checks["outbox_lag"] = {"rows": None, "oldest_seconds": None}
        found.checks["mail_queue"] = {"waiting": None, "oldest_seconds": None}
        found.checks["worker"] = {"last_beat_seconds": None}
    _index(found)
    db.session.rollback()  # read only: end the transaction, return the connection
    return found


def _database(found: Report) -> bool:
    check = found.checks["database"] = {"ok": False, "ms": None}
    started = time.perf_counter()
    try:
        db.session.execute(text("SELECT 1"))
    except Exception as exc:  # noqa: BLE001 (reported: the point of a health check)
        _rollback()
        found.error("database", exc, failing=True)
        return False
    check.update(ok=True, ms=round((time.perf_counter() - started) * 1000, 1))
    return True


def _index(found: Report) -> None:
    check = found.checks["index"] = {"ok": False, "documents": None, "rebuilding": None}
    try:
        check.update(documents=index_documents(), ok=True, rebuilding=rebuilding())
    except Exception as exc:  # noqa: BLE001
        found.error("index", exc, failing=True)
        return
    if check["rebuilding"]:  # an empty stand-in for a lost index answers meanwhile
        found.warnings.append("index: being rebuilt from the database")


def _outbox(found: Report) -> None:
    check = found.checks["outbox_lag"] = {"rows": None, "oldest_seconds": None}
    try:
        rows, oldest = outbox_lag()
    except Exception as exc:  # noqa: BLE001
        _rollback()
        found.error("outbox_lag", exc, failing=False)
        return
    check.update(rows=rows, oldest_seconds=seconds_since(oldest))
    if oldest is not None:
        limit = current_app.config["HEALTH_OUTBOX_LAG_SECONDS"]
        found.late("outbox_lag", check["oldest_seconds"], limit, "oldest unapplied change written")


def _mail(found: Report) -> None:
    check = found.checks["mail_queue"] = {"waiting": None, "oldest_seconds": None}
    try:
        stats = mail.queue_stats()
    except Exception as exc:  # noqa: BLE001
        _rollback()
        found.error("mail_queue", exc, failing=False)
        return
    oldest = stats["oldest_waiting_seconds"]
    check.update(waiting=stats["waiting"], oldest_seconds=_rounded(oldest))
    if oldest is not None:
        limit = current_app.config["HEALTH_MAIL_AGE_SECONDS"]
        found.late("mail_queue", oldest, limit, "oldest waiting email queued")


def _worker(found: Report) -> None:
    check = found.checks["worker"] = {"last_beat_seconds": None}
    try:
        newest = db.session.scalar(select(func.max(WorkerHeartbeat.beat_at)))
    except Exception as exc:  # noqa: BLE001
        _rollback()
        found.error("worker", exc, failing=False)
        return
    check["last_beat_seconds"] = seconds_since(newest)
    limit = current_app.config["HEALTH_WORKER_STALE_SECONDS"]
    if newest is None:
        found.late("worker", None, limit, "no worker has ever beaten")
    else:
        found.late("worker", check["last_beat_seconds"], limit, "newest worker heartbeat")


def _rollback() -> None:
    try:
        db.session.rollback()
    except Exception:  # noqa: BLE001  (the connection is gone: nothing to roll back)
        log.debug("rollback after a failed health check failed", exc_info=True)


def _rounded(seconds: float | None) -> float | None:
    return None if seconds is None else round(max(seconds, 0.0), 1)


def seconds_since(moment: datetime | None) -> float | None:
    return None if moment is None else _rounded((utcnow() - moment).total_seconds())


# --- the admin home page's "Background worker" panel -----------------------------------


def ago(seconds: float) -> str:
    """12 seconds ago, 1 minute ago, 3 hours ago."""
    amount, unit = int(seconds), "second"
    for size, name in ((86400, "day"), (3600, "hour"), (60, "minute")):
        if seconds >= size:
            amount, unit = int(seconds // size), name
            break
    return f"{amount} {unit}{'' if amount == 1 else 's'} ago"


def worker_panel() -> dict:
    """Each worker's last beat (newest first), whether none beat recently, and the mail
    queue (``portal.mail.queue_stats``)."""
    limit = current_app.config["HEALTH_WORKER_STALE_SECONDS"]
    rows = db.session.scalars(
        select(WorkerHeartbeat).order_by(WorkerHeartbeat.beat_at.desc(), WorkerHeartbeat.name)
    ).all()
    workers = []
    for row in rows:
        since = seconds_since(row.beat_at)
        workers.append(
            {
                "node": row.node,
                "pid": row.pid,
                "beat_ago": ago(since),
                "stale": since > limit,
                "pass_seconds": row.pass_seconds,
                "failed_tasks": row.failed_tasks or [],
            }
        )
    queue = mail.queue_stats()
    oldest = queue["oldest_waiting_seconds"]
    return {
        "workers": workers,
        "stale": all(w["stale"] for w in workers),  # also when no worker has ever beaten
        "stale_limit": ago(limit).removesuffix(" ago"),
        "mail": {**queue, "oldest_ago": None if oldest is None else ago(oldest)},
    }
