"""The search index recovers with no manual step: deleted (the whole root, the live
directory, its pointer) or unusable (a table of contents or segment file gone), the next
request rebuilds it from the database — or, for a sector too big to rebuild in a request,
serves an empty stand-in and says so until the worker's next pass rebuilds it. A reindex
killed halfway leaves the old index serving and its half-built directory is removed by
the next worker pass; one killed just after its swap loses no change. Two processes that
find the index lost at once rebuild it once."""

import glob
import os
import re
import shutil
import signal
import subprocess
import sys
from datetime import timedelta

import pytest
from sqlalchemy import delete, insert, select, update

from portal.extensions import db as _db
from portal.models import Job, JobShare, SearchNode, SearchOutbox
from portal.models.types import utcnow
from portal.search import directories, index, rebuilding, recovery, sync
from tests.support import new_job
from tests.support.waiting import wait_until

HIT_RE = re.compile(r'<h3 class="h5 mb-1"><a href="[^"]*/jobs/(\d+)">')
NOTICE = 'id="search-rebuilding"'


def found(client, q: str) -> set[int]:
    response = client.get("/jobs", query_string={"q": q})
    assert response.status_code == 200
    return {int(i) for i in HIT_RE.findall(response.get_data(as_text=True))}


def page(client, q: str) -> str:
    response = client.get("/jobs", query_string={"q": q})
    assert response.status_code == 200
    return response.get_data(as_text=True)


def index_dirs(root: str) -> list[str]:
    return sorted(n for n in os.listdir(root) if n.startswith(directories.PREFIX))


def high_water() -> int:
    _db.session.expire_all()
    return _db.session.scalar(
        select(SearchNode.high_water).where(SearchNode.name == sync.node_name())
    )


def add_jobs(db, like: Job, n: int) -> None:
    """``n`` more published jobs like ``like``, written straight to the database (no
    outbox rows: only a rebuild indexes them)."""
    row = {c.name: getattr(like, c.name) for c in Job.__table__.columns if c.name != "id"}
    share = like.shares[0]
    share_row = {
        c.name: getattr(share, c.name)
        for c in JobShare.__table__.columns
        if c.name not in ("id", "job_id")
    }
    ids = db.session.scalars(
        insert(Job).returning(Job.id),
        [{**row, "title": f"Bulk Support Worker {i}"} for i in range(n)],
    ).all()
    db.session.execute(insert(JobShare), [{**share_row, "job_id": i} for i in ids])
    db.session.commit()


def children(pid: int) -> list[int]:
    """The processes whose parent is ``pid`` (Linux's /proc)."""
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = read(f"/proc/{entry}/stat")
        except OSError:  # ended meanwhile
            continue
        if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
            found.append(int(entry))
    return found


def flask_env(app) -> dict:
    """A ``flask`` command as a process of its own, on the test's database and index."""
    _db.session.commit()
    return {
        **os.environ,
        "PORTAL_ENV": "testing",
        "PORTAL_DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
        "PORTAL_SEARCH_INDEX_DIR": app.config["SEARCH_INDEX_DIR"],
        "PORTAL_UPLOAD_DIR": app.config["UPLOAD_DIR"],
    }


def flask(app, *args: str, timeout: float = 300) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "flask", "--app", "portal", *args],
        env=flask_env(app),
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout + done.stderr


@pytest.fixture
def jobs(make_agency, make_job):
    agency = make_agency(name="Tidewater Society")
    return {
        "lifeguard": make_job(agency=agency, title="Lifeguard and Swim Instructor"),
        "ece": make_job(agency=agency, title="Early Childhood Educator"),
        "counsellor": make_job(agency=agency, title="Clinical Counsellor"),
    }


def make_job_in(db, jobs, title: str) -> Job:
    return new_job(agency=jobs["lifeguard"].agency, title=title)


def read(path) -> str:
    with open(path, encoding="utf-8") as handle:
        return handle.read()


def live_dir() -> str:
    return index.current_dir(create=False)


def break_root(root):
    shutil.rmtree(root)


def break_live_dir(root):
    shutil.rmtree(live_dir())


def break_pointer(root):
    os.unlink(os.path.join(root, directories.POINTER))


def break_toc(root):
    tocs = glob.glob(os.path.join(live_dir(), "_MAIN_*.toc"))
    assert tocs
    for toc in tocs:
        os.unlink(toc)


def break_segment(root):
    segments = glob.glob(os.path.join(live_dir(), "MAIN_*.seg"))
    assert segments
    os.unlink(segments[0])


@pytest.mark.parametrize(
    "damage",
    [break_root, break_live_dir, break_pointer, break_toc, break_segment],
    ids=["root", "live-directory", "pointer", "table-of-contents", "segment"],
)
def test_the_next_request_rebuilds_a_lost_index(app, db, client, runner, jobs, damage):
    assert found(client, "lifeguard") == {jobs["lifeguard"].id}
    root = index.root_dir()
    before = live_dir()
    mark = high_water()

    damage(root)

    assert found(client, "lifeguard") == {jobs["lifeguard"].id}  # no manual step
    assert found(client, "educator") == {jobs["ece"].id}
    assert found(client, "") == {j.id for j in jobs.values()}
    assert NOTICE not in page(client, "counsellor") and not rebuilding()
    assert live_dir() != before and index_dirs(root) == [os.path.basename(live_dir())]
    assert runner.invoke(args=["search", "check"]).output == "index matches the database\n"

    # the outbox carries on into the new index: the mark moves to where the build began
    assert high_water() == mark
    assert "applied 0 outbox rows" in runner.invoke(args=["search", "sync"]).output
    assert high_water() == mark
    closed = jobs["counsellor"]
    closed.status = "closed"
    sync.enqueue([closed.id])
    db.session.commit()
    sync.sync_after_commit()
    assert found(client, "counsellor") == set()


def test_a_new_node_starts_empty_and_takes_the_outbox(app, db, client, make_job, caplog):
    """No index and no high-water mark yet: a new empty index that the outbox fills, not
    a rebuild (nothing was lost)."""
    job = make_job(title="Beekeeping Mentor")
    assert found(client, "beekeeping") == {job.id}
    assert not rebuilding()
    assert "search index" not in caplog.text


def test_a_new_node_after_the_outbox_was_pruned_rebuilds_from_the_database(
    app, db, client, jobs, tmp_path, caplog
):
    """A node added after the outbox lost its oldest rows (kept 2 days) cannot learn every
    job from it: its first index is built from the database, with no manual step."""
    _db.session.execute(delete(SearchOutbox))
    _db.session.commit()
    app.config["SEARCH_NODE"] = "node-added-later"
    app.config["SEARCH_INDEX_DIR"] = str(tmp_path / "new-node-index")
    assert found(client, "lifeguard") == {jobs["lifeguard"].id}
    assert not rebuilding()


def test_a_big_sector_is_rebuilt_by_the_worker_while_requests_are_answered(
    app, db, client, jobs, make_job
):
    app.config["SEARCH_REBUILD_IN_REQUEST_MAX"] = 0  # every sector is too big
    root = index.root_dir()
    shutil.rmtree(root)

    # the request answers at once from an empty stand-in, and says so
    text = page(client, "lifeguard")
    assert NOTICE in text and HIT_RE.findall(text) == []
    assert rebuilding()
    assert NOTICE in page(client, "")
    # a job published meanwhile goes into the stand-in
    newer = make_job(title="Lifeguard Trainee")
    assert newer.id in found(client, "lifeguard")
    assert rebuilding()

    output = flask(app, "portal", "worker", "--once")  # the worker, a process of its own

    assert re.search(r"search: rebuilt the index \(4 jobs\)", output), output
    assert not rebuilding()
    assert found(client, "lifeguard") == {jobs["lifeguard"].id, newer.id}
    assert found(client, "educator") == {jobs["ece"].id}
    assert NOTICE not in page(client, "lifeguard")
    assert index_dirs(root) == [os.path.basename(live_dir())]


def test_a_rebuild_that_failed_in_a_request_is_left_to_the_worker(
    app, db, client, runner, jobs, monkeypatch
):
    """A request tries once (a web server's timeout may kill it halfway); after that the
    worker's pass rebuilds, and the requests answer from the stand-in meanwhile."""
    lifeguard = jobs["lifeguard"].id
    shutil.rmtree(index.root_dir())

    def broken(job):
        raise RuntimeError("the database went away")

    monkeypatch.setattr(recovery, "document", broken)
    text = page(client, "lifeguard")
    assert NOTICE in text and HIT_RE.findall(text) == []
    monkeypatch.undo()
    recovery._failed_until.clear()  # as in another web process, which did not see it fail
    assert NOTICE in page(client, "lifeguard")  # no second try in a request
    assert rebuilding()

    output = runner.invoke(args=["portal", "worker", "--once"]).output
    assert "search: rebuilt the index (3 jobs)" in output, output
    assert found(client, "lifeguard") == {lifeguard}
    assert NOTICE not in page(client, "lifeguard") and not rebuilding()


def test_a_reindex_killed_halfway_leaves_the_old_index_serving(app, db, client, runner, jobs):
    add_jobs(db, jobs["lifeguard"], 2000)  # enough for the reindex to be killed while it indexes
    root = index.root_dir()
    old = live_dir()
    before = found(client, "lifeguard")
    assert before == {jobs["lifeguard"].id}

    reindex = subprocess.Popen(
        [sys.executable, "-m", "flask", "--app", "portal", "search", "reindex"],
        env=flask_env(app),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,  # its own process group: Whoosh's indexing processes too
    )
    try:

        def indexing() -> bool:  # a new directory with documents on their way
            building = [os.path.join(root, n) for n in index_dirs(root)]
            return any(
                name.endswith(".tmp")
                for path in building
                if path != old
                for name in os.listdir(path)
            )

        wait_until(
            lambda: indexing() and children(reindex.pid),
            120,
            "the reindex did not start indexing",
        )
        reindex.kill()  # SIGKILL, halfway, while its indexing processes run
        reindex.wait(timeout=30)

        def group_gone() -> bool:
            try:
                os.killpg(reindex.pid, 0)
            except ProcessLookupError:
                return True
            return False

        # Whoosh's indexing processes end with it, instead of waiting on their queue
        wait_until(group_gone, 30, "the reindex's indexing processes outlived it")
    finally:
        try:
            os.killpg(reindex.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    assert reindex.returncode == -signal.SIGKILL

    orphans = [n for n in index_dirs(root) if os.path.join(root, n) != old]
    assert len(orphans) == 1  # the half-built directory
    assert live_dir() == old  # the old index stays live and answers as before
    assert found(client, "lifeguard") == before
    assert not rebuilding()
    newer = make_job_in(db, jobs, "Beekeeping Mentor")  # no stale Whoosh lock
    assert found(client, "beekeeping") == {newer.id}

    output = runner.invoke(args=["portal", "worker", "--once"]).output
    assert "search: removed 1 unused index directory" in output, output
    assert index_dirs(root) == [os.path.basename(old)]
    assert not [n for n in os.listdir(root) if n.endswith(".building")]

    result = runner.invoke(args=["search", "reindex"])
    assert result.exit_code == 0, result.output
    assert "indexed 2004 published jobs" in result.output
    assert len(found(client, "bulk")) > 0
    assert runner.invoke(args=["search", "check"]).output == "index matches the database\n"


class Killed(Exception):
    """Stands for the reindex process dying at this point."""


def test_a_reindex_killed_just_after_the_swap_loses_no_change(
    app, db, client, runner, jobs, monkeypatch
):
    root = index.root_dir()
    changed = {}
    write_record, swap_in = directories.write_build_record, directories.swap_in

    def change_meanwhile(path, high_water, applied):
        # another process publishes a job while the reindex runs, after the reindex read
        # the jobs: applied to the old index, and the mark moves past the build's start
        job = make_job_in(db, jobs, "Falconry Instructor")
        db.session.execute(  # older than the trailing window: only the mark brings it back
            update(SearchOutbox)
            .where(SearchOutbox.job_id == job.id)
            .values(created_at=utcnow() - sync.TRAILING_WINDOW - timedelta(minutes=1))
        )
        db.session.commit()
        changed["job"] = job.id
        write_record(path, high_water, applied)

    def swap_then_die(path):
        swap_in(path)
        raise Killed

    monkeypatch.setattr(directories, "write_build_record", change_meanwhile)
    monkeypatch.setattr(directories, "swap_in", swap_then_die)
    result = runner.invoke(args=["search", "reindex"])
    assert isinstance(result.exception, Killed)
    monkeypatch.undo()

    assert index_dirs(root) == [os.path.basename(live_dir())]  # the new index is live
    assert found(client, "lifeguard") == {jobs["lifeguard"].id}
    assert high_water() >= sync.outbox_max_id()  # the old mark: past the falconry job

    # the next outbox pass moves the mark back to where the build began
    assert re.search(r"applied [1-9]\d* outbox rows", runner.invoke(args=["search", "sync"]).output)
    assert found(client, "falconry") == {changed["job"]}
    assert runner.invoke(args=["search", "check"]).output == "index matches the database\n"
    assert "applied 0 outbox rows" in runner.invoke(args=["search", "sync"]).output


def test_two_processes_that_find_the_index_lost_rebuild_it_once(app, db, jobs, tmp_path):
    root = index.root_dir()
    shutil.rmtree(root)
    os.makedirs(root)
    lock = directories.pointer_lock(root)
    lock.acquire()  # both processes find the index lost, then wait for the lock
    held = True
    logs = [open(tmp_path / f"check-{n}.log", "w+") for n in range(2)]  # noqa: SIM115
    processes = []
    try:
        for log in logs:
            processes.append(
                subprocess.Popen(
                    [sys.executable, "-m", "flask", "--app", "portal", "search", "check"],
                    env=flask_env(app),
                    stdout=log,
                    stderr=subprocess.STDOUT,
                    text=True,
                )
            )

        def both_found_it_lost() -> bool:
            return all("no CURRENT pointer" in read(log.name) for log in logs)

        wait_until(both_found_it_lost, 120, "the two processes did not find the index lost")
        lock.release()
        held = False
        for process in processes:
            process.wait(timeout=300)
    finally:
        if held:
            lock.release()
        for process in processes:
            process.kill()
    outputs = []
    for log in logs:
        log.seek(0)
        outputs.append(log.read())
        log.close()
    assert [p.returncode for p in processes] == [0, 0], outputs
    assert all("index matches the database" in out for out in outputs), outputs
    joined = "".join(outputs)
    assert joined.count("an empty index stands in") == 1, outputs
    assert joined.count("rebuilt from the database: 3 jobs") == 1, outputs
    assert len(index_dirs(root)) == 1
    assert not rebuilding()
