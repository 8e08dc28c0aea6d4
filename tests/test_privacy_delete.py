"""Deleting one's account (``/account/delete``, portal/privacy/deletion.py): the page says
what happens now and later, with the configured periods; the password (and a two-step
code, when on) confirms it, a wrong one changes nothing; an agency's only owner, an
administrator and an HR champion are refused. Deleted, the account is signed out
everywhere, hidden from agencies, out of its lists, its alerts stopped, its open
applications withdrawn (each agency emailed), its invitations declined, its staff places
and API tokens gone, and it cannot sign in again."""

import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select, update

from portal.agencies.services import transfer_ownership
from portal.api import tokens as api_tokens
from portal.models import (
    ApiToken,
    AuditEvent,
    JobInvitation,
    Membership,
    OutboxMessage,
    SavedSearch,
    SeekerProfile,
    TwoStepFailure,
    User,
)
from portal.templating import local_date
from tests.support import (
    PASSWORD,
    count,
    field_error,
    fresh,
    new_job,
    still_signed_in,
    text,
    two_step_code,
)
from tests.support.alerts import confirm, make_due, published_ago, run_alerts, save_alert
from tests.support.applications import application_of, set_status
from tests.support.pooled import published_pool
from tests.support.prequal import create_list, member_of, qualify, seeker_with_profile

PEOPLE_RE = re.compile(r'<a href="/agency/people/(\d+)">')


def delete(client, password: str = PASSWORD, **extra):
    return client.post_form("/account/delete", {"password": password, **extra})


# --- the page -----------------------------------------------------------------------------


def test_the_page_says_what_happens_now_and_later(app, make_user, signed_in):
    app.config.update(PRIVACY_PURGE_AFTER_DAYS=45, HIRING_RECORDS_KEEP_DAYS=400)
    client = signed_in(make_user())
    page = text(client.get("/account/delete"))
    assert '<h1 class="h3">Delete your account</h1>' in page
    assert "What happens at once" in page and "What happens after 45 days" in page
    assert "for 400 days as the agencies' hiring records" in page
    assert "signed out on every device" in page
    assert 'href="/account/export"' in page  # download your data first
    assert 'name="password"' in page and 'name="code"' not in page


def test_a_wrong_password_changes_nothing(db, make_user, signed_in):
    user = make_user()
    client = signed_in(user)
    response = delete(client, "not my password at all")
    assert response.status_code == 400
    assert field_error(text(response), "password") == (
        "Your current password is not correct. Nothing was deleted."
    )
    user = fresh(db, User, user.id)
    assert user.active and user.deleted_at is None
    assert still_signed_in(client)
    response = delete(client, "")
    assert response.status_code == 400
    assert field_error(text(response), "password") == "Enter your password."
    assert fresh(db, User, user.id).active


def test_with_two_step_on_a_code_is_needed(app, db, make_user, signed_in):
    user = make_user(two_step=True)
    client = signed_in(user)
    page = text(client.get("/account/delete"))
    assert 'name="code"' in page and 'autocomplete="one-time-code"' in page

    response = delete(client)  # no code
    assert response.status_code == 400
    assert field_error(text(response), "code") == "Enter the code."
    response = delete(client, code="000000")
    assert response.status_code == 400
    assert "That code is not right." in field_error(text(response), "code")
    assert "Nothing was deleted." in field_error(text(response), "code")
    assert count(db, TwoStepFailure, TwoStepFailure.user_id == user.id) == 1  # counted
    assert fresh(db, User, user.id).active and still_signed_in(client)
    # the right code but a wrong password: nothing, and the code is not used up
    response = delete(client, "wrong password", code=two_step_code(app, user.email))
    assert response.status_code == 400 and fresh(db, User, user.id).active

    response = delete(client, code=two_step_code(app, user.email))
    assert response.status_code == 302 and response.location == "/"
    assert fresh(db, User, user.id).deleted_at is not None


@pytest.mark.parametrize(
    ("role", "message"),
    [
        ("admin", "ask another administrator to remove the role first"),
        ("champion", "ask another administrator to remove the role first"),
    ],
)
def test_administrators_and_champions_are_refused(db, make_user, signed_in, role, message):
    user = make_user(role=role, two_step=True)
    client = signed_in(user)
    page = text(client.get("/account/delete"))
    assert message in page and 'name="password"' not in page
    response = delete(client)
    assert response.status_code == 400 and message in text(response)
    assert fresh(db, User, user.id).active and still_signed_in(client)


def test_an_agencys_only_owner_is_refused_until_ownership_moves(
    db, make_agency, make_user, make_recruiter, signed_in
):
    agency = make_agency(name="Harbour Community Living")
    owner = agency.owner
    client = signed_in(owner)
    refusal = "You are the owner of Harbour Community Living: transfer ownership"
    assert refusal in text(client.get("/account/delete"))
    response = delete(client)
    assert response.status_code == 400 and refusal in text(response)
    assert fresh(db, User, owner.id).active

    colleague = make_recruiter(agency)
    memberships = {m.user_id: m for m in db.session.scalars(select(Membership))}
    transfer_ownership(memberships[owner.id], memberships[colleague.id], owner)
    db.session.commit()
    response = delete(client)
    assert response.status_code == 302
    assert count(db, Membership, Membership.user_id == owner.id) == 0
    assert count(db, Membership, Membership.agency_id == agency.id) == 1  # the new owner


def test_a_recruiter_leaves_the_agency_and_their_api_tokens_stop(
    db, client, make_agency, make_recruiter, make_job, signed_in
):
    agency = make_agency()
    job = make_job(agency=agency)
    recruiter = make_recruiter(agency)
    membership = db.session.scalar(select(Membership).where(Membership.user_id == recruiter.id))
    token, raw = api_tokens.create(membership, "HR system", ["applications:read"], 30)
    db.session.commit()
    headers = {"Authorization": f"Bearer {raw}"}
    assert client.get(f"/api/v1/jobs/{job.id}/applications", headers=headers).status_code == 200

    page = text(signed_in(recruiter).get("/account/delete"))
    assert "You leave the staff of your agency, and your 1 API token stops working." in page
    response = delete(signed_in(recruiter))
    assert response.status_code == 302
    assert count(db, Membership, Membership.user_id == recruiter.id) == 0
    assert fresh(db, ApiToken, token.id).revoked_at is not None
    assert client.get(f"/api/v1/jobs/{job.id}/applications", headers=headers).status_code == 401


# --- what deleting does -------------------------------------------------------------------


@pytest.fixture
def world(app, db, make_agency, make_user, make_recruiter, make_job, signed_in, mailbox):
    """An agency (its owner gets application emails, a recruiter has them off), three jobs
    and a seeker with a visible profile who applied to two (one hire, one open), is
    qualified on a list, invited to the third job and has alerts."""
    owner_user = make_user(role="agency", name="Olive Owner")
    agency = make_agency(owner=owner_user, name="Harbour Community Living")
    quiet = make_recruiter(agency)
    db.session.execute(
        update(Membership).where(Membership.user_id == quiet.id).values(application_alerts="off")
    )
    db.session.commit()
    jobs = {
        name: make_job(agency=agency, title=title)
        for name, title in (
            ("open", "Harbour Outreach Worker"),
            ("hired", "Harbour Youth Worker"),
            ("invited", "Harbour Night Support Worker"),
        )
    }
    user = make_user(name="Nadia Okafor", email="nadia.okafor@example.org")
    seeker = seeker_with_profile(db, signed_in(user), user)
    owner = signed_in(owner_user)
    response = seeker.post_form("/profile/visibility", {"visibility": "agencies", "consent": "y"})
    assert response.status_code == 302
    for name in ("open", "hired"):
        response = seeker.post_form(f"/jobs/{jobs[name].id}/apply", {"cover_note": "Hello"})
        assert response.status_code == 302, text(response)[:2000]
    hired = application_of(db, jobs["hired"], user)
    assert set_status(owner, hired, "hired").status_code == 302
    plist = create_list(owner, db)
    member = qualify(db, owner, seeker, plist)
    response = owner.post_form(
        f"/agency/talent/{member.id}/invite", {"job_id": jobs["invited"].id, "message": "Apply!"}
    )
    assert response.status_code == 302, text(response)[:2000]
    response = seeker.post_form("/alerts/new?q=outreach", {"frequency": "daily"})
    assert response.status_code == 303
    confirm(seeker, mailbox.last_link(user.email, "/alerts/confirm/"))
    # an alert saved for her address by a visitor (not signed in), confirmed
    confirm(app.test_client(), save_alert(app.test_client(), mailbox, user.email, "q=youth"))
    mailbox.deliver()
    mailbox.messages.clear()
    return {"agency": agency, "jobs": jobs, "seeker": seeker, "owner": owner, "quiet": quiet,
            "user": user, "plist": plist}  # fmt: skip


def test_deleting_takes_effect_at_once(app, db, world, signed_in, runner, mailbox):
    user, seeker, owner = world["user"], world["seeker"], world["owner"]
    jobs = world["jobs"]
    # a second device, signed in with "keep me signed in"
    other = app.test_client()
    response = other.post_form(
        "/login", {"email": user.email, "password": PASSWORD, "remember": "y"}
    )
    assert response.status_code == 302 and still_signed_in(other)
    assert PEOPLE_RE.findall(text(owner.get("/agency/people"))) == [str(user.id)]
    assert count(db, SavedSearch, SavedSearch.email == user.email) == 2

    page = text(seeker.get("/account/delete"))
    assert "Your 1 open application is withdrawn, and each agency is told by email." in page
    assert "you leave 1 pre-qualified list" in page and "(2 alerts)" in page
    response = delete(seeker)
    assert response.status_code == 302 and response.location == "/"
    home = text(seeker.get("/"))
    assert "Your account is deleted and you are signed out." in home

    # signed out everywhere, "keep me signed in" included
    assert not still_signed_in(seeker) and not still_signed_in(other)
    db.session.expire_all()
    deleted = db.session.get(User, user.id)
    assert deleted.deleted_at is not None and not deleted.active and deleted.purged_at is None
    # hidden from agencies
    assert PEOPLE_RE.findall(text(owner.get("/agency/people"))) == []
    assert owner.get(f"/agency/people/{user.id}").status_code == 404
    assert owner.get(f"/agency/people/{user.id}/resume").status_code == 404
    profile = db.session.scalar(select(SeekerProfile).where(SeekerProfile.user_id == user.id))
    assert profile.visibility == "private" and profile.consent_id is None
    # out of the list: agencies no longer find her there
    assert member_of(db, world["plist"], seeker).status == "left"
    assert "Nadia Okafor" not in text(owner.get("/agency/talent"))
    # invitations declined
    invitation = db.session.scalar(select(JobInvitation).where(JobInvitation.seeker_id == user.id))
    assert invitation.status == "declined"
    # the open application withdrawn, the hire kept
    assert application_of(db, jobs["open"], user).status == "withdrawn"
    assert application_of(db, jobs["hired"], user).status == "hired"
    assert count(db, AuditEvent, AuditEvent.action == "user.deleted") == 1

    # the agency was told (the owner; the recruiter has application emails off)
    messages = mailbox.deliver()
    to_owner = [m for m in messages if m["To"] == world["agency"].owner.email]
    assert [m["Subject"] for m in to_owner] == ["Application withdrawn: Harbour Outreach Worker"]
    body = to_owner[0].get_body(("plain",)).get_content()
    assert "Nadia Okafor withdrew their application for Harbour Outreach Worker" in body
    assert not [m for m in messages if m["To"] == world["quiet"].email]
    # and she was told what happened and when the rest goes
    (confirmation,) = [m for m in messages if m["To"] == user.email]
    assert confirmation["Subject"] == "Your Sector Jobs Portal account is deleted"
    body = confirmation.get_body(("plain",)).get_content()
    assert "1 open application was withdrawn; the agencies were told by email." in body
    assert f"What happens on {local_date(deleted.deleted_at + timedelta(days=30))}:" in body

    # alerts stopped: hers and the one saved for her address; no digest goes
    assert count(db, SavedSearch, SavedSearch.email == user.email) == 0
    new = published_job(db, world)
    published_ago(new.id, timedelta(minutes=1))
    before = db.session.scalar(select(func.max(OutboxMessage.id)))
    run_alerts(runner)
    to_her = (OutboxMessage.recipient == user.email) & (OutboxMessage.id > before)
    assert count(db, OutboxMessage, to_her) == 0

    # she cannot sign in again, nor reset her password
    response = app.test_client().post_form("/login", {"email": user.email, "password": PASSWORD})
    assert response.status_code == 200
    assert "The email address or password is not correct." in text(response)
    app.test_client().post_form("/forgot", {"email": user.email})
    assert count(db, OutboxMessage, to_her) == 0


def published_job(db, world):
    return new_job(agency=world["agency"], title="Harbour Outreach Coordinator")


def test_an_alert_due_at_deletion_sends_nothing(db, world, runner):
    """An alert due at the moment of deletion is gone, not merely skipped."""
    user = world["user"]
    alert = db.session.scalar(select(SavedSearch).where(SavedSearch.user_id == user.id))
    alert_id = alert.id
    make_due(alert_id, confirmed_ago=timedelta(days=2))
    published_ago(world["jobs"]["open"].id, timedelta(hours=1))
    assert delete(world["seeker"]).status_code == 302
    before = db.session.scalar(select(func.max(OutboxMessage.id)))
    run_alerts(runner)
    assert count(db, OutboxMessage, OutboxMessage.id > before) == 0
    assert count(db, SavedSearch, SavedSearch.id == alert_id) == 0


def test_a_pooled_position_hired_by_one_employer_is_withdrawn_at_the_other(
    db, make_agency, make_user, signed_in, mailbox
):
    """Hired into the lead's share, still open at the partner's: the partner's decision
    is withdrawn and the partner told; the hire stays."""
    lead = make_agency(name="Lead Society")
    partner = make_agency(name="Partner Society")
    job = published_pool(lead, [partner])
    user = make_user(name="Pia Pooled")
    seeker = seeker_with_profile(db, signed_in(user), user)
    assert seeker.post_form(f"/jobs/{job.id}/apply", {"cover_note": "Hi"}).status_code == 302
    application = application_of(db, job, user)
    assert set_status(signed_in(lead.owner), application, "hired").status_code == 302
    mailbox.deliver()
    mailbox.messages.clear()

    assert delete(seeker).status_code == 302
    application = application_of(db, job, user)
    statuses = {d.agency_id: d.status for d in application.decisions}
    assert statuses == {lead.id: "hired", partner.id: "withdrawn"}
    assert application.status == "hired"
    told = [m["To"] for m in mailbox.deliver() if m["Subject"].startswith("Application withdrawn")]
    assert told == [partner.owner.email]
