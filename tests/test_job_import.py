"""Bulk import of jobs (``portal/jobs/imports.py``): the template, the upload and its report
by spreadsheet row, the confirmation that creates every job or none, the kept file's
safety, hostile files, and the same through ``POST /api/v1/jobs:batch``."""

import csv
import io
import json
import os
import time
from datetime import timedelta

import pytest
from sqlalchemy import select
from werkzeug.datastructures import FileStorage, MultiDict
from werkzeug.test import encode_multipart

from portal.api import tokens
from portal.jobs import import_columns, imports, intake, pending_imports
from portal.models import Community, Credential, Job, Membership, Occupation
from portal.timeutil import today_pacific
from tests.support import count, flashed, new_recruiter, text

CLOSES = (today_pacific() + timedelta(days=30)).isoformat()
ROW = {**import_columns.EXAMPLE, "closes_on": CLOSES}


def csv_bytes(rows, header=import_columns.COLUMN_NAMES, encoding="utf-8", prefix="") -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow([row.get(name, "") for name in header])
    return (prefix + out.getvalue()).encode(encoding)


def upload(client, data: bytes, publish: str = "draft", filename: str = "jobs.csv"):
    # encoded here: the test client's own encoder leaves a big body's temporary file open
    boundary, body = encode_multipart(
        MultiDict(
            {
                "csrf_token": client.csrf_token(),
                "publish": publish,
                "file": FileStorage(io.BytesIO(data), filename=filename, content_type="text/csv"),
            }
        )
    )
    return client.post(
        "/agency/jobs/import", data=body, content_type=f"multipart/form-data; boundary={boundary}"
    )


def confirm(client, response):
    """Confirm the upload whose report ``response`` redirected to."""
    assert response.status_code == 302, text(response)[:3000]
    return client.post_form(response.location)


def jobs_of(db, agency) -> list[Job]:
    db.session.expire_all()
    return list(db.session.scalars(select(Job).where(Job.agency_id == agency.id).order_by(Job.id)))


def kept_files(app) -> list[str]:
    folder = os.path.join(app.config["UPLOAD_DIR"], "job-imports")
    return sorted(os.listdir(folder)) if os.path.isdir(folder) else []


@pytest.fixture
def agency(make_agency):
    return make_agency(name="Harbour Family Services")


@pytest.fixture
def owner(client, login, agency):
    login(client, agency.owner)
    return client


# --- the page, the template and the round trip --------------------------------------------


def test_the_job_list_links_the_import_and_the_page_explains_the_columns(owner):
    assert "Import jobs from a spreadsheet" in text(owner.get("/agency/jobs"))
    page = text(owner.get("/agency/jobs/import"))
    for column in import_columns.COLUMNS:
        assert f"<code>{column.name}</code>" in page
    assert "Download the template" in page and 'href="/agency/jobs/import/template.csv"' in page
    assert "42201" in page and "Kamloops" in page and "criminal-record-check" in page
    assert 'enctype="multipart/form-data"' in page and 'name="csrf_token"' in page


def test_the_template_round_trips(app, db, owner, agency):
    response = owner.get("/agency/jobs/import/template.csv")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    data = response.get_data()
    assert data.startswith("\ufeff".encode())  # Excel reads the accents
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert tuple(rows[0]) == import_columns.COLUMN_NAMES and len(rows) == 2
    example = dict(zip(rows[0], rows[1], strict=True))
    # real reference values
    assert db.session.scalar(select(Occupation).where(Occupation.noc_code == "42201"))
    assert db.session.scalar(select(Community).where(Community.name == example["community"]))

    uploaded = upload(owner, data)
    assert kept_files(app)  # kept on the server until confirmed
    report = owner.get(uploaded.location)
    page = text(report)
    assert report.status_code == 200
    assert "1 row — 1 ready, 0 with problems" in page
    assert "Create 1 draft job" in page
    assert jobs_of(db, agency) == []  # nothing before the confirmation

    page = flashed(owner, confirm(owner, uploaded))
    assert "Created 1 draft job from the file." in page
    (job,) = jobs_of(db, agency)
    assert (job.title, job.status, job.community.name) == (
        "Community Support Worker",
        "draft",
        "Kamloops",
    )
    assert job.occupation.noc_code == "42201" and job.reference == "REQ-2025-014"
    assert (job.pay_min_cents, job.pay_max_cents, job.union_position) == (2650, 2975, True)
    assert job.closes_on.isoformat() == example["closes_on"]
    assert {(c.credential.code, c.required) for c in job.credentials} == {
        ("criminal-record-check", True),
        ("first-aid-cpr-c", True),
        ("class-5-licence", False),
    }
    assert kept_files(app) == []  # taken and removed


def test_publish_now_publishes_every_job(db, owner, agency):
    rows = [ROW, {**ROW, "title": "Night Support Worker", "community": "victoria"}]
    uploaded = upload(owner, csv_bytes(rows), publish="publish")
    assert "Publish 2 jobs" in text(owner.get(uploaded.location))
    assert "Published 2 jobs from the file." in flashed(owner, confirm(owner, uploaded))
    assert [j.status for j in jobs_of(db, agency)] == ["published", "published"]
    assert "Night Support Worker" in text(owner.get("/jobs"))  # searchable at once


# --- the report: rows as a spreadsheet numbers them, nothing created -----------------------


def test_one_bad_row_creates_nothing_and_the_report_names_its_row_and_field(app, db, owner, agency):
    rows = [
        ROW,
        {**ROW, "title": "Youth Worker"},
        {**ROW, "title": "Outreach Worker", "pay_max": "20"},  # row 4: below pay_min
    ]
    response = upload(owner, csv_bytes(rows))
    page = text(response)
    assert response.status_code == 400
    assert "3 rows — 2 ready, 1 with problems" in page
    assert "<code>pay_max</code>: The minimum pay cannot be more than the maximum." in page
    assert '<th scope="row">4</th>' in page and '<th scope="row">2</th>' in page
    assert "Create 3" not in page and "Upload the fixed file" in page
    assert jobs_of(db, agency) == [] and kept_files(app) == []


def test_every_problem_of_a_row_is_named_by_its_column(owner):
    bad = {
        **ROW,
        "title": "",
        "occupation_noc": "99999",
        "community": "Atlantis",
        "employment_type": "forever",
        "union_position": "maybe",
        "required_credentials": "criminal-record-check; unicorn licence",
        "closes_on": "31/12/2030",
        "hours_per_week": "",
    }
    page = text(upload(owner, csv_bytes([bad])))
    for column, message in [
        ("title", "Enter the job title."),
        ("occupation_noc", "No occupation has the NOC code “99999”"),
        ("community", "No community in BC is called “Atlantis”"),
        ("employment_type", "Use one of: full_time, part_time, casual, temporary."),
        ("union_position", "Enter yes or no."),
        ("required_credentials", "Unknown credential: “unicorn licence”."),
        ("closes_on", "“31/12/2030” is not a date as YYYY-MM-DD"),
        ("hours_per_week", "Enter the hours per week"),
    ]:
        assert f"<code>{column}</code>: {message}" in page, column


def test_people_write_the_columns_as_a_spreadsheet_does(db, owner, agency):
    """Any case and order of the header, optional columns left out, a NOC code without its
    leading zero, names in any case, a label for the employment type, pay with $ and a
    thousands separator, credentials by name, code or id."""
    first_aid = db.session.scalar(select(Credential).where(Credential.code == "first-aid-cpr-c"))
    header = ("Closes_On", "TITLE", "description", "occupation_noc", "community") + (
        "employment_type",
        "hours_per_week",
        "pay_min",
        "pay_max",
        "pay_unit",
        "union_position",
        "required_credentials",
    )
    row = {
        "Closes_On": CLOSES,
        "TITLE": "Executive Director",
        "description": "Lead the society.",
        "occupation_noc": "13",
        "community": "  KAMLOOPS ",
        "employment_type": "Full-time",
        "hours_per_week": "37.5",
        "pay_min": "$95,000",
        "pay_max": "$110,000.00",
        "pay_unit": "Annual",
        "union_position": "No",
        "required_credentials": (
            f"Criminal record check (BC Criminal Records Review Program); {first_aid.id}"
        ),
    }
    uploaded = upload(owner, csv_bytes([row], header=header))
    confirm(owner, uploaded)
    (job,) = jobs_of(db, agency)
    assert job.occupation.noc_code == "00013" and job.community.name == "Kamloops"
    assert (job.employment_type, job.pay_min_cents, job.pay_unit) == (
        "full_time",
        9500000,
        "annual",
    )
    assert len(job.credentials) == 2 and job.pooled is False and job.reference is None


def test_the_same_job_twice_is_refused(owner):
    rows = [ROW, {**ROW, "title": "  community SUPPORT worker "}]
    page = text(upload(owner, csv_bytes(rows)))
    assert (
        "<code>title</code>: The same title, community and closing date as row 2 (the first "
        "line of data)"
    ) in page


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "The file is empty."),
        (b"PK\x03\x04\x14\x00\x06\x00rest", "This is an Excel workbook (.xlsx)"),
        (csv_bytes([ROW]).replace(b",", b";"), "The columns are separated by semicolons"),
        (csv_bytes([]), "The file has a header row but no lines."),
        (
            csv_bytes([ROW], header=(*import_columns.COLUMN_NAMES, "salary", "bonus")),
            "Unknown columns: salary, bonus.",
        ),
        (
            csv_bytes(
                [ROW], header=tuple(c for c in import_columns.COLUMN_NAMES if c != "pay_max")
            ),
            "Missing column: pay_max.",
        ),
        (csv_bytes([ROW]) + b"a,b,c\r\n", "Row 3 has 3 values but the header has 17 columns."),
        ("title\r\nx".encode("utf-16"), "The file contains NUL characters"),
        (csv_bytes([ROW]).replace(b"Kamloops", b"Kaml\x00oops"), "NUL characters"),
    ],
)
def test_files_that_cannot_be_read_say_why(db, owner, agency, data, message):
    response = upload(owner, data)
    assert response.status_code == 400
    page = text(response)
    assert message in page, page[:3000]
    assert 'id="file-error"' in page  # next to the file field, the form kept
    assert jobs_of(db, agency) == []


def test_excel_files_are_read_with_or_without_byte_order_mark_and_in_windows_1252(
    db, owner, agency
):
    accented = {**ROW, "title": "Intervenant(e) jeunesse — Éducateur"}
    files = [
        csv_bytes([ROW], prefix="\ufeff"),  # CSV UTF-8 (Comma delimited)
        csv_bytes([{**ROW, "title": "Outreach Worker"}]),  # UTF-8 without the mark
        csv_bytes([accented], encoding="cp1252"),  # Excel's plain CSV (Comma delimited)
    ]
    for data in files:
        confirm(owner, upload(owner, data))
    titles = [job.title for job in jobs_of(db, agency)]
    assert titles == [
        "Community Support Worker",
        "Outreach Worker",
        "Intervenant(e) jeunesse — Éducateur",
    ]


def test_too_many_rows_and_too_big_files_are_refused(owner):
    rows = [{**ROW, "title": f"Worker {n}"} for n in range(imports.MAX_JOBS + 1)]
    page = text(upload(owner, csv_bytes(rows)))
    assert "The file has more than 500 lines; a file takes at most 500 jobs." in page
    big = csv_bytes([ROW]) + b"x" * imports.MAX_BYTES
    response = upload(owner, big)
    assert response.status_code == 400
    assert "The file is larger than 2 MB." in text(response)


def test_hostile_values_get_clear_messages_and_formulas_are_stored_as_text(db, owner, agency):
    huge = {**ROW, "description": "x" * 200_000}  # past the CSV reader's cell limit
    assert "has a cell longer than 131,072 characters" in text(upload(owner, csv_bytes([huge])))
    long = {**ROW, "description": "x" * 20_001, "reference": "R" * 61}
    page = text(upload(owner, csv_bytes([long])))
    assert "<code>description</code>: Field cannot be longer than 20000 characters." in page
    assert "<code>reference</code>: Field cannot be longer than 60 characters." in page
    formula = "=cmd|' /C calc'!A0"
    response = upload(owner, csv_bytes([{**ROW, "title": formula}]))
    assert formula in text(owner.get(response.location))  # escaped on the page
    confirm(owner, response)
    (job,) = jobs_of(db, agency)
    assert job.title == formula  # the job form's rules: text; exports must neutralise it


def test_no_file_or_no_choice(owner):
    response = owner.post_form("/agency/jobs/import", {"publish": "draft"})
    assert response.status_code == 400
    assert "Choose the CSV file to upload." in text(response)
    response = owner.post_form("/agency/jobs/import", {"publish": "later"})
    assert response.status_code == 400


# --- the kept file: confirmed once, by its uploader, for their agency ----------------------


def test_a_confirmation_after_the_kept_file_is_gone_says_so(app, db, owner, agency):
    uploaded = upload(owner, csv_bytes([ROW]))
    for name in kept_files(app):
        os.remove(os.path.join(app.config["UPLOAD_DIR"], "job-imports", name))
    assert "That upload is no longer kept" in flashed(owner, confirm(owner, uploaded))
    assert "That upload is no longer kept" in flashed(owner, owner.get(uploaded.location))
    assert jobs_of(db, agency) == []


def test_a_file_is_confirmed_once_and_expires(app, db, owner, agency):
    uploaded = upload(owner, csv_bytes([ROW]))
    confirm(owner, uploaded)
    assert "no longer kept" in flashed(owner, confirm(owner, uploaded))  # a second click
    assert len(jobs_of(db, agency)) == 1
    later = upload(owner, csv_bytes([{**ROW, "title": "Later"}]))
    (name,) = kept_files(app)
    path = os.path.join(app.config["UPLOAD_DIR"], "job-imports", name)
    with open(path) as stored:
        record = json.load(stored)
    record["kept_at"] -= pending_imports.KEPT + 1
    with open(path, "w") as stored:
        json.dump(record, stored)
    assert "no longer kept" in flashed(owner, confirm(owner, later))
    os.utime(path, (record["kept_at"], record["kept_at"]))
    with app.test_request_context():
        pending_imports.keep(b"x", "x.csv", False, agency.id, agency.owner.id)  # sweeps
    assert name not in kept_files(app) and len(kept_files(app)) == 1
    assert len(jobs_of(db, agency)) == 1


def test_nobody_else_can_see_or_confirm_an_upload(app, db, client, login, agency, make_agency):
    uploaded = upload_as(app, login, agency.owner, csv_bytes([ROW]))
    other = app.test_client()
    login(other, make_agency(name="Valley Community Living").owner)
    colleague = app.test_client()
    login(colleague, new_recruiter(agency))  # same agency, another person
    for someone in (other, colleague):
        assert someone.get(uploaded.location).status_code == 404
        assert someone.post_form(uploaded.location).status_code == 404
    assert jobs_of(db, agency) == []
    assert client.get("/agency/jobs/import/" + "a" * 32).status_code == 302  # signed out


def upload_as(app, login, user, data):
    client = app.test_client()
    login(client, user)
    return upload(client, data)


def test_a_pending_agency_cannot_publish_nothing_is_created(app, db, client, login, make_agency):
    pending = make_agency(name="New Society", status="pending")
    login(client, pending.owner)
    response = upload(client, csv_bytes([ROW]), publish="publish")
    page = text(response)
    assert response.status_code == 400
    assert imports.NOT_APPROVED in page and "Publish 1" not in page
    uploaded = upload(client, csv_bytes([ROW]))  # drafts: fine
    assert "Create 1 draft job" in text(client.get(uploaded.location))
    assert jobs_of(db, pending) == []


def test_publishing_refused_at_confirmation_creates_nothing(db, owner, agency):
    """The agency was approved when the file was checked, and is not any more."""
    rows = [ROW, {**ROW, "title": "Youth Worker"}]
    uploaded = upload(owner, csv_bytes(rows), publish="publish")
    agency.status = "suspended"
    db.session.commit()
    page = flashed(owner, confirm(owner, uploaded))
    assert "Nothing was created" in page
    assert jobs_of(db, agency) == []


def test_a_pooled_position_is_imported_as_a_draft_only(owner):
    page = text(upload(owner, csv_bytes([{**ROW, "pooled": "yes"}]), publish="publish"))
    assert f"<code>pooled</code>: {imports.POOLED}" in page


def test_the_largest_file_is_checked_and_created_in_one_go(app, db, owner, agency):
    """500 jobs: the report and the confirmation each check every row (the job form's
    reference lists are loaded once for the file); timings in the test's output."""
    rows = [{**ROW, "title": f"Community Support Worker {n}"} for n in range(imports.MAX_JOBS)]
    data = csv_bytes(rows)
    with app.test_request_context():
        started = time.perf_counter()
        report = imports.check_file(agency, data, publish=False)
        checked = time.perf_counter() - started
    assert report.ready
    started = time.perf_counter()
    uploaded = upload(owner, data)
    confirmed = confirm(owner, uploaded)
    both = time.perf_counter() - started
    assert confirmed.status_code == 302
    assert count(db, Job, Job.agency_id == agency.id) == imports.MAX_JOBS
    print(f"\n500 rows: check {checked:.2f} s; upload + confirm (two checks, create) {both:.2f} s")


# --- POST /api/v1/jobs:batch --------------------------------------------------------------


def token(db, agency, scopes=("jobs:write",)) -> dict:
    membership = db.session.scalar(
        select(Membership).where(Membership.agency_id == agency.id, Membership.role == "owner")
    )
    _, raw = tokens.create(membership, "HR system", list(scopes), 30)
    db.session.commit()
    return {"Authorization": f"Bearer {raw}"}


def api_job(db, **fields) -> dict:
    values = {
        "title": "Youth Worker",
        "description": "Support youth in the community.",
        "occupation_id": db.session.scalar(
            select(Occupation.id).where(Occupation.noc_code == "42201")
        ),
        "community_id": db.session.scalar(select(Community.id).where(Community.name == "Kamloops")),
        "employment_type": "part_time",
        "hours_per_week": 24,
        "pay_min": 26.5,
        "pay_max": 30,
        "pay_unit": "hourly",
        "union_position": False,
        "closes_on": CLOSES,
        "reference": "HR-1",
    }
    return {**values, **fields}


def test_api_batch_creates_every_job(db, client, agency):
    jobs = [api_job(db), api_job(db, title="Night Worker", required_credentials=[1])]
    response = client.post(
        "/api/v1/jobs:batch", json={"jobs": jobs, "publish": True}, headers=token(db, agency)
    )
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    created = jobs_of(db, agency)
    assert body["count"] == 2 and [j["id"] for j in body["jobs"]] == [j.id for j in created]
    assert body["jobs"][0]["url"].endswith(f"/jobs/{created[0].id}")
    assert body["jobs"][0]["api_url"].endswith(f"/api/v1/jobs/{created[0].id}")
    assert [(j.status, j.reference) for j in created] == [("published", "HR-1")] * 2


def test_api_batch_with_one_bad_job_creates_nothing(db, client, agency):
    jobs = [api_job(db), api_job(db), api_job(db, title="Other", pay_max=1, bonus=3)]
    response = client.post("/api/v1/jobs:batch", json={"jobs": jobs}, headers=token(db, agency))
    assert response.status_code == 422
    assert response.mimetype == "application/problem+json"
    fields = {e["field"] for e in response.get_json()["errors"]}
    assert fields == {"jobs[1].title", "jobs[2].bonus"}  # jobs[1] repeats jobs[0]
    jobs[2].pop("bonus")
    response = client.post("/api/v1/jobs:batch", json={"jobs": jobs}, headers=token(db, agency))
    errors = response.get_json()["errors"]
    assert {
        "field": "jobs[2].pay_max",
        "detail": "The minimum pay cannot be more than the maximum.",
    } in errors
    assert jobs_of(db, agency) == []


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"jobs": []}, "jobs"),
        ({"jobs": [{}] * (imports.MAX_JOBS + 1)}, "jobs"),
        ({"jobs": "all"}, "jobs"),
        ({"jobs": [], "publish": "yes"}, "publish"),
        ({"jobs": [], "extra": 1}, "extra"),
        ([1, 2], None),
        ({"jobs": ["a job"]}, "jobs[0]"),
        ({"jobs": [{"title": "a\x00b"}]}, "jobs[0].title"),
        ({"jobs": [{"title": {"nested": 1}, "pay_min": [1]}]}, "jobs[0].pay_min"),
    ],
)
def test_api_batch_refuses_malformed_batches(db, client, agency, body, field):
    response = client.post("/api/v1/jobs:batch", json=body, headers=token(db, agency))
    assert response.status_code == 422
    assert field in [e["field"] for e in response.get_json()["errors"]]


def test_api_batch_refuses_what_is_not_json(db, client, agency):
    headers = {**token(db, agency), "Content-Type": "application/json"}
    for body in (b"{", b"\xff", b"[" * 100_000):
        assert client.post("/api/v1/jobs:batch", data=body, headers=headers).status_code == 400


def test_api_batch_publishing_for_a_pending_agency_creates_nothing(db, client, make_agency):
    pending = make_agency(status="pending")
    body = {"jobs": [api_job(db)], "publish": True}
    response = client.post("/api/v1/jobs:batch", json=body, headers=token(db, pending))
    assert response.status_code == 422
    assert response.get_json()["errors"] == [{"field": "publish", "detail": imports.NOT_APPROVED}]
    assert jobs_of(db, pending) == []


def test_api_batch_takes_the_template_as_csv(db, client, agency):
    headers = {**token(db, agency), "Content-Type": "text/csv"}
    bad = csv_bytes([ROW, {**ROW, "title": "Other", "community": "Atlantis"}])
    response = client.post("/api/v1/jobs:batch", data=bad, headers=headers)
    assert response.status_code == 422
    assert [e["field"] for e in response.get_json()["errors"]] == ["rows[3].community"]
    response = client.post(
        "/api/v1/jobs:batch?publish=true", data=csv_bytes([ROW]), headers=headers
    )
    assert response.status_code == 201
    assert [j.status for j in jobs_of(db, agency)] == ["published"]
    response = client.post("/api/v1/jobs:batch", data=b"", headers=headers)
    assert response.get_json()["errors"][0]["field"] is None
    response = client.post(
        "/api/v1/jobs:batch", data="x", headers={**headers, "Content-Type": "text/plain"}
    )
    assert response.status_code == 415


def test_api_batch_needs_a_token_with_jobs_write(db, client, agency):
    body = {"jobs": [api_job(db)]}
    response = client.post("/api/v1/jobs:batch", json=body)
    assert response.status_code == 401 and "WWW-Authenticate" in response.headers
    response = client.post(
        "/api/v1/jobs:batch", json=body, headers=token(db, agency, ["jobs:read"])
    )
    assert response.status_code == 403
    assert response.mimetype == "application/problem+json"
    assert jobs_of(db, agency) == []


def test_api_batch_is_documented(client):
    document = client.get("/api/v1/openapi.json").get_json()
    operation = document["paths"]["/api/v1/jobs:batch"]["post"]
    assert operation["summary"] == "Create many jobs at once"
    assert {"201", "401", "403", "422", "429"} <= set(operation["responses"])
    content = operation["requestBody"]["content"]
    assert {"application/json", "text/csv"} <= set(content)
    batch = document["components"]["schemas"]["Batch"]
    assert batch["properties"]["jobs"]["maxItems"] == imports.MAX_JOBS
    items = batch["properties"]["jobs"]["items"]["$ref"].rsplit("/", 1)[1]
    assert set(document["components"]["schemas"][items]["properties"]) == set(intake.FIELDS)
