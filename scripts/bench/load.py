"""Load benchmark: the portal under gunicorn (2 workers) on 127.0.0.1, with the demo data
(`flask portal load-reference`, `flask portal seed-demo`) plus N published jobs and their
applications (bulk-inserted), the index built by `flask search reindex`; then simulated
visitors in two runs, each bounded in time and in requests:

- thinking: V visitors (50) who think about 2 seconds between requests, for 2 minutes
  (measured after they have all arrived, over the first 10 seconds);
- saturated: C visitors (16) who never think, for 60 seconds: the server's throughput.

A visitor is, one visit after another, someone looking for work without an account (home,
search with filters, job pages), a seeker (signs in, searches, reads jobs, applies to one:
the form page for its CSRF token, then the form), or agency staff (signs in, reads the
applicant lists of their agency's jobs). Each visit starts with no cookies.

    .venv/bin/python scripts/bench/load.py --quick   # 10,000 jobs, 30 s and 20 s runs
    .venv/bin/python scripts/bench/load.py           # 100,000 jobs, 2 min and 60 s
    .venv/bin/python scripts/bench/load.py --database-url postgresql+psycopg://...
    .venv/bin/python scripts/bench/load.py --data /tmp/load100k   # keep, reuse the data
    .venv/bin/python scripts/bench/load.py --profile  # cProfile and time the workers

The portal runs with the production settings (argon2 as configured, one log line per
request), a random secret key and seed-demo allowed. Beside each page's time as the
visitor saw it, the table shows its time inside the portal (from the request log: the
rest is the wait for a free worker) and its share of the workers' time. With
--database-url (a PostgreSQL server, through any database on it) the benchmark creates its
own database there and drops it at the end (kept with --data). Prints a table per run,
then one JSON object as the last line. Not a test: no assertions.
"""

import argparse
import http.client
import json
import os
import random
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from datetime import timedelta
from http.cookies import SimpleCookie
from urllib.parse import urlencode

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, ROOT)
sys.path.insert(0, HERE)

from search import QUERIES  # noqa: E402

BIN = os.path.dirname(sys.executable)
KINDS = ("search", "job", "home", "sign_in", "apply", "applicants")
STAFF_AGENCIES = 12  # demo agencies whose staff sign in to read applicant lists
CHUNK = 5000
# applications per job: (share of jobs, fewest, most)
APPLICANTS = [(0.70, 0, 0), (0.20, 1, 4), (0.08, 5, 25), (0.02, 26, 70)]
EXTRA_WORDS = ["support", "youth", "ECE", "casual", "night", "outreach worker", "Kelowna"]


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def pct(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


# --- the portal's data -----------------------------------------------------------------


def flask(env, *args) -> None:
    command = [os.path.join(BIN, "flask"), "--app", "portal", *args]
    started = time.perf_counter()
    done = subprocess.run(command, env=env, cwd=ROOT, capture_output=True, text=True)
    if done.returncode:
        sys.stderr.write(done.stdout + done.stderr)
        raise SystemExit(f"flask {' '.join(args)} failed ({done.returncode})")
    log(f"flask {' '.join(args)}: {time.perf_counter() - started:.1f} s")


def add_jobs(n: int, seed: int) -> dict:
    """``n`` published jobs written like the demo's (``portal.demo.jobs``), bulk-inserted
    with one share each and their credentials, for the approved demo agencies that post;
    then applications from the demo seekers who have a résumé (``APPLICANTS``)."""
    from sqlalchemy import func, insert, select

    from portal.demo.jobs import generate_jobs
    from portal.demo.services import agency_profiles, communities_by_region, posting_agency
    from portal.extensions import db
    from portal.models import (
        Agency,
        Application,
        ApplicationDecision,
        ApplicationEvent,
        Community,
        Credential,
        Job,
        JobCredential,
        JobShare,
        Occupation,
        SeekerProfile,
    )
    from portal.models.types import utcnow
    from portal.timeutil import today_pacific

    rng = random.Random(seed)
    agencies = list(
        db.session.scalars(
            select(Agency).where(posting_agency(), Agency.status == "approved").order_by(Agency.id)
        )
    )
    owners = {a.id: a.owner.id for a in agencies}
    occupation = dict(db.session.execute(select(Occupation.noc_code, Occupation.id)).all())
    community = dict(db.session.execute(select(Community.name, Community.id)).all())
    region_of = dict(db.session.execute(select(Community.id, Community.region_id)).all())
    credential = dict(db.session.execute(select(Credential.code, Credential.id)).all())
    started = time.perf_counter()
    specs = generate_jobs(rng, n, agency_profiles(agencies), communities_by_region())
    log(f"{n} jobs written in {time.perf_counter() - started:.1f} s")

    first_job = (db.session.scalar(select(func.max(Job.id))) or 0) + 1
    first_share = (db.session.scalar(select(func.max(JobShare.id))) or 0) + 1
    now, today = utcnow(), today_pacific()
    jobs, shares, links = [], [], []
    for k, spec in enumerate(specs):
        job_id, place = first_job + k, community[spec["community"]]
        published = now - timedelta(days=spec["days_open"], minutes=k % 1440)
        jobs.append(
            {"id": job_id, "agency_id": spec["agency_id"], "title": spec["title"],
             "description": spec["description"], "occupation_id": occupation[spec["noc"]],
             "community_id": place, "region_id": region_of[place],
             "employment_type": spec["employment_type"],
             "hours_per_week": spec["hours_per_week"], "schedule": spec["schedule"],
             "pay_min_cents": spec["pay_min_cents"], "pay_max_cents": spec["pay_max_cents"],
             "pay_unit": spec["pay_unit"], "union_position": spec["union_position"],
             "pooled": False, "how_to_apply": spec["how_to_apply"],
             "closes_on": today + timedelta(days=spec["closes_in_days"]),
             "status": "published", "published_at": published, "view_count": 0,
             "created_by_id": owners[spec["agency_id"]], "created_at": published,
             "updated_at": published, "version_id": 1}
        )  # fmt: skip
        shares.append(
            {"id": first_share + k, "job_id": job_id, "agency_id": spec["agency_id"],
             "hours_per_week": spec["hours_per_week"],
             "schedule_blocks": [list(b) for b in spec["schedule_blocks"]],
             "community_id": place, "pay_min_cents": spec["pay_min_cents"],
             "pay_max_cents": spec["pay_max_cents"], "pay_unit": spec["pay_unit"],
             "unionized": spec["union_position"], "status": "accepted"}
        )  # fmt: skip
        required = [credential[c] for c in spec["required_credentials"]]
        links += [{"job_id": job_id, "credential_id": c, "required": True} for c in required]
        links += [
            {"job_id": job_id, "credential_id": credential[c], "required": False}
            for c in spec["preferred_credentials"]
            if credential[c] not in required
        ]
    for model, rows in ((Job, jobs), (JobShare, shares), (JobCredential, links)):
        for i in range(0, len(rows), CHUNK):
            db.session.execute(insert(model), rows[i : i + CHUNK])

    # applications: the demo seekers who have a résumé, never twice to one job
    seekers = db.session.execute(
        select(SeekerProfile.user_id, SeekerProfile.resume_id)
        .where(SeekerProfile.resume_id.is_not(None))
        .order_by(SeekerProfile.user_id)
    ).all()
    first_app = (db.session.scalar(select(func.max(Application.id))) or 0) + 1
    first_decision = (db.session.scalar(select(func.max(ApplicationDecision.id))) or 0) + 1
    applications, decisions, events = [], [], []
    statuses = ["new"] * 6 + ["screening"] * 2 + ["interview", "declined"]
    for k, job in enumerate(jobs):
        roll, count = rng.random(), 0
        for share, low, high in APPLICANTS:
            if roll < share:
                count = rng.randint(low, high)
                break
            roll -= share
        for user_id, resume_id in rng.sample(seekers, min(count, len(seekers))):
            app_id = first_app + len(applications)
            decision_id = first_decision + len(decisions)
            sent = job["published_at"] + timedelta(minutes=rng.randint(5, 60 * 24 * 10))
            sent = min(sent, now)
            applications.append(
                {"id": app_id, "job_id": job["id"], "seeker_id": user_id, "resume_id": resume_id,
                 "cover_note": "I would love to join your team.", "knocked_out": False,
                 "submitted_at": sent}
            )  # fmt: skip
            decisions.append(
                {"id": decision_id, "application_id": app_id, "share_id": shares[k]["id"],
                 "agency_id": job["agency_id"], "status": rng.choice(statuses),
                 "updated_at": sent}
            )  # fmt: skip
            events.append(
                {"application_id": app_id, "decision_id": None, "actor_id": user_id,
                 "to_status": "new", "created_at": sent}
            )  # fmt: skip
    for model, rows in (
        (Application, applications),
        (ApplicationDecision, decisions),
        (ApplicationEvent, events),
    ):
        for i in range(0, len(rows), CHUNK):
            db.session.execute(insert(model), rows[i : i + CHUNK])
    db.session.commit()
    move_sequences(Job, JobShare, JobCredential, Application, ApplicationDecision)
    from portal.demo.services import refresh_statistics

    refresh_statistics()
    db.session.commit()
    return {"jobs_added": len(jobs), "applications_added": len(applications)}


def move_sequences(*models) -> None:
    """PostgreSQL: rows were inserted with explicit ids, so move the id sequences on."""
    from sqlalchemy import text

    from portal.extensions import db

    if db.engine.dialect.name != "postgresql":
        return
    for model in models:
        table = model.__tablename__
        db.session.execute(
            text(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                f"(SELECT max(id) FROM {table}))"
            )
        )
    db.session.commit()


def visit_plan(seed: int) -> dict:
    """What the visitors use: filter values, published jobs, seekers who can apply, and
    agency staff with the jobs of their agency that have applicants."""
    from sqlalchemy import func, select

    from portal.demo.services import DEMO_DOMAIN, DEMO_PASSWORD
    from portal.extensions import db
    from portal.models import (
        Agency,
        ApplicationDecision,
        Community,
        Job,
        JobShare,
        Membership,
        Occupation,
        Region,
        ScreeningQuestion,
        SeekerProfile,
        User,
    )

    rng = random.Random(seed)
    published = list(db.session.scalars(select(Job.id).where(Job.status == "published")))
    seekers = list(
        db.session.scalars(
            select(User.email)
            .join(SeekerProfile, SeekerProfile.user_id == User.id)
            .where(SeekerProfile.resume_id.is_not(None), User.email.like(f"%@{DEMO_DOMAIN}"))
            .order_by(User.id)
        )
    )
    counts = (
        select(JobShare.job_id, ApplicationDecision.agency_id, func.count().label("n"))
        .join(JobShare, ApplicationDecision.share_id == JobShare.id)
        .group_by(JobShare.job_id, ApplicationDecision.agency_id)
        .subquery()
    )
    busiest = db.session.execute(
        select(counts.c.agency_id, func.sum(counts.c.n))
        .join(Agency, Agency.id == counts.c.agency_id)
        .where(Agency.status == "approved", Agency.slug.like("demo-%"))
        .group_by(counts.c.agency_id)
        .order_by(func.sum(counts.c.n).desc())
        .limit(STAFF_AGENCIES)
    ).all()
    staff = []
    for agency_id, _ in busiest:
        jobs = db.session.execute(
            select(counts.c.job_id, counts.c.n)
            .where(counts.c.agency_id == agency_id)
            .order_by(counts.c.n.desc())
            .limit(200)
        ).all()
        emails = db.session.scalars(
            select(User.email)
            .join(Membership, Membership.user_id == User.id)
            .where(Membership.agency_id == agency_id, User.totp_enabled_at.is_(None))
        ).all()
        staff += [(email, [j for j, _ in jobs], [n for _, n in jobs]) for email in emails]
    return {
        "password": DEMO_PASSWORD,
        "jobs": rng.sample(published, min(len(published), 20_000)),
        "regions": list(db.session.scalars(select(Region.id))),
        "communities": list(
            db.session.scalars(
                select(Community.id).where(Community.id.in_(select(Job.community_id).distinct()))
            )
        ),
        "occupations": list(db.session.scalars(select(Occupation.id))),
        "seekers": seekers,
        "staff": staff,
        # jobs whose form asks screening questions: the visitors apply elsewhere
        "asks": set(db.session.scalars(select(ScreeningQuestion.job_id).distinct())),
    }


# --- the server ------------------------------------------------------------------------

PROFILE_HOOKS = '''
"""gunicorn hooks for load.py --profile: cProfile of each request, and per request its
time in SQL, in templates, in search, in password hashing (written at worker exit)."""
import cProfile, json, os, re, time

OUT = {out!r}
state = {{"prof": None, "rows": [], "cur": None}}  # prof: the request's


def _kind(method, path):
    if path == "/":
        return "home"
    if path == "/jobs":
        return "search"
    if re.fullmatch(r"/jobs/\\d+", path):
        return "job"
    if re.fullmatch(r"/jobs/\\d+/apply", path):
        return "apply"
    if path == "/login":
        return "sign_in"
    if re.fullmatch(r"/agency/jobs/\\d+/applicants", path):
        return "applicants"
    return "other"


def _timed(owner, name, section):
    original = getattr(owner, name)

    def wrapper(*args, **kwargs):
        cur = state["cur"]
        t0 = time.perf_counter()
        try:
            return original(*args, **kwargs)
        finally:
            if cur is not None:
                cur[section] = cur.get(section, 0.0) + time.perf_counter() - t0

    setattr(owner, name, wrapper)


def post_worker_init(worker):
    from flask import before_render_template, template_rendered
    from sqlalchemy import event
    from sqlalchemy.engine import Engine

    import portal.auth.services
    import portal.search

    def before_sql(conn, cursor, statement, parameters, context, executemany):
        conn.info["t0"] = time.perf_counter()

    def after_sql(conn, cursor, statement, parameters, context, executemany):
        cur = state["cur"]
        if cur is not None:
            cur["sql"] = cur.get("sql", 0.0) + time.perf_counter() - conn.info.pop("t0")
            cur["sql_n"] = cur.get("sql_n", 0) + 1

    event.listen(Engine, "before_cursor_execute", before_sql)
    event.listen(Engine, "after_cursor_execute", after_sql)

    def before_render(sender, template, context, **extra):
        cur = state["cur"]
        if cur is not None:
            cur.setdefault("render_stack", []).append(time.perf_counter())

    def rendered(sender, template, context, **extra):
        cur = state["cur"]
        if cur is not None and cur.get("render_stack"):
            t0 = cur["render_stack"].pop()
            if not cur["render_stack"]:  # a template rendered inside another counts once
                cur["render"] = cur.get("render", 0.0) + time.perf_counter() - t0

    before_render_template.connect(before_render, weak=False)
    template_rendered.connect(rendered, weak=False)
    _timed(portal.search, "search", "search")
    _timed(portal.search, "more_like", "search")
    _timed(portal.auth.services, "verify_password", "hash")
    state["profs"] = {{}}


def pre_request(worker, req):
    kind = _kind(req.method, req.path)
    state["cur"] = {{"kind": kind, "method": req.method, "t0": time.perf_counter()}}
    state["prof"] = state["profs"].setdefault(f"{{kind}}-{{req.method}}", cProfile.Profile())
    state["prof"].enable()


def post_request(worker, req, environ, resp):
    if state["prof"] is not None:
        state["prof"].disable()
        state["prof"] = None
    cur, state["cur"] = state["cur"], None
    if cur is not None:
        cur["total"] = time.perf_counter() - cur.pop("t0")
        cur.pop("render_stack", None)
        state["rows"].append(cur)


def worker_exit(server, worker):
    if "profs" in state:
        for name, prof in state["profs"].items():
            prof.dump_stats(os.path.join(OUT, f"{{name}}.{{os.getpid()}}.pstats"))
        with open(os.path.join(OUT, f"worker-{{os.getpid()}}.json"), "w") as f:
            json.dump(state["rows"], f)
'''


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(env, tmp, workers, profile_dir=None, extra=()):
    port = free_port()
    command = [
        os.path.join(BIN, "gunicorn"),
        "--workers",
        str(workers),
        "--bind",
        f"127.0.0.1:{port}",
        "--error-logfile",
        os.path.join(tmp, "gunicorn.log"),
        "--no-control-socket",  # gunicorn 27's socket in ~/.gunicorn is one per user
        *extra,
    ]
    if profile_dir:
        hooks = os.path.join(profile_dir, "hooks.py")
        with open(hooks, "w", encoding="utf-8") as f:
            f.write(PROFILE_HOOKS.format(out=profile_dir))
        command += ["--config", hooks]
    server = subprocess.Popen([*command, "portal:create_app()"], env=env, cwd=ROOT)
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"gunicorn exited ({server.returncode}): see {tmp}/gunicorn.log")
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            conn.request("GET", "/")
            if conn.getresponse().status == 200:
                return server, port
        except OSError:
            time.sleep(0.3)
    server.terminate()
    raise SystemExit("gunicorn did not answer within 3 minutes")


def stop_server(server) -> None:
    server.send_signal(signal.SIGTERM)  # graceful: workers run worker_exit
    try:
        server.wait(60)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait()


# --- the visitors ----------------------------------------------------------------------

CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


class Stop(Exception):
    """The run is over (its time or its count of requests)."""


class Run:
    """One run's clock, count and results (shared by its visitor threads)."""

    def __init__(self, seconds, max_requests, think, ramp=0.0):
        self.seconds, self.max_requests, self.think = seconds, max_requests, think
        self.ramp = ramp  # visitors arrive over these first seconds, not measured
        self.lock = threading.Lock()
        self.times: dict[tuple[str, str], list[float]] = {}
        self.errors: dict[str, int] = {}
        self.samples: list[str] = []
        self.count = 0
        self.started = self.measured = self.ends = 0.0
        self.server: dict[tuple[str, str], list[float]] = {}  # from the request log
        self.cpu: dict[str, float] = {}  # cores used, by whom

    def start(self):
        self.started = time.monotonic()
        self.measured = self.started + self.ramp
        self.ends = self.measured + self.seconds

    def take(self) -> None:
        with self.lock:
            if self.count >= self.max_requests or time.monotonic() >= self.ends:
                raise Stop
            self.count += 1

    def record(self, kind, method, began, ms, error=None):
        with self.lock:
            if began >= self.measured:
                self.times.setdefault((kind, method), []).append(ms)
            if error:
                self.errors[kind] = self.errors.get(kind, 0) + 1
                if len(self.samples) < 10:
                    self.samples.append(f"{kind} {method}: {error}")


class Visitor:
    def __init__(self, run: Run, port: int, plan: dict, rng: random.Random, counters):
        self.run, self.plan, self.rng, self.counters = run, plan, rng, counters
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        self.cookies: dict[str, str] = {}

    # one request, timed, with its outcome checked
    def request(self, kind, path, expect, form=None):
        self.run.take()
        method = "POST" if form is not None else "GET"
        headers = {"User-Agent": "load.py", "Accept": "text/html"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if form is not None:
            body = urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        began, t0 = time.monotonic(), time.perf_counter()
        for attempt in (1, 2):
            reused = self.conn.sock is not None
            try:
                self.conn.request(method, path, body=body, headers=headers)
                response = self.conn.getresponse()
                text = response.read().decode("utf-8", "replace")
                break
            except (OSError, http.client.HTTPException) as exc:
                self.conn.close()
                # a kept-alive connection the server closed meanwhile: a browser sends the
                # request again on a new one (the server never saw it)
                stale = isinstance(exc, (BrokenPipeError, ConnectionResetError))
                if attempt == 1 and reused and stale:  # (RemoteDisconnected is a reset)
                    continue
                ms = (time.perf_counter() - t0) * 1000
                self.run.record(kind, method, began, ms, repr(exc))
                return None, ""
        ms = (time.perf_counter() - t0) * 1000
        for header in response.headers.get_all("Set-Cookie") or []:
            for name, morsel in SimpleCookie(header).items():
                self.cookies[name] = morsel.value
        if response.headers.get("Connection", "").lower() == "close":
            self.conn.close()
        error = None if response.status in expect else f"{response.status} on {path}"
        self.run.record(kind, method, began, ms, error)
        return response, text

    def think(self):
        if self.run.think:
            pause = self.rng.uniform(0.5, 1.5) * self.run.think
            if time.monotonic() + pause >= self.run.ends:
                raise Stop
            time.sleep(pause)

    # pages
    def search_path(self):
        rng, plan, args = self.rng, self.plan, []
        if rng.random() < 0.8:
            q = rng.choice(QUERIES)
            if rng.random() < 0.15:
                q += " " + rng.choice(EXTRA_WORDS)
            args.append(("q", q))
        if rng.random() < 0.5:
            args.append(("region", rng.choice(plan["regions"])))
        if rng.random() < 0.3:
            args.append(("type", rng.choice(["full_time", "part_time", "casual", "temporary"])))
        if rng.random() < 0.2:
            args.append(("occupation", rng.choice(plan["occupations"])))
        if rng.random() < 0.1:
            args.append(("community", rng.choice(plan["communities"])))
        if rng.random() < 0.15:
            args.append(("pay", rng.choice([2000, 2500, 3000])))
        if rng.random() < 0.1:
            args.append(("sort", rng.choice(["newest", "pay"])))
        if rng.random() < 0.1:
            args.append(("page", rng.randint(2, 4)))
        return "/jobs" + ("?" + urlencode(args) if args else "")

    def browse(self, steps):
        """Search and read jobs; returns the jobs read."""
        read = []
        for _ in range(steps):
            roll = self.rng.random()
            if roll < 0.1:
                self.request("home", "/", (200,))
            elif roll < 0.55:
                self.request("search", self.search_path(), (200,))
            else:
                job_id = self.rng.choice(self.plan["jobs"])
                self.request("job", f"/jobs/{job_id}", (200,))
                read.append(job_id)
            self.think()
        return read

    def sign_in(self, email):
        _, page = self.request("sign_in", "/login", (200,))
        self.think()
        token = CSRF.search(page)
        form = {"email": email, "password": self.plan["password"]}
        response, _ = self.request(
            "sign_in", "/login", (302,), {**form, "csrf_token": token.group(1) if token else ""}
        )
        self.think()
        return response is not None and response.status == 302

    def anonymous(self):
        if self.rng.random() < 0.5:
            self.request("home", "/", (200,))
            self.think()
        self.browse(self.rng.randint(6, 12))

    def seeker(self):
        email = self.plan["seekers"][next(self.counters["seeker"]) % len(self.plan["seekers"])]
        if not self.sign_in(email):
            return
        read = self.browse(self.rng.randint(3, 8))
        job_id = read[-1] if read else self.rng.choice(self.plan["jobs"])
        while job_id in self.plan["asks"]:
            job_id = self.rng.choice(self.plan["jobs"])
        # the form; a job this seeker applied to before redirects to the application
        response, page = self.request("apply", f"/jobs/{job_id}/apply", (200, 302))
        self.think()
        token = CSRF.search(page)
        if response is not None and response.status == 200 and token:
            self.request(
                "apply",
                f"/jobs/{job_id}/apply",
                (302,),
                {"csrf_token": token.group(1), "cover_note": "I would like to apply."},
            )
            self.think()
        self.browse(self.rng.randint(1, 4))

    def staff(self):
        email, jobs, sizes = self.plan["staff"][
            next(self.counters["staff"]) % len(self.plan["staff"])
        ]
        if not jobs or not self.sign_in(email):
            return
        for _ in range(self.rng.randint(3, 8)):
            job_id = self.rng.choices(jobs, sizes)[0]
            args = []
            if self.rng.random() < 0.3:
                args.append(("status", self.rng.choice(["open", "new", "screening"])))
            if self.rng.random() < 0.2:
                args.append(("sort", self.rng.choice(["oldest", "updated"])))
            query = "?" + urlencode(args) if args else ""
            self.request("applicants", f"/agency/jobs/{job_id}/applicants{query}", (200,))
            self.think()

    def live(self):
        time.sleep(self.rng.uniform(0, self.run.ramp))  # not all at once
        try:
            while True:
                self.cookies.clear()
                roll = self.rng.random()
                if roll < 0.6:
                    self.anonymous()
                elif roll < 0.85:
                    self.seeker()
                else:
                    self.staff()
        except Stop:
            pass
        finally:
            self.conn.close()


def _jiffies(pid) -> int:
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return int(fields[11]) + int(fields[12])  # utime, stime
    except (OSError, IndexError, ValueError):
        return 0


def _children(pid) -> list[int]:
    try:
        with open(f"/proc/{pid}/task/{pid}/children", encoding="ascii") as f:
            return [int(p) for p in f.read().split()]
    except OSError:
        return []


def cpu_snapshot(server_pid) -> dict:
    """CPU time so far (seconds): the whole machine's busy time, the portal's gunicorn
    processes' and this process's (the visitors), to tell how much other work ran."""
    tick = os.sysconf("SC_CLK_TCK")
    try:
        with open("/proc/stat", encoding="ascii") as f:
            values = [int(v) for v in f.readline().split()[1:]]
        busy = sum(values) - values[3] - values[4]  # all but idle and iowait
    except (OSError, IndexError, ValueError):
        busy = 0
    portal = sum(_jiffies(p) for p in [server_pid, *_children(server_pid)]) if server_pid else 0
    return {
        "machine": busy / tick,
        "portal": portal / tick,
        "visitors": _jiffies(os.getpid()) / tick,
    }


def cpu_used(before: dict, after: dict, seconds: float) -> dict:
    """Cores used on average between two snapshots, by whom."""
    used = {k: max(0.0, (after[k] - before[k]) / seconds) for k in before}
    used["others"] = max(0.0, used["machine"] - used["portal"] - used["visitors"])
    return {k: round(v, 2) for k, v in used.items()}


LOGGED = re.compile(r"portal\.requests \[[^]]*\]: (\w+) (\S+) \d+ ([\d.]+)ms")


def page_kind(path: str) -> str:
    if path == "/":
        return "home"
    if path == "/jobs":
        return "search"
    if re.fullmatch(r"/jobs/\d+", path):
        return "job"
    if re.fullmatch(r"/jobs/\d+/apply", path):
        return "apply"
    if path == "/login":
        return "sign_in"
    if re.fullmatch(r"/agency/jobs/\d+/applicants", path):
        return "applicants"
    return "other"


def server_times(log_path: str, offset: int) -> dict:
    """The time each request took inside the portal, from its request log (one line per
    request, ``portal/logs.py``): the client's time less the wait for a free worker."""
    found: dict[tuple[str, str], list[float]] = {}
    with open(log_path, encoding="utf-8", errors="replace") as f:
        f.seek(offset)
        for line in f:
            match = LOGGED.search(line)
            if match:
                method, path, ms = match.groups()
                found.setdefault((page_kind(path), method), []).append(float(ms))
    return found


def run_load(
    port, plan, visitors, seconds, max_requests, think, seed, log_path=None, ramp=0.0, server_pid=0
):
    """Visitors arrive over ``ramp`` seconds, then ``seconds`` are measured."""
    import itertools

    run = Run(seconds, max_requests, think, ramp)
    counters = {"seeker": itertools.count(seed), "staff": itertools.count(seed)}
    crowd = [
        Visitor(run, port, plan, random.Random(seed * 1000 + i), counters) for i in range(visitors)
    ]
    threads = [threading.Thread(target=v.live, daemon=True) for v in crowd]
    run.start()
    for thread in threads:
        thread.start()
    time.sleep(max(0.0, run.measured - time.monotonic()))
    offset = os.path.getsize(log_path) if log_path and os.path.exists(log_path) else 0
    before = cpu_snapshot(server_pid)
    for thread in threads:
        thread.join(seconds + 120)
    elapsed = time.monotonic() - run.measured
    run.cpu = cpu_used(before, cpu_snapshot(server_pid), elapsed)
    if log_path:
        time.sleep(0.5)  # the last lines written
        run.server = server_times(log_path, offset)
    return run, elapsed


def summary(run, elapsed) -> dict:
    total = sum(len(v) for v in run.times.values())
    result = {"rps": round(total / elapsed, 1), "errors": sum(run.errors.values())}
    result["requests"] = total
    result["cpu_cores"] = run.cpu
    if run.cpu.get("portal"):  # the machine is shared: throughput per core the portal got
        result["rps_per_portal_core"] = round(total / elapsed / run.cpu["portal"], 1)
    for kind in KINDS:
        values = [ms for (k, _), times in run.times.items() if k == kind for ms in times]
        if values:
            result[kind] = {
                "p50_ms": round(pct(values, 50), 1),
                "p95_ms": round(pct(values, 95), 1),
                "p99_ms": round(pct(values, 99), 1),
                "n": len(values),
            }
            inside = [ms for (k, _), times in run.server.items() if k == kind for ms in times]
            if inside:
                result[kind]["server_p50_ms"] = round(pct(inside, 50), 1)
                result[kind]["server_p95_ms"] = round(pct(inside, 95), 1)
    return result


def print_table(name, run, elapsed) -> None:
    total = sum(len(v) for v in run.times.values())
    print(
        f"\n{name}: {total} requests in {elapsed:.1f} s = {total / elapsed:.1f} requests/s, "
        f"{sum(run.errors.values())} errors"
    )
    busy = sum(sum(t) for t in run.server.values()) or 1
    print(
        f"  {'page':<12}{'method':<7}{'n':>7}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}"
        f"{'max ms':>9}  | in the portal:{'p50 ms':>8}{'p95 ms':>9}{'share':>7}"
    )
    for kind in KINDS:
        rows = [(m, t) for (k, m), t in sorted(run.times.items()) if k == kind]
        if len(rows) > 1:
            rows.append(("all", [ms for _, t in rows for ms in t]))
        for method, times in rows:
            if method == "all":
                inside = [ms for (k, _), t in run.server.items() if k == kind for ms in t]
            else:
                inside = run.server.get((kind, method), [])
            served = (
                f"{pct(inside, 50):>8.1f}{pct(inside, 95):>9.1f}{sum(inside) / busy:>7.0%}"
                if inside
                else ""
            )
            print(
                f"  {kind:<12}{method:<7}{len(times):>7}{pct(times, 50):>9.1f}"
                f"{pct(times, 95):>9.1f}{pct(times, 99):>9.1f}{max(times):>9.1f}"
                f"  | {'':14}{served}"
            )
    if run.cpu:
        print(
            f"  CPU (cores of {os.cpu_count()}): portal {run.cpu['portal']}, visitors "
            f"{run.cpu['visitors']}, other processes {run.cpu['others']}; "
            f"{total / elapsed / max(run.cpu['portal'], 0.01):.1f} requests/s per portal core"
        )
    for sample in run.samples:
        print(f"  error: {sample}")
    sys.stdout.flush()


def print_profile(profile_dir, top) -> None:
    """Per page kind: mean time and its parts (SQL, templates, search, hashing); then the
    functions that took the most time over all requests (cProfile, both workers)."""
    import glob
    import pstats

    rows = []
    for path in glob.glob(os.path.join(profile_dir, "worker-*.json")):
        with open(path, encoding="utf-8") as f:
            rows += json.load(f)
    if not rows:
        print("no profile written (did the workers exit cleanly?)")
        return
    total_all = sum(r["total"] for r in rows)
    print("\nserver time by page kind (means over the profiled requests; cProfile inflates them)")
    head = ("kind", "method", "n", "total", "sql", "stmts", "render", "search", "hash", "other")
    print("  " + "".join(f"{h:>9}" if i > 1 else f"{h:<12}" for i, h in enumerate(head)))
    groups: dict = {}
    for r in rows:
        groups.setdefault((r["kind"], r["method"]), []).append(r)
    for (kind, method), items in sorted(groups.items()):
        n = len(items)

        def mean(key, items=items, n=n):
            return sum(i.get(key, 0) for i in items) / n

        other = mean("total") - sum(mean(k) for k in ("sql", "render", "search", "hash"))
        print(
            f"  {kind:<12}{method:<12}{n:>9}{mean('total') * 1000:>9.1f}"
            f"{mean('sql') * 1000:>9.1f}{mean('sql_n'):>9.1f}{mean('render') * 1000:>9.1f}"
            f"{mean('search') * 1000:>9.1f}{mean('hash') * 1000:>9.1f}{other * 1000:>9.1f}"
        )
    shares = {
        k: sum(r.get(k, 0) for r in rows) / total_all for k in ("sql", "render", "search", "hash")
    }
    print(
        "  share of all server time: "
        + ", ".join(f"{k} {v:.0%}" for k, v in shares.items())
        + f", other {1 - sum(shares.values()):.0%}"
    )
    files = glob.glob(os.path.join(profile_dir, "*.pstats"))
    print("\nfunctions taking the most time of their own, all requests (cProfile)")
    pstats.Stats(*files, stream=sys.stdout).sort_stats("tottime").print_stats(top)
    for name in sorted({os.path.basename(f).split(".")[0] for f in files}):
        print(f"\n{name}: the portal's functions by cumulative time (cProfile)")
        parts = [f for f in files if os.path.basename(f).startswith(name + ".")]
        stats = pstats.Stats(*parts, stream=sys.stdout).sort_stats("cumulative")
        stats.print_stats(r"/portal/|/templates/|argon2_verify|whoosh/highlight", top)
    sys.stdout.flush()


# --- main ------------------------------------------------------------------------------


def create_database(server_url: str, name: str) -> str:
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    url = make_url(server_url)
    engine = create_engine(url, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        exists = conn.execute(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name})
        if exists.first() is None:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    engine.dispose()
    return url.set(database=name).render_as_string(hide_password=False)


def drop_database(server_url: str, name: str) -> None:
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    engine = create_engine(make_url(server_url), isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    engine.dispose()


def prepare(args, env, tmp) -> dict:
    """Build the data (or reuse --data's) and return the visitors' plan."""
    from portal import create_app

    ready = os.path.join(tmp, "ready.json")
    figures = {}
    if os.path.exists(ready):
        with open(ready, encoding="utf-8") as f:
            figures = json.load(f)
        if figures.get("jobs_added") != args.jobs:
            raise SystemExit(f"{tmp} holds {figures.get('jobs_added')} added jobs, not {args.jobs}")
        log(f"reusing the data in {tmp}")
    else:
        started = time.perf_counter()
        flask(env, "db", "upgrade")
        flask(env, "portal", "load-reference")
        flask(env, "portal", "seed-demo")
        t0 = time.perf_counter()
        app = create_app()
        with app.app_context():
            from portal.extensions import db

            figures = add_jobs(args.jobs, args.seed)
            db.session.remove()
            db.engine.dispose()
        log(f"{figures} in {time.perf_counter() - t0:.1f} s")
        flask(env, "search", "reindex")
        figures["build_s"] = round(time.perf_counter() - started, 1)
        with open(ready, "w", encoding="utf-8") as f:
            json.dump(figures, f)
    app = create_app()
    with app.app_context():
        from sqlalchemy import func, select

        from portal.extensions import db
        from portal.models import Application, Job

        plan = visit_plan(args.seed)
        figures["published_jobs"] = db.session.scalar(
            select(func.count()).where(Job.status == "published")
        )
        figures["applications"] = db.session.scalar(select(func.count(Application.id)))
        db.session.remove()
        db.engine.dispose()
    log(
        f"{figures['published_jobs']} published jobs, {figures['applications']} applications, "
        f"{len(plan['seekers'])} seekers who can apply, {len(plan['staff'])} staff accounts"
    )
    plan["figures"] = figures
    return plan


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="10,000 jobs, 30 s and 20 s runs")
    parser.add_argument("--jobs", type=int, help="jobs added to the demo's (100,000)")
    parser.add_argument("--visitors", type=int, default=50, help="thinking visitors (50)")
    parser.add_argument("--think", type=float, default=2.0, help="mean seconds of thinking")
    parser.add_argument("--thinking-seconds", type=float, help="run (a)'s length (120)")
    parser.add_argument(
        "--ramp", type=float, default=10.0, help="seconds over which thinking visitors arrive (10)"
    )
    parser.add_argument("--concurrency", type=int, default=16, help="saturating visitors (16)")
    parser.add_argument("--saturated-seconds", type=float, help="run (b)'s length (60)")
    parser.add_argument(
        "--max-requests", type=int, default=100_000, help="at most this many requests a run"
    )
    parser.add_argument(
        "--runs", default="thinking,saturated", help="which runs, in order (none: build only)"
    )
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers (2)")
    parser.add_argument("--gunicorn-arg", action="append", default=[], help="passed on")
    parser.add_argument("--seed", type=int, default=2027)
    parser.add_argument(
        "--database-url",
        help="a PostgreSQL server (any database on it): the benchmark's own database is "
        "created there (default: SQLite in the temporary directory)",
    )
    parser.add_argument("--data", help="a directory to keep the data in and reuse next time")
    parser.add_argument("--profile", action="store_true", help="cProfile and time the workers")
    parser.add_argument("--top", type=int, default=30, help="functions the profile lists")
    parser.add_argument("--keep", action="store_true", help="keep the temporary directory")
    args = parser.parse_args()
    args.jobs = args.jobs if args.jobs is not None else (10_000 if args.quick else 100_000)
    args.thinking_seconds = args.thinking_seconds or (30 if args.quick else 120)
    args.saturated_seconds = args.saturated_seconds or (20 if args.quick else 60)
    runs = [r for r in args.runs.split(",") if r and r != "none"]
    if any(r not in ("thinking", "saturated") for r in runs):
        parser.error("--runs: thinking, saturated or none, comma-separated")

    tmp = os.path.abspath(args.data) if args.data else tempfile.mkdtemp(prefix="portal-load-")
    os.makedirs(tmp, exist_ok=True)
    db_name = f"bench_load_{args.jobs}" if args.data else f"bench_load_{os.getpid()}"
    db_url = create_database(args.database_url, db_name) if args.database_url else None
    env = {
        **os.environ,
        "FLASK_APP": "portal",
        "PORTAL_ENV": "production",
        "PORTAL_SECRET_KEY": "bench-" + secrets.token_hex(24),
        "PORTAL_DEMO_DATA_ALLOWED": "true",
        "PORTAL_DATABASE_URL": db_url or f"sqlite:///{tmp}/portal.db",
        "PORTAL_SEARCH_INDEX_DIR": os.path.join(tmp, "search"),
        "PORTAL_UPLOAD_DIR": os.path.join(tmp, "uploads"),
        "PORTAL_BASE_URL": "http://127.0.0.1",
    }
    os.environ.update({k: v for k, v in env.items() if k.startswith(("PORTAL_", "FLASK_"))})
    log(f"working in {tmp}" + (f" and {db_name}" if db_url else ""))
    server = None
    profile_dir = tempfile.mkdtemp(prefix="profile-", dir=tmp) if args.profile else None
    result = {"jobs": args.jobs}
    try:
        plan = prepare(args, env, tmp)
        if not runs:  # --runs none: the data only (with --data, for later runs)
            print(json.dumps({**result, **plan["figures"]}), flush=True)
            return
        server, port = start_server(
            env,
            tmp,
            args.workers,
            profile_dir,
            [a for extra in args.gunicorn_arg for a in extra.split()],
        )
        log(f"gunicorn ({args.workers} workers) on 127.0.0.1:{port}")
        log_path = os.path.join(tmp, "gunicorn.log")
        warm, _ = run_load(port, plan, 4, 15, 200, 0, args.seed + 99)  # searchers opened
        log(f"warmed up with {warm.count} requests")
        for name in runs:
            if name == "thinking":
                log(
                    f"{args.visitors} visitors thinking ~{args.think} s, arriving over "
                    f"{args.ramp} s (not measured), then {args.thinking_seconds} s measured"
                )
                run, elapsed = run_load(
                    port, plan, args.visitors, args.thinking_seconds, args.max_requests,
                    args.think, args.seed, log_path, args.ramp, server.pid,
                )  # fmt: skip
            else:
                log(f"{args.concurrency} visitors, no thinking, {args.saturated_seconds} s")
                run, elapsed = run_load(
                    port, plan, args.concurrency, args.saturated_seconds, args.max_requests, 0,
                    args.seed + 1, log_path, 0, server.pid,
                )  # fmt: skip
            print_table(name, run, elapsed)
            result[name] = summary(run, elapsed)
        t0 = time.perf_counter()
        stop_server(server)
        server = None
        log(f"gunicorn stopped in {time.perf_counter() - t0:.1f} s")
        if profile_dir:
            print_profile(profile_dir, args.top)
    finally:
        if server is not None:
            stop_server(server)
        if db_url and not args.data:
            drop_database(args.database_url, db_name)
        if not args.keep and not args.data:
            shutil.rmtree(tmp, ignore_errors=True)
    result.update(
        database="postgresql" if db_url else "sqlite",
        workers=args.workers,
        visitors=args.visitors,
        think_s=args.think,
        concurrency=args.concurrency,
        profiled=args.profile,
        **plan["figures"],
    )
    print(json.dumps(result), flush=True)


if __name__ == "__main__":
    main()
