"""Applications: applying (once, with a résumé snapshot and screening answers), bad input,
knock-out questions, the agency's screening questions and applicant pipeline, private
notes, the emails both sides receive, hiring (which fills the job) and résumé views."""

import io
import re
from datetime import timedelta

import pytest
from sqlalchemy import event, select, update
from werkzeug.datastructures import FileStorage

from portal.applications import services
from portal.models import (
    AgencyMessage,
    Application,
    ApplicationAnswer,
    ApplicationDecision,
    ApplicationEvent,
    ApplicationNote,
    AuditEvent,
    Job,
    JobShare,
    Membership,
    OutboxMessage,
    ResumeView,
    ScreeningQuestion,
    SeekerProfile,
)
from portal.models.types import utcnow
from portal.timeutil import today_pacific
from tests.support import count, field_error, path_of, text
from tests.support.applications import applicant_names, application_of, search_ids, set_status

OLD_PDF = b"%PDF-1.4\n% the resume sent with the application\n"
NEW_PDF = b"%PDF-1.4\n% a newer resume uploaded later\n"
COVER = "I have ten years of experience supporting adults in group homes."
CHECKED_RE = re.compile(r'<input[^>]* checked [^>]*value="(\w+)"')


# --- helpers -----------------------------------------------------------------------------


def pdf(data: bytes = OLD_PDF, name: str = "resume.pdf") -> FileStorage:
    return FileStorage(stream=io.BytesIO(data), filename=name, content_type="application/pdf")


def apply(client, job, cover_note: str = COVER, answers_: dict | None = None):
    """Post the apply form; ``answers_`` is ``{question: answer}``."""
    data = {"cover_note": cover_note}
    data.update({f"q_{q.id}": value for q, value in (answers_ or {}).items()})
    return client.post_form(f"/jobs/{job.id}/apply", data)


def add_question(
    db, job, question: str, kind: str = "yes_no", required: bool = True, knockout: str | None = None
) -> ScreeningQuestion:
    added = services.add_question(
        job,
        {"text": question, "kind": kind, "required": required, "knockout_answer": knockout},
        job.agency.owner,
    )
    db.session.commit()
    return added


def mails(mailbox, address: str) -> list[tuple[str, str, str]]:
    """(subject, plain text, HTML text) of every email to ``address``, oldest first."""
    import html

    return [
        (
            m["Subject"],
            m.get_body(("plain",)).get_content(),
            html.unescape(m.get_body(("html",)).get_content()),
        )
        for m in mailbox.to(address)
    ]


def add_partner_share(db, job, partner) -> JobShare:
    """Make ``job`` pooled: ``partner`` takes a share of its own."""
    share = JobShare(
        job_id=job.id,
        agency_id=partner.id,
        hours_per_week=20,
        community_id=job.community_id,
        pay_min_cents=2600,
        pay_max_cents=3000,
        pay_unit="hourly",
        unionized=False,
        status="accepted",
    )
    db.session.add(share)
    db.session.commit()
    return share


# --- fixtures ----------------------------------------------------------------------------


@pytest.fixture
def make_seeker(db, make_user):
    """A confirmed seeker with a résumé on their profile (``resume=None``: without one)."""
    from portal.seekers.services import attach_resume

    def make(name: str | None = None, resume: bytes | None = OLD_PDF):
        user = make_user(role="seeker", name=name)
        if resume is not None:
            attach_resume(user, pdf(resume, f"{user.name.split()[0].lower()}-resume.pdf"))
            db.session.commit()
        return user

    return make


@pytest.fixture
def agency(make_agency, make_user):
    return make_agency(
        owner=make_user(role="agency", name="Olive Owner"), name="Harbour Community Living"
    )


@pytest.fixture
def job(make_job, agency):
    return make_job(agency=agency, title="Harbour Outreach Worker")


@pytest.fixture
def owner(agency, signed_in):
    """The lead agency's owner, signed in."""
    return signed_in(agency.owner)


# --- the job page and the agency's job list ---------------------------------------------


def test_job_page_invites_to_apply(app, db, job, make_seeker, signed_in):
    page = text(app.test_client().get(f"/jobs/{job.id}"))
    assert f'href="/login?next=/jobs/{job.id}/apply">Sign in to apply</a>' in page
    assert "Apply now" not in page

    seeker = make_seeker("Nadia Seeker")
    client = signed_in(seeker)
    page = text(client.get(f"/jobs/{job.id}"))
    assert f'href="/jobs/{job.id}/apply">Apply now</a>' in page
    assert "Sign in to apply" not in page and "You applied on" not in page

    apply(client, job)
    application = application_of(db, job, seeker)
    page = text(client.get(f"/jobs/{job.id}"))
    assert "You applied on" in page and "Apply now" not in page
    assert f'href="/applications/{application.id}"' in page

    staff_page = text(signed_in(job.agency.owner).get(f"/jobs/{job.id}"))
    assert "Apply now" not in staff_page and "Sign in to apply" not in staff_page
    assert f'href="/agency/jobs/{job.id}/applicants">See applicants</a>' in staff_page


def test_agency_job_list_shows_applicant_counts(db, job, owner, make_seeker, signed_in):
    first, second = make_seeker("Amelia Zhang"), make_seeker("Bruno Ortiz")
    apply(signed_in(first), job)
    apply(signed_in(second), job)
    set_status(owner, application_of(db, job, first), "screening")
    page = text(owner.get("/agency/jobs"))
    link = re.search(rf'<a href="/agency/jobs/{job.id}/applicants">(.*?)</a>', page).group(1)
    assert '<span class="badge text-bg-primary">1 new</span>' in link
    # named in words for screen readers, not "2 1 new"
    assert re.sub(r"<[^>]+>", "", link) == f"2 applicants, 1 new, for {job.title}"


# --- 1. applying once --------------------------------------------------------------------


def test_apply_with_cover_note_and_answers(db, job, make_seeker, signed_in, make_agency):
    partner = make_agency(name="Partner Society")
    add_partner_share(db, job, partner)
    licence = add_question(db, job, "Do you hold a valid BC Class 5 driver's licence?")
    start = add_question(db, job, "When could you start?", kind="text", required=False)
    seeker = make_seeker("Nadia Seeker")
    client = signed_in(seeker)

    page = text(client.get(f"/jobs/{job.id}/apply"))
    assert "Apply for Harbour Outreach Worker" in page
    assert "nadia-resume.pdf" in page
    assert licence.text in page and start.text in page

    response = apply(client, job, answers_={licence: "yes", start: "In two weeks"})
    application = application_of(db, job, seeker)
    assert response.status_code == 302
    assert response.location == f"/applications/{application.id}"
    profile = db.session.scalar(select(SeekerProfile).where(SeekerProfile.user_id == seeker.id))
    assert application.resume_id == profile.resume_id
    assert application.cover_note == COVER and application.knocked_out is False
    # one decision per share, each new
    assert sorted((d.share.agency_id, d.status) for d in application.decisions) == sorted(
        [(job.agency_id, "new"), (partner.id, "new")]
    )
    assert [
        (a.question_id, a.position, a.question_text, a.answer, a.knocked_out)
        for a in application.answers
    ] == [
        (licence.id, 1, "Do you hold a valid BC Class 5 driver's licence?", "yes", False),
        (start.id, 2, "When could you start?", "In two weeks", False),
    ]
    assert [(e.actor_id, e.from_status, e.to_status) for e in application.events] == [
        (seeker.id, None, "new")
    ]
    assert (
        count(
            db,
            AuditEvent,
            AuditEvent.action == "application.submitted",
            AuditEvent.object_id == application.id,
        )
        == 1
    )

    page = text(client.get(response.location))
    assert "Your application was sent." in page
    assert "Status: " in page and ">New</span>" in page
    assert COVER in page and "In two weeks" in page

    mine = text(client.get("/applications"))
    assert f'href="/applications/{application.id}">Harbour Outreach Worker</a>' in mine


def test_double_submit_makes_one_application(db, job, make_seeker, signed_in):
    seeker = make_seeker()
    client = signed_in(seeker)
    data = {"cover_note": COVER, "csrf_token": client.csrf_token()}
    first = client.post(f"/jobs/{job.id}/apply", data=data)
    second = client.post(f"/jobs/{job.id}/apply", data=data)
    application = application_of(db, job, seeker)
    assert first.status_code == second.status_code == 302
    assert first.location == second.location == f"/applications/{application.id}"
    assert count(db, Application) == 1 and count(db, ApplicationDecision) == 1
    assert count(db, ApplicationEvent) == 1
    assert "You have already applied for this job." in text(client.get(second.location))
    # the form itself is not offered again
    response = client.get(f"/jobs/{job.id}/apply")
    assert response.status_code == 302 and response.location == f"/applications/{application.id}"


def test_racing_submit_makes_one_application(db, job, make_seeker, signed_in, monkeypatch):
    """A second request that passed every check before the first one committed: the
    unique (job, seeker) constraint stops it and it is sent to the application."""
    seeker = make_seeker()
    client = signed_in(seeker)
    apply(client, job)
    real = services.application_of
    stale = [None, None]  # what the racing request saw: the view's check and the service's

    def application_of_racing(job_, seeker_):
        return stale.pop() if stale else real(job_, seeker_)

    monkeypatch.setattr(services, "application_of", application_of_racing)
    response = apply(client, job, cover_note="Second click")
    assert not stale  # the request got past both checks
    application = application_of(db, job, seeker)
    assert response.status_code == 302 and response.location == f"/applications/{application.id}"
    assert count(db, Application) == 1 and application.cover_note == COVER


def test_application_keeps_the_resume_it_was_sent_with(db, job, make_seeker, signed_in):
    seeker = make_seeker("Nadia Seeker")
    client = signed_in(seeker)
    apply(client, job)
    application = application_of(db, job, seeker)
    sent_resume = application.resume_id

    response = client.post_form("/profile/resume", {"file": (io.BytesIO(NEW_PDF), "new.pdf")})
    assert response.status_code == 302, text(response)[:2000]
    db.session.expire_all()
    profile = db.session.scalar(select(SeekerProfile).where(SeekerProfile.user_id == seeker.id))
    assert profile.resume_id != sent_resume  # the profile has the new one
    assert application_of(db, job, seeker).resume_id == sent_resume

    download = signed_in(job.agency.owner).get(f"/agency/applications/{application.id}/resume")
    assert download.status_code == 200
    assert download.data == OLD_PDF


def test_withdraw(db, job, owner, make_seeker, signed_in):
    seeker = make_seeker("Nadia Seeker")
    client = signed_in(seeker)
    apply(client, job)
    application = application_of(db, job, seeker)
    assert "Withdraw my application" in text(client.get(f"/applications/{application.id}"))

    response = client.post_form(f"/applications/{application.id}/withdraw")
    assert response.status_code == 302 and response.location == f"/applications/{application.id}"
    application = application_of(db, job, seeker)
    assert [d.status for d in application.decisions] == ["withdrawn"]
    assert application.withdrawn_at is not None
    assert [(e.actor_id, e.from_status, e.to_status) for e in application.events][-1] == (
        seeker.id,
        "new",
        "withdrawn",
    )
    page = text(client.get(response.location))
    assert "Your application is withdrawn" in page and ">Withdrawn</span>" in page
    assert "Withdraw my application" not in page
    assert ">Withdrawn</span>" in text(owner.get(f"/agency/applications/{application.id}"))

    # a second time: refused, nothing recorded
    response = client.post_form(f"/applications/{application.id}/withdraw", follow_redirects=True)
    assert "This application is no longer open." in text(response)
    assert count(db, ApplicationEvent, ApplicationEvent.to_status == "withdrawn") == 1


# --- 2. bad input --------------------------------------------------------------------------


def _closed(db, job, make_job, agency):
    return make_job(agency=agency, status="closed", title="Closed Outreach Worker")


def _expired(db, job, make_job, agency):
    return make_job(agency=agency, status="expired", title="Expired Outreach Worker")


def _past_closing_date(db, job, make_job, agency):
    """Published, but its closing date passed before the expiry task ran."""
    job.closes_on = today_pacific() - timedelta(days=1)
    db.session.commit()
    return job


CANNOT_APPLY = [
    ("closed", _closed, True, "This job is no longer taking applications."),
    ("expired", _expired, True, "This job is no longer taking applications."),
    ("past-closing-date", _past_closing_date, True, "This job is no longer taking applications."),
    ("no-resume", None, False, "Upload your résumé before applying"),
]


@pytest.mark.parametrize(
    ("case", "make_target", "has_resume", "message"), CANNOT_APPLY, ids=[c[0] for c in CANNOT_APPLY]
)
def test_cannot_apply(
    db, job, agency, make_job, make_seeker, signed_in, case, make_target, has_resume, message
):
    target = make_target(db, job, make_job, agency) if make_target else job
    seeker = make_seeker(resume=OLD_PDF if has_resume else None)
    client = signed_in(seeker)

    page = text(client.get(f"/jobs/{target.id}/apply"))
    assert message in page
    assert 'name="cover_note"' not in page  # no form to fill in vain
    if case == "no-resume":
        assert 'href="/profile/resume"' in page

    response = apply(client, target)
    page = text(response)
    assert response.status_code == 400
    assert message in page and "Please fix the following" in page
    assert COVER in page  # the typed cover note is kept
    assert (
        count(db, Application),
        count(db, ApplicationDecision),
        count(db, ApplicationEvent),
        count(db, OutboxMessage),
    ) == (0, 0, 0, 0)


def test_required_answer_missing(db, job, make_seeker, signed_in):
    licence = add_question(db, job, "Do you hold a valid BC Class 5 driver's licence?")
    start = add_question(db, job, "When could you start?", kind="text")
    optional = add_question(db, job, "Anything else?", kind="text", required=False)
    client = signed_in(make_seeker())

    response = apply(client, job, answers_={start: "Monday"})
    page = text(response)
    assert response.status_code == 400
    assert field_error(page, f"q_{licence.id}") == "Answer this question."
    assert field_error(page, f"q_{start.id}") is None
    assert field_error(page, f"q_{optional.id}") is None
    assert "Please fix the following" in page
    assert COVER in page and 'value="Monday"' in page

    response = apply(client, job, answers_={licence: "yes"})
    assert field_error(text(response), f"q_{start.id}") == "Answer this question."

    # only spaces is no answer either
    response = apply(client, job, answers_={licence: "yes", start: "   "})
    assert response.status_code == 400
    assert "Answer" in text(response) and "When could you start?" in text(response)

    # a yes / no question takes only yes or no
    response = apply(client, job, answers_={licence: "maybe", start: "Monday"})
    assert response.status_code == 400 and field_error(text(response), f"q_{licence.id}")
    assert (count(db, Application), count(db, ApplicationAnswer)) == (0, 0)


@pytest.mark.parametrize("case", ["draft", "suspended-agency", "missing"])
@pytest.mark.parametrize("method", ["GET", "POST"])
def test_apply_to_unpublished_job_is_404(
    db, agency, make_job, make_seeker, signed_in, case, method
):
    if case == "draft":
        job_id = make_job(agency=agency, status="draft").id
    elif case == "suspended-agency":
        job_id = make_job(agency=agency).id
        agency.status = "suspended"
        db.session.commit()
    else:
        job_id = 999999
    client = signed_in(make_seeker())
    response = (
        client.get(f"/jobs/{job_id}/apply")
        if method == "GET"
        else client.post_form(f"/jobs/{job_id}/apply", {"cover_note": COVER})
    )
    assert response.status_code == 404
    assert count(db, Application) == 0


# --- 3. knock-out questions -----------------------------------------------------------------


def test_knockout(db, job, owner, make_seeker, signed_in, mailbox):
    licence = add_question(
        db, job, "Do you hold a valid BC Class 5 driver's licence?", knockout="yes"
    )
    out, passed = make_seeker("Bruno Ortiz"), make_seeker("Amelia Zhang")
    out_email, passed_email = out.email, passed.email
    apply(signed_in(out), job, answers_={licence: "no"})
    apply(signed_in(passed), job, answers_={licence: "yes"})

    knocked = application_of(db, job, out)
    assert knocked.knocked_out is True and knocked.status == "declined"
    assert [d.status for d in knocked.decisions] == ["declined"]
    assert [a.knocked_out for a in knocked.answers] == [True]
    assert [(e.actor_id, e.from_status, e.to_status) for e in knocked.events] == [
        (out.id, None, "new"),
        (None, "new", "declined"),
    ]
    assert "automatically" in knocked.events[-1].message

    kept = application_of(db, job, passed)
    assert kept.knocked_out is False and [d.status for d in kept.decisions] == ["new"]
    assert [e.to_status for e in kept.events] == ["new"]

    assert [s for s, _t, _h in mails(mailbox, out_email)] == [
        "Application received: Harbour Outreach Worker",
        "Your application for Harbour Outreach Worker",
    ]
    _s, plain, html_ = mails(mailbox, out_email)[-1]
    assert "decided not to go forward with your application" in plain
    assert "decided not to go forward with your application" in html_
    assert [s for s, _t, _h in mails(mailbox, passed_email)] == [
        "Application received: Harbour Outreach Worker"
    ]

    review = text(owner.get(f"/agency/applications/{knocked.id}"))
    assert "knocked out by a screening answer" in review and "automatically" in review
    assert "(does not meet the requirement)" in review


QUESTION_ERRORS = [
    (
        {"kind": "text", "knockout_answer": "yes"},
        "Only a yes / no question can be a knock-out question.",
    ),
    (
        {"kind": "yes_no", "knockout_answer": "no", "required": None},
        "A knock-out question must be required.",
    ),
    ({"text": ""}, "Write the question."),
    ({"kind": "multiple"}, "Not a valid choice"),
]


@pytest.mark.parametrize(
    ("changes", "message"),
    QUESTION_ERRORS,
    ids=["knockout-on-text", "knockout-optional", "no-text", "bad-kind"],
)
@pytest.mark.parametrize("action", ["add", "edit"])
def test_bad_question(db, job, owner, changes, message, action):
    existing = add_question(db, job, "Are you legally entitled to work in Canada?")
    data = {
        "text": "Do you have a first aid certificate?",
        "kind": "yes_no",
        "required": "y",
        "knockout_answer": "",
    }
    data.update(changes)
    data = {k: v for k, v in data.items() if v is not None}
    url = f"/agency/jobs/{job.id}/questions" + (f"/{existing.id}" if action == "edit" else "")
    response = owner.post_form(url, data)
    page = text(response)
    assert response.status_code == 400
    assert message in page and "Please fix the following" in page
    db.session.expire_all()
    assert [
        (q.text, q.kind, q.required, q.knockout_answer) for q in services.questions_of(job)
    ] == [("Are you legally entitled to work in Canada?", "yes_no", True, None)]


def test_question_limit(db, job, owner):
    for n in range(services.MAX_QUESTIONS):
        add_question(db, job, f"Question {n + 1}?")
    response = owner.post_form(
        f"/agency/jobs/{job.id}/questions", {"text": "One more?", "kind": "yes_no", "required": "y"}
    )
    assert response.status_code == 400
    assert "A job can have at most 15 screening questions." in text(response)
    assert count(db, ScreeningQuestion) == services.MAX_QUESTIONS


# --- 4. screening questions ------------------------------------------------------------------


def question_texts(db, job) -> list[str]:
    db.session.expire_all()
    return [q.text for q in services.questions_of(job)]


def order_on_page(page: str, texts: list[str]) -> list[str]:
    assert all(t in page for t in texts), page
    return sorted(texts, key=page.index)


def test_screening_questions(db, job, owner, make_seeker, signed_in):
    url = f"/agency/jobs/{job.id}/questions"
    assert "No questions yet." in text(owner.get(url))
    licence, shifts, entitled = (
        "Do you hold a valid BC Class 5 driver's licence?",
        "Which shifts can you work?",
        "Are you legally entitled to work in Canada?",
    )
    for data in (
        {"text": licence, "kind": "yes_no", "required": "y", "knockout_answer": "yes"},
        {"text": shifts, "kind": "text", "knockout_answer": ""},
        {"text": entitled, "kind": "yes_no", "required": "y", "knockout_answer": ""},
    ):
        response = owner.post_form(url, data)
        assert response.status_code == 302 and response.location == url
    assert "Question added." in text(owner.get(url))
    db.session.expire_all()
    questions = services.questions_of(job)
    assert [(q.text, q.kind, q.required, q.knockout_answer, q.position) for q in questions] == [
        (licence, "yes_no", True, "yes", 1),
        (shifts, "text", False, None, 2),
        (entitled, "yes_no", True, None, 3),
    ]
    q_licence, q_shifts, q_entitled = questions
    page = text(owner.get(url))
    assert "knock-out</strong>: must answer Yes" in page

    # edit
    page = text(owner.get(f"{url}/{q_shifts.id}"))
    assert "Edit question" in page and f'value="{shifts}"' in page
    shifts = "Which shifts can you work (days, evenings, nights)?"
    response = owner.post_form(
        f"{url}/{q_shifts.id}", {"text": shifts, "kind": "text", "required": "y"}
    )
    assert response.status_code == 302
    db.session.expire_all()
    assert (q_shifts.text, q_shifts.required) == (shifts, True)

    # reorder: the apply form follows the order
    assert owner.post_form(f"{url}/{q_entitled.id}/up").status_code == 302
    assert question_texts(db, job) == [licence, entitled, shifts]
    assert owner.post_form(f"{url}/{q_licence.id}/down").status_code == 302
    assert question_texts(db, job) == [entitled, licence, shifts]
    owner.post_form(f"{url}/{q_entitled.id}/up")  # already first: stays
    assert question_texts(db, job) == [entitled, licence, shifts]
    assert [q.position for q in services.questions_of(job)] == [1, 2, 3]
    seeker = make_seeker()
    client = signed_in(seeker)
    apply_page = text(client.get(f"/jobs/{job.id}/apply"))
    assert order_on_page(apply_page, [licence, shifts, entitled]) == [entitled, licence, shifts]
    assert order_on_page(text(owner.get(url)), [licence, shifts, entitled]) == [
        entitled,
        licence,
        shifts,
    ]

    # delete a question that was answered: the answer keeps the question's text
    apply(client, job, answers_={q_entitled: "yes", q_licence: "yes", q_shifts: "Evenings"})
    application = application_of(db, job, seeker)
    licence_id = q_licence.id
    response = owner.post_form(f"{url}/{licence_id}/delete")
    assert response.status_code == 302
    assert "Question deleted." in text(owner.get(url))
    assert question_texts(db, job) == [entitled, shifts]
    assert [q.position for q in services.questions_of(job)] == [1, 2]
    assert db.session.get(ScreeningQuestion, licence_id) is None
    kept = db.session.scalar(
        select(ApplicationAnswer).where(
            ApplicationAnswer.application_id == application.id, ApplicationAnswer.position == 2
        )
    )
    assert (kept.question_id, kept.question_text, kept.answer) == (None, licence, "yes")
    assert licence in text(owner.get(f"/agency/applications/{application.id}"))
    assert licence in text(client.get(f"/applications/{application.id}"))


def test_questions_of_another_job_are_404(db, job, owner, make_job, make_agency):
    foreign_job = make_job(agency=make_agency())
    foreign = add_question(db, foreign_job, "Foreign question?")
    for method, url in [
        ("GET", f"/agency/jobs/{job.id}/questions/{foreign.id}"),
        ("POST", f"/agency/jobs/{job.id}/questions/{foreign.id}/up"),
        ("POST", f"/agency/jobs/{job.id}/questions/{foreign.id}/delete"),
        ("GET", f"/agency/jobs/{foreign_job.id}/questions"),
    ]:
        response = owner.get(url) if method == "GET" else owner.post_form(url)
        assert response.status_code == 404, url
    assert question_texts(db, foreign_job) == ["Foreign question?"]


# --- 5. the pipeline -----------------------------------------------------------------------


@pytest.fixture
def applicants(db, job, make_seeker, signed_in):
    """Chloe (passed), Amelia (passed) and Bruno (knocked out) applied in that order, an
    hour apart: neither the name order nor the reverse."""
    licence = add_question(
        db, job, "Do you hold a valid BC Class 5 driver's licence?", knockout="yes"
    )
    people = {}
    for name, answer in (("Chloe Singh", "yes"), ("Amelia Zhang", "yes"), ("Bruno Ortiz", "no")):
        seeker = make_seeker(name)
        apply(signed_in(seeker), job, answers_={licence: answer})
        people[name.split()[0].lower()] = application_of(db, job, seeker)
    for hours_ago, application in zip((3, 2, 1), people.values(), strict=True):
        db.session.execute(
            update(Application)
            .where(Application.id == application.id)
            .values(submitted_at=utcnow() - timedelta(hours=hours_ago))
        )
    db.session.commit()
    return people


PIPELINE_VIEWS = [
    ({}, ["Bruno Ortiz", "Amelia Zhang", "Chloe Singh"]),
    ({"status": "new"}, ["Amelia Zhang", "Chloe Singh"]),
    ({"status": "declined"}, ["Bruno Ortiz"]),
    ({"status": "open"}, ["Amelia Zhang", "Chloe Singh"]),
    ({"status": "hired"}, []),
    ({"knockout": "out"}, ["Bruno Ortiz"]),
    ({"knockout": "passed"}, ["Amelia Zhang", "Chloe Singh"]),
    ({"q": "zha"}, ["Amelia Zhang"]),
    ({"q": "ORTIZ"}, ["Bruno Ortiz"]),
    ({"q": "%"}, []),
    ({"q": "singh", "knockout": "out"}, []),
    ({"sort": "oldest"}, ["Chloe Singh", "Amelia Zhang", "Bruno Ortiz"]),
    ({"sort": "name"}, ["Amelia Zhang", "Bruno Ortiz", "Chloe Singh"]),
    ({"sort": "newest"}, ["Bruno Ortiz", "Amelia Zhang", "Chloe Singh"]),
    ({"sort": "bogus"}, ["Bruno Ortiz", "Amelia Zhang", "Chloe Singh"]),
]


@pytest.mark.parametrize(
    ("args", "names"),
    PIPELINE_VIEWS,
    ids=["-".join(f"{k}={v}" for k, v in a.items()) or "all" for a, _n in PIPELINE_VIEWS],
)
def test_pipeline_filters_and_sorts(job, owner, applicants, args, names):
    response = owner.get(f"/agency/jobs/{job.id}/applicants", query_string=args)
    assert response.status_code == 200
    page = text(response)
    assert applicant_names(page) == names
    if not names:
        assert "No applicants match this filter." in page


def test_pipeline_counts_and_recently_changed(job, owner, applicants):
    page = text(owner.get(f"/agency/jobs/{job.id}/applicants"))
    assert "All (3)" in page and "New (2)" in page and "Declined (1)" in page
    assert "knocked out</span>" in page
    by_update = {"sort": "updated"}
    page = text(owner.get(f"/agency/jobs/{job.id}/applicants", query_string=by_update))
    assert applicant_names(page) == ["Bruno Ortiz", "Amelia Zhang", "Chloe Singh"]
    set_status(owner, applicants["chloe"], "screening")
    page = text(owner.get(f"/agency/jobs/{job.id}/applicants", query_string=by_update))
    assert applicant_names(page) == ["Chloe Singh", "Bruno Ortiz", "Amelia Zhang"]
    assert "New (1)" in page and "Screening (1)" in page


def test_pipeline_queries_do_not_grow_with_applicants(
    db, job, owner, applicants, make_seeker, signed_in
):
    """The page loads each relation of its rows in one query, not one per applicant."""

    def statements() -> tuple[int, int]:
        db.session.expire_all()  # nothing on the page comes from what the test loaded
        seen = []

        def count(*_args):
            seen.append(1)

        event.listen(db.engine, "before_cursor_execute", count)
        try:
            page = text(owner.get(f"/agency/jobs/{job.id}/applicants"))
        finally:
            event.remove(db.engine, "before_cursor_execute", count)
        return len(seen), len(applicant_names(page))

    few, shown = statements()
    licence = db.session.scalar(select(ScreeningQuestion).where(ScreeningQuestion.job_id == job.id))
    for n in range(4):
        apply(signed_in(make_seeker(f"Extra Applicant {n}")), job, answers_={licence: "yes"})
    more, shown_more = statements()
    assert (shown, shown_more) == (3, 7)
    assert more == few


def test_bulk_status_change(db, job, owner, applicants, make_job, make_seeker, signed_in, mailbox):
    amelia, bruno, chloe = applicants["amelia"], applicants["bruno"], applicants["chloe"]
    signed_in(chloe.seeker).post_form(f"/applications/{chloe.id}/withdraw")  # the first one
    # an application to another job of the agency is not changed from this job's pipeline
    other_job = make_job(agency=job.agency, title="Other Outreach Worker")
    elsewhere_seeker = make_seeker("Dana Else")
    apply(signed_in(elsewhere_seeker), other_job)
    elsewhere = application_of(db, other_job, elsewhere_seeker)
    emails = {name: a.seeker.email for name, a in applicants.items()}
    before = len(mailbox.deliver())

    response = owner.post_form(
        f"/agency/jobs/{job.id}/applicants/bulk",
        {
            "application_id": [amelia.id, bruno.id, chloe.id, elsewhere.id],
            "status": "interview",
            "message": "Please bring two references.",
            "back": f"/agency/jobs/{job.id}/applicants?status=new",
        },
    )
    assert response.status_code == 302
    assert response.location == f"/agency/jobs/{job.id}/applicants?status=new"
    page = text(owner.get(response.location))
    assert "Moved 2 applicants to “Interview”." in page
    assert "Skipped: Chloe Singh withdrew this application." in page

    db.session.expire_all()
    assert {name: a.decisions[0].status for name, a in applicants.items()} == {
        "amelia": "interview",
        "bruno": "interview",
        "chloe": "withdrawn",
    }
    assert elsewhere.decisions[0].status == "new"
    assert [(e.from_status, e.to_status, e.message, e.actor_id) for e in amelia.events][-1] == (
        "new",
        "interview",
        "Please bring two references.",
        job.agency.owner.id,
    )
    for name in ("amelia", "bruno"):
        subject, plain, html_ = mails(mailbox, emails[name])[-1]
        assert subject == "Interview: Harbour Outreach Worker"
        assert "invite you to an interview" in plain and "invite you to an interview" in html_
        assert "Please bring two references." in plain and "Please bring two references." in html_
    assert all(not s.startswith("Interview") for s, _p, _h in mails(mailbox, emails["chloe"]))
    assert len(mailbox.deliver()) == before + 2

    # nothing selected, or no status: a message, nothing changes
    response = owner.post_form(
        f"/agency/jobs/{job.id}/applicants/bulk", {"status": "offer"}, follow_redirects=True
    )
    assert "Select at least one applicant." in text(response)
    response = owner.post_form(
        f"/agency/jobs/{job.id}/applicants/bulk",
        {"application_id": [amelia.id], "status": "withdrawn"},
        follow_redirects=True,
    )
    assert "Choose a status for the selected applicants." in text(response)
    db.session.expire_all()
    assert amelia.decisions[0].status == "interview"


def test_review_page_and_private_notes(
    db, job, owner, make_seeker, signed_in, make_agency, make_recruiter
):
    partner = make_agency(name="Partner Society")
    add_partner_share(db, job, partner)
    licence = add_question(db, job, "Do you hold a valid BC Class 5 driver's licence?")
    seeker = make_seeker("Nadia Seeker")
    seeker_client = signed_in(seeker)
    apply(seeker_client, job, answers_={licence: "yes"})
    application = application_of(db, job, seeker)
    review_url = f"/agency/applications/{application.id}"

    page = text(owner.get(review_url))
    assert "Nadia Seeker" in page and seeker.email in page
    assert COVER in page and licence.text in page and '<dd class="">Yes</dd>' in page
    assert "nadia-resume.pdf" in page

    note = "Strong references from Nelson CLS; call back Tuesday."
    response = owner.post_form(f"{review_url}/notes", {"body": note})
    assert response.status_code == 302 and response.location == f"{review_url}#notes"
    assert "Note saved." in text(owner.get(review_url))
    stored = db.session.scalar(select(ApplicationNote))
    assert (stored.body, stored.agency_id, stored.author_id) == (
        note,
        job.agency_id,
        job.agency.owner.id,
    )
    response = owner.post_form(f"{review_url}/notes", {"body": "  "}, follow_redirects=True)
    assert "Write the note first." in text(response)
    assert count(db, ApplicationNote) == 1

    # the agency's staff see it; nobody else does
    recruiter = signed_in(make_recruiter(job.agency))
    assert note in text(recruiter.get(review_url))
    partner_page = text(signed_in(partner.owner).get(review_url))  # its own decision, own notes
    assert "Nadia Seeker" in partner_page and note not in partner_page
    other = signed_in(make_agency(name="Unrelated Agency").owner)
    assert other.get(review_url).status_code == 404
    assert other.post_form(f"{review_url}/notes", {"body": "Sneaky"}).status_code == 404
    assert count(db, ApplicationNote) == 1
    for url in (f"/applications/{application.id}", "/applications", f"/jobs/{job.id}"):
        assert note not in text(seeker_client.get(url)), url


# --- 6. emails ------------------------------------------------------------------------------


CUSTOM = {
    "received": "Hi {name}, {agency} received your application for {job}.",
    "interview": "Hi {name}, {agency} would like to meet you about {job}.",
    "offer": "Good news {name}: {agency} offers you {job}.",
    "declined": "Sorry {name}, {agency} chose another applicant for {job}.",
}


def test_emails_use_the_agency_wording(db, job, owner, make_seeker, signed_in, mailbox):
    page = text(owner.get("/agency/messages"))
    assert services.DEFAULT_MESSAGES["received"] in page
    response = owner.post_form("/agency/messages", CUSTOM)
    assert response.status_code == 302
    assert "The wording of your emails to applicants is saved." in text(
        owner.get("/agency/messages")
    )
    assert count(db, AgencyMessage) == 4
    assert CUSTOM["offer"] in text(owner.get("/agency/messages"))

    seeker = make_seeker("Nadia Seeker")
    address = seeker.email
    apply(signed_in(seeker), job)
    application = application_of(db, job, seeker)
    expected = {
        kind: body.format(
            name="Nadia Seeker", agency="Harbour Community Living", job="Harbour Outreach Worker"
        )
        for kind, body in CUSTOM.items()
    }
    [(subject, plain, html_)] = mails(mailbox, address)
    assert subject == "Application received: Harbour Outreach Worker"
    assert expected["received"] in plain and expected["received"] in html_
    assert (
        path_of(mailbox.last_link(address, "/applications/")) == f"/applications/{application.id}"
    )

    set_status(owner, application, "screening", "Internal step")
    assert len(mails(mailbox, address)) == 1  # no email for screening

    for status, subject in (
        ("interview", "Interview: Harbour Outreach Worker"),
        ("offer", "Offer: Harbour Outreach Worker"),
        ("declined", "Your application for Harbour Outreach Worker"),
    ):
        message = f"A note about the {status} step."
        assert set_status(owner, application, status, message).status_code == 302
        got_subject, plain, html_ = mails(mailbox, address)[-1]
        assert got_subject == subject
        for body in (plain, html_):
            assert expected[status] in body and message in body
            assert "{name}" not in body and "{job}" not in body and "{agency}" not in body
    assert len(mails(mailbox, address)) == 4


def test_hiring_emails_the_seeker_in_the_agencys_wording(
    db, job, owner, make_seeker, signed_in, mailbox
):
    wording = "Welcome aboard {name}: {agency} hires you as {job}."
    owner.post_form("/agency/messages", {**CUSTOM, "hired": wording})
    assert wording in text(owner.get("/agency/messages"))
    seeker = make_seeker("Nadia Seeker")
    apply(signed_in(seeker), job)
    application = application_of(db, job, seeker)
    set_status(owner, application, "offer")
    assert set_status(owner, application, "hired", "Start on Monday.").status_code == 302
    subject, plain, html_ = mails(mailbox, seeker.email)[-1]
    assert subject == "You are hired: Harbour Outreach Worker"
    for body in (plain, html_):
        assert (
            "Welcome aboard Nadia Seeker: Harbour Community Living hires you as "
            "Harbour Outreach Worker." in body
        )
        assert "Start on Monday." in body


def test_hiring_email_has_a_default_wording(db, job, owner, make_seeker, signed_in, mailbox):
    seeker = make_seeker("Omar Seeker")
    apply(signed_in(seeker), job)
    set_status(owner, application_of(db, job, seeker), "hired")
    subject, plain, _html = mails(mailbox, seeker.email)[-1]
    assert subject == "You are hired: Harbour Outreach Worker"
    assert "Congratulations: Harbour Community Living has hired you as" in plain


def test_emptied_wording_goes_back_to_the_default(db, job, owner, make_seeker, signed_in, mailbox):
    owner.post_form("/agency/messages", CUSTOM)
    owner.post_form("/agency/messages", {**CUSTOM, "received": ""})
    assert count(db, AgencyMessage) == 3
    page = text(owner.get("/agency/messages"))
    assert services.DEFAULT_MESSAGES["received"] in page
    seeker = make_seeker("Nadia Seeker")
    address = seeker.email
    apply(signed_in(seeker), job)
    [(_subject, plain, _html)] = mails(mailbox, address)
    assert (
        "Thank you for applying for Harbour Outreach Worker with Harbour Community Living."
    ) in plain


def test_recruiter_cannot_change_the_wording(db, job, make_recruiter, signed_in):
    recruiter = signed_in(make_recruiter(job.agency))
    assert recruiter.get("/agency/messages").status_code == 403
    assert recruiter.post_form("/agency/messages", CUSTOM).status_code == 403
    assert count(db, AgencyMessage) == 0


@pytest.fixture
def staff_alerts(db, job, make_recruiter, signed_in):
    """The owner keeps immediate alerts; one recruiter chooses daily, one off."""
    daily, off = make_recruiter(job.agency), make_recruiter(job.agency)
    for user, mode in ((daily, "daily"), (off, "off")):
        client = signed_in(user)
        assert (
            CHECKED_RE.search(client.get("/agency/alerts").get_data(True)).group(1) == "immediate"
        )
        response = client.post_form("/agency/alerts", {"application_alerts": mode})
        assert response.status_code == 302
        assert "Your email preference is saved." in text(client.get("/agency/alerts"))
    db.session.expire_all()
    modes = {
        m.user_id: m.application_alerts
        for m in db.session.scalars(select(Membership).where(Membership.agency_id == job.agency_id))
    }
    assert modes == {job.agency.owner.id: "immediate", daily.id: "daily", off.id: "off"}
    return {"immediate": job.agency.owner.email, "daily": daily.email, "off": off.email}


def test_new_application_alerts(db, job, staff_alerts, make_seeker, signed_in, mailbox, runner):
    seeker = make_seeker("Nadia Seeker")
    apply(signed_in(seeker), job)
    application = application_of(db, job, seeker)

    [(subject, plain, html_)] = mails(mailbox, staff_alerts["immediate"])
    assert subject == "New application: Harbour Outreach Worker"
    assert "Nadia Seeker applied for Harbour Outreach Worker" in plain
    assert "Nadia Seeker" in html_
    assert (
        path_of(mailbox.last_link(staff_alerts["immediate"]))
        == f"/agency/applications/{application.id}"
    )
    assert mails(mailbox, staff_alerts["daily"]) == []
    assert mails(mailbox, staff_alerts["off"]) == []

    # the worker sends the daily digest (and delivers it)
    job_id = job.id
    result = runner.invoke(args=["portal", "worker", "--once"])
    assert result.exit_code == 0, result.output
    assert "digests: sent 1 digests" in result.output
    [(subject, plain, html_)] = mails(mailbox, staff_alerts["daily"])
    assert subject == "1 new application for Harbour Community Living"
    assert "Harbour Outreach Worker — 1 new: Nadia Seeker" in plain
    assert "Nadia Seeker" in html_
    assert path_of(mailbox.last_link(staff_alerts["daily"])) == f"/agency/jobs/{job_id}/applicants"

    # a second run the same day sends nothing more
    result = runner.invoke(args=["portal", "worker", "--once"])
    assert "digests: sent 0 digests" in result.output
    assert len(mails(mailbox, staff_alerts["daily"])) == 1
    assert mails(mailbox, staff_alerts["off"]) == []
    assert len(mails(mailbox, staff_alerts["immediate"])) == 1


def test_digest_at_most_daily_with_only_new_applications(
    app, db, job, staff_alerts, make_seeker, signed_in, mailbox
):
    apply(signed_in(make_seeker("Amelia Zhang")), job)
    with app.test_request_context():
        assert services.send_digests() == 1
        db.session.commit()
    apply(signed_in(make_seeker("Bruno Ortiz")), job)
    with app.test_request_context():
        assert services.send_digests() == 0  # at most one a day, even with news
        db.session.commit()
    assert len(mails(mailbox, staff_alerts["daily"])) == 1
    # a day later: everything so far happened 25 hours ago
    db.session.expire_all()
    for member in db.session.scalars(select(Membership)):
        if member.digest_sent_at is not None:
            member.digest_sent_at -= timedelta(hours=25)
    for application in db.session.scalars(select(Application)):
        application.submitted_at -= timedelta(hours=25)
    db.session.commit()
    with app.test_request_context():
        assert services.send_digests() == 1
        db.session.commit()
    digests = [plain for _s, plain, _h in mails(mailbox, staff_alerts["daily"])]
    assert len(digests) == 2
    assert "Amelia Zhang" in digests[0] and "Bruno Ortiz" not in digests[0]
    assert "Bruno Ortiz" in digests[1] and "Amelia Zhang" not in digests[1]


# --- 7. hiring -------------------------------------------------------------------------------


def test_hiring_fills_the_job(app, db, agency, owner, make_job, make_seeker, signed_in):
    job = make_job(agency=agency, title="Quokka Respite Worker")
    amelia, bruno = make_seeker("Amelia Zhang"), make_seeker("Bruno Ortiz")
    amelia_client = signed_in(amelia)
    apply(amelia_client, job)
    apply(signed_in(bruno), job)
    hired, second = application_of(db, job, amelia), application_of(db, job, bruno)
    assert search_ids(app.test_client(), "quokka") == [job.id]

    response = set_status(owner, hired, "hired")
    assert response.status_code == 302
    assert "Amelia Zhang moved to “Hired”. The position is filled." in text(
        owner.get(response.location)
    )
    db.session.expire_all()
    share = db.session.scalar(select(JobShare).where(JobShare.job_id == job.id))
    assert share.filled_at is not None
    job = db.session.get(Job, job.id)
    assert job.status == "filled" and job.ended_at is not None
    assert search_ids(app.test_client(), "quokka") == []
    page = text(signed_in(make_seeker()).get(f"/jobs/{job.id}"))
    assert "This job is no longer open" in page and "(filled" in page
    assert "Apply now" not in page
    mine = text(amelia_client.get("/applications"))
    assert '<span class="badge status-hired">Hired</span>' in mine
    assert "Withdraw my application" not in text(amelia_client.get(f"/applications/{hired.id}"))
    response = amelia_client.post_form(f"/applications/{hired.id}/withdraw", follow_redirects=True)
    assert "You were hired for this job" in text(response)

    # time to fill: from publishing to the hire
    hire = db.session.scalar(
        select(ApplicationEvent).where(
            ApplicationEvent.application_id == hired.id, ApplicationEvent.to_status == "hired"
        )
    )
    assert hire.created_at > job.published_at and hire.actor_id == agency.owner.id

    # a second hire into the filled share is refused and changes nothing
    filled_at = share.filled_at
    events = count(db, ApplicationEvent)
    response = set_status(owner, second, "hired")
    assert "This position is already filled: someone was hired for it." in text(
        owner.get(response.location)
    )
    db.session.expire_all()
    assert [d.status for d in second.decisions] == ["new"]
    assert share.filled_at == filled_at and count(db, ApplicationEvent) == events


def test_pooled_job_is_filled_when_every_share_is(
    app, db, job, owner, make_agency, make_seeker, signed_in
):
    partner = make_agency(name="Partner Society")
    add_partner_share(db, job, partner)
    amelia, bruno = make_seeker("Amelia Zhang"), make_seeker("Bruno Ortiz")
    apply(signed_in(amelia), job)
    apply(signed_in(bruno), job)
    hired_by_lead, hired_by_partner = (
        application_of(db, job, amelia),
        application_of(db, job, bruno),
    )

    set_status(owner, hired_by_lead, "hired")
    db.session.expire_all()
    assert db.session.get(Job, job.id).status == "published"
    assert job.id in search_ids(app.test_client(), "harbour")

    set_status(signed_in(partner.owner), hired_by_partner, "hired")
    db.session.expire_all()
    assert db.session.get(Job, job.id).status == "filled"
    assert all(s.filled_at is not None for s in db.session.get(Job, job.id).shares)
    assert job.id not in search_ids(app.test_client(), "harbour")


def test_bulk_hire_takes_the_share_once(db, job, owner, applicants):
    response = owner.post_form(
        f"/agency/jobs/{job.id}/applicants/bulk",
        {"application_id": [a.id for a in applicants.values()], "status": "hired"},
    )
    page = text(owner.get(response.location))
    assert "Moved 1 applicant to “Hired”." in page
    assert page.count("Skipped: This position is already filled: someone was hired for it.") == 2
    db.session.expire_all()
    # the first selected (in the order of the decisions) gets the share
    assert {name: a.decisions[0].status for name, a in applicants.items()} == {
        "chloe": "hired",
        "amelia": "new",
        "bruno": "declined",
    }
    assert count(db, ApplicationEvent, ApplicationEvent.to_status == "hired") == 1
    assert db.session.get(Job, job.id).status == "filled"


# --- 8. résumé views -------------------------------------------------------------------------


def test_resume_views_are_recorded(
    db, job, owner, make_seeker, signed_in, make_recruiter, make_agency
):
    seeker = make_seeker("Nadia Seeker")
    apply(signed_in(seeker), job)
    application = application_of(db, job, seeker)
    url = f"/agency/applications/{application.id}/resume"

    response = owner.get(url)
    assert response.status_code == 200 and response.data == OLD_PDF
    assert response.mimetype == "application/pdf"
    assert response.headers["Content-Disposition"].startswith("attachment;")
    assert "nadia-resume.pdf" in response.headers["Content-Disposition"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    recruiter = make_recruiter(job.agency)
    assert signed_in(recruiter).get(url).status_code == 200
    assert signed_in(make_agency().owner).get(url).status_code == 404

    views = db.session.scalars(select(ResumeView).order_by(ResumeView.id)).all()
    assert [(v.resume_id, v.seeker_id, v.viewer_id, v.agency_id) for v in views] == [
        (application.resume_id, seeker.id, job.agency.owner.id, job.agency_id),
        (application.resume_id, seeker.id, recruiter.id, job.agency_id),
    ]
    audit = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "resume.viewed").order_by(AuditEvent.id)
    ).all()
    assert [(a.user_id, a.object_type, a.object_id) for a in audit] == [
        (job.agency.owner.id, "Resume", application.resume_id),
        (recruiter.id, "Resume", application.resume_id),
    ]


# --- 9. another seeker's application -----------------------------------------------------------


def test_another_seeker_gets_404(db, job, make_seeker, signed_in):
    seeker = make_seeker("Nadia Seeker")
    apply(signed_in(seeker), job)
    application = application_of(db, job, seeker)
    intruder = signed_in(make_seeker("Ivan Intruder"))
    assert intruder.get(f"/applications/{application.id}").status_code == 404
    assert intruder.post_form(f"/applications/{application.id}/withdraw").status_code == 404
    assert "Harbour Outreach Worker" not in text(intruder.get("/applications"))
    db.session.expire_all()
    assert application.status == "new" and application.withdrawn_at is None
