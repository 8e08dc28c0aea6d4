"""``GET /healthz`` for load balancers, the worker's heartbeat and the admin home page's
"Background worker" panel (portal/health), and the worker's search sync between passes."""

import os
import shutil
import socket
import subprocess
import sys
import threading
import time
from datetime import timedelta

import pytest
from sqlalchemy import make_url, select, update

from portal import create_app, worker
from portal.extensions import db as _db
from portal.models import OutboxMessage, SearchOutbox, WorkerHeartbeat
from portal.models.types import utcnow
from portal.search import SearchParams, node_name, search
from tests.support import text
from tests.support.waiting import wait_until


def healthz(client, expected_status: int = 200) -> dict:
    response = client.get("/healthz")
    assert response.status_code == expected_status, response.get_data(as_text=True)
    assert response.mimetype == "application/json"
    assert response.headers["Cache-Control"] == "no-store"
    assert "Set-Cookie" not in response.headers
    return response.get_json()


def invoke(runner, *args) -> str:
    result = runner.invoke(args=list(args))
    assert result.exit_code == 0, (result.output, result.exception)
    return result.output


def beating(db, seconds_ago: float = 0, name: str = "elsewhere:42") -> None:
    """A worker (on another node) whose last heartbeat was ``seconds_ago``."""
    moment = utcnow() - timedelta(seconds=seconds_ago)
    db.session.add(
        WorkerHeartbeat(
            name=name,
            node=name.split(":")[0],
            pid=int(name.split(":")[1]),
            started_at=moment,
            beat_at=moment,
            pass_seconds=0.5,
            failed_tasks=[],
        )
    )
    db.session.commit()


def waiting_mail(db, seconds_ago: float) -> None:
    db.session.add(
        OutboxMessage(
            recipient="someone@example.org",
            subject="Hello",
            body_text="Hello",
            created_at=utcnow() - timedelta(seconds=seconds_ago),
        )
    )
    db.session.commit()


# --- /healthz --------------------------------------------------------------------------


def test_healthz_is_ok_once_the_worker_has_run(app, client, runner, make_job):
    make_job(title="Youth Worker")
    make_job(title="Clinical Counsellor")
    invoke(runner, "portal", "worker", "--once")

    found = healthz(client)
    assert found["status"] == "ok", found
    assert found["node"] == node_name()
    assert found["reasons"] == []
    checks = found["checks"]
    assert checks["database"]["ok"] is True and 0 <= checks["database"]["ms"] < 5000
    assert checks["index"] == {"ok": True, "documents": 2, "rebuilding": False}
    assert checks["outbox_lag"] == {"rows": 0, "oldest_seconds": None}
    assert checks["mail_queue"] == {"waiting": 0, "oldest_seconds": None}
    assert 0 <= checks["worker"]["last_beat_seconds"] < 60


def test_healthz_degraded_when_this_nodes_index_lags_the_outbox(app, db, client, runner, make_job):
    job = make_job(title="Youth Worker")
    beating(db)
    # a change another node wrote 200 s ago that this node's index has not applied
    db.session.add(SearchOutbox(job_id=job.id, created_at=utcnow() - timedelta(seconds=200)))
    db.session.commit()

    found = healthz(client)
    assert found["status"] == "degraded"
    assert found["checks"]["outbox_lag"]["rows"] == 1
    assert 200 <= found["checks"]["outbox_lag"]["oldest_seconds"] < 260
    assert [r.split(":")[0] for r in found["reasons"]] == ["outbox_lag"], found["reasons"]
    assert "limit 120 s" in found["reasons"][0]

    app.config["HEALTH_OUTBOX_LAG_SECONDS"] = 600  # the limit is a setting
    assert healthz(client)["status"] == "ok"
    app.config["HEALTH_OUTBOX_LAG_SECONDS"] = 120
    invoke(runner, "search", "sync")  # applied: no lag
    found = healthz(client)
    assert found["status"] == "ok" and found["checks"]["outbox_lag"]["rows"] == 0


def test_healthz_degraded_when_mail_waits_too_long(app, db, client):
    beating(db)
    waiting_mail(db, seconds_ago=60)
    found = healthz(client)
    assert found["status"] == "ok"
    assert found["checks"]["mail_queue"]["waiting"] == 1

    waiting_mail(db, seconds_ago=1000)
    found = healthz(client)
    assert found["status"] == "degraded"
    assert found["checks"]["mail_queue"]["waiting"] == 2
    assert 1000 <= found["checks"]["mail_queue"]["oldest_seconds"] < 1060
    assert [r.split(":")[0] for r in found["reasons"]] == ["mail_queue"]


def test_healthz_degraded_without_a_recent_worker_heartbeat(app, db, client):
    found = healthz(client)
    assert found["status"] == "degraded"
    assert found["checks"]["worker"] == {"last_beat_seconds": None}
    assert found["reasons"] == ["worker: no worker has ever beaten"]

    beating(db, seconds_ago=400)
    found = healthz(client)
    assert found["status"] == "degraded"
    assert 400 <= found["checks"]["worker"]["last_beat_seconds"] < 460
    assert found["reasons"][0].startswith("worker: newest worker heartbeat 4")

    app.config["HEALTH_WORKER_STALE_SECONDS"] = 900
    assert healthz(client)["status"] == "ok"
    app.config["HEALTH_WORKER_STALE_SECONDS"] = 300
    beating(db, name="here:43")  # any node's worker will do
    assert healthz(client)["status"] == "ok"


def test_healthz_fails_when_the_index_cannot_be_opened(app, db, client, tmp_path):
    beating(db)
    not_a_directory = tmp_path / "index-is-a-file"
    not_a_directory.write_text("not an index")
    app.config["SEARCH_INDEX_DIR"] = str(not_a_directory)

    found = healthz(client, 503)
    assert found["status"] == "fail"
    assert found["checks"]["index"]["ok"] is False
    assert found["checks"]["index"]["error"] == "NotADirectoryError"
    assert found["checks"]["database"]["ok"] is True
    assert found["reasons"] == ["index: NotADirectoryError"]


def test_healthz_degraded_while_a_lost_index_is_rebuilt(app, db, client, runner, make_job):
    make_job(title="Youth Worker")
    app.config["SEARCH_REBUILD_IN_REQUEST_MAX"] = 0  # too big to rebuild in a request
    shutil.rmtree(app.config["SEARCH_INDEX_DIR"])
    beating(db)

    found = healthz(client)  # answers from an empty stand-in meanwhile
    assert found["status"] == "degraded"
    assert found["checks"]["index"] == {"ok": True, "documents": 0, "rebuilding": True}
    assert found["reasons"] == ["index: being rebuilt from the database"]

    invoke(runner, "portal", "worker", "--once")  # the worker rebuilds it
    found = healthz(client)
    assert found["status"] == "ok"
    assert found["checks"]["index"] == {"ok": True, "documents": 1, "rebuilding": False}


def unreachable(url: str, tmp_path) -> str:
    """The same kind of database, where nothing answers."""
    if url.startswith("sqlite"):
        return f"sqlite:///{tmp_path / 'no-such-directory' / 'portal.db'}"
    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return make_url(url).set(host="127.0.0.1", port=port).render_as_string(hide_password=False)


def test_healthz_fails_when_the_database_is_unreachable(app, client, make_user, login, tmp_path):
    login(client, make_user())  # a signed-in visitor's cookie: no user is loaded for it
    cookie = client.get_cookie("session")
    down = create_app(
        "testing",
        {
            "DATABASE_URL": unreachable(app.config["SQLALCHEMY_DATABASE_URI"], tmp_path),
            "SEARCH_INDEX_DIR": str(tmp_path / "search-down"),
        },
    )
    try:
        for visitor in ("anonymous", "signed in"):
            probe = down.test_client()
            if visitor == "signed in":
                probe.set_cookie("session", cookie.value)
            found = healthz(probe, 503)
            assert found["status"] == "fail", visitor
            assert found["checks"]["database"] == {
                "ok": False,
                "ms": None,
                "error": "OperationalError",
            }
            assert found["checks"]["index"]["ok"] is True  # served, if from a stand-in
            assert found["checks"]["worker"] == {"last_beat_seconds": None}
            assert found["reasons"][0] == "database: OperationalError"  # failures first
    finally:
        with down.app_context():
            _db.engine.dispose()


@pytest.mark.parametrize("role", ["seeker", "admin"])
def test_healthz_sets_no_cookie_and_leaves_a_sign_in_alone(app, db, client, make_user, login, role):
    beating(db)
    assert healthz(client)["status"] == "ok"  # anonymous: no cookie either (in healthz)

    user = make_user(role=role, two_step=role == "admin")
    login(client, user)
    before = client.get_cookie("session").value
    found = healthz(client)
    assert found["status"] == "ok"
    assert client.get_cookie("session").value == before
    home = "/dashboard" if role == "seeker" else "/admin/"
    assert client.get(home).status_code == 200  # still signed in


# --- the worker's heartbeat ------------------------------------------------------------


def test_the_worker_writes_its_heartbeat_and_lists_failing_tasks(app, db, runner, monkeypatch):
    beating(db, seconds_ago=2 * 86400, name="retired:7")  # not seen for two days: forgotten
    invoke(runner, "portal", "worker", "--once")

    name = f"{node_name()}:once"  # a --once run (cron) keeps one row per node
    row = db.session.get(WorkerHeartbeat, name)
    assert row is not None
    assert (row.node, row.pid) == (node_name(), os.getpid())
    assert row.pass_seconds is not None and row.pass_seconds > 0
    assert row.failed_tasks == []
    assert (utcnow() - row.beat_at).total_seconds() < 60
    assert db.session.get(WorkerHeartbeat, "retired:7") is None
    first_beat = row.beat_at

    def broken():
        raise RuntimeError("relay on fire")

    tasks = [(n, broken if n in ("expire-jobs", "alerts") else t) for n, t in worker.TASKS]
    monkeypatch.setattr(worker, "TASKS", tasks)
    result = runner.invoke(args=["portal", "worker", "--once"])
    assert result.exit_code == 0
    assert "expire-jobs: failed: relay on fire" in result.output
    assert "mail: sent" in result.output  # the other tasks still ran

    db.session.expire_all()
    row = db.session.get(WorkerHeartbeat, name)
    assert row.beat_at > first_beat
    assert row.failed_tasks == ["expire-jobs", "alerts"]
    assert db.session.scalar(select(_db.func.count()).select_from(WorkerHeartbeat)) == 1


def test_admin_home_shows_the_background_worker(app, db, client, runner, make_user, login):
    login(client, make_user(role="admin", two_step=True))
    page = text(client.get("/admin/"))
    assert "Background worker" in page
    assert "No worker has reported in the last 5 minutes." in page
    assert "No worker has run yet." in page

    invoke(runner, "portal", "worker", "--once")
    beating(db, seconds_ago=3 * 3600, name="old-node:99")
    db.session.execute(
        update(WorkerHeartbeat)
        .where(WorkerHeartbeat.name == "old-node:99")
        .values(failed_tasks=["mail"], pass_seconds=12.25)
    )
    waiting_mail(db, seconds_ago=20 * 60)
    db.session.commit()

    page = text(client.get("/admin/"))
    assert "No worker has reported" not in page
    panel = page.split('id="background-worker"', 1)[1]
    rows = [r.split("</tr>")[0] for r in panel.split("<tr>")[2:]]
    assert len(rows) == 2
    assert f"<td>{node_name()}</td><td>{os.getpid()}</td>" in rows[0]
    assert "second" in rows[0] and "ago" in rows[0]
    assert "none</td>" in rows[0]
    assert "<td>old-node</td><td>99</td><td>3 hours ago (silent)</td>" in rows[1]
    assert "12.2 s" in rows[1] and ">mail</span>" in rows[1]
    assert "1 waiting, the oldest queued 20 minutes ago" in panel
    assert "0 in doubt" in panel and "0 given up" in panel

    db.session.execute(update(WorkerHeartbeat).values(beat_at=utcnow() - timedelta(hours=1)))
    db.session.commit()
    assert "No worker has reported in the last 5 minutes." in text(client.get("/admin/"))


# --- the worker applies the search outbox between passes -------------------------------


def found_on(app_b, title_word: str) -> bool:
    with app_b.app_context():
        return search(SearchParams(q=title_word)).total == 1


def test_a_job_published_on_another_node_is_searchable_here_within_seconds(
    app, db, make_job, tmp_path
):
    """Node B's worker, a separate process with its own index, passes only once an hour:
    the job published through node A (this test) reaches B's index by the outbox sync
    between passes (SEARCH_SYNC_SECONDS, default 1)."""
    app.config["SEARCH_NODE"] = "node-a"
    make_job(title="Youth Worker")
    url = app.config["SQLALCHEMY_DATABASE_URI"]
    b_index = tmp_path / "search-b"
    env = {
        **os.environ,
        "PORTAL_ENV": "testing",
        "PORTAL_DATABASE_URL": url,
        "PORTAL_SEARCH_INDEX_DIR": str(b_index),
        "PORTAL_UPLOAD_DIR": str(tmp_path / "uploads"),
        "PORTAL_SEARCH_NODE": "node-b",
        "PORTAL_WORKER_INTERVAL_SECONDS": "3600",
    }
    env.pop("PORTAL_SEARCH_SYNC_SECONDS", None)  # the default
    with open(tmp_path / "worker-b.log", "w+") as log:
        node_b = subprocess.Popen(
            [sys.executable, "-m", "flask", "--app", "portal", "portal", "worker"],
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            elapsed = searchable_on_b(app, db, make_job, url, b_index)
            print(f"published on node A, searchable on node B after {elapsed:.2f} s")
            assert node_b.poll() is None  # still between its passes
        finally:
            node_b.terminate()
            node_b.wait(timeout=30)
        log.seek(0)
        output = log.read()
    passes = [line for line in output.splitlines() if line.startswith("search: ")]
    assert len(passes) == 1, output  # one pass only: the job came by the sync in between
    assert "Traceback" not in output, output


def searchable_on_b(app, db, make_job, url: str, b_index) -> float:
    """Seconds from publishing through node A to finding the job in node B's index."""
    app_b = create_app(
        "testing", {"DATABASE_URL": url, "SEARCH_INDEX_DIR": str(b_index), "SEARCH_NODE": "node-b"}
    )

    def first_pass_done() -> bool:
        db.session.rollback()  # a new snapshot each time
        beat = db.session.scalar(
            select(WorkerHeartbeat.pass_seconds).where(WorkerHeartbeat.node == "node-b")
        )
        return beat is not None

    try:
        wait_until(first_pass_done, 90, "node B's worker did not finish its first pass")
        assert found_on(app_b, "youth")  # the first pass caught B's index up

        make_job(title="Zanzibar Outreach Worker")  # committed (and indexed) by node A
        published = time.monotonic()
        assert found_on(app, "zanzibar")
        wait_until(lambda: found_on(app_b, "zanzibar"), 20, "not searchable on node B")
        return time.monotonic() - published
    finally:
        with app_b.app_context():
            _db.session.remove()
            _db.engine.dispose()


def test_the_search_sync_thread_keeps_node_b_current_during_a_long_pass(
    app, db, make_job, tmp_path, monkeypatch
):
    """Node B's worker is stuck in a long pass (a task that waits): the job published
    through node A still reaches B's index, by the worker's search-sync thread."""
    app.config["SEARCH_NODE"] = "node-a"
    url = app.config["SQLALCHEMY_DATABASE_URI"]
    app_b = create_app(
        "testing",
        {"DATABASE_URL": url, "SEARCH_INDEX_DIR": str(tmp_path / "b"), "SEARCH_NODE": "node-b"},
    )
    in_pass, release, stop = threading.Event(), threading.Event(), threading.Event()

    def long_task() -> str:
        in_pass.set()
        release.wait(60)
        return "done"

    monkeypatch.setattr(worker, "TASKS", [("long", long_task)])

    def run_worker_b() -> None:
        with app_b.app_context():
            worker.loop(3600, once=False, stop=stop)

    node_b = threading.Thread(target=run_worker_b, daemon=True)
    node_b.start()
    try:
        wait_until(in_pass.is_set, 30, "node B's pass did not start")
        make_job(title="Quokka Outreach Worker")  # committed (and indexed) by node A
        published = time.monotonic()
        wait_until(lambda: found_on(app_b, "quokka"), 20, "not searchable on node B")
        elapsed = time.monotonic() - published
        print(f"searchable on node B {elapsed:.2f} s after publishing, during B's pass")
        assert elapsed < 5  # about SEARCH_SYNC_SECONDS (1 s), not the pass's length
        assert not release.is_set() and node_b.is_alive()  # the pass was still running
    finally:
        release.set()
        stop.set()
        node_b.join(timeout=60)
        with app_b.app_context():
            _db.session.remove()
            _db.engine.dispose()
    assert not node_b.is_alive()  # the loop ends when stopped, its sync thread with it
