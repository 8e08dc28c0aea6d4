"""A person's export (portal/privacy/export.py): the ZIP from ``POST /account/export``
holds what the seeker entered and what happened to it, field by field — profile,
consents, applications with their history, lists, invitations, saved jobs, alerts, jobs
not wanted, who viewed the résumé, sign-ins — with the résumé files and a readable summary;
never the agency's private notes nor another person's data. Staff get their memberships
and API tokens (never a hash). The download is audited and rate-limited."""

import io
import json
import re
import zipfile
from datetime import UTC, datetime, timedelta
from html.parser import HTMLParser

import pytest
from sqlalchemy import select

from portal.api import tokens as api_tokens
from portal.applications import services as applications
from portal.models import (
    Application,
    AuditEvent,
    CandidateView,
    ConsentRecord,
    JobInvitation,
    Membership,
    Region,
    SavedSearch,
)
from portal.prequal.services import CONSENT_TEXT as LIST_CONSENT_TEXT
from portal.seekers.services import CONSENT_TEXT, CONSENT_VERSION
from portal.timeutil import today_pacific
from tests.support import count, text
from tests.support.alerts import confirm
from tests.support.applications import application_of, set_status
from tests.support.prequal import create_list, decide, join, member_of
from tests.support.reference import code_id, community_id, credential_id, occupation_id

FIRST_PDF = b"%PDF-1.4\n% Nadia's first resume, sent with her application\n"
SECOND_PDF = b"%PDF-1.4\n% Nadia's newer resume, on her profile\n"
OTHER_PDF = b"%PDF-1.4\n% Zebulon's resume, his alone\n"
COVER = "I have supported adults in group homes in Nanaimo for six years."
STATUS_MESSAGE = "Please come for an interview on Tuesday at 10:00."
PRIVATE_NOTE = "PRIVATE: references lukewarm, compare with other applicants"
DISMISS_REASON = "Too far from home without a car."
DECLINE_REASON = "I already work nights elsewhere."
INVITE_MESSAGE = "Your list profile fits our night shift: please apply."
QUALIFY_REASON = "Practicum references checked by phone."
# what the second seeker enters: none of it may appear in the first seeker's export
ZEB = {
    "name": "Zebulon Quartermaine",
    "email": "zebulon.q@example.org",
    "headline": "ZEBULON-HEADLINE child and youth care",
    "cover": "ZEBULON-COVER I love youth work.",
}


def iso(value) -> str:
    return value.astimezone(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def upload(client, data: bytes, name: str):
    response = client.post_form("/profile/resume", {"file": (io.BytesIO(data), name)})
    assert response.status_code == 302, text(response)[:2000]


def download(client) -> tuple[dict, dict[str, bytes], object]:
    """POST the export; (data.json, every file by name, the response)."""
    response = client.post_form("/account/export")
    assert response.status_code == 200, text(response)[:2000]
    with zipfile.ZipFile(io.BytesIO(response.data)) as archive:
        assert archive.testzip() is None
        files = {name: archive.read(name) for name in archive.namelist()}
    return json.loads(files["data.json"].decode("utf-8")), files, response


class Page(HTMLParser):
    """Checks that tags open and close in order; keeps the text and the links."""

    VOID = {"meta", "link", "br", "img", "hr", "input", "col", "wbr"}

    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.open: list[str] = []
        self.text: list[str] = []
        self.links: list[str] = []
        self.headings: list[str] = []
        self._heading: str | None = None
        self.feed(html)
        self.close()
        assert self.open == [], f"unclosed tags: {self.open}"

    def handle_starttag(self, tag, attrs):
        if tag == "a":
            self.links.append(dict(attrs).get("href", ""))
        if tag in self.VOID:
            return
        self.open.append(tag)
        if tag in ("h1", "h2", "h3"):
            self._heading = ""

    def handle_endtag(self, tag):
        if tag in self.VOID:
            return
        assert self.open and self.open[-1] == tag, f"</{tag}> closes {self.open[-1:]}"
        self.open.pop()
        if tag in ("h1", "h2", "h3") and self._heading is not None:
            self.headings.append(self._heading.strip())
            self._heading = None

    def handle_data(self, data):
        self.text.append(data)
        if self._heading is not None:
            self._heading += data

    @property
    def words(self) -> str:
        return " ".join(" ".join(self.text).split())


# --- the world: an agency, its jobs, and a seeker who did everything --------------------


@pytest.fixture
def agency(make_agency, make_user):
    return make_agency(
        owner=make_user(role="agency", name="Olive Owner"), name="Harbour Community Living"
    )


@pytest.fixture
def jobs(make_job, agency):
    return {
        name: make_job(agency=agency, title=title)
        for name, title in (
            ("applied", "Harbour Outreach Worker"),
            ("invited", "Harbour Night Support Worker"),
            ("saved", "Harbour Youth Worker"),
            ("dismissed", "Harbour Shelter Worker"),
        )
    }


def profile_form(db) -> dict:
    return {
        "headline": "Community support worker, six years in group homes",
        "summary": "I support adults with developmental disabilities.\nI drive.",
        "occupations": [occupation_id(db, "42201"), occupation_id(db, "41300")],
        "regions": [code_id(db, Region, "vancouver-island-coast")],
        "communities": [community_id(db, "Nanaimo")],
        "hours_wanted": "part_time",
        "pay_expectation": "28.50",
        "pay_unit": "hourly",
        "willing_to_travel": "y",
        "languages": "English, Tagalog",
        "availability": ["0-morning", "2-evening"],
        "earliest_start": "2026-09-01",
        "credentials": [credential_id(db, "csw-certificate")],
        "foreign_1_name": "Bachelor of Science in Social Work",
        "foreign_1_country": "Philippines",
        "foreign_1_recognition": "in_progress",
        "foreign_1_credential": str(credential_id(db, "bsw")),
    }


@pytest.fixture
def nadia(db, make_user, signed_in, agency, jobs, mailbox):
    """The seeker, through the pages: profile, consent, résumé, an application with a
    cover note and answers; the agency moves it on with a message and notes something
    private, opens her résumé, qualifies her on a list and invites her; she declines,
    saves a job, saves an alert, dismisses a job, uploads a newer résumé."""
    user = make_user(role="seeker", name="Nadia Okafor", email="nadia.okafor@example.org")
    client = signed_in(user)
    owner = signed_in(agency.owner)
    assert client.post_form("/profile", profile_form(db)).status_code == 302
    response = client.post_form("/profile/visibility", {"visibility": "agencies", "consent": "y"})
    assert response.status_code == 302
    upload(client, FIRST_PDF, "cv.pdf")

    job = jobs["applied"]
    licence = applications.add_question(
        job, {"text": "Do you hold a valid BC driver's licence?", "kind": "yes_no",
              "required": True, "knockout_answer": None}, agency.owner,
    )  # fmt: skip
    start = applications.add_question(
        job, {"text": "When could you start?", "kind": "text", "required": False,
              "knockout_answer": None}, agency.owner,
    )  # fmt: skip
    db.session.commit()
    response = client.post_form(
        f"/jobs/{job.id}/apply",
        {"cover_note": COVER, f"q_{licence.id}": "yes", f"q_{start.id}": "In two weeks"},
    )
    assert response.status_code == 302, text(response)[:2000]
    application = application_of(db, job, user)
    assert set_status(owner, application, "interview", STATUS_MESSAGE).status_code == 302
    note = owner.post_form(f"/agency/applications/{application.id}/notes", {"body": PRIVATE_NOTE})
    assert note.status_code == 302
    assert owner.get(f"/agency/applications/{application.id}/resume").status_code == 200

    plist = create_list(owner, db)
    client.user = user
    assert join(client, plist).status_code == 302
    member = member_of(db, plist, client)
    assert decide(owner, member, "qualify", QUALIFY_REASON).status_code == 302
    invited = jobs["invited"]
    response = owner.post_form(
        f"/agency/talent/{member.id}/invite", {"job_id": invited.id, "message": INVITE_MESSAGE}
    )
    assert response.status_code == 302
    invitation = db.session.scalar(select(JobInvitation).where(JobInvitation.seeker_id == user.id))
    response = client.post_form(
        f"/job-invitations/{invitation.id}/decline", {"reason": DECLINE_REASON}
    )
    assert response.status_code == 302

    assert client.post_form(f"/jobs/{jobs['saved'].id}/save").status_code == 302
    region = code_id(db, Region, "vancouver-island-coast")
    response = client.post_form(f"/alerts/new?q=outreach&region={region}", {"frequency": "weekly"})
    assert response.status_code == 303
    confirm(client, mailbox.last_link(user.email, "/alerts/confirm/"))
    response = client.post_form(
        f"/recommended/{jobs['dismissed'].id}/not-interested", {"reason": DISMISS_REASON}
    )
    assert response.status_code == 302
    # an agency looked at her anonymous profile as a suggested candidate (matching's log)
    db.session.add(
        CandidateView(
            seeker_id=user.id, job_id=invited.id, agency_id=agency.id, viewer_id=agency.owner.id
        )
    )
    db.session.commit()
    upload(client, SECOND_PDF, "cv.pdf")  # same name: the ZIP keeps both, apart
    return client


@pytest.fixture
def zebulon(db, make_user, signed_in, jobs):
    """A second seeker with values of his own, who applied to the same job."""
    user = make_user(role="seeker", name=ZEB["name"], email=ZEB["email"])
    client = signed_in(user)
    form = {**profile_form(db), "headline": ZEB["headline"], "languages": "Zebulonese"}
    assert client.post_form("/profile", form).status_code == 302
    upload(client, OTHER_PDF, "zebulon-cv.pdf")
    job = jobs["applied"]
    answers = {f"q_{q.id}": "yes" if q.kind == "yes_no" else "ZEB-ANSWER"
               for q in applications.questions_of(job)}  # fmt: skip
    response = client.post_form(f"/jobs/{job.id}/apply", {"cover_note": ZEB["cover"], **answers})
    assert response.status_code == 302, text(response)[:2000]
    assert client.post_form(f"/jobs/{jobs['saved'].id}/save").status_code == 302
    return client


# --- the seeker's export ------------------------------------------------------------------


def test_the_page_says_what_the_zip_holds(nadia):
    page = text(nadia.get("/account/export"))
    assert '<h1 class="h3">Download your data</h1>' in page
    assert "Download my data (ZIP)" in page and 'action="/account/export"' in page
    for part in ("summary.html", "data.json", "resumes/", "who viewed your résumé"):
        assert part in page


def test_seeker_export_holds_what_she_entered(db, nadia, agency, jobs, zebulon):
    user = nadia.user
    before = datetime.now(UTC)
    data, files, response = download(nadia)

    assert response.headers["Content-Type"] == "application/zip"
    assert response.headers["Content-Disposition"] == (
        f"attachment; filename=sector-jobs-data-{today_pacific().isoformat()}.zip"
    )
    assert "no-store" in response.headers["Cache-Control"]
    assert set(files) == {"data.json", "summary.html", "resumes/cv.pdf", "resumes/cv (2).pdf"}
    assert files["resumes/cv.pdf"] == FIRST_PDF and files["resumes/cv (2).pdf"] == SECOND_PDF

    exported = datetime.fromisoformat(data["exported_at"])
    assert data["exported_at"].endswith("Z") and before - timedelta(seconds=1) <= exported
    db.session.expire_all()
    assert data["account"] == {
        "name": "Nadia Okafor",
        "email": "nadia.okafor@example.org",
        "role": "seeker",
        "role_label": "Job seeker",
        "created_at": iso(user.created_at),
        "email_confirmed_at": iso(user.email_confirmed_at),
        "last_login_at": iso(user.last_login_at),
        "two_step_on": False,
    }

    profile = data["profile"]
    assert {k: profile[k] for k in ("headline", "summary", "languages", "earliest_start")} == {
        "headline": "Community support worker, six years in group homes",
        "summary": "I support adults with developmental disabilities.\nI drive.",
        "languages": "English, Tagalog",
        "earliest_start": "2026-09-01",
    }
    assert profile["occupations"] == [
        {"noc_code": "42201", "title": "Social and community service workers"},
        {"noc_code": "41300", "title": "Social workers"},
    ]
    assert profile["regions"] == ["Vancouver Island/Coast"]
    assert profile["communities"] == ["Nanaimo"]
    assert (profile["hours_wanted"], profile["hours_wanted_label"]) == ("part_time", "Part-time")
    assert profile["pay_expectation"] == {
        "cents": 2850,
        "unit": "hourly",
        "text": "$28.50 an hour",
    }
    assert profile["willing_to_travel"] is True
    assert profile["availability"] == [
        {"day": "Monday", "part": "morning"},
        {"day": "Wednesday", "part": "evening"},
    ]
    assert profile["visibility"] == "agencies"
    assert profile["visibility_label"] == "Visible to approved agencies"
    assert profile["current_resume"] == "resumes/cv (2).pdf"
    assert profile["credentials"] == [
        {
            "name": "Community support worker certificate",
            "earned_outside_canada": False,
            "country": None,
            "recognition_in_bc": None,
            "recognition_label": None,
            "counts_as": None,
            "year": None,
        },
        {
            "name": "Bachelor of Science in Social Work",
            "earned_outside_canada": True,
            "country": "Philippines",
            "recognition_in_bc": "in_progress",
            "recognition_label": "Recognition in BC in progress",
            "counts_as": "Bachelor of Social Work (BSW)",
            "year": None,
        },
    ]

    first, second = data["resumes"]
    assert (first["file"], first["uploaded_as"], first["current"]) == (
        "resumes/cv.pdf",
        "cv.pdf",
        False,
    )
    assert first["sent_with_applications_for"] == ["Harbour Outreach Worker"]
    assert first["size_bytes"] == len(FIRST_PDF) and first["file_missing"] is False
    assert (second["file"], second["current"], second["sent_with_applications_for"]) == (
        "resumes/cv (2).pdf",
        True,
        [],
    )

    consent = db.session.scalar(select(ConsentRecord).where(ConsentRecord.user_id == user.id))
    assert data["consents"] == [
        {
            "purpose": "profile_visibility",
            "version": CONSENT_VERSION,
            "text": CONSENT_TEXT,
            "given_at": iso(consent.granted_at),
            "withdrawn_at": None,
        }
    ]

    application = db.session.scalar(select(Application).where(Application.seeker_id == user.id))
    [sent] = data["applications"]
    assert sent["job"] == "Harbour Outreach Worker"
    assert sent["agencies"] == ["Harbour Community Living"]
    assert sent["submitted_at"] == iso(application.submitted_at)
    assert sent["withdrawn_at"] is None
    assert (sent["status"], sent["status_label"]) == ("interview", "Interview")
    assert sent["cover_note"] == COVER
    assert sent["resume_file"] == "resumes/cv.pdf" and sent["knocked_out"] is False
    assert sent["answers"] == [
        {"question": "Do you hold a valid BC driver's licence?", "answer": "yes"},
        {"question": "When could you start?", "answer": "In two weeks"},
    ]
    assert [(d["agency"], d["status"]) for d in sent["decisions"]] == [
        ("Harbour Community Living", "interview")
    ]
    events = application.events
    assert sent["history"] == [
        {
            "at": iso(events[0].created_at),
            "agency": events[0].agency.name if events[0].agency else None,
            "from": None,
            "to": "new",
            "by": "you",
            "message": None,
        },
        {
            "at": iso(events[1].created_at),
            "agency": "Harbour Community Living",
            "from": "new",
            "to": "interview",
            "by": "the agency",
            "message": STATUS_MESSAGE,
        },
    ]

    [member] = data["list_memberships"]
    assert member["list"] == "New graduates 2027 — Vancouver Island"
    assert member["agencies"] == ["Harbour Community Living"]
    assert (member["status"], member["status_label"]) == ("qualified", "Qualified")
    assert member["answers"] == [
        {"question": "Have you finished your program?", "answer": "yes"},
        {"question": "Which school did you attend?", "answer": "Vancouver Island University"},
        {"question": "Anything else we should know?", "answer": ""},
    ]
    assert member["consent_text"] == LIST_CONSENT_TEXT
    assert member["decided_by_agency"] == "Harbour Community Living"
    assert member["reason"] == QUALIFY_REASON
    assert member["applied_at"] and member["decided_at"] and member["expires_at"]

    [invitation] = data["invitations"]
    assert {k: v for k, v in invitation.items() if not k.endswith("_at")} == {
        "job": "Harbour Night Support Worker",
        "agency": "Harbour Community Living",
        "from": "the list “New graduates 2027 — Vancouver Island”",
        "message": INVITE_MESSAGE,
        "status": "declined",
        "decline_reason": DECLINE_REASON,
    }
    assert invitation["sent_at"] and invitation["responded_at"]

    assert [(s["job"], s["agency"]) for s in data["saved_jobs"]] == [
        ("Harbour Youth Worker", "Harbour Community Living")
    ]
    [alert] = data["alerts"]
    stored = db.session.scalar(select(SavedSearch).where(SavedSearch.user_id == user.id))
    assert alert["description"] == "“outreach” — all jobs in Vancouver Island/Coast"
    assert alert["query"] == stored.query and "q=outreach" in alert["query"]
    assert (alert["frequency"], alert["frequency_label"]) == ("weekly", "Once a week")
    assert (alert["confirmed"], alert["paused"], alert["jobs_sent"]) == (True, False, 0)
    assert alert["created_at"] == iso(stored.created_at)
    assert alert["email"] == "nadia.okafor@example.org"

    [dismissed] = data["not_interested"]
    assert (dismissed["job"], dismissed["reason"]) == ("Harbour Shelter Worker", DISMISS_REASON)

    [view] = data["resume_views"]
    assert {k: v for k, v in view.items() if k != "at"} == {
        "agency": "Harbour Community Living",
        "staff_member": "Olive Owner",
        "resume_file": "resumes/cv.pdf",
    }
    [anonymous] = data["anonymous_profile_views"]
    assert (anonymous["agency"], anonymous["job"]) == (
        "Harbour Community Living",
        "Harbour Night Support Worker",
    )

    signed_in = [e for e in data["sign_in_history"] if e["event"] == "user.login"]
    assert signed_in and signed_in[-1]["ip"] == "127.0.0.1"
    assert signed_in[-1]["description"] == "Signed in"
    assert "memberships" not in data and "api_tokens" not in data

    # the download is recorded (and committed by the view)
    db.session.expire_all()
    exported_events = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "privacy.exported")
    ).all()
    assert [(e.user_id, e.object_type, e.object_id) for e in exported_events] == [
        (user.id, "User", user.id)
    ]
    again, _files, _response = download(nadia)
    assert [e["event"] for e in again["sign_in_history"]].count("privacy.exported") == 1


def test_seeker_export_leaves_out_private_notes_and_other_people(nadia, zebulon):
    _data, files, _response = download(nadia)
    everything = b"\n".join(files.values())
    readable = everything.decode("utf-8", errors="replace")
    assert PRIVATE_NOTE not in readable and "references lukewarm" not in readable
    for value in (*ZEB.values(), "Zebulonese", "ZEB-ANSWER", "zebulon-cv"):
        assert value not in readable, value
    assert OTHER_PDF not in everything

    # and the other way round: his export holds nothing of hers
    data, files, _response = download(zebulon)
    readable = b"\n".join(files.values()).decode("utf-8", errors="replace")
    assert "Nadia" not in readable and COVER not in readable
    assert data["account"]["email"] == ZEB["email"]
    assert set(files) == {"data.json", "summary.html", "resumes/zebulon-cv.pdf"}
    assert [a["cover_note"] for a in data["applications"]] == [ZEB["cover"]]


def test_summary_page_tells_the_same_in_plain_words(nadia, app):
    _data, files, _response = download(nadia)
    html = files["summary.html"].decode("utf-8")
    page = Page(html)  # every tag closed in order
    assert html.startswith("<!doctype html>") and '<html lang="en-CA">' in html
    assert "<style>" in html and "<script" not in html and "<link" not in html
    assert {re.sub(r"https?://[^/]+", "", link) for link in page.links} == {"/"}
    assert all(link.startswith(app.config["BASE_URL"]) for link in page.links)
    for heading in (
        "Your data on the Sector Jobs Portal",
        "Your account",
        "Your profile",
        "Your résumés",
        "Consents you gave",
        "Your applications",
        "Pre-qualified lists",
        "Invitations to apply",
        "Saved jobs",
        "Job alerts",
        "Jobs you were not interested in",
        "Who viewed your résumé",
        "Sign-in history",
    ):
        assert heading in page.headings, heading
    words = page.words
    for fact in (
        "Nadia Okafor",
        "nadia.okafor@example.org",
        "Community support worker, six years in group homes",
        "$28.50 an hour",
        "Monday morning, Wednesday evening",
        "Bachelor of Science in Social Work",
        "Philippines",
        "Recognition in BC in progress",
        CONSENT_TEXT,
        "Harbour Outreach Worker",
        COVER,
        "In two weeks",
        "New → Interview (the agency)",
        STATUS_MESSAGE,
        "New graduates 2027 — Vancouver Island",
        QUALIFY_REASON,
        INVITE_MESSAGE,
        DECLINE_REASON,
        "Harbour Youth Worker",
        "“outreach” — all jobs in Vancouver Island/Coast",
        DISMISS_REASON,
        "Olive Owner",
        "resumes/cv (2).pdf",
        "Signed in",
    ):
        assert fact in words, fact
    assert PRIVATE_NOTE not in words


# --- agency staff -----------------------------------------------------------------------


def test_recruiter_export_has_memberships_and_tokens_without_hashes(
    db, agency, make_user, make_recruiter, signed_in, nadia
):
    recruiter = make_recruiter(agency, make_user(role="agency", name="Rita Recruiter"))
    membership = db.session.scalar(select(Membership).where(Membership.user_id == recruiter.id))
    membership.application_alerts = "daily"
    token, raw = api_tokens.create(membership, "HR system sync", ["jobs:read", "jobs:write"], 90)
    revoked, _ = api_tokens.create(membership, "Old script", ["applications:read"], 30)
    api_tokens.revoke(revoked, recruiter)
    db.session.commit()
    client = signed_in(recruiter)
    # she opens the applicant's résumé: the applicant's data stays out of her export
    application = db.session.scalar(select(Application))
    assert client.get(f"/agency/applications/{application.id}/resume").status_code == 200

    data, files, _response = download(client)
    assert set(files) == {"data.json", "summary.html"}
    assert data["account"]["name"] == "Rita Recruiter" and data["account"]["role"] == "agency"
    assert data["memberships"] == [
        {
            "agency": "Harbour Community Living",
            "role": "recruiter",
            "since": iso(membership.created_at),
            "application_alerts": "daily",
            "application_alerts_label": "One daily digest",
        }
    ]
    first, second = data["api_tokens"]
    assert first == {
        "name": "HR system sync",
        "agency": "Harbour Community Living",
        "prefix": token.prefix,
        "scopes": ["jobs:read", "jobs:write"],
        "created_at": iso(token.created_at),
        "expires_at": iso(token.expires_at),
        "last_used_at": None,
        "last_used_ip": None,
        "revoked_at": None,
    }
    assert second["name"] == "Old script" and second["revoked_at"] == iso(revoked.revoked_at)
    assert set(data) == {
        "exported_at",
        "account",
        "memberships",
        "api_tokens",
        "sign_in_history",
    }
    readable = b"\n".join(files.values()).decode("utf-8")
    for secret in (token.token_hash, revoked.token_hash, raw, raw[len(token.prefix) :]):
        assert secret not in readable
    for applicant in ("Nadia", "nadia.okafor@example.org", COVER, "cv.pdf"):
        assert applicant not in readable, applicant
    assert "HR system sync" in Page(files["summary.html"].decode("utf-8")).words


# --- who may, and how often --------------------------------------------------------------


@pytest.mark.parametrize("method", ["GET", "POST"])
def test_signed_out_visitors_are_sent_to_sign_in(db, client, method):
    if method == "GET":
        response = client.get("/account/export")
    else:
        response = client.post_form("/account/export")
    assert response.status_code == 302
    assert response.location.startswith("/login")
    assert count(db, AuditEvent, AuditEvent.action == "privacy.exported") == 0


def test_downloads_are_rate_limited(app, make_user, signed_in):
    client = signed_in(make_user(role="seeker"))
    app.config["RATELIMIT_EXPORT"] = "2 per hour"
    assert client.post_form("/account/export").status_code == 200
    assert client.post_form("/account/export").status_code == 200
    assert client.post_form("/account/export").status_code == 429
    assert client.get("/account/export").status_code == 200  # looking costs nothing
