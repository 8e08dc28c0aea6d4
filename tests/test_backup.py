"""``flask portal backup DIR`` and ``flask portal restore DIR``: a backup taken while rows
and résumé files are being written restores every row committed before it and every file,
into an empty instance only, from an intact backup only."""

import hashlib
import io
import json
import shutil
import threading
import uuid
from datetime import datetime

import psycopg
import pytest
from alembic.script import ScriptDirectory
from flask import current_app
from flask_migrate import stamp
from psycopg.conninfo import conninfo_to_dict
from sqlalchemy import func, inspect, make_url, select, table, text
from werkzeug.datastructures import FileStorage

from portal import create_app
from portal.backup import uploads
from portal.backup.database import libpq
from portal.extensions import db as _db
from portal.jobs import services as jobs
from portal.models import Agency, Job, Resume, User
from portal.seekers import resumes
from tests.support import PG_URL, job_fields, new_agency, new_user
from tests.support.waiting import wait_until


def invoke(app, *args):
    """Run ``flask ...`` on ``app`` (its own app context: the CLI uses the current app)."""
    with app.app_context():
        return app.test_cli_runner().invoke(args=list(args))


def sha256(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def files_under(folder) -> dict[str, str]:
    """{path relative to ``folder``: SHA-256} of every file under it."""
    return {
        path.relative_to(folder).as_posix(): sha256(path)
        for path in folder.rglob("*")
        if path.is_file()
    }


def row_counts() -> dict[str, int]:
    with _db.engine.connect() as conn:
        return {
            name: conn.scalar(select(func.count()).select_from(table(name)))
            for name in inspect(conn).get_table_names()
        }


def heads() -> ScriptDirectory:
    return ScriptDirectory.from_config(current_app.extensions["migrate"].migrate.get_config())


@pytest.fixture
def stamped(app, db):
    """Stamp the test's database with a migration revision (the head by default), as
    ``flask db upgrade`` leaves it (test databases are made by ``create_all``)."""

    def stamp_as(revision: str = "head") -> str:
        stamp(revision=revision)
        return db.session.scalar(text("SELECT version_num FROM alembic_version"))

    yield stamp_as
    if db.engine.dialect.name == "postgresql":  # the worker's database outlives the test
        db.session.remove()
        with db.engine.begin() as conn:
            conn.exec_driver_sql("DROP TABLE IF EXISTS alembic_version")


@pytest.fixture
def empty_instance(app, tmp_path):
    """A second portal on an empty database (a new SQLite file, or a new PostgreSQL
    database dropped after the test) with its own upload and index folders."""
    admin_dsn = None
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        url = f"sqlite:///{tmp_path / 'restored.db'}"
    else:
        base = make_url(PG_URL)
        name = f"portal_restore_{uuid.uuid4().hex[:8]}"
        admin_dsn = base.set(drivername="postgresql").render_as_string(hide_password=False)
        with psycopg.connect(admin_dsn, autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        url = base.set(database=name).render_as_string(hide_password=False)
    restored = create_app(
        "testing",
        {
            "DATABASE_URL": url,
            "SEARCH_INDEX_DIR": str(tmp_path / "restored-search"),
            "UPLOAD_DIR": str(tmp_path / "restored-uploads"),
        },
    )
    yield restored
    with restored.app_context():
        _db.session.remove()
        _db.engine.dispose()
    if admin_dsn is not None:
        with psycopg.connect(admin_dsn, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def write_one(agency, seeker, committed: list) -> None:
    """One transaction as the portal makes them: a published job (its search outbox row,
    audit events) and a stored résumé file; recorded once committed."""
    n = len(committed) + 1
    job = jobs.create_draft(agency, job_fields(_db, title=f"Lighthouse keeper {n}"), agency.owner)
    jobs.publish(job, agency.owner)
    pdf = FileStorage(io.BytesIO(b"%PDF-1.4\n% resume " + str(n).encode()), filename="cv.pdf")
    resume = resumes.store(seeker, pdf)
    written = (job.id, resume.stored_name, resume.sha256)
    _db.session.commit()
    committed.append(written)


def test_a_backup_during_writes_restores_every_committed_row_and_file(
    app, db, stamped, empty_instance, tmp_path, monkeypatch
):
    revision = stamped()
    agency = new_agency()
    seeker = new_user(role="seeker")
    agency_id, seeker_id = agency.id, seeker.id
    committed: list[tuple[int, str, str]] = []
    for _ in range(3):
        write_one(agency, seeker, committed)
    stop, errors = threading.Event(), []

    def writer():
        try:
            with app.app_context():
                own_agency = _db.session.get(Agency, agency_id)
                own_seeker = _db.session.get(User, seeker_id)
                while not stop.is_set():
                    write_one(own_agency, own_seeker, committed)
                _db.session.remove()
        except Exception as error:  # reported below
            errors.append(error)

    # the uploads are copied after the snapshot: the writer commits twice more in between
    copy, after_snapshot = uploads.back_up, []

    def back_up_after_more_writes(*args):
        if not after_snapshot:
            after_snapshot.append(len(committed))
            wait_until(lambda: len(committed) >= after_snapshot[0] + 2, timeout=120)
        return copy(*args)

    monkeypatch.setattr(uploads, "back_up", back_up_after_more_writes)
    backup = tmp_path / "backup" / "2026-12-05"
    thread = threading.Thread(target=writer)
    thread.start()
    try:
        wait_until(lambda: len(committed) >= 6, timeout=120, message="the writer is stuck")
        before = len(committed)  # committed before the backup started
        result = invoke(app, "portal", "backup", str(backup))
    finally:
        stop.set()
        thread.join(timeout=120)
    assert errors == [] and not thread.is_alive()
    assert result.exit_code == 0, result.output
    assert "Backup written to" in result.output and "Warning" not in result.output

    manifest = json.loads((backup / "manifest.json").read_text())
    database = manifest["database"]
    assert manifest["format_version"] == 1 and manifest["portal_version"] == "0.1.0"
    assert datetime.fromisoformat(manifest["created_at"]).tzinfo is not None
    assert database["kind"] == db.engine.dialect.name
    assert database["alembic_revision"] == revision
    listed = {entry["path"]: entry for entry in manifest["files"]}
    assert set(listed) == set(files_under(backup)) - {"manifest.json"}
    for path, entry in listed.items():
        assert sha256(backup / path) == entry["sha256"]
        assert (backup / path).stat().st_size == entry["size"]

    restore = invoke(empty_instance, "portal", "restore", str(backup))
    assert restore.exit_code == 0, restore.output
    assert "no migration needed" in restore.output and "flask search reindex" in restore.output

    with empty_instance.app_context():
        # the snapshot is one moment: the first k transactions, every one before the backup
        kept = _db.session.scalars(
            select(Job.id).where(Job.title.startswith("Lighthouse keeper")).order_by(Job.id)
        ).all()
        k = len(kept)
        assert before <= k <= after_snapshot[0] < len(committed)
        assert kept == [job_id for job_id, _, _ in committed[:k]]
        rows = _db.session.execute(select(Resume.stored_name, Resume.sha256)).all()
        assert sorted(rows) == sorted((name, digest) for _, name, digest in committed[:k])
        assert _db.session.scalar(text("SELECT version_num FROM alembic_version")) == revision
        assert row_counts() == database["row_counts"]

        # every file of the backup, each row's among them; later files too (harmless)
        restored_files = files_under(uploads.root())
        assert restored_files == {
            path.removeprefix("uploads/"): entry["sha256"]
            for path, entry in listed.items()
            if path.startswith("uploads/")
        }
        for name, digest in rows:
            assert restored_files[f"resumes/{name}"] == digest
        assert len(restored_files) >= k + 2

        reindex = invoke(empty_instance, "search", "reindex")
        assert reindex.exit_code == 0, reindex.output
        found = empty_instance.test_client().get("/api/v1/jobs?q=lighthouse&limit=100")
        assert found.status_code == 200
        assert found.get_json()["total"] == k
        assert sorted(job["id"] for job in found.get_json()["jobs"]) == kept

        # the sequences came back too: the restored portal numbers new rows after them
        more: list = []
        write_one(_db.session.get(Agency, agency_id), _db.session.get(User, seeker_id), more)
        assert more[0][0] > kept[-1]


def test_restore_refuses_rows_a_changed_file_a_missing_file_and_no_manifest(
    app, db, stamped, empty_instance, make_user, tmp_path
):
    stamped()
    seeker = make_user(role="seeker")
    resumes.store(seeker, FileStorage(io.BytesIO(b"%PDF-1.4\n% cv"), filename="cv.pdf"))
    db.session.commit()
    backup = tmp_path / "backup"
    assert invoke(app, "portal", "backup", str(backup)).exit_code == 0
    database_file = json.loads((backup / "manifest.json").read_text())["database"]["file"]

    # into a portal whose database has rows
    users_before = row_counts()["users"]
    refused = invoke(app, "portal", "restore", str(backup))
    assert refused.exit_code == 1
    assert "The database is not empty" in refused.output and "users (" in refused.output
    assert row_counts()["users"] == users_before

    def refused_copy(name: str, damage) -> str:
        broken = tmp_path / name
        shutil.copytree(backup, broken)
        damage(broken)
        result = invoke(empty_instance, "portal", "restore", str(broken))
        assert result.exit_code == 1
        with empty_instance.app_context():
            assert row_counts() == {}
            assert not uploads.root().exists()
        return result.output

    def flip_a_byte(folder):
        resume = next((folder / "uploads" / "resumes").iterdir())
        data = bytearray(resume.read_bytes())
        data[-1] ^= 1
        resume.write_bytes(bytes(data))

    output = refused_copy("changed", flip_a_byte)
    assert "does not match its manifest; nothing was restored" in output
    assert "uploads/resumes/" in output and "SHA-256" in output

    output = refused_copy("missing", lambda folder: (folder / database_file).unlink())
    assert f"{database_file}: missing" in output

    output = refused_copy("unfinished", lambda folder: (folder / "manifest.json").unlink())
    assert "has no manifest.json" in output

    # an empty schema (tables without rows) is an empty instance: the backup restores
    with empty_instance.app_context():
        _db.create_all()
        _db.session.remove()
    restored = invoke(empty_instance, "portal", "restore", str(backup))
    assert restored.exit_code == 0, restored.output
    with empty_instance.app_context():
        assert row_counts()["users"] == users_before
        assert len(files_under(uploads.root())) == 1


def test_backup_refuses_a_directory_that_is_not_empty(app, tmp_path):
    busy = tmp_path / "busy"
    busy.mkdir()
    (busy / "notes.txt").write_text("keep me")
    result = invoke(app, "portal", "backup", str(busy))
    assert result.exit_code == 1
    assert f"{busy} is not empty: a backup goes into a new or empty directory" in result.output
    assert [p.name for p in busy.iterdir()] == ["notes.txt"]


def test_pg_dump_gets_the_password_from_the_environment_never_the_command_line():
    url = make_url("postgresql+psycopg://portal:s%40cret@db.example:5433/jobs?sslmode=require")
    conninfo, env = libpq(url)
    assert conninfo_to_dict(conninfo) == {
        "host": "db.example",
        "port": "5433",
        "user": "portal",
        "dbname": "jobs",
        "sslmode": "require",
    }
    assert env["PGPASSWORD"] == "s@cret"


@pytest.mark.postgresql_only
def test_backup_without_pg_dump_says_so(app, tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path / "no-programs-here"))
    backup = tmp_path / "backup"
    result = invoke(app, "portal", "backup", str(backup))
    assert result.exit_code == 1
    assert "pg_dump was not found on PATH" in result.output
    assert f"The backup did not finish: {backup} has no manifest.json" in result.output
    assert not (backup / "manifest.json").exists()


def test_a_file_deleted_after_the_snapshot_is_a_warning_and_an_old_schema_is_named(
    app, db, stamped, empty_instance, make_user, tmp_path, monkeypatch
):
    head = heads().get_current_head()
    older = stamped(heads().get_revision(head).down_revision)
    seeker = make_user(role="seeker")
    kept, purged = (
        resumes.store(seeker, FileStorage(io.BytesIO(b"%PDF-1.4\n% " + n), filename="cv.pdf"))
        for n in (b"kept", b"purged")
    )
    db.session.commit()
    gone = f"uploads/resumes/{purged.stored_name}"
    copy = uploads.back_up

    def purge_meanwhile(base, relative, directory):  # e.g. the privacy purge, after the snapshot
        (base / "resumes" / purged.stored_name).unlink(missing_ok=True)
        return copy(base, relative, directory)

    monkeypatch.setattr(uploads, "back_up", purge_meanwhile)
    backup = tmp_path / "backup"
    result = invoke(app, "portal", "backup", str(backup))
    assert result.exit_code == 0, result.output
    assert f"Warning: {gone}: deleted after the snapshot; not in the backup" in result.output
    manifest = json.loads((backup / "manifest.json").read_text())
    assert manifest["warnings"] == [f"{gone}: deleted after the snapshot; not in the backup"]
    assert manifest["database"]["alembic_revision"] == older
    paths = {entry["path"] for entry in manifest["files"]}
    assert f"uploads/resumes/{kept.stored_name}" in paths and gone not in paths

    restored = invoke(empty_instance, "portal", "restore", str(backup))
    assert restored.exit_code == 0, restored.output
    assert f"Warning recorded by the backup: {gone}" in restored.output
    assert f"flask db upgrade   (the backup's schema, revision {older}" in restored.output
    with empty_instance.app_context():
        assert set(files_under(uploads.root())) == {f"resumes/{kept.stored_name}"}
