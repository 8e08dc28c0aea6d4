"""The index root on disk: which directory is live, new directories, and what is left over.

``<root>/CURRENT`` names the live index directory (``index-<time>-<random>``); a rebuild
builds a new directory and swaps the pointer atomically (under ``.pointer.lock``). While a
process builds a directory it holds a lock file of its own (``.<name>.building``), so a
directory that CURRENT does not name and that no live process holds is left over (a
reindex killed halfway, an index replaced by a newer one) and ``remove_orphans`` deletes
it. ``REBUILD-PENDING`` says the live index is an empty stand-in for a lost one until a
rebuild replaces it; ``.rebuilt-from`` in a rebuilt directory keeps the outbox id its
build started from until the node's high-water mark has been moved there
(``portal.search.sync``), then becomes ``.rebuilt``.
"""

import json
import os
import re
import shutil
import threading
import time
import uuid
from contextlib import contextmanager

from flask import current_app
from whoosh import index as whoosh_index
from whoosh.fields import ID, Schema
from whoosh.filedb.filestore import FileStorage
from whoosh.index import TOC

from portal.search import locks
from portal.search.schema import make_schema

POINTER = "CURRENT"
PENDING = "REBUILD-PENDING"
PREFIX = "index-"
BUILT, ADOPTED = ".rebuilt-from", ".rebuilt"
INDEX_NAME = "MAIN"  # Whoosh's default index name: _MAIN_<generation>.toc, MAIN_<segment>.seg
TOC_RE = re.compile(rf"^_{INDEX_NAME}_(\d+)\.toc$")
STALE_POINTER_SECONDS = 600  # a temporary pointer file left by a killed process


def root_dir() -> str:
    return current_app.config["SEARCH_INDEX_DIR"] or os.path.join(
        current_app.instance_path, "search"
    )


def _read_pointer(root: str) -> str | None:
    try:
        with open(os.path.join(root, POINTER), encoding="utf-8") as handle:
            name = handle.read().strip()
    except FileNotFoundError:
        return None
    return os.path.join(root, name) if name else None


def _write_pointer(root: str, path: str) -> None:
    tmp = os.path.join(root, f".{POINTER}.{uuid.uuid4().hex}")
    with open(tmp, "w", encoding="utf-8") as handle:
        handle.write(os.path.basename(path))
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(tmp, os.path.join(root, POINTER))  # atomic on POSIX


def new_index_dir(root: str) -> str:
    """A new empty index directory, not locked: see ``building`` for one a cleaner leaves
    alone while it is built."""
    path = os.path.join(root, _new_name())
    os.makedirs(path)
    whoosh_index.create_in(path, make_schema())
    return path


def _new_name() -> str:
    return f"{PREFIX}{time.strftime('%Y%m%d%H%M%S')}-{uuid.uuid4().hex[:6]}"


def pointer_lock(root: str) -> locks.FileLock:
    """Held while the pointer (and ``REBUILD-PENDING``) changes: a short lock."""
    return locks.named(os.path.join(root, ".pointer.lock"))


def rebuild_lock(root: str) -> locks.FileLock:
    """Held for a whole rebuild: one rebuild of a root at a time."""
    return locks.named(os.path.join(root, ".rebuild.lock"))


# directories this process is building: another thread of it must not test their lock
# files (closing a descriptor would drop this process's record lock)
_building: set[str] = set()
_building_guard = threading.Lock()


def _lock_path(path: str) -> str:
    return os.path.join(os.path.dirname(path), f".{os.path.basename(path)}.building")


@contextmanager
def building(root: str):
    """A new empty index directory that no cleaner removes while the block runs; at its
    end the directory is removed unless CURRENT names it by then."""
    os.makedirs(root, exist_ok=True)
    path = os.path.join(root, _new_name())
    with _building_guard:
        _building.add(path)
    lock_path = _lock_path(path)
    fd = os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        locks.lock_file(fd, None)  # a new file: nobody else holds it
        os.makedirs(path)
        whoosh_index.create_in(path, make_schema())
        yield path
    finally:
        try:
            if _read_pointer(root) != path:
                shutil.rmtree(path, ignore_errors=True)
        finally:
            _unlink(lock_path)
            os.close(fd)
            with _building_guard:
                _building.discard(path)


def swap_in(path: str) -> None:
    """Make ``path`` the live index (a pending rebuild is done) and remove the directories
    left over."""
    root = os.path.dirname(path)
    with pointer_lock(root):
        _write_pointer(root, path)
        _unlink(os.path.join(root, PENDING))
    remove_orphans(root)  # open files of the old index stay readable until closed


def stand_in(path: str, pending: bool) -> None:
    """Make the empty index ``path`` the live one; ``pending``: it stands in for a lost
    index until a rebuild replaces it. The caller holds the pointer lock."""
    root = os.path.dirname(path)
    if pending:
        with open(os.path.join(root, PENDING), "w", encoding="utf-8") as handle:
            handle.write(time.strftime("%Y-%m-%dT%H:%M:%S%z\n"))
    _write_pointer(root, path)


def first_attempt(root: str) -> bool:
    """Note in ``REBUILD-PENDING`` that a rebuild outside the worker starts; ``False`` if
    one was tried before (it failed, or its process was killed — say by a web server's
    timeout): then the worker's pass rebuilds. The caller holds the rebuild lock."""
    try:
        with open(os.path.join(root, PENDING), "r+", encoding="utf-8") as handle:
            if "attempt" in handle.read():
                return False
            handle.write(f"attempt by process {os.getpid()} at {time.strftime('%H:%M:%S')}\n")
            return True
    except FileNotFoundError:  # rebuilt meanwhile
        return False


def pending(root: str) -> bool:
    """Whether the live index is an empty stand-in for a lost one, waiting for a rebuild."""
    return os.path.exists(os.path.join(root, PENDING))


def remove_orphans(root: str) -> int:
    """Remove the index directories that CURRENT does not name and no live process is
    building; returns how many. Nothing is removed while the pointer is missing."""
    if _read_pointer(root) is None:
        return 0
    removed = 0
    now = time.time()
    for name in os.listdir(root):
        full = os.path.join(root, name)
        if name.startswith(PREFIX) and os.path.isdir(full):
            removed += _remove_if_orphan(root, full)
        elif name.startswith(f".{POINTER}."):
            try:
                if now - os.path.getmtime(full) > STALE_POINTER_SECONDS:
                    _unlink(full)
            except FileNotFoundError:
                pass
        elif name.startswith(f".{PREFIX}") and name.endswith(".building"):
            directory = os.path.join(root, name[1 : -len(".building")])
            if not os.path.exists(directory):
                _remove_if_orphan(root, directory)  # only its lock file is left
    return removed


def _remove_if_orphan(root: str, path: str) -> int:
    with _building_guard:
        if path in _building:
            return 0
    lock_path = _lock_path(path)
    fd = os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        if not locks.lock_file(fd, time.monotonic()):  # a live process is building it
            return 0
        if _read_pointer(root) in (path, None):  # swapped in meanwhile
            _unlink(lock_path)
            return 0
        existed = os.path.isdir(path)
        shutil.rmtree(path, ignore_errors=True)
        _unlink(lock_path)
        return int(existed)
    finally:
        os.close(fd)


def _unlink(path: str) -> None:
    try:
        os.unlink(path)
    except FileNotFoundError:
        pass


# --- is a directory an index Whoosh can open? -------------------------------------------

_ANY_SCHEMA = Schema(job_id=ID())  # given a schema, Whoosh skips unpickling the stored one
_verified: dict[str, frozenset] = {}  # directory -> the files it had when found whole


def usable(path: str | None, patient: bool = False) -> bool:
    """Whether ``path`` holds an index Whoosh can open: a table of contents and every
    segment it names (read when its files change; otherwise one directory listing).
    ``patient``: look again a few times first, as a writer's commit replaces files."""
    if path is None:
        return False
    for attempt in range(4 if patient else 1):
        if attempt:
            time.sleep(0.05 * attempt)
        try:
            names = os.listdir(path)
        except (FileNotFoundError, NotADirectoryError):
            return False
        generations = [int(m.group(1)) for m in map(TOC_RE.match, names) if m]
        if not generations:
            continue
        listing = frozenset(names)
        if _verified.get(path) == listing:
            return True
        if _segments_present(path, max(generations), listing):
            if len(_verified) > 64:
                _verified.clear()
            _verified[path] = listing
            return True
    return False


def _segments_present(path: str, generation: int, names: frozenset) -> bool:
    try:
        toc = TOC.read(FileStorage(path), INDEX_NAME, generation, schema=_ANY_SCHEMA)
    except Exception:  # noqa: BLE001 (missing, cut short or garbled: not usable)
        return False
    for segment in toc.segments:
        prefix = f"{segment.segment_id()}."
        if segment.is_compound():
            if f"{prefix}seg" not in names:
                return False
        elif not any(name.startswith(prefix) for name in names):
            return False
    return True


# --- where a rebuilt directory's build started -----------------------------------------


def write_build_record(path: str, high_water: int, applied: set[int]) -> None:
    """Before a rebuilt ``path`` is swapped in: its build read the outbox up to
    ``high_water``, and ``applied`` (ids of the trailing window) were visible then."""
    ranges: list[list[int]] = []
    for row_id in sorted(applied):
        if ranges and ranges[-1][1] == row_id - 1:
            ranges[-1][1] = row_id
        else:
            ranges.append([row_id, row_id])
    tmp = os.path.join(path, f"{BUILT}.tmp")
    with open(tmp, "w", encoding="utf-8") as handle:
        json.dump({"high_water": high_water, "applied": ranges}, handle)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(tmp, os.path.join(path, BUILT))


def build_record(path: str) -> tuple[int, set[int], bool] | None:
    """(outbox id the build started from, window ids already in it, whether the node's
    high-water mark was moved there already); ``None`` for a directory not rebuilt."""
    for name, adopted in ((BUILT, False), (ADOPTED, True)):
        try:
            with open(os.path.join(path, name), encoding="utf-8") as handle:
                record = json.load(handle)
        except FileNotFoundError:
            continue
        except ValueError:  # cut short: the high-water mark is moved, the window re-read
            return 0, set(), adopted
        applied = {i for a, b in record["applied"] for i in range(a, b + 1)}
        return int(record["high_water"]), applied, adopted
    return None


def unadopted(path: str) -> bool:
    """Whether the node's high-water mark still has to be moved to ``path``'s build."""
    return os.path.exists(os.path.join(path, BUILT))


def adopted(path: str) -> None:
    try:
        os.replace(os.path.join(path, BUILT), os.path.join(path, ADOPTED))
    except FileNotFoundError:  # another process got there first
        pass
