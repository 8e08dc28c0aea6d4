"""A checked job file between its report and its confirmation. The uploaded bytes stay on
the server, never in the page: in ``UPLOAD_DIR/job-imports/`` (default
``instance/uploads/job-imports/``) under a random id, with the agency and the staff member
who uploaded it and their choice (drafts or published). Only they can confirm it; it is
kept for ``KEPT`` and taken once (a second click finds it gone); expired files are
removed whenever a file is kept. The confirmation checks the same bytes again, so it
creates exactly what the report showed, or nothing."""

import base64
import json
import os
import re
import secrets
import time
from dataclasses import dataclass

from flask import current_app

KEPT = 24 * 60 * 60  # seconds
_ID = re.compile(r"[A-Za-z0-9_-]{32}\Z")
_TAKEN = ".taken"


@dataclass(frozen=True)
class Pending:
    id: str
    agency_id: int
    user_id: int
    publish: bool
    filename: str
    data: bytes
    kept_at: float


def folder() -> str:
    base = current_app.config["UPLOAD_DIR"] or os.path.join(current_app.instance_path, "uploads")
    return os.path.join(base, "job-imports")


def _path(import_id: str) -> str:
    return os.path.join(folder(), f"{import_id}.json")


def keep(data: bytes, filename: str, publish: bool, agency_id: int, user_id: int) -> str:
    """Keep a checked file; its id (for the confirmation's URL)."""
    os.makedirs(folder(), mode=0o700, exist_ok=True)
    sweep()
    import_id = secrets.token_urlsafe(24)  # 32 characters
    record = {
        "agency_id": agency_id,
        "user_id": user_id,
        "publish": publish,
        "filename": filename[:200],
        "data": base64.b64encode(data).decode("ascii"),
        "kept_at": time.time(),
    }
    path = _path(import_id)
    partial = f"{path}.partial"
    with open(os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "w") as out:
        json.dump(record, out)
    os.replace(partial, path)  # whole or absent
    return import_id


def find(import_id: str) -> Pending | None:
    """The kept file, or None if the id is malformed, unknown, expired or taken."""
    if not _ID.match(import_id):
        return None
    try:
        with open(_path(import_id), encoding="utf-8") as stored:
            record = json.load(stored)
    except (OSError, ValueError):
        return None
    if time.time() - record["kept_at"] > KEPT:
        return None
    return Pending(
        import_id,
        record["agency_id"],
        record["user_id"],
        record["publish"],
        record["filename"],
        base64.b64decode(record["data"]),
        record["kept_at"],
    )


def take(pending: Pending) -> bool:
    """Claim the file for one confirmation (False: another request took it first)."""
    try:
        os.rename(_path(pending.id), _path(pending.id) + _TAKEN)
    except FileNotFoundError:
        return False
    return True


def put_back(pending: Pending) -> None:
    """The confirmation failed: the file may be confirmed again (until it expires)."""
    os.rename(_path(pending.id) + _TAKEN, _path(pending.id))


def discard(pending: Pending) -> None:
    """The jobs are created: the file is gone."""
    os.remove(_path(pending.id) + _TAKEN)


def sweep() -> int:
    """Remove the files kept longer than ``KEPT``; how many."""
    removed = 0
    limit = time.time() - KEPT
    with os.scandir(folder()) as entries:
        for entry in entries:
            try:
                if entry.is_file() and entry.stat().st_mtime < limit:
                    os.remove(entry.path)
                    removed += 1
            except FileNotFoundError:  # another request removed it
                continue
    return removed
