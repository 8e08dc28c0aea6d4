"""Command-line tools: reference data, demo data, the mail outbox and the worker."""

import re
import socket
from datetime import timedelta

import pytest
from sqlalchemy import func, select, update

from portal import mail
from portal.demo.services import DEMO_PASSWORD, demo_logins
from portal.extensions import db as database
from portal.models import (
    Agency,
    Application,
    ApplicationEvent,
    Community,
    Credential,
    CsseaDivision,
    Membership,
    Occupation,
    OutboxMessage,
    Region,
    Resume,
    SeekerProfile,
    Subsector,
    User,
)
from portal.models.types import utcnow
from portal.reference.services import _rows

REQUIRED_NOC = ["42201", "42202", "42203", "41300", "41301", "41321", "41403", "40030",
                "44101", "44100", "33102"]
REFERENCE_MODELS = {
    "regions": Region,
    "communities": Community,
    "occupations": Occupation,
    "credentials": Credential,
    "subsectors": Subsector,
    "cssea_divisions": CsseaDivision,
}
DEMO_MODELS = (Agency, Membership, User, SeekerProfile, Resume, Application, ApplicationEvent)


def invoke(runner, *args, exit_code=0):
    result = runner.invoke(args=list(args))
    assert result.exit_code == exit_code, (result.output, result.exception)
    return result.output


def count(db, model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def counts(db, models) -> dict:
    db.session.expire_all()
    return {model.__name__: count(db, model) for model in models}


def changes(output: str) -> dict[str, int]:
    """``{table: n}`` from the lines "table: n inserted or updated"."""
    return {table: int(n) for table, n in re.findall(r"^(\w+): (\d+) inserted or updated$",
                                                     output, re.M)}


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
    assert changes(output) == {**dict.fromkeys(REFERENCE_MODELS, 0),
                               "communities": 1, "regions": 1, "credentials": 1}
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


def test_seed_demo(runner, db, client, login):
    output = invoke(runner, "portal", "seed-demo")
    created = {k: int(v) for k, v in re.findall(r"(\w+): (\d+) created", output)}
    assert created["agencies"] >= 60 and created["seekers"] >= 200

    agencies = db.session.scalars(select(Agency)).all()
    assert len(agencies) >= 60
    assert {a.region_id for a in agencies} == set(db.session.scalars(select(Region.id)))
    assert {a.subsector_id for a in agencies} == set(db.session.scalars(select(Subsector.id)))
    assert {a.cssea_member for a in agencies} == {True, False}
    assert {a.unionized for a in agencies} == {True, False}
    assert all(a.cssea_division_id is None for a in agencies if not a.cssea_member)
    for agency in agencies:
        roles = sorted(m.role for m in agency.memberships)
        assert roles.count("owner") == 1, agency.name
        assert roles.count("recruiter") >= 1, agency.name
        assert all(m.user.role == "agency" for m in agency.memberships)

    def users(role):
        return db.session.scalar(select(func.count(User.id)).where(User.role == role))

    assert users("seeker") >= 200
    assert users("champion") == 1

    # seekers with profiles and résumés, applications at every stage, no demo email kept
    assert created["profiles"] == 80 and created["applications"] >= 150
    applications = db.session.scalars(select(Application)).all()
    assert {a.status for a in applications} >= {"new", "screening", "interview", "offer",
                                                 "declined"}
    assert all(a.resume.user_id == a.seeker_id for a in applications)
    assert db.session.scalar(select(func.count(OutboxMessage.id))) == 0
    assert users("admin") >= 1

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
    owner_email = dict(demo_logins())["Agency owner (approved agency)"]
    login(client, owner_email, DEMO_PASSWORD)
    response = client.get("/dashboard", follow_redirects=True)
    assert response.status_code == 200
    agency = db.session.scalar(select(Agency).join(Agency.memberships).join(Membership.user)
                               .where(User.email == owner_email))
    assert agency.name in response.get_data(as_text=True)


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
    message = mail.queue(user.email, "Reset your password", "reset_password", user=user,
                         link="http://localhost/reset/x")
    db.session.commit()

    assert mail._claim(message.id, "a") is True
    assert mail._claim(message.id, "b") is False
    db.session.expire_all()
    assert message.claimed_by == "a"

    # a claim abandoned (a sender died) can be taken over after the timeout
    db.session.execute(update(OutboxMessage).where(OutboxMessage.id == message.id).values(
        claimed_at=utcnow() - mail.CLAIM_TIMEOUT - timedelta(minutes=1)))
    db.session.commit()
    assert mail._claim(message.id, "b") is True
    assert mail._claim(message.id, "a") is False

    # a sent message is never claimed again
    db.session.execute(update(OutboxMessage).where(OutboxMessage.id == message.id).values(
        sent_at=utcnow(), claimed_at=utcnow() - mail.CLAIM_TIMEOUT - timedelta(minutes=1)))
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
