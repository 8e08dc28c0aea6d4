"""Pooling opportunities (issue 14): on an agency's part-time job, other approved agencies'
published part-time jobs in the same occupation group and region whose weekly schedules
fit; "Propose pooling" emails the other agency, which accepts (the two postings become one
pooled position, each agency keeping its own applicants) or declines; the proposer may
withdraw. Everything through HTTP, checked in the database and on the page."""

import io
import re
from types import SimpleNamespace

import pytest
from sqlalchemy import select

from portal.models import (
    Application,
    ApplicationDecision,
    ApplicationEvent,
    AuditEvent,
    Job,
    JobShare,
    OutboxMessage,
)
from portal.models.matching import PoolingProposal
from tests.support import count, flashed, fresh, text
from tests.support.applications import application_of, search_ids, set_status
from tests.support.reference import community, occupation_id

MORNINGS = [[day, "08:00", "12:00"] for day in range(5)]  # 20 h
AFTERNOONS = [[day, "13:00", "16:00"] for day in range(5)]  # 15 h
LATE_MORNINGS = [[day, "11:00", "14:00"] for day in range(5)]  # overlaps both


# --- fixtures and helpers ----------------------------------------------------------------


@pytest.fixture
def clients(app, login):
    """One signed-in test client per user (several people act in one test)."""
    cache = {}

    def get(user):
        if user.id not in cache:
            cache[user.id] = app.test_client()
            login(cache[user.id], user)
        return cache[user.id]

    return get


@pytest.fixture
def agencies(make_agency, make_user):
    def make(name: str, **fields):
        return make_agency(
            owner=make_user(role="agency", name=f"{name} Owner"), name=name, **fields
        )

    return make


@pytest.fixture
def part_time(db, make_job):
    """A published part-time job of ``agency`` with a weekly schedule (``blocks``)."""

    def make(agency, title: str, blocks, hours: float, **fields):
        job = make_job(
            agency=agency,
            title=title,
            employment_type=fields.pop("employment_type", "part_time"),
            hours_per_week=hours,
            **fields,
        )
        job.shares[0].schedule_blocks = blocks
        db.session.commit()
        return job

    return make


@pytest.fixture
def make_seeker(db, make_user):
    """A confirmed seeker with a résumé (needed to apply)."""
    from werkzeug.datastructures import FileStorage

    from portal.seekers.services import attach_resume

    def make(name: str):
        user = make_user(role="seeker", name=name)
        attach_resume(
            user,
            FileStorage(
                io.BytesIO(b"%PDF-1.4 resume"), filename="cv.pdf", content_type="application/pdf"
            ),
        )
        db.session.commit()
        return user

    return make


@pytest.fixture
def pair(agencies, part_time):
    """Lakeside's 20 h mornings job and Partner Place's 15 h afternoons job, same region."""
    lakeside, partner = agencies("Lakeside Living"), agencies("Partner Place")
    a = part_time(lakeside, "Morning Support Worker", MORNINGS, 20)
    b = part_time(partner, "Afternoon Support Worker", AFTERNOONS, 15)
    return lakeside, partner, a, b


def apply(client, job, cover_note: str = "Keen to help."):
    response = client.post_form(f"/jobs/{job.id}/apply", {"cover_note": cover_note})
    assert response.status_code == 302, text(response)[:2000]


def propose(clients, agency, job, partner_job, message: str = ""):
    owner = clients(agency.owner)
    response = owner.post_form(
        f"/agency/jobs/{job.id}/pooling/propose",
        {"partner_job_id": partner_job.id, "message": message},
    )
    return flashed(owner, response)


def proposal_between(db, job, partner_job) -> PoolingProposal | None:
    db.session.expire_all()
    return db.session.scalar(
        select(PoolingProposal).where(
            PoolingProposal.job_id == job.id, PoolingProposal.partner_job_id == partner_job.id
        )
    )


def answer(clients, agency, proposal, action: str) -> str:
    client = clients(agency.owner)
    response = client.post_form(f"/agency/pooling/{proposal.id}/{action}")
    assert response.status_code == 302, text(response)[:2000]
    return flashed(client, response)


# --- 1. opportunities --------------------------------------------------------------------


def test_opportunities_list_nearby_fitting_part_time_jobs_only(db, clients, agencies, part_time):
    lakeside, partner, third = (
        agencies("Lakeside Living"),
        agencies("Partner Place"),
        agencies("Third"),
    )
    job = part_time(lakeside, "Morning Support Worker", MORNINGS, 20)
    fits = part_time(partner, "Afternoon Support Worker", AFTERNOONS, 15)
    related = part_time(
        third, "Afternoon Early Childhood Educator", AFTERNOONS, 15,
        occupation_id=occupation_id(db, "42202"),
    )  # fmt: skip
    unscheduled = part_time(partner, "Casual Relief Worker", [], 12, employment_type="casual")
    part_time(third, "Clashing Support Worker", LATE_MORNINGS, 15)
    part_time(
        partner, "Island Support Worker", AFTERNOONS, 15,
        community_id=community(db, "Nanaimo").id,
    )  # fmt: skip
    part_time(
        partner, "Afternoon Social Worker", AFTERNOONS, 15, occupation_id=occupation_id(db, "41300")
    )
    part_time(lakeside, "Our Own Afternoon Worker", AFTERNOONS, 15)
    part_time(partner, "Full-time Support Worker", AFTERNOONS, 37.5, employment_type="full_time")
    suspended = agencies("Suspended Place")
    part_time(suspended, "Suspended Afternoon Worker", AFTERNOONS, 15)
    suspended.status = "suspended"
    db.session.commit()
    assert community(db, "Nanaimo").region_id != job.region_id

    page = text(clients(lakeside.owner).get(f"/agency/jobs/{job.id}/pooling"))
    assert "Agencies hiring for the same work nearby" in page
    for title in (fits.title, related.title, unscheduled.title):
        assert title in page
    for title in (
        "Clashing Support Worker",  # schedules overlap
        "Island Support Worker",  # another region
        "Afternoon Social Worker",  # another occupation group (413, not 422)
        "Our Own Afternoon Worker",  # the agency's own
        "Full-time Support Worker",
        "Suspended Afternoon Worker",  # not an approved agency
    ):
        assert title not in page, title
    assert "schedule not given" in page
    assert "35 h/week" in page and "0.93 FTE" in page  # 20 h + 15 h of 37.5
    assert "Propose pooling with Partner Place" in page

    # the agency's jobs list links a part-time job to its opportunities, not a full-time one
    full_time = part_time(lakeside, "Full-time Lead", MORNINGS, 37.5, employment_type="full_time")
    listing = text(clients(lakeside.owner).get("/agency/jobs"))
    assert f"/agency/jobs/{job.id}/pooling" in listing
    assert f"/agency/jobs/{full_time.id}/pooling" not in listing
    page = text(clients(lakeside.owner).get(f"/agency/jobs/{full_time.id}/pooling"))
    assert "is full-time: only part-time jobs are pooled" in page
    assert "Propose pooling" not in page


# --- 2. proposing, accepting: one pooled position ----------------------------------------


def test_accepted_proposal_makes_one_pooled_position(db, app, clients, pair, make_seeker):
    lakeside, partner, a, b = pair
    only_a, only_b, both = make_seeker("Ada A"), make_seeker("Ben B"), make_seeker("Bo Both")
    apply(clients(only_a), a)
    apply(clients(only_b), b)
    apply(clients(both), a)
    apply(clients(both), b)
    # each agency moves its own applicants on
    set_status(clients(partner.owner), application_of(db, b, only_b), "screening")
    set_status(clients(partner.owner), application_of(db, b, both), "interview")
    set_status(clients(lakeside.owner), application_of(db, a, both), "screening")
    a_app_ids = {application_of(db, a, s).id for s in (only_a, both)}
    b_share = db.session.scalar(
        select(JobShare).where(JobShare.job_id == b.id, JobShare.agency_id == partner.id)
    )

    message = propose(clients, lakeside, a, b, "Together we offer a full week.")
    assert "Your proposal was sent to Partner Place" in message
    proposal = proposal_between(db, a, b)
    assert (proposal.status, proposal.agency_id, proposal.partner_agency_id) == (
        "sent",
        lakeside.id,
        partner.id,
    )
    mail = db.session.scalar(
        select(OutboxMessage).where(
            OutboxMessage.recipient == partner.owner.email,
            OutboxMessage.subject.contains("Proposal to pool"),
        )
    )
    assert mail is not None and "Morning Support Worker" in mail.body_text
    assert "Together we offer a full week." in mail.body_text
    assert "/agency/pooling" in mail.body_text
    # the same pair twice: one open proposal, whichever side proposes
    assert "already waiting for an answer" in propose(clients, lakeside, a, b)
    assert "already waiting for an answer" in propose(clients, partner, b, a)
    # the partner's notice and list
    assert "1 waiting for your answer" in text(clients(partner.owner).get("/agency"))
    received = text(clients(partner.owner).get("/agency/pooling"))
    assert "Lakeside Living" in received and "Together we offer a full week." in received

    message = answer(clients, partner, proposal, "accept")
    assert "now one pooled position" in message, message
    a, b = fresh(db, Job, a.id), fresh(db, Job, b.id)
    assert proposal_between(db, a, b).status == "accepted"
    assert a.pooled and a.status == "published"
    assert sorted((s.agency_id, s.status) for s in a.shares) == sorted(
        [(lakeside.id, "accepted"), (partner.id, "accepted")]
    )
    moved = fresh(db, JobShare, b_share.id)
    assert moved.job_id == a.id and moved.schedule_blocks == AFTERNOONS
    assert moved.hours_per_week == 15
    assert a.hours_per_week == 35
    assert (b.status, b.merged_into_id) == ("closed", a.id) and b.ended_at is not None

    # B's applicant is now on A, with B's agency's decision on B's share
    ben = application_of(db, a, only_b)
    assert [(d.agency_id, d.share_id, d.status) for d in ben.decisions] == [
        (partner.id, b_share.id, "screening")
    ]
    assert application_of(db, b, only_b) is None
    # A's applications untouched
    ada = application_of(db, a, only_a)
    assert [(d.agency_id, d.status) for d in ada.decisions] == [(lakeside.id, "new")]
    # who applied to both keeps one application, with both agencies' decisions
    bo = application_of(db, a, both)
    assert bo.id in a_app_ids
    assert count(db, Application, Application.seeker_id == both.id) == 1
    assert sorted((d.agency_id, d.status) for d in bo.decisions) == sorted(
        [(lakeside.id, "screening"), (partner.id, "interview")]
    )
    events = db.session.scalars(
        select(ApplicationEvent).where(ApplicationEvent.application_id == bo.id)
    ).all()
    assert {(e.agency_id, e.to_status) for e in events} >= {
        (lakeside.id, "screening"),
        (partner.id, "interview"),
    }
    assert count(db, ApplicationDecision, ApplicationDecision.agency_id == partner.id) == 2
    assert (
        count(db, AuditEvent, AuditEvent.action == "pooling.merged", AuditEvent.object_id == a.id)
        == 1
    )

    # search finds the pooled position, not the merged posting
    found = search_ids(app.test_client(), "support worker")
    assert a.id in found and b.id not in found
    # the merged posting's page points to the pooled position
    page = text(app.test_client().get(f"/jobs/{b.id}"))
    assert "now part of the pooled position" in page and f'href="/jobs/{a.id}"' in page
    # the pooled position shows both employers and the combined hours
    page = text(app.test_client().get(f"/jobs/{a.id}"))
    words = re.sub(r"<[^>]+>", "", page)  # each employer's name links to its page
    assert "Lakeside Living · Partner Place" in words and "35 h/week" in page
    # each agency still sees its own applicants' decisions on its applicants page
    pipeline = text(clients(partner.owner).get(f"/agency/jobs/{a.id}/applicants"))
    assert "Ben B" in pipeline and "Bo Both" in pipeline
    # the proposer is told
    assert db.session.scalar(
        select(OutboxMessage).where(
            OutboxMessage.recipient == lakeside.owner.email,
            OutboxMessage.subject.contains("Pooling accepted"),
        )
    )
    # a pooled position has no more pooling opportunities
    assert f"/agency/jobs/{a.id}/pooling" not in text(clients(lakeside.owner).get("/agency/jobs"))


# --- 3. declining, withdrawing, refusals -------------------------------------------------


def test_decline_and_withdraw(db, clients, pair):
    lakeside, partner, a, b = pair
    propose(clients, lakeside, a, b)
    proposal = proposal_between(db, a, b)
    # the proposer cannot answer its own proposal; the partner cannot withdraw it
    assert (
        clients(lakeside.owner).post_form(f"/agency/pooling/{proposal.id}/accept").status_code
        == 404
    )
    assert (
        clients(partner.owner).post_form(f"/agency/pooling/{proposal.id}/withdraw").status_code
        == 404
    )
    assert "You declined the proposal." in answer(clients, partner, proposal, "decline")
    proposal = proposal_between(db, a, b)
    assert proposal.status == "declined" and proposal.responded_at is not None
    assert fresh(db, Job, b.id).status == "published" and not fresh(db, Job, a.id).pooled
    assert "no longer open" in answer(clients, partner, proposal, "accept")
    assert db.session.scalar(
        select(OutboxMessage).where(
            OutboxMessage.recipient == lakeside.owner.email,
            OutboxMessage.subject.contains("Pooling declined"),
        )
    )

    # proposed again (the same pair), then withdrawn by the proposer
    assert "Your proposal was sent" in propose(clients, lakeside, a, b, "Second try")
    proposal = proposal_between(db, a, b)
    assert proposal.status == "sent" and proposal.message == "Second try"
    page = text(clients(lakeside.owner).get(f"/agency/jobs/{a.id}/pooling"))
    assert "Proposal sent" in page and "Withdraw proposal to Partner Place" in page
    assert "Your proposal is withdrawn." in answer(clients, lakeside, proposal, "withdraw")
    assert proposal_between(db, a, b).status == "withdrawn"
    assert "no longer open" in answer(clients, partner, proposal, "accept")


def test_accept_refused_when_a_job_closed_meanwhile(db, clients, pair):
    lakeside, partner, a, b = pair
    propose(clients, lakeside, a, b)
    proposal = proposal_between(db, a, b)
    owner = clients(lakeside.owner)
    assert "closed" in flashed(owner, owner.post_form(f"/agency/jobs/{a.id}/close")).lower()
    message = answer(clients, partner, proposal, "accept")
    assert "can no longer be accepted" in message and "only a published job" in message
    assert proposal_between(db, a, b).status == "sent"
    assert fresh(db, Job, b.id).status == "published"
    assert not fresh(db, Job, a.id).pooled


def test_accept_refused_when_schedules_came_to_overlap(db, clients, pair):
    lakeside, partner, a, b = pair
    propose(clients, lakeside, a, b)
    b.shares[0].schedule_blocks = LATE_MORNINGS
    db.session.commit()
    message = answer(clients, partner, proposal_between(db, a, b), "accept")
    assert "overlap" in message
    assert fresh(db, Job, b.id).merged_into_id is None


def test_propose_refuses_jobs_that_do_not_go_together(db, clients, agencies, part_time):
    lakeside, partner = agencies("Lakeside Living"), agencies("Partner Place")
    a = part_time(lakeside, "Morning Support Worker", MORNINGS, 20)
    clash = part_time(partner, "Clashing Support Worker", LATE_MORNINGS, 15)
    own = part_time(lakeside, "Our Afternoon Worker", AFTERNOONS, 15)
    assert "overlap" in propose(clients, lakeside, a, clash)
    assert "two agencies" in propose(clients, lakeside, a, own)
    assert "Choose a job to pool with." in propose(
        clients, lakeside, a, SimpleNamespace(id=2_000_000)
    )
    assert count(db, PoolingProposal) == 0


# --- 4. who may do what ------------------------------------------------------------------


@pytest.mark.parametrize("role", ["seeker", "champion", "admin"])
def test_not_agency_staff_are_refused(db, clients, make_user, pair, role):
    _, _, a, _ = pair
    client = clients(make_user(role=role))
    assert client.get(f"/agency/jobs/{a.id}/pooling").status_code == 403
    assert client.get("/agency/pooling").status_code == 403


def test_another_agencys_job_is_not_found(db, clients, pair):
    _, partner, a, _ = pair
    assert clients(partner.owner).get(f"/agency/jobs/{a.id}/pooling").status_code == 404
    response = clients(partner.owner).post_form(
        f"/agency/jobs/{a.id}/pooling/propose", {"partner_job_id": a.id}
    )
    assert response.status_code == 404


def test_signed_out_goes_to_sign_in(client, pair):
    _, _, a, _ = pair
    response = client.get(f"/agency/jobs/{a.id}/pooling")
    assert response.status_code == 302 and "/login" in response.location


# --- 5. review fixes: hidden partners, data kept on merge, locks, schedules, queries ----


def test_a_hidden_partner_job_is_never_named(db, clients, agencies, part_time, make_job):
    """Another agency's draft, closed or pooled job, or a job of an agency that is not
    approved, is refused with the generic message: no title, no agency name."""
    lakeside, partner = agencies("Lakeside Living"), agencies("Partner Place")
    a = part_time(lakeside, "Morning Support Worker", MORNINGS, 20)
    draft = make_job(
        agency=partner, status="draft", title="SECRET Draft Title",
        employment_type="part_time", hours_per_week=15,
    )  # fmt: skip
    closed = part_time(partner, "SECRET Closed Title", AFTERNOONS, 15)
    closed.status = "closed"
    hidden = agencies("Hidden Pending Agency")
    pending = part_time(hidden, "SECRET Pending Title", AFTERNOONS, 15)
    hidden.status = "pending"
    db.session.commit()
    for job in (draft, closed, pending):
        page = propose(clients, lakeside, a, job)
        assert "Choose a job to pool with." in page
        assert "SECRET" not in page and "Hidden Pending Agency" not in page
    assert count(db, PoolingProposal) == 0


@pytest.mark.parametrize("app_wide_check", [True, False])
def test_csrf_failure_is_a_bad_request(db, app, clients, pair, monkeypatch, app_wide_check):
    """400 whether the app-wide CSRF check or the form's own check catches it."""
    monkeypatch.setitem(app.config, "WTF_CSRF_CHECK_DEFAULT", app_wide_check)
    lakeside, _, a, b = pair
    owner = clients(lakeside.owner)
    response = owner.post(f"/agency/jobs/{a.id}/pooling/propose", data={"partner_job_id": b.id})
    assert response.status_code == 400
    response = owner.post(
        f"/agency/jobs/{a.id}/pooling/propose",
        data={"partner_job_id": b.id, "csrf_token": "forged"},
    )
    assert response.status_code == 400
    assert count(db, PoolingProposal) == 0


def test_propose_needs_both_weekly_schedules(db, clients, agencies, part_time):
    lakeside, partner = agencies("Lakeside Living"), agencies("Partner Place")
    a = part_time(lakeside, "Morning Support Worker", MORNINGS, 20)
    b = part_time(partner, "Casual Relief Worker", [], 12, employment_type="casual")
    page = text(clients(lakeside.owner).get(f"/agency/jobs/{a.id}/pooling"))
    assert "Casual Relief Worker" in page
    assert "Propose pooling with Partner Place" not in page
    assert "need a weekly schedule" in page
    message = propose(clients, lakeside, a, b)
    assert "Give both jobs a weekly schedule first" in message and "Casual Relief" in message
    assert count(db, PoolingProposal) == 0


def _credential_ids(db, n: int) -> list[int]:
    from portal.models import Credential

    return list(db.session.scalars(select(Credential.id).order_by(Credential.id).limit(n)))


def test_accept_refused_when_credentials_or_questions_differ(db, clients, pair):
    from portal.models import JobCredential, ScreeningQuestion

    lakeside, partner, a, b = pair
    propose(clients, lakeside, a, b)
    proposal = proposal_between(db, a, b)
    first, second = _credential_ids(db, 2)
    db.session.add_all(
        [
            JobCredential(job_id=a.id, credential_id=first),
            JobCredential(job_id=b.id, credential_id=second),
        ]
    )
    db.session.commit()
    message = answer(clients, partner, proposal, "accept")
    assert "different credentials: align them first" in message, message
    assert not fresh(db, Job, a.id).pooled and proposal_between(db, a, b).status == "sent"

    db.session.add(JobCredential(job_id=a.id, credential_id=second))
    db.session.add(JobCredential(job_id=b.id, credential_id=first))
    db.session.add(ScreeningQuestion(job_id=b.id, text="Do you drive?", kind="yes_no"))
    db.session.commit()
    message = answer(clients, partner, proposal, "accept")
    assert "different screening questions: align them first" in message, message
    assert not fresh(db, Job, a.id).pooled

    db.session.add(ScreeningQuestion(job_id=a.id, text="Do you drive?", kind="yes_no"))
    db.session.commit()
    assert "now one pooled position" in answer(clients, partner, proposal, "accept")
    assert fresh(db, Job, a.id).pooled


def test_merge_keeps_what_b_received(db, clients, pair, make_seeker, make_user):
    """Who applied to both: B's cover note and résumé stay visible to B's agency only.
    B's open invitations, "not interested", "not a fit" and saved jobs follow to A."""
    from werkzeug.datastructures import FileStorage

    from portal.models import ApplicationNote, JobInvitation, SavedJob
    from portal.models.matching import MatchDismissal, MatchRejection
    from portal.seekers.services import attach_resume

    lakeside, partner, a, b = pair
    both = make_seeker("Bo Both")
    apply(clients(both), a, "Mornings suit me.")
    attach_resume(
        both,
        FileStorage(io.BytesIO(b"%PDF-1.4 other"), filename="cv-afternoons.pdf",
                    content_type="application/pdf"),
    )  # fmt: skip
    db.session.commit()
    apply(clients(both), b, "Afternoons are my thing.")

    invited, double, dismisser, rejected, saver = (
        make_user(role="seeker", name=n) for n in ("Ivy", "Dee", "Dan", "Rey", "Sam")
    )
    db.session.add_all(
        [
            JobInvitation(job_id=b.id, seeker_id=invited.id, agency_id=partner.id),
            JobInvitation(job_id=b.id, seeker_id=double.id, agency_id=partner.id),
            JobInvitation(job_id=a.id, seeker_id=double.id, agency_id=lakeside.id),
            MatchDismissal(user_id=dismisser.id, job_id=b.id, reason="too far"),
            MatchDismissal(user_id=double.id, job_id=b.id),
            MatchDismissal(user_id=double.id, job_id=a.id),
            MatchRejection(job_id=b.id, seeker_id=rejected.id, agency_id=partner.id),
            SavedJob(user_id=saver.id, job_id=b.id),
            SavedJob(user_id=double.id, job_id=b.id),
            SavedJob(user_id=double.id, job_id=a.id),
        ]
    )
    db.session.commit()

    propose(clients, lakeside, a, b)
    assert "now one pooled position" in answer(
        clients, partner, proposal_between(db, a, b), "accept"
    )
    db.session.expire_all()
    kept = application_of(db, a, both)
    notes = db.session.scalars(
        select(ApplicationNote).where(ApplicationNote.application_id == kept.id)
    ).all()
    assert [n.agency_id for n in notes] == [partner.id]
    assert "Afternoons are my thing." in notes[0].body
    assert "cv-afternoons.pdf" in notes[0].body
    assert "sent to Lakeside Living" in notes[0].body
    # B's agency sees it on the applicant's page; A's agency does not
    page = text(clients(partner.owner).get(f"/agency/applications/{kept.id}"))
    assert "Afternoons are my thing." in page and "cv-afternoons.pdf" in page
    page = text(clients(lakeside.owner).get(f"/agency/applications/{kept.id}"))
    assert "Mornings suit me." in page and "Afternoons are my thing." not in page

    def rows(model, *where):
        return sorted(db.session.execute(select(*where)).all())

    assert rows(JobInvitation, JobInvitation.job_id, JobInvitation.seeker_id) == sorted(
        [(a.id, invited.id), (a.id, double.id)]
    )
    assert (
        db.session.scalar(
            select(JobInvitation.agency_id).where(
                JobInvitation.job_id == a.id, JobInvitation.seeker_id == invited.id
            )
        )
        == partner.id
    )
    dismissals = rows(MatchDismissal, MatchDismissal.job_id, MatchDismissal.user_id)
    assert (a.id, dismisser.id) in dismissals and dismissals.count((a.id, double.id)) == 1
    assert rows(
        MatchRejection, MatchRejection.job_id, MatchRejection.seeker_id, MatchRejection.agency_id
    ) == [(a.id, rejected.id, partner.id)]
    saved = rows(SavedJob, SavedJob.job_id, SavedJob.user_id)
    assert (a.id, saver.id) in saved and saved.count((a.id, double.id)) == 1


def test_job_page_links_to_pooling_for_the_agencys_staff(db, app, clients, pair):
    lakeside, partner, a, _ = pair
    link = f"/agency/jobs/{a.id}/pooling"
    assert link in text(clients(lakeside.owner).get(f"/jobs/{a.id}"))
    assert link not in text(clients(partner.owner).get(f"/jobs/{a.id}"))
    assert link not in text(app.test_client().get(f"/jobs/{a.id}"))


def _queries(app, client, url: str) -> int:
    from sqlalchemy import event

    from portal.extensions import db as _db

    seen = []

    def count_it(*_args, **_kwargs):
        seen.append(1)

    with app.app_context():
        engine = _db.engine
    event.listen(engine, "before_cursor_execute", count_it)
    try:
        response = client.get(url)
    finally:
        event.remove(engine, "before_cursor_execute", count_it)
    assert response.status_code == 200
    return len(seen)


def test_pages_do_not_query_per_row(db, app, clients, agencies, part_time):
    lakeside = agencies("Lakeside Living")
    a = part_time(lakeside, "Morning Support Worker", MORNINGS, 20)
    others = [agencies(f"Partner {n}") for n in range(6)]
    part_time(others[0], "Afternoon Worker 0", AFTERNOONS, 15)
    owner = clients(lakeside.owner)
    url = f"/agency/jobs/{a.id}/pooling"
    one = _queries(app, owner, url)
    jobs = [part_time(o, f"Afternoon Worker {n}", AFTERNOONS, 15) for n, o in enumerate(others[1:])]
    assert _queries(app, owner, url) == one
    # the proposals list: one row or five, the same number of queries
    propose(clients, lakeside, a, jobs[0])
    one = _queries(app, owner, "/agency/pooling")
    for job in jobs[1:]:
        propose(clients, lakeside, a, job)
    assert _queries(app, owner, "/agency/pooling") == one


# SQLite serialises writers: the race needs PostgreSQL (deselected on SQLite by conftest).
@pytest.mark.postgresql_only
def test_two_proposals_for_one_job_accepted_at_once_merge_once(
    app, db, clients, agencies, part_time, login, monkeypatch
):
    import threading
    import time

    from portal.matching import pooling

    lakeside, partner, third = (
        agencies("Lakeside Living"),
        agencies("Partner Place"),
        agencies("Third Place"),
    )
    a = part_time(lakeside, "Morning Support Worker", MORNINGS, 20)
    b = part_time(partner, "Afternoon Support Worker", AFTERNOONS, 15)
    evenings = [[day, "17:00", "20:00"] for day in range(5)]
    c = part_time(third, "Evening Support Worker", evenings, 15)
    propose(clients, lakeside, a, b)
    propose(clients, lakeside, a, c)
    urls = [
        f"/agency/pooling/{proposal_between(db, a, partner_job).id}/accept"
        for partner_job in (b, c)
    ]

    merge = pooling.merge

    def slow_merge(*args, **kwargs):  # both would pass their checks without the lock
        time.sleep(0.5)
        return merge(*args, **kwargs)

    monkeypatch.setattr(pooling, "merge", slow_merge)
    barrier = threading.Barrier(2)
    results: list = [None, None]

    def accept(i: int, client, token: str) -> None:
        try:
            barrier.wait(timeout=10)
            results[i] = client.post(urls[i], data={"csrf_token": token})
        except Exception as exc:  # reported by the main thread
            results[i] = exc

    threads = []
    for i, agency in enumerate((partner, third)):
        client = app.test_client()
        login(client, agency.owner)
        threads.append(threading.Thread(target=accept, args=(i, client, client.csrf_token())))
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    for result in results:
        assert not isinstance(result, Exception), result
        assert result is not None and result.status_code == 302
    db.session.expire_all()
    merged = db.session.scalars(select(Job.id).where(Job.merged_into_id == a.id)).all()
    assert len(merged) == 1
    assert len(fresh(db, Job, a.id).shares) == 2
    statuses = sorted(
        db.session.scalars(select(PoolingProposal.status).where(PoolingProposal.job_id == a.id))
    )
    assert statuses == ["accepted", "withdrawn"]
