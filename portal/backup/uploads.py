"""The uploads half of a backup: every file under ``UPLOAD_DIR`` (default
``instance/uploads``: résumés in ``resumes/``, checked job files in ``job-imports/``),
copied into the backup's ``uploads/`` folder after the database snapshot.

Résumé files are never changed once stored (a new upload is a new file), so a file a row of
the snapshot names was there before the snapshot and is copied whole; files added after the
snapshot are copied too and do no harm; a file deleted meanwhile (the privacy purge) is a
warning. Files still being written (``.upload-*``, ``*.partial``) and symbolic links are
left out.
"""

import os
import tempfile
from pathlib import Path

from flask import current_app

from portal.backup.manifest import DIR_MODE, FileEntry, copy_file, copy_stream, hash_file, inside
from portal.errors import PortalError
from portal.seekers import resumes

FOLDER = "uploads"  # in the backup directory


def root() -> Path:
    base = current_app.config["UPLOAD_DIR"] or os.path.join(current_app.instance_path, "uploads")
    return Path(base).resolve()


def in_progress(name: str) -> bool:
    """A file an upload is still writing (it is renamed into place when whole)."""
    return name.startswith(".upload-") or name.endswith(".partial")


def listing(base: Path) -> list[Path]:
    """The regular files under ``base``, relative to it, in a stable order."""
    found: list[Path] = []
    if not base.is_dir():
        return found
    for folder, dirnames, filenames in os.walk(base):
        dirnames.sort()
        for name in sorted(filenames):
            path = Path(folder, name)
            if in_progress(name) or path.is_symlink() or not path.is_file():
                continue
            found.append(path.relative_to(base))
    return found


def backup_path(relative: Path) -> str:
    return f"{FOLDER}/{relative.as_posix()}"


def back_up(base: Path, relative: Path, directory: Path) -> FileEntry | None:
    """Copy one upload into the backup; its manifest entry, or None if it is gone."""
    path = backup_path(relative)
    try:
        sha256, size = copy_file(base / relative, directory / FOLDER / relative)
    except FileNotFoundError:
        return None
    return FileEntry(path, sha256, size)


def resume_paths(stored_names: list[str], base: Path) -> set[str]:
    """The backup paths the snapshot's résumé rows name."""
    folder = Path(resumes.folder()).resolve().relative_to(base)
    return {backup_path(folder / name) for name in stored_names}


# --- restore ---------------------------------------------------------------------------


def entries(files: list[FileEntry]) -> list[FileEntry]:
    """The uploads among a manifest's files."""
    return [entry for entry in files if entry.path.startswith(f"{FOLDER}/")]


def target_of(base: Path, entry: FileEntry) -> Path:
    return inside(base, entry.path.removeprefix(f"{FOLDER}/"))


def conflicts(base: Path, files: list[FileEntry]) -> list[str]:
    """Files of the upload directory a restore would overwrite with other bytes."""
    clashing = []
    for entry in files:
        target = target_of(base, entry)
        if target.exists() and (not target.is_file() or hash_file(target)[0] != entry.sha256):
            clashing.append(str(target))
    return clashing


def restore(directory: Path, base: Path, entry: FileEntry) -> bool:
    """Copy one upload of the backup into the upload directory (whole or not at all); False
    if the same file is already there."""
    target = target_of(base, entry)
    if target.is_file() and hash_file(target)[0] == entry.sha256:
        return False
    target.parent.mkdir(parents=True, exist_ok=True, mode=DIR_MODE)
    handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=".upload-")
    try:
        with open(inside(directory, entry.path), "rb") as stream, os.fdopen(handle, "wb") as out:
            sha256, _ = copy_stream(stream, out)
        if sha256 != entry.sha256:
            raise PortalError(f"{entry.path} changed while it was restored; nothing kept of it.")
        os.replace(temporary, target)
    except BaseException:
        if os.path.exists(temporary):
            os.unlink(temporary)
        raise
    return True
