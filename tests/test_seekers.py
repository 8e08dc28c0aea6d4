"""Job seekers: the profile, visibility consent, résumés (upload, download, who viewed),
agencies' view of visible profiles, and saved jobs. Everything through HTTP."""

import io
import os
import re
import zipfile
from datetime import timedelta

import pytest
from sqlalchemy import func, select
from werkzeug.datastructures import FileStorage, MultiDict
from werkzeug.test import encode_multipart

from portal.jobs import services as job_services
from portal.models import (
    AuditEvent,
    ConsentRecord,
    Credential,
    Region,
    Resume,
    ResumeView,
    SavedJob,
    SeekerProfile,
)
from portal.models.types import utcnow
from portal.seekers import consent
from portal.timeutil import today_pacific
from tests.support import count, field_error, text
from tests.support.reference import community_id, credential_id, occupation_id

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
DOCX_MIME = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
PEOPLE_RE = re.compile(r'<a href="/agency/people/(\d+)">')


def docx(extra: dict | None = None, word: bool = True) -> bytes:
    """A minimal Word document: a zip with the parts Word needs."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types/>')
        if word:
            archive.writestr("word/document.xml", '<?xml version="1.0"?><w:document/>')
        for name, content in (extra or {}).items():
            archive.writestr(name, content)
    return buffer.getvalue()


def region_id(db, code: str) -> int:
    return db.session.scalar(select(Region.id).where(Region.code == code))


def profile_of(db, user) -> SeekerProfile | None:
    db.session.expire_all()
    return db.session.scalar(select(SeekerProfile).where(SeekerProfile.user_id == user.id))


def upload(client, data: bytes, name: str = "cv.pdf"):
    """Post a résumé as a browser does. The body is encoded here, in memory: for a large
    file the test client would spool it to a temporary file it never closes."""
    boundary, body = encode_multipart(
        MultiDict(
            {
                "csrf_token": client.csrf_token(),
                "file": FileStorage(io.BytesIO(data), filename=name),
            }
        )
    )
    return client.post(
        "/profile/resume", data=body, content_type=f"multipart/form-data; boundary={boundary}"
    )


def stored_files(app) -> list[str]:
    folder = os.path.join(app.config["UPLOAD_DIR"], "resumes")
    return sorted(os.listdir(folder)) if os.path.isdir(folder) else []


def profile_form(db, **overrides) -> dict:
    data = {
        "headline": "Community support worker, five years in group homes",
        "summary": "I support adults with developmental disabilities.",
        "occupations": [occupation_id(db, "42201"), occupation_id(db, "42202")],
        "regions": [region_id(db, "kootenay")],
        "communities": [community_id(db, "Nelson"), community_id(db, "Castlegar")],
        "hours_wanted": "part_time",
        "pay_expectation": "28.50",
        "pay_unit": "hourly",
        "willing_to_travel": "y",
        "languages": "English, Punjabi",
        "availability": ["0-morning", "0-day", "5-night"],
        "earliest_start": (today_pacific() + timedelta(days=14)).isoformat(),
        "credentials": [credential_id(db, "first-aid-cpr-c"), credential_id(db, "class-5-licence")],
        "foreign_1_name": "Bachelor of Social Work",
        "foreign_1_country": "India",
        "foreign_1_recognition": "in_progress",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


@pytest.fixture
def seeker(client, make_user, login):
    """A job seeker signed in on ``client``."""
    user = make_user(role="seeker", name="Maya Singh", email="maya@example.org")
    login(client, user)
    return user


@pytest.fixture
def staff(app, make_agency, login):
    """A client signed in as the owner of an approved agency (``.agency``)."""
    agency = make_agency(name="Kootenay Living Society")
    client = app.test_client()
    login(client, agency.owner)
    client.agency = agency
    return client


def make_visible(client):
    response = client.post_form("/profile/visibility", {"visibility": "agencies", "consent": "y"})
    assert response.status_code == 302
    return response


# --- 1. the profile -------------------------------------------------------------------------


def test_profile_save_and_reload(client, db, seeker):
    assert client.get("/profile").status_code == 200
    response = client.post_form("/profile", profile_form(db))
    assert response.status_code == 302 and response.location == "/profile"

    profile = profile_of(db, seeker)
    assert profile.headline == "Community support worker, five years in group homes"
    assert profile.summary == "I support adults with developmental disabilities."
    assert {o.noc_code for o in profile.occupations} == {"42201", "42202"}
    assert [r.code for r in profile.regions] == ["kootenay"]
    assert {c.name for c in profile.communities} == {"Nelson", "Castlegar"}
    assert profile.hours_wanted == "part_time"
    assert (profile.pay_expectation_cents, profile.pay_unit) == (2850, "hourly")
    assert profile.willing_to_travel is True
    assert profile.languages == "English, Punjabi"
    assert profile.availability == [[0, "morning"], [0, "day"], [5, "night"]]
    assert profile.earliest_start == today_pacific() + timedelta(days=14)
    assert {(c.label, c.outside_canada, c.country, c.recognition) for c in profile.credentials} == {
        (db.session.get(Credential, credential_id(db, "first-aid-cpr-c")).name, False, "", None),
        (db.session.get(Credential, credential_id(db, "class-5-licence")).name, False, "", None),
        ("Bachelor of Social Work", True, "India", "in_progress"),
    }
    assert profile.visibility == "private" and not consent.is_visible(profile)

    page = text(client.get("/profile"))
    assert "Your profile is saved." in page
    assert 'value="Community support worker, five years in group homes"' in page
    assert re.search(r'value="0-morning" id="availability-0-morning"\s+checked', page)
    assert not re.search(r'value="1-morning" id="availability-1-morning"\s+checked', page)
    assert 'value="Bachelor of Social Work"' in page
    assert re.search(r'<option selected value="in_progress">', page)
    assert 'value="28.50"' in page

    # a second save replaces the answers
    response = client.post_form(
        "/profile",
        profile_form(
            db,
            credentials=[credential_id(db, "class-5-licence")],
            foreign_1_name="",
            foreign_1_country="",
            foreign_1_recognition="",
            availability=["6-evening"],
            pay_expectation="",
            willing_to_travel=None,
            occupations=[],
        ),
    )
    assert response.status_code == 302
    profile = profile_of(db, seeker)
    assert [c.credential.code for c in profile.credentials] == ["class-5-licence"]
    assert profile.availability == [[6, "evening"]]
    assert profile.pay_expectation_cents is None
    assert profile.willing_to_travel is False
    assert profile.occupations == []


def test_availability_is_an_accessible_table(client, seeker):
    page = text(client.get("/profile"))
    assert '<th scope="col" class="text-center">Morning</th>' in page
    # "Sun" on a phone (the grid fits 375 px), the whole name for screen readers
    assert '<th scope="row">Sun<span class="day-rest">day</span></th>' in page
    assert '<label class="visually-hidden" for="availability-6-night">Sunday night</label>' in page


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"pay_expectation": "twenty"}, "pay_expectation", "Enter the amount as a number"),
        (
            {"pay_expectation": "450", "pay_unit": "hourly"},
            "pay_expectation",
            "more than $250 an hour",
        ),
        ({"pay_expectation": "-3"}, "pay_expectation", "above zero"),
        ({"pay_expectation": "NaN"}, "pay_expectation", "Enter the amount as a number"),
        ({"earliest_start": "2026-13-45"}, "earliest_start", "YYYY-MM-DD"),
        ({"foreign_1_country": ""}, "foreign_1_country", "Enter the country"),
        ({"foreign_1_recognition": ""}, "foreign_1_recognition", "recognition in BC"),
        ({"foreign_2_country": "Philippines"}, "foreign_2_name", "Enter the name"),
        ({"headline": "x" * 201}, "headline", "under 200 characters"),
        ({"availability": ["7-morning"]}, "availability", "not a valid choice"),
    ],
)
def test_bad_profile_input_keeps_values_and_saves_nothing(
    client, db, seeker, changes, field, message
):
    client.get("/profile")  # the empty profile
    typed = profile_form(
        db, headline="Typed headline stays", **{k: v for k, v in changes.items() if k != "headline"}
    )
    if "headline" in changes:
        typed["headline"] = changes["headline"]
    response = client.post_form("/profile", typed)
    assert response.status_code == 400
    page = text(response)
    assert message.lower() in (field_error(page, field) or "").lower(), page[:3000]
    assert "Please fix the following" in page
    # what was typed is still there
    assert "I support adults with developmental disabilities." in page
    assert 'value="Bachelor of Social Work"' in page or field.startswith("foreign_1")
    for key, value in changes.items():
        if isinstance(value, str) and value and key != "foreign_1_recognition":
            assert f'value="{value}"' in page or f">{value}<" in page, key
    # nothing saved
    profile = profile_of(db, seeker)
    assert profile.headline == "" and profile.occupations == [] and profile.credentials == []


def test_profile_is_for_seekers_only(app, client, login, make_agency, make_user):
    login(client, make_agency().owner)
    assert client.get("/profile").status_code == 403
    champion = app.test_client()
    login(champion, make_user(role="champion"))
    assert champion.get("/profile").status_code == 403
    assert app.test_client().get("/profile").status_code == 302  # to sign in


# --- 2. visibility and consent --------------------------------------------------------------


def test_visible_needs_consent(client, db, seeker):
    response = client.post_form("/profile/visibility", {"visibility": "agencies"})
    assert response.status_code == 400
    assert "Tick the box to agree" in field_error(text(response), "consent")
    assert profile_of(db, seeker) is None  # nothing saved
    assert count(db, ConsentRecord) == 0


def test_consent_is_stored_and_withdrawing_hides_the_profile_at_once(client, db, seeker, staff):
    client.post_form("/profile", profile_form(db))
    before = utcnow()
    make_visible(client)
    record = db.session.scalar(select(ConsentRecord))
    profile = profile_of(db, seeker)
    assert consent.is_visible(profile) and profile.consent_id == record.id
    assert record.user_id == seeker.id and record.purpose == "profile_visibility"
    assert (record.text, record.version) == (consent.current().text, consent.current().id)
    assert before - timedelta(seconds=5) <= record.granted_at <= utcnow()
    assert record.withdrawn_at is None
    page = text(client.get("/profile"))
    assert "Visible to approved agencies" in page and "You gave your consent on" in page
    assert consent.current().text in page

    # agencies find it
    assert PEOPLE_RE.findall(text(staff.get("/agency/people"))) == [str(seeker.id)]
    person = staff.get(f"/agency/people/{seeker.id}")
    assert person.status_code == 200
    assert "Community support worker, five years in group homes" in text(person)

    # withdrawn: hidden at once
    response = client.post_form("/profile/visibility", {"visibility": "private"})
    assert response.status_code == 302
    db.session.expire_all()
    record = db.session.get(ConsentRecord, record.id)
    assert record.withdrawn_at is not None
    profile = profile_of(db, seeker)
    assert profile.visibility == "private" and profile.consent_id is None
    assert PEOPLE_RE.findall(text(staff.get("/agency/people"))) == []
    assert staff.get(f"/agency/people/{seeker.id}").status_code == 404
    page = text(client.get("/profile"))
    assert "Private" in page and "You withdrew your consent on" in page

    # consenting again makes a new record; the old one keeps its history
    make_visible(client)
    assert count(db, ConsentRecord) == 2


# --- 3. résumés --------------------------------------------------------------------------


def test_upload_pdf_then_docx(app, client, db, seeker):
    response = upload(client, PDF, "Maya CV.pdf")
    assert response.status_code == 302 and response.location == "/profile/resume"
    pdf = db.session.scalar(select(Resume))
    assert (pdf.user_id, pdf.filename, pdf.kind, pdf.size) == (
        seeker.id,
        "Maya CV.pdf",
        "pdf",
        len(PDF),
    )
    assert re.fullmatch(r"[0-9a-f]{48}", pdf.stored_name)
    assert profile_of(db, seeker).resume_id == pdf.id

    # stored under UPLOAD_DIR/resumes with its random name, never under static/
    path = os.path.join(app.config["UPLOAD_DIR"], "resumes", pdf.stored_name)
    with open(path, "rb") as stored:
        assert stored.read() == PDF
    assert stored_files(app) == [pdf.stored_name]  # no temporary file left behind
    static = os.path.realpath(app.static_folder)
    assert not os.path.realpath(path).startswith(static)
    for _root, _dirs, files in os.walk(static):
        assert "Maya CV.pdf" not in files and pdf.stored_name not in files

    word = docx()
    response = upload(client, word, "cv.docx")
    assert response.status_code == 302
    db.session.expire_all()
    resumes = db.session.scalars(select(Resume).order_by(Resume.id)).all()
    assert [(r.kind, r.filename) for r in resumes] == [("pdf", "Maya CV.pdf"), ("docx", "cv.docx")]
    assert profile_of(db, seeker).resume_id == resumes[1].id  # the new one is current
    assert len(stored_files(app)) == 2  # the old file is kept, unchanged
    page = text(client.get("/profile/resume"))
    assert "cv.docx" in page and f'href="/profile/resumes/{resumes[1].id}/file"' in page


def test_type_is_judged_by_content_not_name(client, db, seeker):
    response = upload(client, PDF, "resume")  # no extension: the content says PDF
    assert response.status_code == 302
    assert db.session.scalar(select(Resume.filename)) == "resume.pdf"


@pytest.mark.parametrize(
    ("data", "name", "message"),
    [
        (b"Plain text resume", "cv.txt", "Upload your résumé as a PDF or a Word (.docx) file."),
        (b"", "cv.pdf", "The file is empty (0 bytes)."),
        (b"<html>not a pdf</html>", "cv.pdf", "This file is named .pdf but is not a PDF."),
        (docx(word=False), "cv.docx", "This file is named .docx but is not a Word (.docx)"),
        (b"PK\x03\x04 broken zip", "cv.docx", "This file is named .docx but is not"),
        (PDF, "cv.docx", "This file is named .docx but is a PDF."),
        (PDF + b"0" * (5 * 1024 * 1024), "big.pdf", "The file is larger than 5 MB."),
    ],
)
def test_bad_uploads_are_refused_with_a_message(app, client, db, seeker, data, name, message):
    response = upload(client, data, name)
    assert response.status_code == 400
    assert message in (field_error(text(response), "file") or ""), text(response)[:3000]
    assert count(db, Resume) == 0
    assert stored_files(app) == []
    profile = profile_of(db, seeker)
    assert profile is None or profile.resume_id is None


def test_no_file_chosen(client, db, seeker):
    response = client.post_form("/profile/resume", {}, content_type="multipart/form-data")
    assert response.status_code == 400
    assert field_error(text(response), "file") == "Choose your résumé file."


def test_request_over_the_limit_gets_a_clear_413(app, client, db, seeker):
    response = upload(client, PDF + b"0" * (7 * 1024 * 1024), "huge.pdf")
    assert response.status_code == 413
    page = text(response)
    assert "File too large (max 5 MB)" in page
    assert count(db, Resume) == 0 and stored_files(app) == []


@pytest.mark.parametrize(
    ("data", "name", "mimetype"),
    [
        (PDF, "cv.pdf", "application/pdf"),
        (docx(), "cv.docx", DOCX_MIME),
    ],
)
def test_owner_downloads_with_safe_headers(client, db, seeker, data, name, mimetype):
    upload(client, data, name)
    resume = db.session.scalar(select(Resume))
    response = client.get(f"/profile/resumes/{resume.id}/file")
    assert response.status_code == 200
    assert response.get_data() == data
    assert response.mimetype == mimetype
    assert response.headers["Content-Disposition"].startswith("attachment;")
    assert f"filename={name}" in response.headers["Content-Disposition"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Cache-Control"] == "private, no-store"


def test_nobody_else_downloads_from_the_seekers_page(
    app, client, db, seeker, make_user, login, staff
):
    upload(client, PDF)
    resume = db.session.scalar(select(Resume))
    other = app.test_client()
    login(other, make_user(role="seeker"))
    assert other.get(f"/profile/resumes/{resume.id}/file").status_code == 404
    assert staff.get(f"/profile/resumes/{resume.id}/file").status_code == 403
    assert app.test_client().get(f"/profile/resumes/{resume.id}/file").status_code == 302


def test_agency_opens_a_visible_resume_and_the_seeker_sees_it(client, db, seeker, staff):
    upload(client, PDF)
    make_visible(client)
    resume = db.session.scalar(select(Resume))

    response = staff.get(f"/agency/people/{seeker.id}/resume")
    assert response.status_code == 200 and response.get_data() == PDF
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Content-Disposition"].startswith("attachment;")

    view = db.session.scalar(select(ResumeView))
    owner = staff.agency.owner
    assert (view.resume_id, view.seeker_id, view.viewer_id, view.agency_id) == (
        resume.id,
        seeker.id,
        owner.id,
        staff.agency.id,
    )
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "resume.viewed"))
    assert (event.user_id, event.object_type, event.object_id) == (owner.id, "Resume", resume.id)

    page = text(client.get("/profile/resume"))
    viewed = page.split("Who viewed my résumé")[1]
    assert "Kootenay Living Society" in viewed and owner.name in viewed


def test_who_viewed_is_newest_first(
    client, db, seeker, staff, make_agency, make_recruiter, app, login
):
    upload(client, PDF)
    make_visible(client)
    other = make_agency(name="Okanagan Family Services")
    second = app.test_client()
    login(second, make_recruiter(other))
    staff.get(f"/agency/people/{seeker.id}/resume")
    second.get(f"/agency/people/{seeker.id}/resume")
    page = text(client.get("/profile/resume")).split("Who viewed my résumé")[1]
    assert page.index("Okanagan Family Services") < page.index("Kootenay Living Society")


def test_private_profile_is_not_there_for_agencies(client, db, seeker, staff):
    client.post_form("/profile", profile_form(db))
    upload(client, PDF)
    assert PEOPLE_RE.findall(text(staff.get("/agency/people"))) == []
    assert staff.get(f"/agency/people/{seeker.id}").status_code == 404
    assert staff.get(f"/agency/people/{seeker.id}/resume").status_code == 404
    assert count(db, ResumeView) == 0


def test_pending_agency_cannot_see_profiles(app, client, db, seeker, make_agency, login):
    upload(client, PDF)
    make_visible(client)
    pending = make_agency(status="pending", name="Waiting Society")
    staff = app.test_client()
    login(staff, pending.owner)
    page = text(staff.get("/agency/people"))
    assert "can search job seekers' profiles once an administrator approves it" in page
    assert PEOPLE_RE.findall(page) == []
    assert staff.get(f"/agency/people/{seeker.id}").status_code == 404
    assert staff.get(f"/agency/people/{seeker.id}/resume").status_code == 404
    assert count(db, ResumeView) == 0


def test_agency_applied_to_sees_a_private_profile(
    app, client, db, seeker, staff, make_job, make_agency, login
):
    from portal.applications import services as applications

    upload(client, PDF)
    job = make_job(agency=staff.agency)
    applications.apply(job, seeker, "Hello", {})
    db.session.commit()
    assert consent.is_visible(profile_of(db, seeker)) is False

    assert staff.get(f"/agency/people/{seeker.id}").status_code == 200
    assert staff.get(f"/agency/people/{seeker.id}/resume").status_code == 200
    assert PEOPLE_RE.findall(text(staff.get("/agency/people"))) == []  # not in search
    outsider = app.test_client()
    login(outsider, make_agency().owner)
    assert outsider.get(f"/agency/people/{seeker.id}").status_code == 404


def test_the_agency_view_of_a_profile(client, db, seeker, staff):
    client.post_form("/profile", profile_form(db))
    upload(client, PDF)
    make_visible(client)
    page = text(staff.get(f"/agency/people/{seeker.id}"))
    for expected in (
        "Maya Singh",
        "maya@example.org",
        "Community support worker, five years in group homes",
        "I support adults with developmental disabilities.",
        "Part-time",
        "$28.50 an hour",
        "English, Punjabi",
        "Monday: morning, day",
        "Saturday: night",
        "Bachelor of Social Work — earned in India; Recognition in BC in progress",
        "Nelson",
        "Kootenay",
        f'href="/agency/people/{seeker.id}/resume"',
    ):
        assert expected in page, expected
    start = today_pacific() + timedelta(days=14)
    assert start.strftime("%B %-d, %Y") in page


def test_remove_resume_keeps_files_sent_with_applications(app, client, db, seeker, staff, make_job):
    from portal.applications import services as applications

    upload(client, PDF)
    make_visible(client)
    applications.apply(make_job(agency=staff.agency), seeker, "", {})
    db.session.commit()
    response = client.post_form("/profile/resume/remove", {})
    assert response.status_code == 302
    assert profile_of(db, seeker).resume_id is None
    resume = db.session.scalar(select(Resume))
    assert stored_files(app) == [resume.stored_name]
    assert staff.get(f"/agency/people/{seeker.id}/resume").status_code == 404
    page = text(client.get("/profile/resume"))
    assert "You have no résumé on your profile" in page
    assert "Sent with: Community Support Worker" in page
    assert client.get(f"/profile/resumes/{resume.id}/file").status_code == 200


# --- agencies' search -------------------------------------------------------------------


def test_agency_search_filters(app, db, make_user, login, staff):
    def seeker_with(**changes):
        user = make_user(role="seeker")
        client = app.test_client()
        login(client, user)
        client.post_form("/profile", profile_form(db, **changes))
        make_visible(client)
        return user.id

    nelson_pt = seeker_with()  # 42201/42202, Kootenay, Nelson, part-time
    island_ft = seeker_with(
        occupations=[occupation_id(db, "42203")],
        regions=[],
        communities=[community_id(db, "Nanaimo")],
        hours_wanted="full_time",
    )
    any_hours = seeker_with(
        occupations=[occupation_id(db, "42201")],
        regions=[region_id(db, "vancouver-island-coast")],
        communities=[],
        hours_wanted="any",
    )
    private = make_user(role="seeker")
    private_client = app.test_client()
    login(private_client, private)
    private_client.post_form("/profile", profile_form(db))

    def found(**args):
        response = staff.get("/agency/people", query_string=args)
        assert response.status_code == 200
        return {int(i) for i in PEOPLE_RE.findall(text(response))}

    assert found() == {nelson_pt, island_ft, any_hours}
    assert found(occupation=occupation_id(db, "42201")) == {nelson_pt, any_hours}
    island = region_id(db, "vancouver-island-coast")
    assert found(region=island) == {island_ft, any_hours}  # by community or by region
    assert found(hours="full_time") == {island_ft, any_hours}  # "any hours" fits too
    assert found(hours="part_time", region=island) == {any_hours}
    assert private.id not in found()


# --- saved jobs ---------------------------------------------------------------------------


def test_save_list_and_unsave(client, db, seeker, make_job):
    job = make_job(title="Youth Worker", community_id=community_id(db, "Nelson"))
    page = text(client.get(f"/jobs/{job.id}"))
    assert ">Save job</button>" in page

    response = client.post_form(f"/jobs/{job.id}/save")
    assert response.status_code == 302 and response.location == f"/jobs/{job.id}"
    client.post_form(f"/jobs/{job.id}/save")  # twice: harmless
    assert db.session.scalar(select(func.count(SavedJob.id))) == 1
    assert "Saved ✓ — remove" in text(client.get(f"/jobs/{job.id}"))

    page = text(client.get("/saved-jobs"))
    row = re.search(
        rf"<tr>\s*<td><a href=\"/jobs/{job.id}\">Youth Worker</a>.*?</tr>", page, re.S
    ).group(0)
    assert job.agency.name in row and "Nelson" in row
    assert job.closes_on.strftime("%b %-d, %Y") in row and ">Open<" in row

    response = client.post_form(f"/jobs/{job.id}/unsave", {"next": "/saved-jobs"})
    assert response.status_code == 302 and response.location == "/saved-jobs"
    assert count(db, SavedJob) == 0
    assert "You have not saved any job yet" in text(client.get("/saved-jobs"))


def test_closed_saved_job_is_shown_as_closed(client, db, seeker, make_job):
    job = make_job(title="Night Support Worker")
    client.post_form(f"/jobs/{job.id}/save")
    job_services.close(job, job.agency.owner)
    db.session.commit()
    page = text(client.get("/saved-jobs"))
    assert "Night Support Worker" in page
    assert ">Closed<" in page and ">Open<" not in page


def test_only_open_jobs_can_be_saved(client, db, seeker, make_job):
    draft = make_job(status="draft")
    assert client.post_form(f"/jobs/{draft.id}/save").status_code == 404
    closed = make_job(status="closed")
    response = client.post_form(f"/jobs/{closed.id}/save")
    assert response.status_code == 302
    assert "Only open jobs can be saved." in text(client.get(response.location))
    assert count(db, SavedJob) == 0
    assert client.post_form("/jobs/999999/save").status_code == 404


def test_save_redirects_only_to_this_site(client, db, seeker, make_job):
    job = make_job()
    response = client.post_form(f"/jobs/{job.id}/save", {"next": "https://evil.example/"})
    assert response.location == f"/jobs/{job.id}"
    response = client.post_form(f"/jobs/{job.id}/save", {"next": "/saved-jobs"})
    assert response.location == "/saved-jobs"


def test_job_page_save_button_by_visitor(app, make_job, make_agency, login):
    job = make_job()
    page = text(app.test_client().get(f"/jobs/{job.id}"))
    assert f'href="/login?next=/jobs/{job.id}">Sign in to save</a>' in page
    staff = app.test_client()
    login(staff, job.agency.owner)
    page = text(staff.get(f"/jobs/{job.id}"))
    assert "Save job" not in page and "Sign in to save" not in page


# --- dashboard and navigation --------------------------------------------------------------


def test_seeker_dashboard_links_and_hints(client, db, seeker, make_job):
    page = text(client.get("/dashboard"))
    for href in ("/profile", "/profile/resume", "/saved-jobs", "/applications"):
        assert f'href="{href}"' in page, href
    assert "add a headline, the occupations you want, a résumé" in page
    assert 'href="/profile">My profile</a>' in page

    client.post_form("/profile", profile_form(db))
    upload(client, PDF)
    client.post_form(f"/jobs/{make_job().id}/save")
    page = text(client.get("/dashboard"))
    assert "Your profile is complete." in page
    assert "1 saved job." in page
