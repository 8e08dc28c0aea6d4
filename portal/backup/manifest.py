"""A backup's ``manifest.json``: what the backup holds, with each file's SHA-256 and size.

The manifest is written last (to a temporary name, then renamed), so a directory without
one is a backup that did not finish. Paths in it are relative to the backup directory,
with ``/`` between folders; reading it back refuses any path that would leave it.
"""

import hashlib
import json
import os
from dataclasses import asdict, dataclass
from importlib import metadata
from pathlib import Path, PurePosixPath
from typing import BinaryIO

from portal.errors import PortalError

NAME = "manifest.json"
FORMAT = "sector-jobs-portal-backup"
FORMAT_VERSION = 1
CHUNK = 1024 * 1024
FILE_MODE = 0o600  # a backup holds personal data: only its owner reads it
DIR_MODE = 0o700


@dataclass(frozen=True)
class FileEntry:
    path: str  # relative to the backup directory, "/" between folders
    sha256: str
    size: int


def portal_version() -> str:
    try:
        return metadata.version("sector-jobs-portal")
    except metadata.PackageNotFoundError:
        return "unknown"


def hash_file(path: Path) -> tuple[str, int]:
    """(SHA-256 in hex, size in bytes) of the file at ``path``."""
    digest = hashlib.sha256()
    size = 0
    with open(path, "rb") as stream:
        while chunk := stream.read(CHUNK):
            digest.update(chunk)
            size += len(chunk)
    return digest.hexdigest(), size


def copy_stream(stream: BinaryIO, out: BinaryIO) -> tuple[str, int]:
    """Copy ``stream`` into ``out`` (synced to disk); the SHA-256 and size of the bytes
    copied, hashed as they are written."""
    digest = hashlib.sha256()
    size = 0
    while chunk := stream.read(CHUNK):
        digest.update(chunk)
        size += len(chunk)
        out.write(chunk)
    out.flush()
    os.fsync(out.fileno())
    return digest.hexdigest(), size


def copy_file(source: Path, target: Path) -> tuple[str, int]:
    """Copy ``source`` to a new file ``target`` (mode 600, folders made as needed); the
    SHA-256 and size of the bytes copied. A ``source`` that is gone raises
    FileNotFoundError before anything is made."""
    with open(source, "rb") as stream:
        target.parent.mkdir(parents=True, exist_ok=True, mode=DIR_MODE)
        descriptor = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE)
        with open(descriptor, "wb") as out:
            return copy_stream(stream, out)


def entry_for(directory: Path, path: Path) -> FileEntry:
    """The manifest entry of a file already in the backup directory."""
    sha256, size = hash_file(path)
    return FileEntry(path.relative_to(directory).as_posix(), sha256, size)


def write(directory: Path, manifest: dict) -> None:
    """Write ``manifest.json`` whole or not at all (the backup's last step)."""
    partial = directory / f"{NAME}.partial"
    descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE)
    with open(descriptor, "w", encoding="utf-8") as out:
        json.dump(manifest, out, indent=2, ensure_ascii=False)
        out.write("\n")
        out.flush()
        os.fsync(out.fileno())
    os.replace(partial, directory / NAME)


def files_of(manifest: dict) -> list[FileEntry]:
    return [FileEntry(f["path"], f["sha256"], int(f["size"])) for f in manifest["files"]]


def as_dicts(entries: list[FileEntry]) -> list[dict]:
    return [asdict(entry) for entry in entries]


def read(directory: Path) -> dict:
    """The manifest of the backup in ``directory``, checked for shape and safe paths; a
    PortalError saying what is wrong otherwise."""
    path = directory / NAME
    if not path.is_file():
        raise PortalError(
            f"{directory} has no {NAME}: it is not a backup, or the backup did not finish."
        )
    try:
        with open(path, encoding="utf-8") as stream:
            manifest = json.load(stream)
        kind = manifest["format"]
        version = int(manifest["format_version"])
        database = manifest["database"]
        entries = files_of(manifest)
        absent = {"kind", "file", "row_counts"} - set(database)
        if absent:
            raise KeyError(", ".join(sorted(absent)))
    except (OSError, ValueError, KeyError, TypeError) as error:
        raise PortalError(f"{path} cannot be read as a backup manifest ({error!r}).") from None
    if kind != FORMAT:
        raise PortalError(f"{path} is not a Sector Jobs Portal backup manifest.")
    if version > FORMAT_VERSION:
        raise PortalError(
            f"{path} has format version {version}; this portal reads up to "
            f"{FORMAT_VERSION}. Restore it with the portal version that made it "
            f"({manifest.get('portal_version', 'unknown')}) or a newer one."
        )
    for entry in entries:
        inside(directory, entry.path)
    if database["file"] not in {entry.path for entry in entries}:
        raise PortalError(f"{path} lists no checksum for the database file {database['file']}.")
    return manifest


def inside(directory: Path, relative: str) -> Path:
    """``directory / relative`` for a manifest path; a PortalError for a path that is
    absolute, climbs out with ``..`` or is otherwise not plainly inside the directory."""
    parts = PurePosixPath(relative).parts
    if (
        not parts
        or relative.startswith("/")
        or "\\" in relative
        or any(part in ("", ".", "..") for part in parts)
    ):
        raise PortalError(f"The manifest names an unsafe path: {relative!r}.")
    return directory.joinpath(*parts)


def problem_with(directory: Path, entry: FileEntry) -> str | None:
    """What is wrong with one file of the backup (missing, size, checksum), or None."""
    path = inside(directory, entry.path)
    if not path.is_file():
        return f"{entry.path}: missing"
    sha256, size = hash_file(path)
    if size != entry.size:
        return f"{entry.path}: {size} bytes, the manifest says {entry.size}"
    if sha256 != entry.sha256:
        return f"{entry.path}: SHA-256 {sha256} differs from the manifest's {entry.sha256}"
    return None
