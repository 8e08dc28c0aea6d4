"""Rebuilding the index from the database: ``flask search reindex``, and recovery from a
lost or unusable index with no manual step.

``index.current_dir`` calls ``recover`` when the pointer is missing, names no directory
Whoosh can open, or a rebuild is pending. Under the pointer lock, one process puts an
empty index in its place: a new node's first index, or — when this node had an index (its
high-water mark in ``search_nodes`` is above 0) — a stand-in marked ``REBUILD-PENDING``.
The rebuild then runs under the rebuild lock, once: at once (in the request, or whatever
found the loss) when the sector is small (``SEARCH_REBUILD_IN_REQUEST_MAX`` searchable jobs
at most; other requests wait for it up to ``REQUEST_WAIT`` seconds), else — or if that
first try failed or was killed — in the worker's next "search" pass, while requests answer
from the stand-in (outbox changes go into it) and the job search page says the index is
being rebuilt.

A rebuild writes a new directory and swaps it in; killed before the swap, the old index
stays live and the worker's next pass (or the next rebuild) removes the half-built
directory. The new directory records the outbox id its build started from; the next
outbox pass on this node moves the high-water mark there (``sync.apply_pending``), so a
rebuild killed just after the swap still gets the changes made while it ran.
"""

import ctypes
import logging
import os
import signal
import time
from contextlib import contextmanager
from contextvars import ContextVar

import click
from flask import current_app, has_request_context
from sqlalchemy import func, select
from whoosh import index as whoosh_index

from portal.extensions import db
from portal.models import Job, SearchNode, SearchOutbox
from portal.search import directories, index, sync
from portal.search.documents import document, searchable_query

log = logging.getLogger("portal.search")

BATCH = 500
REQUEST_WAIT = 20.0  # seconds a request waits for another process's rebuild
SIZE_MEMORY = 30.0  # seconds a process remembers that the sector is too big to rebuild inline
RETRY_AFTER = 30.0  # seconds before a process tries a failed rebuild again

_too_big_until: dict[str, float] = {}
_failed_until: dict[str, float] = {}
_in_worker_pass: ContextVar[bool] = ContextVar("in_worker_pass", default=False)
_rebuilt: dict[str, int] = {}  # root -> jobs the worker's pass has just indexed


def rebuild(progress: bool = True, procs: int = 2, catch_up: bool = True) -> int:
    """Build a fresh index from the database in a new directory and swap it in; returns
    the number of jobs indexed. One rebuild of an index root at a time: a second waits.
    ``procs``: processes analysing documents; ``catch_up``: then apply the outbox rows
    written meanwhile (and commit)."""
    root = directories.root_dir()
    os.makedirs(root, exist_ok=True)
    with directories.rebuild_lock(root):
        count = _build(root, progress, procs)
    if catch_up:
        sync.apply_pending()
    return count


def _build(root: str, progress: bool, procs: int) -> int:
    started = time.monotonic()
    start_mark = sync.outbox_max_id()
    visible = {i for i in sync.visible_window_ids() if i <= start_mark}
    total = db.session.scalar(select(db.func.count()).select_from(searchable_query().subquery()))
    with directories.building(root) as path:
        ix = whoosh_index.open_dir(path)
        if procs > 1:  # processes analyse documents in parallel, each writing its own segment
            writer = ix.writer(procs=procs, limitmb=256, multisegment=True)
        else:
            writer = ix.writer(limitmb=256)
        count = 0
        query = searchable_query().order_by(None).execution_options(yield_per=BATCH)
        with (
            _children_die_with_this_process(),
            click.progressbar(
                length=total, label="Indexing jobs", show_pos=True, hidden=not progress
            ) as bar,
        ):
            jobs = db.session.scalars(query)
            try:
                for job in jobs:
                    writer.add_document(**document(job))
                    count += 1
                    bar.update(1)
            except BaseException:
                writer.cancel()
                raise
            finally:
                jobs.close()  # PostgreSQL: the server-side cursor of yield_per
            writer.commit()
        directories.write_build_record(path, start_mark, visible)
        directories.swap_in(path)
    log.info(
        "search index rebuilt from the database: %d jobs in %.1f s (%s)",
        count,
        time.monotonic() - started,
        os.path.basename(path),
    )
    return count


# --- recovery ------------------------------------------------------------------------------


def recover(root: str) -> str:
    """Deal with a lost or unusable index, or a pending rebuild, and return the live index
    directory (see the module's docstring)."""
    path = directories._read_pointer(root)
    if not directories.usable(path):
        path = _replace_lost(root, path)
    if directories.pending(root):
        count = _rebuild_pending(root)
        if count is not None and _in_worker_pass.get():
            _rebuilt[root] = count
        path = directories._read_pointer(root)
    return path


def _replace_lost(root: str, path: str | None) -> str:
    if directories.usable(path, patient=True):  # a writer's commit was replacing files
        return path
    had_index = path is not None or _node_had_index()
    if had_index:
        log.warning("search index %s: %s", root, _what_is_wrong(root, path))
    os.makedirs(root, exist_ok=True)
    with directories.pointer_lock(root):
        path = directories._read_pointer(root)
        if directories.usable(path):  # another process was first
            return path
        with directories.building(root) as path:
            directories.stand_in(path, pending=had_index)
    if had_index:
        log.warning("search index %s: an empty index stands in until the rebuild", root)
    return path


def _what_is_wrong(root: str, path: str | None) -> str:
    if path is None:
        return "no CURRENT pointer" if os.path.isdir(root) else "the directory is gone"
    if not os.path.isdir(path):
        return f"{os.path.basename(path)} named by CURRENT is gone"
    return f"{os.path.basename(path)} cannot be opened (a table of contents or segment is gone)"


def _node_had_index() -> bool:
    """Whether this node's lost index must be rebuilt: it applied outbox rows to an index
    before, or it is new but the outbox no longer holds every job's change (its oldest
    rows were pruned, see ``sync.KEEP_OUTBOX``). Otherwise a new node starts empty and
    applies the outbox. If the database cannot tell, assume a rebuild is needed."""
    try:
        with _own_session():
            high_water = db.session.scalar(
                select(SearchNode.high_water).where(SearchNode.name == sync.node_name())
            )
            first = db.session.scalar(select(func.min(SearchOutbox.id)))
            jobs = db.session.scalar(select(Job.id).limit(1)) is not None
    except Exception:  # noqa: BLE001 (database down: the stand-in is rebuilt later)
        log.exception("search index: could not read this node's high-water mark")
        return True
    pruned = first > 1 if first is not None else jobs
    return bool(high_water) or pruned


def _rebuild_pending(root: str) -> int | None:
    """Rebuild in place of the stand-in, unless the sector is too big to rebuild here (but
    in the worker's pass) or another process is at it; returns the jobs indexed, or
    ``None`` if not rebuilt here."""
    in_worker = _in_worker_pass.get()
    if time.monotonic() < _failed_until.get(root, 0.0):
        return None  # it failed a moment ago: not again at every request
    if not in_worker and not _small_enough(root):
        return None
    lock = directories.rebuild_lock(root)
    if not lock.acquire(timeout=REQUEST_WAIT if has_request_context() else None):
        return None  # another process is rebuilding: answer from the stand-in meanwhile
    try:
        if not directories.pending(root):  # the other process finished it
            return None
        if not in_worker and not directories.first_attempt(root):
            return None  # an earlier try died or failed: the worker's pass rebuilds
        log.warning("search index %s: rebuilding it from the database", root)
        with _own_session():
            # one process: none forked from a web server's (its other threads hold locks)
            return rebuild(progress=False, procs=2 if in_worker else 1, catch_up=False)
    except Exception:  # noqa: BLE001 (the stand-in serves; tried again a little later)
        log.exception("search index %s: the rebuild failed", root)
        _failed_until[root] = time.monotonic() + RETRY_AFTER
        return None
    finally:
        lock.release()


def _small_enough(root: str) -> bool:
    if time.monotonic() < _too_big_until.get(root, 0.0):
        return False
    limit = current_app.config["SEARCH_REBUILD_IN_REQUEST_MAX"]
    try:
        with _own_session():
            total = db.session.scalar(
                select(db.func.count()).select_from(searchable_query().subquery())
            )
    except Exception:  # noqa: BLE001 (database down: nothing to rebuild from now)
        log.exception("search index: could not count the searchable jobs")
        total = None
    if total is None or total > limit:
        _too_big_until[root] = time.monotonic() + SIZE_MEMORY
        return False
    return True


@contextmanager
def _own_session():
    """A database session of its own (a new application context): recovery may run in
    the middle of a caller's transaction and must neither commit it nor wait on its locks."""
    with current_app._get_current_object().app_context():  # type: ignore[attr-defined]
        yield


def rebuilding() -> bool:
    """Whether the live index is an empty stand-in for a lost one, waiting for its
    rebuild (the job search page says so)."""
    return directories.pending(directories.root_dir())


def worker_pass() -> str:
    """The worker's part, before it applies the outbox: a lost index is rebuilt (whatever
    the sector's size), a pending rebuild done, left-over directories removed."""
    root = directories.root_dir()
    token = _in_worker_pass.set(True)
    try:
        index.current_dir()
    finally:
        _in_worker_pass.reset(token)
    notes = []
    count = _rebuilt.pop(root, None)
    if count is not None:
        notes.append(f"rebuilt the index ({count} jobs)")
    if directories.pending(root):
        notes.append("index rebuild pending")
    removed = directories.remove_orphans(root)
    if removed:
        notes.append(f"removed {removed} unused index director{'y' if removed == 1 else 'ies'}")
    return ", ".join(notes)


# --- Whoosh's indexing processes end with the process that started them ---------------

_parent: int | None = None  # set while this process forks indexing processes


@contextmanager
def _children_die_with_this_process():
    """Whoosh's indexing processes wait on a queue forever once their parent is gone
    (``kill -9`` of a reindex): on Linux they are asked to get SIGKILL then too."""
    global _parent
    _parent = os.getpid()
    try:
        yield
    finally:
        _parent = None


def _after_fork_in_child() -> None:
    if _parent is None:
        return
    try:
        ctypes.CDLL(None).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (AttributeError, OSError):  # not Linux
        return
    if os.getppid() != _parent:  # the parent died before prctl
        os._exit(1)


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_after_fork_in_child)
