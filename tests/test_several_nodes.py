"""Several machines on one PostgreSQL (README "Running on several machines"), proved on
this one: two nodes, each a gunicorn (two workers) with its own search index directory and
``PORTAL_SEARCH_NODE``, and a ``flask portal worker`` each, in production settings, with the
rate limits in one Redis, one upload directory and one SMTP server.

- a job published through node A's API is found by node B's search within 2 seconds;
- every email the workers' tasks queue — application digests, workforce-return and list
  reminders, an alert digest, confirmations, new-application emails — is sent exactly once
  while both workers run pass after pass, and each digest or reminder is queued once;
- the rate limits are shared: requests alternately to A and B are refused at the
  combined count.

PostgreSQL only (its SQLite variant is deselected by conftest, not skipped).
"""

import json
import os
import re
import threading
import time
from collections import Counter
from datetime import timedelta
from functools import partial

import pytest
from flask import current_app
from sqlalchemy import select, text, update

from portal.alerts import services as alerts
from portal.applications import services as applications
from portal.extensions import db
from portal.models import Membership, OutboxMessage, ReportingPeriod, SavedSearch
from portal.models.types import utcnow
from portal.prequal import services as prequal
from portal.timeutil import today_pacific
from tests.support import new_agency, new_job, new_recruiter, new_user
from tests.support.api import applied, auth, make_token, membership_of
from tests.support.backends import redis_server
from tests.support.matching_agencies import add_list, qualify
from tests.support.nodes import START_SECONDS, get, make_node, request, start, stop
from tests.support.reference import community_id, occupation_id
from tests.support.waiting import wait_until

pytestmark = pytest.mark.postgresql_only

REDIS_URL = os.environ.get("PORTAL_TEST_NODES_REDIS_URL", "redis://127.0.0.1:6379/3")
PROPAGATION_LIMIT = 2.0  # seconds from node A's answer to node B's search finding the job
# seconds between two full passes of each worker; between passes it applies the search
# outbox every SEARCH_SYNC_SECONDS (1 s, the default)
WORKER_INTERVAL = 3
API_LIMIT = 20  # above what step 1 asks of the API (4 jobs, 2 requests each)
POLL = partial(time.sleep, 0.1)  # between two searches on node B
MESSAGE_ID_RE = re.compile(r"<outbox-(\d+)-")


@pytest.fixture
def redis_db():
    """This test's own Redis database (``PORTAL_TEST_NODES_REDIS_URL``), emptied before
    and after. No Redis: the test fails under PORTAL_REQUIRE_ALL_BACKENDS (CI), else it
    is skipped."""
    server = redis_server(REDIS_URL)
    server.flushdb()
    yield server
    server.flushdb()
    server.close()


@pytest.fixture
def smtp(smtp_server):
    controller, box = smtp_server
    box.messages.clear()
    yield controller, box
    box.messages.clear()


# --- the data the workers find waiting --------------------------------------------------


def waiting_work() -> tuple:
    """Agencies, staff on daily digests with new applications, a workforce return due, a
    list membership ending soon, a due alert with a new job and a few confirmations:
    what both nodes' workers then race for. Returns the first agency and, for each kind
    of email, who must get exactly one."""
    harbour = new_agency(
        owner=new_user(role="agency", email="owner@harbour.example"), name="Harbour Living"
    )
    valley = new_agency(
        owner=new_user(role="agency", email="owner@valley.example"), name="Valley Care"
    )
    daily = []
    for agency, slug in ((harbour, "harbour"), (valley, "valley")):
        for n in range(4):
            daily.append(
                new_recruiter(agency, new_user(role="agency", email=f"staff{n}@{slug}.example"))
            )
    db.session.execute(
        update(Membership)
        .where(Membership.user_id.in_([u.id for u in daily]))
        .values(application_alerts="daily")
    )
    db.session.commit()
    for agency, names in ((harbour, ("Amelia Zhang", "Bruno Ortiz")), (valley, ("Chen Wu",))):
        for name in names:
            applied(new_job(agency=agency, title=f"Support Worker for {name}"), name=name)

    # a workforce return due in 10 days: every approved agency's owner is reminded
    db.session.add(
        ReportingPeriod(
            fiscal_year=2030, status="open", due_on=today_pacific() + timedelta(days=10)
        )
    )
    # a list membership ending in 10 days: its member is reminded
    member = qualify(db, add_list(db, harbour), new_user(email="member@seeker.example"))
    member.expires_at = utcnow() + timedelta(days=10)
    db.session.commit()

    # a confirmed alert, due, and a job published since: one digest; and confirmations
    with current_app.test_request_context():
        alert = alerts.create(frequency="daily", query="q=kestrel", email="kestrel@seeker.example")
        for n in range(6):
            alerts.create(frequency="weekly", query=f"q=worker{n}", email=f"visitor{n}@x.example")
    db.session.execute(
        update(SavedSearch)
        .where(SavedSearch.id == alert.id)
        .values(
            confirmed_at=utcnow() - timedelta(hours=1), next_run_at=utcnow() - timedelta(minutes=1)
        )
    )
    db.session.commit()
    new_job(agency=valley, title="Kestrel Outreach Worker")
    return harbour, {
        "digest": {u.email for u in daily},
        "return": {"owner@harbour.example", "owner@valley.example"},
        "list": {"member@seeker.example"},
        "alert": {"kestrel@seeker.example"},
    }


KINDS = {  # subject -> kind of email
    "digest": re.compile(r"^\d+ new applications? for "),
    "return": re.compile(r"^Workforce return .* due "),
    "list": re.compile(r"^Your membership of .* ends soon$"),
    "alert": re.compile(r"^\d+ new jobs?: "),
}


def kind_of(subject: str) -> str | None:
    return next((kind for kind, pattern in KINDS.items() if pattern.search(subject)), None)


# --- a job through node A's API ----------------------------------------------------------


def job_body(title: str) -> bytes:
    return json.dumps(
        {
            "title": title,
            "occupation_id": occupation_id(db, "42201"),
            "community_id": community_id(db, "Nelson"),
            "employment_type": "part_time",
            "hours_per_week": 30,
            "schedule": "Evenings and weekends",
            "pay_min": 25.5,
            "pay_max": 29.75,
            "pay_unit": "hourly",
            "union_position": False,
            "description": f"Support adults in a staffed home ({title}).",
            "how_to_apply": "Apply on the portal.",
            "closes_on": (today_pacific() + timedelta(days=30)).isoformat(),
        }
    ).encode()


def publish_through(node, token: str, title: str) -> tuple[int, float]:
    """Create and publish a job with node's API; (job id, the time of the publish answer)."""
    headers = {**auth(token), "Content-Type": "application/json"}
    status, _, body = request("POST", f"{node.base}/api/v1/jobs", job_body(title), headers)
    assert status == 201, body
    job_id = json.loads(body)["id"]
    status, _, body = request("POST", f"{node.base}/api/v1/jobs/{job_id}/publish", b"", headers)
    answered = time.monotonic()
    assert status == 200 and json.loads(body)["status"] == "published", body
    return job_id, answered


def found(node, word: str, job_id: int) -> bool:
    status, _, page = get(f"{node.base}/jobs?q={word}")
    assert status == 200
    return f'href="/jobs/{job_id}"' in page


def seconds_to_find(a, b, token: str, word: str) -> float:
    """Publish a job titled with ``word`` through node A; the seconds from A's answer
    until node B's search page lists it (asked every 0.1 s)."""
    job_id, answered = publish_through(a, token, f"{word} Support Worker")
    assert found(a, word, job_id)  # A's own index has it at once
    wait_until(lambda: found(b, word, job_id), 30, f"B never found {word}", pause=POLL)
    return time.monotonic() - answered


# --- the test ----------------------------------------------------------------------------


def test_two_nodes_on_one_postgresql_with_redis(app, tmp_path, smtp, redis_db):
    controller, box = smtp
    harbour, expected = waiting_work()
    token = make_token(membership_of(harbour.owner, harbour))
    queued_before = db.session.scalar(select(db.func.count()).select_from(OutboxMessage))
    assert queued_before > 10

    settings = {  # the same on every node: the shared services
        "PORTAL_DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
        "PORTAL_UPLOAD_DIR": app.config["UPLOAD_DIR"],
        "PORTAL_RATELIMIT_STORAGE_URL": REDIS_URL,
        "PORTAL_RATELIMIT_API": f"{API_LIMIT} per hour",
        "PORTAL_MAIL_SERVER": "127.0.0.1",
        "PORTAL_MAIL_PORT": str(controller.port),
        "PORTAL_BASE_URL": "https://jobs.example.org",
    }
    nodes = [make_node(name, tmp_path / name, settings) for name in ("a", "b")]
    a, b = nodes
    try:
        start(nodes, web_workers=2, interval=WORKER_INTERVAL)
        wait_until(lambda: all(n.passes() >= 1 for n in nodes), START_SECONDS, "no pass")

        # 1. published through A, found by B's search within 2 seconds (after one job that
        # warms the processes up: their first search, their first pass with a new job)
        warm_up = seconds_to_find(a, b, token, "Caribou")
        times = [seconds_to_find(a, b, token, w) for w in ("Ptarmigan", "Marten", "Pika")]
        print(f"publish on A -> found on B: {warm_up:.2f} s (warm-up), then", end=" ")
        print(", ".join(f"{t:.2f} s" for t in times))
        assert max(times) < PROPAGATION_LIMIT, times

        # 2. every queued email sent once, with both workers running pass after pass
        def all_sent() -> bool:
            db.session.expire_all()
            waiting = db.session.scalar(
                select(db.func.count())
                .select_from(OutboxMessage)
                .where(OutboxMessage.sent_at.is_(None))
            )
            return waiting == 0 and len(box.messages) >= queued_before

        wait_until(all_sent, 90, "the workers did not send every email")
        passes = {n.name: n.passes() for n in nodes}
        wait_until(
            lambda: all(n.passes() >= passes[n.name] + 3 for n in nodes),
            90,
            "the workers stopped passing",
        )
        outbox = {m.id: m for m in db.session.scalars(select(OutboxMessage))}
        received = Counter(int(MESSAGE_ID_RE.match(m["Message-ID"]).group(1)) for m in box.messages)
        assert set(received) == set(outbox)
        assert [i for i, n in received.items() if n > 1] == []  # none sent twice
        by_kind = Counter()
        for message in outbox.values():
            kind = kind_of(message.subject)
            if kind is not None:
                by_kind[kind, message.recipient] += 1
        for kind, recipients in expected.items():
            for recipient in recipients:
                assert by_kind[kind, recipient] == 1, (kind, recipient, by_kind)
        assert sum(by_kind.values()) == sum(len(r) for r in expected.values()), by_kind
        print("emails sent by worker:", {n.name: n.mail_sent() for n in nodes})
        assert sum(n.mail_sent() for n in nodes) == len(outbox)

        # 3. rate limits counted once for both nodes (Redis), not per node or process
        redis_db.flushdb()  # from zero; the publishing above used the API too
        statuses = []
        for n in range(API_LIMIT + 2):
            node = nodes[n % 2]
            statuses.append(get(f"{node.base}/api/v1/regions")[0])
        assert statuses == [200] * API_LIMIT + [429, 429], statuses
        assert redis_db.dbsize() > 0  # the count lives in Redis

        # each node reports itself healthy to the load balancer, its index caught up
        for node in nodes:
            status, _, body = get(f"{node.base}/healthz")
            health = json.loads(body)
            assert (status, health["status"], health["node"]) == (200, "ok", node.name), health
            assert health["checks"]["outbox_lag"]["rows"] == 0, health
        assert all(not n.alive() for n in nodes), [n.alive() for n in nodes]
    finally:
        stop(nodes)
    for node in nodes:
        for kind in ("web", "worker"):
            output = node.log(kind)
            assert "Traceback" not in output, f"{node.name} {kind}:\n{output}"
        assert ": failed: " not in node.log("worker"), node.log("worker")  # a task failed


# --- two workers on one row at the same moment -------------------------------------------


def at_once(app, task) -> tuple:
    """``task()`` (it flushes, the caller commits) in two threads, as the workers of two
    machines would run it: the second starts while the first's transaction is still open
    and runs until it waits for a row lock (or ends); then the first commits, and the
    second goes on and commits. Returns both results."""
    results: dict = {}
    first_done, commit_now = threading.Event(), threading.Event()

    def run(name: str, hold: bool) -> None:
        with app.test_request_context(base_url=app.config["BASE_URL"]):
            try:
                results[name] = task()
                if hold:
                    first_done.set()
                    commit_now.wait(60)
                db.session.commit()
            except BaseException as exc:
                results[name] = exc
                first_done.set()
                raise

    def waiting_for_a_lock() -> bool:
        db.session.rollback()  # pg_stat_activity is read once per transaction
        return bool(
            db.session.scalar(
                text(
                    "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
                    " AND wait_event_type = 'Lock'"
                )
            )
        )

    first = threading.Thread(target=run, args=("first", True))
    first.start()
    assert first_done.wait(60), "the first worker did not finish its task"
    second = threading.Thread(target=run, args=("second", False))
    second.start()
    try:
        wait_until(
            lambda: waiting_for_a_lock() or not second.is_alive(),
            30,
            "the second worker neither waited nor ended",
        )
    finally:
        commit_now.set()
        first.join(60)
        second.join(60)
        db.session.rollback()
    return results["first"], results["second"]


def test_digests_and_list_reminders_are_claimed_once_by_two_workers_at_once(app):
    harbour = new_agency(name="Harbour Living")
    staff = [new_recruiter(harbour) for _ in range(2)]
    db.session.execute(
        update(Membership)
        .where(Membership.user_id.in_([u.id for u in staff]))
        .values(application_alerts="daily")
    )
    member = qualify(db, add_list(db, harbour), new_user())
    member.expires_at = utcnow() + timedelta(days=10)
    db.session.commit()
    applied(new_job(agency=harbour, title="Harbour Support Worker"), name="Amelia Zhang")

    assert at_once(app, applications.send_digests) == (2, 0)
    assert at_once(app, prequal.expire_and_remind) == ((0, 1), (0, 0))
    subjects = Counter(db.session.scalars(select(OutboxMessage.subject)))
    assert subjects["1 new application for Harbour Living"] == 2  # one to each of the staff
    assert subjects["Your membership of List of Harbour Living ends soon"] == 1
