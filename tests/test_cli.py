"""Command-line tools: reference data, demo data, the mail outbox and the worker."""

import re
import socket
from collections import Counter, defaultdict
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select, update

from portal import mail
from portal.config import ProductionConfig
from portal.demo.services import DEMO_PASSWORD, demo_logins
from portal.extensions import db as database
from portal.models import (
    Agency,
    Application,
    ApplicationEvent,
    Community,
    Credential,
    CsseaDivision,
    Job,
    Membership,
    Occupation,
    OutboxMessage,
    Region,
    ReportingPeriod,
    Resume,
    ReturnLine,
    SeekerProfile,
    Subsector,
    User,
    WorkforceReturn,
)
from portal.models.types import utcnow
from portal.reference.services import _rows
from tests.support import count
from tests.support.lmi import COUNTS

REQUIRED_NOC = [
    "42201",
    "42202",
    "42203",
    "41300",
    "41301",
    "41321",
    "41403",
    "40030",
    "44101",
    "44100",
    "33102",
]
REFERENCE_MODELS = {
    "regions": Region,
    "communities": Community,
    "occupations": Occupation,
    "credentials": Credential,
    "subsectors": Subsector,
    "cssea_divisions": CsseaDivision,
}
DEMO_MODELS = (
    Agency,
    Membership,
    User,
    SeekerProfile,
    Resume,
    Application,
    ApplicationEvent,
    ReportingPeriod,
    WorkforceReturn,
    ReturnLine,
)


def invoke(runner, *args, exit_code=0):
    result = runner.invoke(args=list(args))
    assert result.exit_code == exit_code, (result.output, result.exception)
    return result.output


def counts(db, models) -> dict:
    db.session.expire_all()
    return {model.__name__: count(db, model) for model in models}


def changes(output: str) -> dict[str, int]:
    """``{table: n}`` from the lines "table: n inserted or updated"."""
    return {
        table: int(n)
        for table, n in re.findall(r"^(\w+): (\d+) inserted or updated$", output, re.M)
    }


# --- portal load-reference -------------------------------------------------------------


def test_reference_data_is_complete(runner, db):
    invoke(runner, "portal", "load-reference")

    regions = db.session.scalars(select(Region)).all()
    assert len(regions) == 8
    assert count(db, Community) >= 150
    # every community is in one of the regions, and every region has communities
    orphans = db.session.scalar(
        select(func.count(Community.id)).outerjoin(Community.region).where(Region.id.is_(None))
    )
    assert orphans == 0
    for region in regions:
        assert region.communities, f"{region.name} has no communities"

    nocs = set(db.session.scalars(select(Occupation.noc_code)))
    assert set(REQUIRED_NOC) <= nocs
    assert count(db, Credential) >= 15
    assert count(db, Subsector) >= 1 and count(db, CsseaDivision) >= 1


def test_load_reference_is_idempotent_and_repairs(runner, db):
    expected = {
        "regions": len(_rows("regions.csv")),
        "communities": len(_rows("communities.csv")),
        "occupations": len(_rows("occupations.csv")),
        "credentials": len(_rows("credentials.csv")),
        "subsectors": len(_rows("subsectors.csv")),
        "cssea_divisions": len(_rows("cssea_divisions.csv")),
    }
    models = list(REFERENCE_MODELS.values())

    # the app fixture has loaded the data already: nothing to do
    output = invoke(runner, "portal", "load-reference")
    assert changes(output) == dict.fromkeys(REFERENCE_MODELS, 0)
    before = counts(db, models)
    assert before == {REFERENCE_MODELS[t].__name__: n for t, n in expected.items()}

    # damage: a community deleted, a region renamed, a credential renamed
    community = db.session.scalar(select(Community).order_by(Community.name.desc()))
    lost_name, lost_region = community.name, community.region_id
    db.session.delete(community)
    region = db.session.scalar(select(Region).where(Region.code == "kootenay"))
    region_name = region.name
    region.name = "Somewhere Else"
    credential = db.session.scalar(select(Credential).order_by(Credential.code))
    credential_name = credential.name
    credential.name = "Renamed"
    db.session.commit()

    output = invoke(runner, "portal", "load-reference")
    assert changes(output) == {
        **dict.fromkeys(REFERENCE_MODELS, 0),
        "communities": 1,
        "regions": 1,
        "credentials": 1,
    }
    db.session.expire_all()
    restored = db.session.scalar(select(Community).where(Community.name == lost_name))
    assert restored is not None and restored.region_id == lost_region
    assert db.session.get(Region, region.id).name == region_name
    assert db.session.get(Credential, credential.id).name == credential_name
    assert counts(db, models) == before

    # and once more: nothing changes
    output = invoke(runner, "portal", "load-reference")
    assert changes(output) == dict.fromkeys(REFERENCE_MODELS, 0)
    assert counts(db, models) == before


# --- portal seed-demo ------------------------------------------------------------------


def test_seed_demo_is_refused_in_production(app, runner, db):
    """Its accounts share a password printed for all to see: not on a real server."""
    app.config["DEMO_DATA_ALLOWED"] = False
    result = runner.invoke(args=["portal", "seed-demo"])
    assert result.exit_code == 1
    assert "refused in production" in result.output
    assert db.session.scalar(select(func.count(User.id))) == 0
    assert ProductionConfig.DEMO_DATA_ALLOWED is False


def test_seed_demo(demo, runner, db, client, login):
    """``portal seed-demo`` on an empty database (run once per session by the ``demo``
    fixture, whose copy this test gets), then once more."""
    output = demo.output
    created = {k: int(v) for k, v in re.findall(r"(\w+): (\d+) created", output)}
    assert created["agencies"] >= 60 and created["seekers"] >= 200

    agencies = db.session.scalars(select(Agency)).all()
    assert len(agencies) >= 60
    assert {a.region_id for a in agencies} == set(db.session.scalars(select(Region.id)))
    assert {a.subsector_id for a in agencies} == set(db.session.scalars(select(Subsector.id)))
    assert {a.cssea_member for a in agencies} == {True, False}
    assert {a.unionized for a in agencies} == {True, False}
    assert all(a.cssea_division_id is None for a in agencies if not a.cssea_member)
    posting = set(db.session.scalars(select(Job.agency_id)))
    for agency in agencies:
        roles = sorted(m.role for m in agency.memberships)
        assert roles.count("owner") == 1, agency.name
        # agencies that only report their workforce have no recruiter
        assert roles.count("recruiter") >= (agency.id in posting), agency.name
        assert all(m.user.role == "agency" for m in agency.memberships)

    def users(role):
        return db.session.scalar(select(func.count(User.id)).where(User.role == role))

    assert users("seeker") >= 200
    assert users("champion") == 1

    # seekers with profiles and résumés, applications at every stage, no demo email kept
    assert created["profiles"] == 80 and created["applications"] >= 150
    applications = db.session.scalars(select(Application)).all()
    assert {a.status for a in applications} >= {
        "new",
        "screening",
        "interview",
        "offer",
        "declined",
    }
    assert all(a.resume.user_id == a.seeker_id for a in applications)
    assert db.session.scalar(select(func.count(OutboxMessage.id))) == 0
    assert users("admin") >= 1

    # workforce returns for three fiscal years, every line keeping the hard rules
    assert created["periods"] == 3 and created["returns"] >= 100
    check_demo_returns(db)

    # the logins and the shared password are printed, and every login exists
    assert DEMO_PASSWORD in output
    for _label, email in demo_logins():
        assert email in output
        user = db.session.scalar(select(User).where(User.email == email))
        assert user is not None and user.email_confirmed

    # a second run creates nothing
    before = counts(db, DEMO_MODELS)
    output = invoke(runner, "portal", "seed-demo")
    again = {k: int(v) for k, v in re.findall(r"(\w+): (\d+) created", output)}
    assert again and set(again.values()) == {0}
    assert counts(db, DEMO_MODELS) == before

    # a demo login works through the sign-in form
    owner_email = dict(demo_logins())["Agency owner (has not reported yet)"]
    login(client, owner_email, DEMO_PASSWORD)
    response = client.get("/dashboard", follow_redirects=True)
    assert response.status_code == 200
    agency = db.session.scalar(
        select(Agency)
        .join(Agency.memberships)
        .join(Membership.user)
        .where(User.email == owner_email)
    )
    assert agency.name in response.get_data(as_text=True)


LINE_PAY = ("pay_p25_cents", "pay_median_cents", "pay_p75_cents")


def check_demo_returns(db):
    """The demo's returns, checked directly (not through the returns' own validation)."""
    periods = db.session.scalars(
        select(ReportingPeriod).order_by(ReportingPeriod.fiscal_year)
    ).all()
    assert [(p.fiscal_year, p.status) for p in periods] == [
        (2023, "closed"),
        (2024, "closed"),
        (2025, "open"),
    ]
    assert periods[-1].due_on == date(2027, 1, 15)
    year_of = {p.id: p.fiscal_year for p in periods}
    approved = {
        a.id: a
        for a in db.session.scalars(
            select(Agency).where(Agency.slug.like("demo-%"), Agency.status == "approved")
        )
    }
    owners = dict(
        db.session.execute(
            select(Membership.agency_id, Membership.user_id).where(Membership.role == "owner")
        ).all()
    )
    returns = db.session.scalars(select(WorkforceReturn)).all()
    assert {r.agency_id for r in returns} <= set(approved)

    # current: per agency and period, the newest version submitted or accepted
    newest = {}
    for r in sorted(returns, key=lambda r: r.version):
        if r.status in ("submitted", "accepted"):
            newest[(r.agency_id, r.period_id)] = r.id
    assert {r.id for r in returns if r.is_current} == set(newest.values())
    for period in periods:
        reporting = {agency for agency, p in newest if p == period.id}
        assert 0.7 <= len(reporting) / len(approved) <= 0.9, period.label
    assert {r.status for r in returns if year_of[r.period_id] < 2025} == {"accepted"}
    statuses = Counter(r.status for r in returns if year_of[r.period_id] == 2025)
    assert statuses["held"] >= 1 and statuses["draft"] >= 1 and statuses["accepted"] >= 1
    assert statuses["submitted"] > statuses.total() / 2  # mostly submitted
    assert {r.source for r in returns} == {"form", "csv"}
    for r in returns:
        if r.status == "draft":
            assert r.submitted_at is None
        else:
            assert r.submitted_at is not None and r.submitted_by_id == owners[r.agency_id]
        assert (r.reviewed_by_id is not None) == (r.status == "accepted")
        assert bool(r.warnings) == (r.status == "held")  # the high turnover, confirmed
    status_of = {r.id: r.status for r in returns}

    rows = db.session.execute(
        select(
            ReturnLine,
            WorkforceReturn.agency_id,
            WorkforceReturn.period_id,
            WorkforceReturn.is_current,
        )
        .join(WorkforceReturn, WorkforceReturn.id == ReturnLine.return_id)
        .where(WorkforceReturn.status != "draft")
    ).all()
    assert rows
    keys, high_turnover = set(), set()
    by_key = {}
    totals = defaultdict(Counter)
    for line, agency_id, period_id, current in rows:
        counts = {f: getattr(line, f) for f in COUNTS}
        pay = [getattr(line, f) for f in LINE_PAY]
        assert None not in counts.values() and None not in pay and line.fte is not None
        assert min(counts.values()) >= 0 and line.fte >= 0
        assert counts["separations"] == (
            counts["sep_voluntary"]
            + counts["sep_retirement"]
            + counts["sep_involuntary"]
            + counts["sep_other"]
        )
        assert counts["sep_within_90_days"] <= counts["sep_within_1_year"] <= counts["separations"]
        assert counts["vacancies_90_days"] <= counts["vacancies"]
        assert line.fte <= 1.3 * counts["closing_headcount"]
        assert 1785 <= pay[0] <= pay[1] <= pay[2]
        assert line.bargaining_status != "union" or approved[agency_id].unionized
        # a turnover above 150 % holds a return for review: only the held ones have one
        average = (counts["opening_headcount"] + counts["closing_headcount"]) / 2
        if counts["separations"] > 1.5 * average:
            high_turnover.add(line.return_id)
        # no soft warning either: the headcount adds up
        assert (
            counts["opening_headcount"] + counts["hires"] - counts["separations"]
            == counts["closing_headcount"]
        )
        key = (
            line.return_id,
            line.occupation_id,
            line.region_id,
            line.employment_status,
            line.bargaining_status,
        )
        assert key not in keys
        keys.add(key)
        by_key[(agency_id, year_of[period_id]) + key[1:]] = line
        if current:
            totals[year_of[period_id]].update(counts)
    assert high_turnover == {i for i, status in status_of.items() if status == "held"}
    # consecutive years chain: a line opens with its closing of the year before
    chained = 0
    for (agency_id, year, *key), line in by_key.items():
        before = by_key.get((agency_id, year - 1, *key))
        if before is not None:
            assert line.opening_headcount == before.closing_headcount
            chained += 1
    assert chained >= len(by_key) / 2
    # sector-wide figures per year, as ratios of sums
    for year, t in totals.items():
        turnover = t["separations"] / ((t["opening_headcount"] + t["closing_headcount"]) / 2)
        vacancy_rate = t["vacancies"] / (t["closing_headcount"] + t["vacancies"])
        assert 0.15 <= turnover <= 0.40, (year, turnover)
        assert 0.04 <= vacancy_rate <= 0.14, (year, vacancy_rate)
    assert set(totals) == {2023, 2024, 2025}


# --- flask mail send -------------------------------------------------------------------


def request_reset(client, user) -> OutboxMessage:
    response = client.post_form("/forgot", {"email": user.email})
    assert response.status_code == 302
    message = mail_for(user.email)
    assert message is not None and message.sent_at is None
    return message


def mail_for(address):
    database.session.expire_all()
    return database.session.scalar(select(OutboxMessage).where(OutboxMessage.recipient == address))


def test_mail_send(runner, client, make_user, mailbox):
    user = make_user()
    message = request_reset(client, user)

    assert invoke(runner, "mail", "send").strip() == "sent 1, failed 0"
    received = [m for m in mailbox.messages if m["To"] == user.email]
    assert len(received) == 1
    assert received[0]["Subject"] == message.subject == "Reset your password"
    assert "/reset/" in received[0].get_body(("plain",)).get_content()
    sent = mail_for(user.email)
    assert sent.sent_at is not None and sent.attempts == 1 and sent.last_error is None

    # nothing left to send
    assert invoke(runner, "mail", "send").strip() == "sent 0, failed 0"
    assert len(mailbox.messages) == 1


@pytest.fixture
def closed_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_mail_send_failure_is_recorded(app, runner, client, make_user, closed_port):
    user = make_user()
    request_reset(client, user)
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=closed_port)

    output = invoke(runner, "mail", "send", exit_code=1)
    assert "sent 0, failed 1" in output
    message = mail_for(user.email)
    assert message.sent_at is None
    assert message.attempts == 1
    assert message.last_error
    assert message.claimed_at is None  # released for the next attempt

    invoke(runner, "mail", "send", exit_code=1)
    assert mail_for(user.email).attempts == 2


def test_only_one_sender_claims_a_message(app, db, make_user):
    user = make_user()
    # queued outside any request, as a command or the worker would
    message = mail.queue(
        user.email,
        "Reset your password",
        "reset_password",
        user=user,
        link="http://localhost/reset/x",
    )
    db.session.commit()

    assert mail._claim(message.id, "a") is True
    assert mail._claim(message.id, "b") is False
    db.session.expire_all()
    assert message.claimed_by == "a"

    # a claim abandoned (a sender died) can be taken over after the timeout
    db.session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id == message.id)
        .values(claimed_at=utcnow() - mail.CLAIM_TIMEOUT - timedelta(minutes=1))
    )
    db.session.commit()
    assert mail._claim(message.id, "b") is True
    assert mail._claim(message.id, "a") is False

    # a sent message is never claimed again
    db.session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id == message.id)
        .values(sent_at=utcnow(), claimed_at=utcnow() - mail.CLAIM_TIMEOUT - timedelta(minutes=1))
    )
    db.session.commit()
    assert mail._claim(message.id, "c") is False


# --- flask portal worker ---------------------------------------------------------------


def test_worker_once_sends_mail(runner, client, make_user, mailbox):
    user = make_user()
    email = user.email  # the worker ends its database session: ``user`` is detached after
    request_reset(client, user)

    output = invoke(runner, "portal", "worker", "--once")
    assert "mail: sent 1, failed 0" in output
    assert [m["To"] for m in mailbox.messages] == [email]
    assert mail_for(email).sent_at is not None
