"""Locks shared by the threads of a process and by the processes of a machine, kept as
files in the index root.

A lock is a threading lock, then a POSIX record lock (``fcntl.lockf``) on a file. Record
locks are never inherited by forked children (Whoosh's indexing processes) and the kernel
drops them when their process dies, so a killed process leaves no lock behind. Within one
process only the threading lock counts: a record lock never conflicts with its own
process, and closing any descriptor of the file would drop it, so a process never opens
a lock file it may hold (see ``index.building``).
"""

import fcntl
import os
import threading
import time

POLL = 0.05


class FileLock:
    """A lock on ``path``, re-entrant within one thread."""

    def __init__(self, path: str):
        self.path = path
        self._thread = threading.RLock()
        self._depth = 0
        self._fd: int | None = None

    def acquire(self, timeout: float | None = None) -> bool:
        """Wait for the lock (at most ``timeout`` seconds; ``None``: as long as it takes);
        ``False`` if it did not come in time."""
        deadline = None if timeout is None else time.monotonic() + timeout
        if not self._thread.acquire(timeout=-1 if timeout is None else timeout):
            return False
        if self._depth:
            self._depth += 1
            return True
        try:
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        except BaseException:
            self._thread.release()
            raise
        try:
            if not lock_file(fd, deadline):
                os.close(fd)
                self._thread.release()
                return False
        except BaseException:
            os.close(fd)
            self._thread.release()
            raise
        self._fd, self._depth = fd, 1
        return True

    def release(self) -> None:
        self._depth -= 1
        if self._depth == 0:
            fd, self._fd = self._fd, None
            os.close(fd)  # drops the record lock
        self._thread.release()

    def __enter__(self) -> "FileLock":
        self.acquire()
        return self

    def __exit__(self, *exc) -> None:
        self.release()


def lock_file(fd: int, deadline: float | None) -> bool:
    """Take the record lock on ``fd``: wait for it (until ``deadline``, a monotonic time;
    ``None``: as long as it takes); ``False`` if the deadline passed."""
    if deadline is None:
        fcntl.lockf(fd, fcntl.LOCK_EX)
        return True
    while True:
        try:
            fcntl.lockf(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return True
        except OSError:  # held by another process (EACCES or EAGAIN)
            if time.monotonic() >= deadline:
                return False
            time.sleep(POLL)


_locks: dict[str, FileLock] = {}
_registry = threading.Lock()


def named(path: str) -> FileLock:
    """The one lock object of this process for the file ``path``."""
    with _registry:
        found = _locks.get(path)
        if found is None:
            found = _locks[path] = FileLock(path)
        return found
