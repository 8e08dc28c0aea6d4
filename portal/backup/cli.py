"""``flask portal backup DIR`` and ``flask portal restore DIR`` (added to the ``portal``
group by ``portal/cli.py``).

A backup directory holds the database (``database.sqlite3`` or ``database.pgdump``), the
uploads (``uploads/...``) and ``manifest.json``, written last: format version, time,
portal version, the database's kind, alembic revision and row counts per table, and every
file with its SHA-256 and size. The search index is not in it: ``flask search reindex``
rebuilds it from the restored database.
"""

from pathlib import Path

import click
from flask.cli import with_appcontext

from portal.backup import database, manifest, uploads
from portal.errors import PortalError
from portal.models.types import utcnow


@click.command("backup", short_help="Back up the database and the uploads.")
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
@with_appcontext
def backup_command(directory: Path) -> None:
    """Copy the database and the uploads into DIRECTORY (new or empty), with a manifest of
    checksums. Safe while the portal runs and takes writes."""
    directory = directory.resolve()
    upload_root = uploads.root()
    try:
        _prepare(directory, upload_root)
    except (PortalError, OSError) as error:
        raise click.ClickException(str(error)) from None
    try:
        _backup(directory, upload_root)
    except (PortalError, OSError) as error:
        raise click.ClickException(
            f"{error}\nThe backup did not finish: {directory} has no {manifest.NAME}. "
            "Remove what it holds and try again."
        ) from None


@click.command("restore", short_help="Restore a backup into an empty instance.")
@click.argument("directory", type=click.Path(exists=True, file_okay=False, path_type=Path))
@with_appcontext
def restore_command(directory: Path) -> None:
    """Restore a backup from DIRECTORY into this instance, whose database must be empty:
    every checksum is checked first, then the database and the uploads are restored."""
    try:
        _restore(directory.resolve())
    except (PortalError, OSError) as error:
        raise click.ClickException(str(error)) from None


def _prepare(directory: Path, upload_root: Path) -> None:
    if directory.exists() and not directory.is_dir():
        raise PortalError(f"{directory} is a file, not a directory.")
    if directory.is_dir() and any(directory.iterdir()):
        raise PortalError(
            f"{directory} is not empty: a backup goes into a new or empty directory "
            "(one directory per backup, e.g. named by date)."
        )
    if directory == upload_root or upload_root in directory.parents:
        raise PortalError(f"{directory} is inside the upload directory {upload_root}.")
    directory.mkdir(parents=True, exist_ok=True, mode=manifest.DIR_MODE)


def _backup(directory: Path, upload_root: Path) -> None:
    created_at = utcnow()
    kind = database.kind()
    click.echo(f"Taking a snapshot of the {kind} database...")
    database_file, contents = database.snapshot(directory)
    files = [manifest.entry_for(directory, database_file)]

    # after the snapshot: every file its rows name was stored before it
    vanished: list[str] = []
    with click.progressbar(uploads.listing(upload_root), label="Copying uploads") as bar:
        for relative in bar:
            entry = uploads.back_up(upload_root, relative, directory)
            if entry is None:
                vanished.append(uploads.backup_path(relative))
            else:
                files.append(entry)
    copied = {entry.path for entry in files}
    unmatched = uploads.resume_paths(contents.resumes, upload_root) - copied - set(vanished)
    warnings = [f"{path}: deleted after the snapshot; not in the backup" for path in vanished]
    warnings += [
        f"{path}: a résumé row names it but the upload directory has no such file"
        for path in sorted(unmatched)
    ]
    manifest.write(
        directory,
        {
            "format": manifest.FORMAT,
            "format_version": manifest.FORMAT_VERSION,
            "created_at": created_at.isoformat(timespec="seconds").replace("+00:00", "Z"),
            "portal_version": manifest.portal_version(),
            "database": {
                "kind": kind,
                "file": files[0].path,
                "alembic_revision": contents.revision,
                "row_counts": contents.row_counts,
            },
            "files": manifest.as_dicts(files),
            "warnings": warnings,
        },
    )
    rows = sum(contents.row_counts.values())
    upload_bytes = sum(entry.size for entry in files[1:])
    click.echo(
        f"Backup written to {directory}:\n"
        f"  database  {files[0].path}, {_size(files[0].size)}, revision "
        f"{contents.revision or '(none)'}, {len(contents.row_counts)} tables, {rows} rows\n"
        f"  uploads   {len(files) - 1} files, {_size(upload_bytes)}\n"
        f"  manifest  {manifest.NAME} (SHA-256 and size of every file)"
    )
    for warning in warnings:
        click.echo(f"Warning: {warning}", err=True)


def _restore(directory: Path) -> None:
    found = manifest.read(directory)
    described = found["database"]
    kind = database.kind()
    if described["kind"] != kind:
        raise PortalError(
            f"This backup holds a {described['kind']} database and this portal uses {kind}: "
            f"restore it into a {described['kind']} instance."
        )
    files = manifest.files_of(found)
    problems = []
    with click.progressbar(files, label="Checking checksums") as bar:
        for entry in bar:
            problem = manifest.problem_with(directory, entry)
            if problem:
                problems.append(problem)
    if problems:
        raise PortalError(
            "The backup does not match its manifest; nothing was restored:\n  "
            + "\n  ".join(problems)
        )
    database.refuse_unless_empty()
    upload_root = uploads.root()
    upload_files = uploads.entries(files)
    clashing = uploads.conflicts(upload_root, upload_files)
    if clashing:
        raise PortalError(
            "The upload directory holds other files under the backup's names; nothing was "
            "restored:\n  " + "\n  ".join(clashing)
        )

    click.echo(f"Restoring the {kind} database...")
    contents = database.restore(manifest.inside(directory, described["file"]))
    differing = {
        table: (rows, contents.row_counts.get(table))
        for table, rows in described["row_counts"].items()
        if contents.row_counts.get(table) != rows
    }
    if differing or contents.revision != described.get("alembic_revision"):
        raise PortalError(
            f"The restored database differs from the manifest (rows: {differing}, revision "
            f"{contents.revision} for {described.get('alembic_revision')}); the uploads "
            "were not restored."
        )
    restored = 0
    with click.progressbar(upload_files, label="Restoring uploads") as bar:
        for entry in bar:
            restored += uploads.restore(directory, upload_root, entry)
    already = len(upload_files) - restored
    click.echo(
        f"Restored the backup of {found['created_at']} (portal {found['portal_version']}) "
        f"into this instance:\n"
        f"  database  {len(contents.row_counts)} tables, "
        f"{sum(contents.row_counts.values())} rows, revision {contents.revision or '(none)'}\n"
        f"  uploads   {restored} files into {upload_root}"
        + (f" ({already} already there)" if already else "")
    )
    for warning in found.get("warnings", []):
        click.echo(f"Warning recorded by the backup: {warning}", err=True)
    click.echo("Next:")
    for step in _next_steps(contents.revision, found["portal_version"]):
        click.echo(f"  {step}")


def _next_steps(revision: str | None, made_by: str) -> list[str]:
    state = database.revision_state(revision)
    schema = {
        "current": f"The schema is at this code's revision ({revision}): no migration needed.",
        "older": f"flask db upgrade   (the backup's schema, revision {revision}, is older "
        "than this code's)",
        "unknown": f"The backup's revision {revision} is unknown to this code: install the "
        f"portal version that made it ({made_by}) or a newer one, then flask db upgrade.",
        "none": "The backup's database has no alembic revision: flask db stamp the revision "
        "its schema matches, then flask db upgrade.",
    }[state]
    return [
        schema,
        "flask search reindex   (the search index is not in a backup; rebuild it from the "
        "restored database)",
        "Then start the portal and its worker.",
    ]


def _size(count: int) -> str:
    """A size for people: 512 bytes, 3.4 MB."""
    if count < 1024:
        return f"{count} bytes"
    value, units = count / 1024, ["KB", "MB", "GB", "TB"]
    while value >= 1024 and len(units) > 1:
        value, units = value / 1024, units[1:]
    return f"{value:.1f} {units[0]}"
