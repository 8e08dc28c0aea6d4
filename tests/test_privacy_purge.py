"""The purge (portal/privacy/purge.py, ``flask privacy purge``): after the period a deleted
account's personal data is gone from every table and from the upload folder — the test
searches every text and JSON column of every table, and every file's name and contents,
for the person's name and (former and current) email addresses — while the agency keeps
its counts of applications and hires; after the hiring-records period the stand-in and
its applications go too. Also: résumé files nothing uses, the retention periods, the
command, and runs that repeat or overlap."""

import io
import json
import os
import threading
import time
from datetime import timedelta

import pytest
from sqlalchemy import JSON, String, func, select, update

from portal.agencies import services as agencies
from portal.alerts import services as alerts
from portal.api import tokens as api_tokens
from portal.applications import services as applications
from portal.extensions import db as _db
from portal.mail import MAX_ATTEMPTS
from portal.models import (
    Application,
    ApplicationDecision,
    AuditEvent,
    CandidateView,
    IdempotencyKey,
    JobInvitation,
    Membership,
    OutboxMessage,
    Resume,
    ResumeView,
    SeekerProfile,
    User,
    WebhookAttempt,
    WebhookDelivery,
    WebhookEndpoint,
)
from portal.models.types import utcnow
from portal.privacy import purge, tasks
from portal.seekers import resumes
from portal.worker import TASKS
from tests.support import PASSWORD, count, fresh, set_up_two_step, text, two_step_code
from tests.support.alerts import confirm
from tests.support.applications import application_of, set_status
from tests.support.prequal import create_list, decide, join, member_of, profile_form

NAME = "Persephone Quackenbush"
OLD_EMAIL = "perse.q@example.org"
EMAIL = "p.quackenbush@example.org"
NEEDLES = (NAME, EMAIL, OLD_EMAIL)
FIRST_PDF = f"%PDF-1.4\n% Curriculum vitae of {NAME}, {EMAIL}\n".encode()
SECOND_PDF = f"%PDF-1.4\n% {NAME} -- updated CV\n".encode()


def upload(client, data: bytes, filename: str):
    response = client.post_form("/profile/resume", {"file": (io.BytesIO(data), filename)})
    assert response.status_code == 302, text(response)[:2000]


def apply(client, job, **form):
    response = client.post_form(f"/jobs/{job.id}/apply", form)
    assert response.status_code == 302, text(response)[:2000]


def days_ago(db, column, user_id: int, days: int) -> None:
    """Move time: the account was deleted (or purged) ``days`` ago."""
    db.session.execute(
        update(User).where(User.id == user_id).values({column: utcnow() - timedelta(days=days)})
    )
    db.session.commit()


def found_in_tables(db) -> list[str]:
    """Every text or JSON value of every table holding a needle (case-insensitive)."""
    hits = []
    db.session.expire_all()
    for table in db.metadata.sorted_tables:
        columns = [c for c in table.columns if isinstance(c.type, String | JSON)]
        if not columns:
            continue
        for row in db.session.execute(select(*columns)):
            for column, value in zip(columns, row, strict=True):
                if value is None:
                    continue
                as_text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
                for needle in NEEDLES:
                    if needle.lower() in as_text.lower():
                        hits.append(f"{table.name}.{column.name}: {as_text[:200]!r}")
    db.session.commit()
    return hits


def found_in_files(app) -> list[str]:
    hits = []
    for folder, _dirs, files in os.walk(app.config["UPLOAD_DIR"]):
        for name in files:
            with open(os.path.join(folder, name), "rb") as handle:
                content = handle.read().lower()
            for needle in NEEDLES:
                if needle.lower() in name.lower() or needle.lower().encode() in content:
                    hits.append(os.path.join(folder, name))
    return hits


# --- a seeker who did everything ----------------------------------------------------------


@pytest.fixture
def agency(make_agency, make_user, make_recruiter):
    agency = make_agency(
        owner=make_user(role="agency", name="Olive Owner"), name="Harbour Community Living"
    )
    make_recruiter(agency)
    return agency


@pytest.fixture
def jobs(make_job, agency):
    return {
        name: make_job(agency=agency, title=title)
        for name, title in (
            ("hired", "Harbour Outreach Worker"),
            ("open", "Harbour Youth Worker"),
            ("invited", "Harbour Night Support Worker"),
            ("saved", "Harbour Shelter Worker"),
        )
    }


@pytest.fixture
def persephone(app, db, make_user, signed_in, agency, jobs, mailbox):
    """Through the pages: she registers, changes her address, fills her profile, makes it
    visible, uploads two résumés, applies twice (with a cover note and answers naming
    her), is interviewed and hired with messages naming her, noted privately (also on
    another applicant's record), has her résumé opened, joins a list, is invited, saves
    jobs and alerts, is invited to an agency's staff, bounces, fails a sign-in, turns on
    two-step sign-in; a webhook delivery and a stored API answer name her; emails to and
    about her are sent, others wait. Returns her client (``.user``)."""
    user = make_user(role="seeker", name=NAME, email=OLD_EMAIL)
    client = signed_in(user)
    owner = signed_in(agency.owner)
    db.session.add(
        WebhookEndpoint(
            agency_id=agency.id,
            url="http://127.0.0.1:9/hooks",
            secret="s3cret",
            events="application.created application.status_changed",
        )
    )
    db.session.commit()

    response = client.post_form("/account/email", {"new_email": EMAIL, "email_password": PASSWORD})
    assert response.status_code == 302, text(response)[:2000]
    link = mailbox.last_link(EMAIL, "/account/email/confirm/")
    assert client.get(link.split("localhost", 1)[-1]).status_code == 302
    assert fresh(db, User, user.id).email == EMAIL

    form = {**profile_form(db), "headline": f"{NAME}, community support worker"}
    assert client.post_form("/profile", form).status_code == 302
    response = client.post_form("/profile/visibility", {"visibility": "agencies", "consent": "y"})
    assert response.status_code == 302
    upload(client, FIRST_PDF, "Persephone Quackenbush CV.pdf")

    job = jobs["hired"]
    question = applications.add_question(
        job,
        {"text": "When could you start?", "kind": "text", "required": True,
         "knockout_answer": None},
        agency.owner,
    )  # fmt: skip
    db.session.commit()
    apply(client, job, cover_note=f"I am {NAME} ({EMAIL}).", **{f"q_{question.id}": f"{NAME}: now"})
    application = application_of(db, job, user)
    message = f"Dear {NAME}, please come on Tuesday."
    assert set_status(owner, application, "interview", message).status_code == 302
    note = owner.post_form(
        f"/agency/applications/{application.id}/notes", {"body": f"{NAME} was great, {EMAIL}"}
    )
    assert note.status_code == 302
    assert owner.get(f"/agency/applications/{application.id}/resume").status_code == 200
    assert set_status(owner, application, "hired", f"Welcome, {NAME}!").status_code == 302

    upload(client, SECOND_PDF, "cv.pdf")
    apply(client, jobs["open"], cover_note=f"{NAME} again")

    # another applicant, whose record names her in the agency's note
    other = make_user(name="Zebulon Other", email="zeb@example.org")
    zeb = signed_in(other)
    assert zeb.post_form("/profile", profile_form(db)).status_code == 302
    upload(zeb, b"%PDF-1.4\n% Zebulon's CV\n", "zeb.pdf")
    apply(zeb, jobs["open"], cover_note="Zebulon here")
    zeb_application = application_of(db, jobs["open"], other)
    response = owner.post_form(
        f"/agency/applications/{zeb_application.id}/notes", {"body": f"Compare with {NAME}."}
    )
    assert response.status_code == 302

    plist = create_list(owner, db)
    client.user = user
    assert join(client, plist).status_code == 302
    member = member_of(db, plist, client)
    assert decide(owner, member, "qualify", f"{NAME}: references checked").status_code == 302
    response = owner.post_form(
        f"/agency/talent/{member.id}/invite",
        {"job_id": jobs["invited"].id, "message": f"{NAME}, please apply"},
    )
    assert response.status_code == 302, text(response)[:2000]

    assert client.post_form(f"/jobs/{jobs['saved'].id}/save").status_code == 302
    response = client.post_form("/alerts/new?q=outreach", {"frequency": "weekly"})
    assert response.status_code == 303
    confirm(client, mailbox.last_link(EMAIL, "/alerts/confirm/"))
    response = client.post_form(
        f"/recommended/{jobs['saved'].id}/not-interested", {"reason": f"{NAME} says too far"}
    )
    assert response.status_code == 302

    agencies.invite_recruiter(agency, EMAIL, agency.owner)
    alerts.bounce(EMAIL, "bounced once")
    db.session.add(CandidateView(seeker_id=user.id, job_id=jobs["invited"].id, agency_id=agency.id))
    endpoint = db.session.scalar(select(WebhookEndpoint))
    delivery = WebhookDelivery(
        endpoint_id=endpoint.id,
        event="application.created",
        body=json.dumps({"applicant": {"name": NAME, "email": EMAIL}}),
    )
    delivery.attempts_made.append(
        WebhookAttempt(status_code=500, response_excerpt=f"cannot store {NAME}")
    )
    db.session.add(delivery)
    membership = db.session.scalar(select(Membership).where(Membership.role == "owner"))
    token, _raw = api_tokens.create(membership, "HR system", ["applications:read"], 30)
    db.session.add(
        IdempotencyKey(
            token_id=token.id,
            key="retry-1",
            request_hash="0" * 64,
            status_code=201,
            response_body=json.dumps({"contact": f"{NAME} <{EMAIL}>"}),
        )
    )
    db.session.commit()

    bad = app.test_client().post_form("/login", {"email": EMAIL, "password": "not it at all"})
    assert bad.status_code == 200
    set_up_two_step(client)
    mailbox.deliver()  # these are sent; what follows waits in the outbox
    note = owner.post_form(
        f"/agency/applications/{application.id}/notes", {"body": f"Last word on {NAME}"}
    )
    assert note.status_code == 302
    return client


def delete_account(app, client):
    response = client.post_form(
        "/account/delete", {"password": PASSWORD, "code": two_step_code(app, EMAIL)}
    )
    assert response.status_code == 302, text(response)[:2000]


def test_after_the_purge_nothing_of_her_remains(app, db, persephone, agency, jobs, signed_in):
    user_id = persephone.user.id
    hired, still_open = jobs["hired"], jobs["open"]
    job_ids = [hired.id, still_open.id]
    hires = select(func.count(ApplicationDecision.id)).where(
        ApplicationDecision.agency_id == agency.id, ApplicationDecision.status == "hired"
    )
    assert db.session.scalar(hires) == 1
    # the search finds her everywhere she is before the purge
    tables = {hit.split(".")[0] for hit in found_in_tables(db)}
    assert tables >= {
        "users", "seeker_profiles", "resumes", "applications", "application_answers",
        "application_events", "application_notes", "job_invitations", "prequal_members",
        "match_dismissals", "saved_searches", "user_tokens", "login_failures", "mail_outbox",
        "mail_bounces", "agency_invitations", "audit_events", "webhook_deliveries",
        "webhook_attempts", "idempotency_keys",
    }  # fmt: skip
    assert len(found_in_files(app)) >= 2  # her two résumés

    delete_account(app, persephone)
    before_counts = applications.counts_by_job(job_ids, agency.id)
    assert purge.purge().accounts_purged == 0  # not yet: the period has not passed
    days_ago(db, "deleted_at", user_id, app.config["PRIVACY_PURGE_AFTER_DAYS"] + 1)
    summary = purge.purge()
    assert summary.accounts_purged == 1 and summary.resume_files_deleted == 2

    assert found_in_tables(db) == []
    assert found_in_files(app) == []

    # the stand-in and the anonymised applications; the agency's counts are intact
    stand_in = fresh(db, User, user_id)
    assert (stand_in.name, stand_in.email) == (
        "Deleted account",
        f"deleted-{user_id}@invalid.example",
    )
    assert stand_in.purged_at is not None and not stand_in.active
    assert stand_in.totp_secret is None and not stand_in.two_step_enabled
    assert applications.counts_by_job(job_ids, agency.id) == before_counts
    assert db.session.scalar(hires) == 1
    mine = db.session.scalars(select(Application).where(Application.seeker_id == user_id)).all()
    assert len(mine) == 2 and all(a.cover_note == "" and not a.answers for a in mine)
    assert {a.status for a in mine} == {"hired", "withdrawn"}
    assert all(a.resume.file_removed and a.resume.filename == "" for a in mine)
    assert all(e.message is None for a in mine for e in a.events)
    for model, column in (
        (SeekerProfile, SeekerProfile.user_id),
        (JobInvitation, JobInvitation.seeker_id),
        (ResumeView, ResumeView.seeker_id),
        (CandidateView, CandidateView.seeker_id),
    ):
        assert count(db, model, column == user_id) == 0, model
    assert count(db, AuditEvent, AuditEvent.action == "user.purged") == 1
    purged = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "user.purged"))
    assert purged.detail is None and purged.user_id is None and purged.object_id == user_id
    assert count(db, AuditEvent, (AuditEvent.user_id == user_id) & AuditEvent.ip.is_not(None)) == 0
    # the other applicant's record keeps its note, without her name
    assert count(db, Application, Application.seeker_id != user_id) == 1

    # the agency's pages and the API answer, without a file to send
    owner = signed_in(agency.owner)
    application = application_of(db, hired, stand_in)
    application_id = application.id
    page = text(owner.get(f"/agency/applications/{application.id}"))
    assert "Deleted account" in page and "Résumé removed" in page
    assert owner.get(f"/agency/applications/{application.id}/resume").status_code == 404
    assert "Removed" in text(owner.get(f"/agency/jobs/{still_open.id}/applicants"))
    assert owner.get(f"/agency/people/{user_id}").status_code == 404
    membership = db.session.scalar(select(Membership).where(Membership.user_id == agency.owner.id))
    _token, raw = api_tokens.create(membership, "Check", ["applications:read"], 30)
    db.session.commit()
    headers = {"Authorization": f"Bearer {raw}"}
    listed = owner.get(f"/api/v1/jobs/{hired.id}/applications", headers=headers)
    assert listed.status_code == 200
    (entry,) = listed.get_json()["applications"]
    assert entry["applicant"]["name"] == "Deleted account" and entry["resume_filename"] is None
    assert entry["cover_note"] == "" and entry["answers"] == []
    resume = owner.get(f"/api/v1/applications/{application.id}/resume", headers=headers)
    assert resume.status_code == 404

    # a second run finds nothing to do
    second = purge.purge()
    assert (second.accounts_purged, second.stand_ins_removed, second.resume_files_deleted) == (
        0,
        0,
        0,
    )

    # after the hiring-records period: the stand-in and its applications go
    days_ago(db, "purged_at", user_id, app.config["HIRING_RECORDS_KEEP_DAYS"] + 1)
    summary = purge.purge()
    assert (summary.stand_ins_removed, summary.applications_removed) == (1, 2)
    assert fresh(db, User, user_id) is None
    assert count(db, Application, Application.seeker_id == user_id) == 0
    assert count(db, Resume, Resume.user_id == user_id) == 0
    assert count(db, Application) == 1  # the other applicant's
    assert owner.get(f"/agency/applications/{application_id}").status_code == 404


# --- résumé files -------------------------------------------------------------------------


def test_files_nothing_uses_are_deleted_after_an_hour(app, db, make_user, signed_in, make_job):
    user = make_user()
    client = signed_in(user)
    assert client.post_form("/profile", profile_form(db)).status_code == 302
    upload(client, b"%PDF-1.4\n% first\n", "first.pdf")
    first = db.session.scalar(select(Resume).where(Resume.user_id == user.id))
    first_id = first.id
    upload(client, b"%PDF-1.4\n% second\n", "second.pdf")  # replaces the first
    current = fresh(db, SeekerProfile, db.session.scalar(
        select(SeekerProfile.id).where(SeekerProfile.user_id == user.id))).resume  # fmt: skip
    folder = resumes.folder()
    first_path = os.path.join(folder, first.stored_name)
    orphan_old = os.path.join(folder, "a" * 48)
    orphan_new = os.path.join(folder, "b" * 48)
    unfinished = os.path.join(folder, ".upload-abc123")
    two_hours_ago = time.time() - 7200
    for path in (orphan_old, orphan_new, unfinished):
        with open(path, "wb") as out:
            out.write(b"left behind")
    for path in (orphan_old, unfinished):
        os.utime(path, (two_hours_ago, two_hours_ago))

    summary = purge.purge()  # the first résumé is not an hour old yet: kept
    assert summary.resumes_retired == 0 and os.path.exists(first_path)
    assert not os.path.exists(orphan_old) and not os.path.exists(unfinished)
    assert os.path.exists(orphan_new)  # maybe an upload in progress

    db.session.execute(
        update(Resume)
        .where(Resume.user_id == user.id)
        .values(uploaded_at=utcnow() - timedelta(hours=2))
    )
    db.session.commit()
    summary = purge.purge()
    assert summary.resumes_retired == 1 and not os.path.exists(first_path)
    assert fresh(db, Resume, first_id) is None
    assert os.path.exists(resumes.path_of(current))  # the profile's résumé stays


def test_an_unused_resume_someone_viewed_keeps_its_row_for_the_log(app, db, make_user, signed_in):
    user = make_user()
    client = signed_in(user)
    assert client.post_form("/profile", profile_form(db)).status_code == 302
    upload(client, b"%PDF-1.4\n% viewed\n", "viewed.pdf")
    resume = db.session.scalar(select(Resume).where(Resume.user_id == user.id))
    path = resumes.path_of(resume)
    db.session.add(ResumeView(resume_id=resume.id, seeker_id=user.id))
    resume.uploaded_at = utcnow() - timedelta(hours=2)
    db.session.commit()
    assert client.post_form("/profile/resume/remove").status_code == 302

    assert purge.purge().resumes_retired == 1
    kept = fresh(db, Resume, resume.id)
    assert kept.file_removed and kept.filename == "viewed.pdf" and not os.path.exists(path)
    assert count(db, ResumeView, ResumeView.resume_id == resume.id) == 1
    assert client.get(f"/profile/resumes/{resume.id}/file").status_code == 404


# --- retention ----------------------------------------------------------------------------


def test_rows_past_their_periods_are_deleted(app, db, make_agency):
    agency = make_agency()
    now = utcnow()
    config = app.config
    old = {
        "audit": now - timedelta(days=config["AUDIT_LOG_KEEP_DAYS"] + 1),
        "mail": now - timedelta(days=config["SENT_MAIL_KEEP_DAYS"] + 1),
        "hooks": now - timedelta(days=config["WEBHOOK_DELIVERIES_KEEP_DAYS"] + 1),
    }
    db.session.query(AuditEvent).delete()
    db.session.query(OutboxMessage).delete()
    db.session.add_all(
        [
            AuditEvent(action="old.event", created_at=old["audit"]),
            AuditEvent(action="new.event", created_at=now - timedelta(days=1)),
        ]
    )
    mail = {"recipient": "x@example.org", "subject": "s", "body_text": "b"}
    db.session.add_all(
        [
            OutboxMessage(**mail, created_at=old["mail"], sent_at=old["mail"]),  # goes
            OutboxMessage(**mail, created_at=now, sent_at=now),
            OutboxMessage(**mail, created_at=old["mail"], attempts=MAX_ATTEMPTS),  # gave up: goes
            OutboxMessage(**mail, created_at=old["mail"], attempts=1),  # still trying
        ]
    )
    endpoint = WebhookEndpoint(agency_id=agency.id, url="http://127.0.0.1:9/", secret="s",
                               events="job.published")  # fmt: skip
    db.session.add(endpoint)
    db.session.flush()
    old_delivery = WebhookDelivery(endpoint_id=endpoint.id, event="job.published", body="{}",
                                   created_at=old["hooks"], delivered_at=old["hooks"])  # fmt: skip
    old_delivery.attempts_made.append(WebhookAttempt(status_code=200, at=old["hooks"]))
    db.session.add_all(
        [old_delivery, WebhookDelivery(endpoint_id=endpoint.id, event="job.published", body="{}")]
    )
    db.session.commit()

    summary = purge.purge()
    assert (
        summary.audit_events_deleted,
        summary.emails_deleted,
        summary.webhook_deliveries_deleted,
    ) == (1, 2, 1)
    assert [a for (a,) in db.session.execute(select(AuditEvent.action))] == ["new.event"]
    assert count(db, OutboxMessage) == 2
    assert count(db, WebhookDelivery) == 1 and count(db, WebhookAttempt) == 0


# --- the command, the worker, repeated and overlapping runs --------------------------------


def deleted_seekers(db, make_user, n: int, days: int) -> list[int]:
    from portal.privacy import deletion

    ids = []
    for _ in range(n):
        user = make_user()
        deletion.delete_account(user)
        db.session.commit()
        days_ago(db, "deleted_at", user.id, days)
        ids.append(user.id)
    return ids


def test_the_command_purges_and_says_what_it_did(app, db, make_user, runner):
    (due,) = deleted_seekers(db, make_user, 1, app.config["PRIVACY_PURGE_AFTER_DAYS"] + 1)
    (recent,) = deleted_seekers(db, make_user, 1, 2)
    _db.session.remove()

    result = runner.invoke(args=["privacy", "purge", "--dry-run"])
    assert result.exit_code == 0, result.output
    assert "dry run, would do: 1 deleted account(s) purged" in result.output
    assert fresh(db, User, due).purged_at is None

    result = runner.invoke(args=["privacy", "purge"])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("1 deleted account(s) purged, 0 purged account(s) removed")
    assert fresh(db, User, due).purged_at is not None
    assert fresh(db, User, recent).purged_at is None  # its period has not passed

    result = runner.invoke(args=["privacy", "purge"])
    assert result.output.startswith("0 deleted account(s) purged")


def test_the_worker_runs_it_hourly(app, db, make_user, monkeypatch):
    assert ("privacy", tasks.purge_task) in TASKS
    (due,) = deleted_seekers(db, make_user, 1, app.config["PRIVACY_PURGE_AFTER_DAYS"] + 1)
    monkeypatch.setattr(tasks, "_last_run", [])
    assert tasks.purge_task().startswith("1 deleted account(s) purged")
    assert tasks.purge_task() == "not due (runs hourly)"
    assert fresh(db, User, due).purged_at is not None


def test_two_runs_at_once_purge_each_account_once(app, db, make_user):
    ids = deleted_seekers(db, make_user, 4, app.config["PRIVACY_PURGE_AFTER_DAYS"] + 1)
    _db.session.remove()
    results, errors = [], []

    def run():
        try:
            with app.app_context():
                results.append(purge.purge())
                _db.session.remove()
        except Exception as exc:  # reported below
            errors.append(exc)

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert sum(r.accounts_purged for r in results) == 4
    assert all(fresh(db, User, i).purged_at is not None for i in ids)
    assert count(db, AuditEvent, AuditEvent.action == "user.purged") == 4
