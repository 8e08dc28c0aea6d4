"""The administrator's audit log (``/admin/audit`` and its CSV, portal/admin/audit_log.py):
what is recorded (sign-ins and failures, role changes, résumé views, extract downloads, API
tokens), the filters (person, agency, kind, dates, combined; bad values), the CSV (the
page's rows, neutralised, its download audited), and that removing a recruiter ends their
sessions at once. Who may open the pages: tests/support/access/admin.txt."""

import csv
import html
import io
import re
from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from portal import audit
from portal.models import AuditEvent, User
from tests.support import PASSWORD, count, text
from tests.support.api import applied, make_token, membership_of
from tests.support.lmi import build_five

UNKNOWN = "nobody.at.all@example.net"
CSV_NAMES = ["Time", "Name", "Email", "Agency", "Action", "Code", "Object", "Detail", "IP"]


@pytest.fixture
def admin(make_user):
    return make_user(role="admin", name="Root Admin", email="root@example.org", two_step=True)


@pytest.fixture
def admin_client(app, admin, login):
    client = app.test_client()
    login(client, admin)
    return client


def rows(response) -> list[dict]:
    """The audit table's rows: time, person (name and email), agency, action words and
    code, object, detail and IP, as the page shows them."""
    page = response.get_data(as_text=True)
    if "<tbody>" not in page:
        return []
    body = page.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    found = []
    for tr in re.findall(r"<tr[^>]*>(.*?)</tr>", body, re.DOTALL):
        cells = re.findall(r"<td[^>]*>(.*?)</td>", tr, re.DOTALL)
        person = re.split(r"<br>", cells[1])
        email = re.sub(r"<[^>]+>", "", person[1]) if len(person) > 1 else ""
        words, code = re.match(r'(.*)<br><code class="small">(.*)</code>', cells[3]).groups()
        found.append(
            {
                "time": html.unescape(cells[0]),
                "name": html.unescape(person[0]),
                "email": html.unescape(email),
                "agency": html.unescape(cells[2]),
                "action": html.unescape(words),
                "code": code,
                "object": html.unescape(cells[4]),
                "detail": html.unescape(cells[5]),
                "ip": html.unescape(cells[6]),
            }
        )
    return found


def shown(client, **args) -> list[dict]:
    response = client.get("/admin/audit", query_string=args)
    assert response.status_code == 200, text(response)[:2000]
    return rows(response)


def codes(client, **args) -> list[str]:
    return [r["code"] for r in shown(client, **args)]


def csv_rows(response) -> list[list[str]]:
    assert response.status_code == 200, text(response)[:2000]
    assert response.mimetype == "text/csv"
    assert response.mimetype_params["charset"] == "utf-8"
    assert response.headers["Content-Disposition"] == 'attachment; filename="audit-events.csv"'
    data = response.get_data()
    assert data.startswith(b"\xef\xbb\xbf")  # UTF-8 with the BOM Excel needs
    reader = csv.reader(io.StringIO(data.decode("utf-8-sig"), newline=""))
    assert next(reader) == [
        "Time (Pacific)",
        "Name",
        "Email",
        "Agency",
        "Action",
        "Action code",
        "Object",
        "Detail",
        "IP address",
    ]
    return list(reader)


def add_event(db, action, user=None, obj=None, detail=None, agency=None, at=None) -> AuditEvent:
    """An event as the portal records it, at ``at`` (UTC) when given."""
    audit.record(action, user, obj, detail, agency=agency)
    db.session.flush()
    event = db.session.scalar(select(AuditEvent).order_by(AuditEvent.id.desc()).limit(1))
    if at is not None:
        event.created_at = at
    db.session.commit()
    return event


def sign_in_wrong(app, email: str):
    response = app.test_client().post_form("/login", {"email": email, "password": "wrong one"})
    assert response.status_code == 200
    assert "The email address or password is not correct." in text(response)


# --- what is recorded ---------------------------------------------------------------------


def test_events_of_every_kind_appear(
    app, db, admin, admin_client, make_user, make_agency, make_recruiter, make_job, login
):
    agency = make_agency(name="Cedar Grove Society")
    rita = make_recruiter(agency, make_user(role="agency", name="Rita Recruiter"))
    seeker = make_user(name="Sam Seeker", email="sam@example.org")

    login(app.test_client(), seeker)  # a sign-in
    sign_in_wrong(app, seeker.email)  # a failure of an account
    sign_in_wrong(app, UNKNOWN)  # a failure of an address with no account
    response = admin_client.post_form(f"/admin/users/{seeker.id}/champion/grant")
    assert response.status_code == 302  # a role change
    application = applied(make_job(agency))
    owner_client = app.test_client()
    login(owner_client, agency.owner)
    download = owner_client.get(f"/agency/applications/{application.id}/resume")
    assert download.status_code == 200  # a résumé view
    make_token(membership_of(rita, agency))  # an API token
    champion = make_user(role="champion", name="Chloe Champion", two_step=True)
    build_five(db, make_agency)
    champion_client = app.test_client()
    login(champion_client, champion)
    extract = champion_client.get("/lmi/extract?format=csv&period=2025&by=region")
    assert extract.status_code == 200  # an extract download

    found = shown(admin_client)
    by_code = {}
    for r in found:
        by_code.setdefault(r["code"], []).append(r)
    times = [e.created_at for e in db.session.scalars(select(AuditEvent))]
    assert len(found) == len(times)  # one page: every event, newest first
    assert found[0]["code"] == "lmi.extract"

    seeker_login = [r for r in by_code["user.login"] if r["email"] == "sam@example.org"]
    assert seeker_login[0]["name"] == "Sam Seeker" and seeker_login[0]["action"] == "Signed in"
    assert seeker_login[0]["ip"] == "127.0.0.1"
    assert re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d P[SD]T", seeker_login[0]["time"])

    unknown, known = sorted(by_code["user.login_failed"], key=lambda r: r["detail"])
    assert (known["name"], known["email"], known["detail"]) == (
        "Sam Seeker",
        "sam@example.org",
        "wrong password",
    )
    assert known["action"] == "Sign-in failed" and known["object"] == f"User {seeker.id}"
    assert (unknown["name"], unknown["email"], unknown["detail"]) == ("—", "", "no such account")
    assert unknown["object"] == "" and unknown["ip"] == "127.0.0.1"
    # the address typed is in no audit event (the sign-in throttle keeps it for its window)
    for column in (AuditEvent.detail, AuditEvent.object_type, AuditEvent.ip, AuditEvent.action):
        assert count(db, AuditEvent, column.icontains("nobody.at.all")) == 0
    assert count(db, User, User.email == UNKNOWN) == 0

    [role] = by_code["user.role_changed"]
    assert (role["name"], role["detail"], role["object"]) == (
        "Root Admin",
        "champion",
        f"User {seeker.id}",
    )
    [view] = by_code["resume.viewed"]
    assert view["name"] == agency.owner.name and view["agency"] == "Cedar Grove Society"
    assert view["action"] == "Résumé viewed"
    [token] = by_code["api_token.created"]
    assert token["name"] == "Rita Recruiter" and token["agency"] == "Cedar Grove Society"
    [extract_row] = by_code["lmi.extract"]
    assert extract_row["name"] == "Chloe Champion" and "rows=" in extract_row["detail"]
    assert extract_row["agency"] == "—"


def test_unconfirmed_and_disabled_accounts_failures(app, db, admin_client, make_user):
    unconfirmed = make_user(name="Una Confirmed", confirmed=False)
    response = app.test_client().post_form(
        "/login", {"email": unconfirmed.email, "password": PASSWORD}
    )
    assert "Please confirm your email address first" in text(response)
    disabled = make_user(name="Dee Disabled")
    disabled.active = False
    db.session.commit()
    sign_in_wrong_but_right = app.test_client().post_form(
        "/login", {"email": disabled.email, "password": PASSWORD}
    )
    assert sign_in_wrong_but_right.status_code == 200
    details = {r["name"]: r["detail"] for r in shown(admin_client, kind="sign_ins")}
    assert details["Una Confirmed"] == "email address not confirmed"
    assert details["Dee Disabled"] == "account disabled"


def test_wrong_two_step_code_is_recorded(app, db, admin, admin_client):
    client = app.test_client()
    response = client.post_form("/login", {"email": admin.email, "password": PASSWORD})
    assert response.location.startswith("/login/verify")
    response = client.post_form("/login/verify", {"code": "000000"})
    assert response.status_code == 400
    [failed] = [r for r in shown(admin_client) if r["code"] == "two_step.code_failed"]
    assert failed["name"] == "Root Admin" and failed["detail"] == "wrong code"


# --- the filters ----------------------------------------------------------------------


@pytest.fixture
def world(db, admin, make_user, make_agency):
    """Events made directly: two agencies' staff, a seeker, an admin; at known times."""
    cedar = make_agency(name="Cedar Grove")
    pine = make_agency(name="Pine Ridge")
    ann = make_user(name="Ann Anderson", email="ann@cedar.example")
    bob = make_user(name="Bob Brown", email="bob@pine.example")
    # 2025-01-14 23:30 Pacific (PST: UTC-8), 2025-01-15 10:00 Pacific, 2025-07-01 12:00 PDT
    jan14 = datetime(2025, 1, 15, 7, 30, tzinfo=UTC)
    jan15 = datetime(2025, 1, 15, 18, 0, tzinfo=UTC)
    jul1 = datetime(2025, 7, 1, 19, 0, tzinfo=UTC)
    events = {
        "ann_login": add_event(db, "user.login", ann, ann, at=jan14),
        "ann_view": add_event(db, "resume.viewed", ann, None, "agency", agency=cedar, at=jan15),
        "bob_token": add_event(db, "api_token.created", bob, None, agency=pine, at=jan15),
        "bob_fail": add_event(db, "user.login_failed", bob, bob, "wrong password", at=jul1),
        "two_step": add_event(db, "two_step.enabled", ann, ann, at=jul1),
        "role": add_event(db, "user.role_changed", admin, bob, "champion", at=jul1),
        "removed": add_event(db, "agency.member_removed", ann, cedar, "x@cedar.example", at=jul1),
        "extract": add_event(db, "lmi.extract", admin, None, "rows=3", at=jan15),
        "export": add_event(db, "privacy.exported", ann, ann, at=jan15),
        "deleted": add_event(db, "user.deleted", bob, bob, at=jul1),
        "candidate": add_event(db, "candidate.viewed", bob, None, agency=pine, at=jul1),
        "job": add_event(db, "job.created", ann, None, agency=cedar, at=jan14),
    }
    return {"cedar": cedar, "pine": pine, "ann": ann, "bob": bob, "events": events}


def ids(client, **args) -> set[int]:
    response = client.get("/admin/audit", query_string=args)
    assert response.status_code == 200, text(response)[:2000]
    body = response.get_data(as_text=True)
    return {int(n) for n in re.findall(r'data-event="(\d+)"', body)}


def names_of(world, client, **args) -> set[str]:
    by_id = {e.id: name for name, e in world["events"].items()}
    shown_codes = shown(client, **args)
    found = ids(client, **args)
    assert len(found) == len(shown_codes)
    return {by_id[i] for i in found if i in by_id}


def test_person_filter(world, admin_client):
    ann_events = {"ann_login", "ann_view", "two_step", "removed", "export", "job"}
    assert names_of(world, admin_client, person="ann") == ann_events
    assert names_of(world, admin_client, person="  ANN@CEDAR  ") == ann_events  # any case
    assert names_of(world, admin_client, person="Brown") == {
        "bob_token",
        "bob_fail",
        "deleted",
        "candidate",
    }
    assert names_of(world, admin_client, person="%") == set()  # a wildcard matches itself
    assert names_of(world, admin_client, person="_") == set()


def test_agency_filter(world, admin_client):
    cedar, pine = world["cedar"], world["pine"]
    assert names_of(world, admin_client, agency=cedar.id) == {"ann_view", "removed", "job"}
    assert names_of(world, admin_client, agency=pine.id) == {"bob_token", "candidate"}
    page = text(admin_client.get("/admin/audit", query_string={"agency": pine.id}))
    assert f'<option value="{pine.id}" selected>Pine Ridge</option>' in page


@pytest.mark.parametrize(
    ("kind", "expected"),
    [
        ("sign_ins", {"ann_login", "bob_fail", "two_step"}),
        ("roles", {"role", "removed"}),
        ("resume_views", {"ann_view", "candidate"}),
        ("extracts", {"extract"}),
        ("exports", {"export"}),
        ("deletions", {"deleted"}),
        ("api_tokens", {"bob_token"}),
        ("audit_downloads", set()),
    ],
)
def test_kind_filter(world, admin_client, kind, expected):
    assert names_of(world, admin_client, kind=kind) == expected


def test_date_filters_are_pacific_days_inclusive(world, admin_client):
    everything = set(world["events"])
    assert names_of(world, admin_client, **{"from": "2025-01-14", "to": "2025-01-14"}) == {
        "ann_login",
        "job",
    }  # 07:30 UTC on the 15th is the evening of the 14th in Vancouver
    jan15 = {"ann_view", "bob_token", "extract", "export"}
    assert names_of(world, admin_client, **{"from": "2025-01-15", "to": "2025-01-15"}) == jan15
    july = {"bob_fail", "two_step", "role", "removed", "deleted", "candidate"}
    assert names_of(world, admin_client, **{"from": "2025-02-01"}) == july
    assert names_of(world, admin_client, to="2025-07-01") == everything
    assert names_of(world, admin_client, to="2025-06-30") == everything - july


def test_filters_combined(world, admin_client):
    cedar = world["cedar"]
    combined = {"person": "ann", "kind": "sign_ins", "from": "2025-01-15"}
    assert names_of(world, admin_client, **combined) == {"two_step"}
    assert names_of(world, admin_client, person="ann", agency=cedar.id, to="2025-01-15") == {
        "ann_view",
        "job",
    }
    assert names_of(world, admin_client, person="bob", agency=cedar.id) == set()
    page = text(
        admin_client.get("/admin/audit", query_string={"person": "bob", "agency": cedar.id})
    )
    assert "No event matches these filters." in page


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ({"agency": "999999"}, "There is no such agency: choose one from the list."),
        ({"agency": "abc"}, "There is no such agency: choose one from the list."),
        ({"kind": "everything"}, "There is no such kind of event: choose one from the list."),
        ({"from": "2025-13-01"}, "“From” is not a date: enter it as YYYY-MM-DD"),
        ({"to": "yesterday"}, "“To” is not a date: enter it as YYYY-MM-DD"),
        ({"from": "20250101"}, "“From” is not a date"),
        ({"from": "9999-12-31"}, "“From” is not a date"),
        ({"from": "2025-03-02", "to": "2025-03-01"}, "“From” is after “To”"),
        ({"person": "x" * 201}, "is too long (at most 200)"),
    ],
)
def test_bad_filters_say_so_and_keep_what_was_typed(world, db, admin_client, args, message):
    for url in ("/admin/audit", "/admin/audit.csv"):
        response = admin_client.get(url, query_string={**args, "person": args.get("person", "")})
        assert response.status_code == 400
        page = text(response)
        assert message in page
        assert "<tbody>" not in page  # nothing is listed under filters that were not applied
        for name, value in args.items():
            if name in ("from", "to", "person"):
                assert f'name="{name}" value="{value}"' in page
    assert count(db, AuditEvent, AuditEvent.action == "audit.downloaded") == 0


def test_pages_of_a_hundred_with_links(db, admin_client, make_user):
    pat = make_user(name="Pat Pager")
    for n in range(230):
        audit.record("job.updated", pat, None, f"edit {n}")
    db.session.commit()
    first = admin_client.get("/admin/audit", query_string={"person": "pager", "kind": ""})
    page = text(first)
    assert len(rows(first)) == 100
    assert "230 events (page 1 of 3)." in page
    assert '<a class="page-link" href="/admin/audit?person=pager&amp;page=2">Next</a>' in (
        first.get_data(as_text=True)
    )
    assert "Previous" not in page
    assert rows(first)[0]["detail"] == "edit 229"  # newest first
    third = admin_client.get("/admin/audit?person=pager&page=3")
    assert [r["detail"] for r in rows(third)] == [f"edit {n}" for n in range(29, -1, -1)]
    assert "/admin/audit?person=pager&amp;page=2" in third.get_data(as_text=True)
    assert "Next</a>" not in text(third)
    beyond = admin_client.get("/admin/audit?person=pager&page=9")
    assert rows(beyond) == [] and "/admin/audit?person=pager&amp;page=3" in beyond.get_data(
        as_text=True
    )


# --- the CSV download ---------------------------------------------------------------------


def test_csv_has_the_pages_rows_and_is_audited(world, db, admin, admin_client):
    cedar = world["cedar"]
    for args in ({}, {"person": "ann"}, {"agency": cedar.id, "kind": "resume_views"}):
        page = admin_client.get("/admin/audit", query_string=args)
        link = re.search(r'<a href="([^"]+)">Download these events \(CSV\)</a>', text(page))
        assert link is not None
        before = count(db, AuditEvent)
        response = admin_client.get(html.unescape(link.group(1)))
        lines = csv_rows(response)
        # the page's rows, in its order; not the download's own event
        assert [dict(zip(CSV_NAMES, line, strict=True)) for line in lines] == [
            {
                "Time": r["time"],
                "Name": "" if r["name"] == "—" else r["name"],
                "Email": r["email"],
                "Agency": "" if r["agency"] == "—" else r["agency"],
                "Action": r["action"],
                "Code": r["code"],
                "Object": r["object"],
                "Detail": r["detail"],
                "IP": r["ip"],
            }
            for r in rows(page)
        ]
        assert count(db, AuditEvent) == before + 1
        [download] = db.session.scalars(
            select(AuditEvent).order_by(AuditEvent.id.desc()).limit(1)
        ).all()
        assert download.action == "audit.downloaded" and download.user_id == admin.id
        assert download.detail.endswith(f"; {len(lines)} events")
        if not args:
            assert download.detail.startswith("every event")
    assert download.detail == (
        f"agency {cedar.id} (Cedar Grove); kind Résumé views; {len(lines)} events"
    )
    assert codes(admin_client, kind="audit_downloads") == ["audit.downloaded"] * 3
    first = shown(admin_client, kind="audit_downloads")[-1]
    assert first["action"] == "Audit log downloaded" and first["name"] == "Root Admin"


def test_csv_neutralises_formulas(db, admin, admin_client, make_user):
    sly = make_user(name="=HYPERLINK(1)", email="sly@example.org")
    add_event(db, "user.login", sly, sly, detail="+1 call me")
    add_event(db, "job.updated", None, None, detail="@SUM(A1)")
    add_event(db, "job.updated", None, None, detail="-2")
    response = admin_client.get("/admin/audit.csv", query_string={"person": "sly@"})
    [line] = csv_rows(response)
    assert line[1:3] == ["'=HYPERLINK(1)", "sly@example.org"]
    assert line[5] == "user.login" and line[7] == "'+1 call me"
    details = {line[7] for line in csv_rows(admin_client.get("/admin/audit.csv?person="))}
    assert {"'@SUM(A1)", "'-2"} <= details
    # the page shows them as they are
    assert "=HYPERLINK(1)" in {r["name"] for r in shown(admin_client)}


def test_deleted_and_purged_people(db, admin_client, make_user):
    gone = make_user(name="Gina Gone", email="gina@example.org")
    purged = make_user(name="Deleted account", email="deleted-1@invalid.example")
    add_event(db, "user.deleted", gone, gone)
    add_event(db, "user.purged", purged, purged)
    gone.deleted_at = purged.deleted_at = datetime(2025, 1, 1, tzinfo=UTC)
    purged.purged_at = datetime(2025, 2, 1, tzinfo=UTC)
    db.session.commit()
    found = {r["code"]: r for r in shown(admin_client, kind="deletions")}
    assert (found["user.deleted"]["name"], found["user.deleted"]["email"]) == (
        "Gina Gone (account deleted)",
        "gina@example.org",
    )
    assert (found["user.purged"]["name"], found["user.purged"]["email"]) == ("Deleted account", "")


# --- who may see it -------------------------------------------------------------------------


def test_only_admins_see_the_audit_log(app, db, make_user, login):
    anon = app.test_client()
    for url in ("/admin/audit", "/admin/audit.csv"):
        response = anon.get(url)
        assert response.status_code == 302 and response.location.startswith("/login")
    for role in ("seeker", "agency", "champion"):
        client = app.test_client()
        login(client, make_user(role=role, two_step=role == "champion"))
        for url in ("/admin/audit", "/admin/audit.csv"):
            assert client.get(url).status_code == 403
    assert count(db, AuditEvent, AuditEvent.action == "audit.downloaded") == 0


def test_linked_from_the_admin_home_and_navigation(admin_client):
    page = text(admin_client.get("/admin/"))
    assert '<a href="/admin/audit">Audit log</a>' in page
    assert '<a class="nav-link" href="/admin/audit">Audit log</a>' in page


# --- removing a recruiter ends their sessions ---------------------------------------------


def test_removed_recruiter_is_signed_out_at_once(
    app, db, make_agency, make_recruiter, make_user, make_job, login, admin_client
):
    agency = make_agency(name="Willow House")
    job = make_job(agency)
    rita = make_recruiter(agency, make_user(role="agency", name="Rita Recruiter"))
    member_id = membership_of(rita, agency).id
    version = rita.session_version
    rita_client, other_tab = app.test_client(), app.test_client()
    login(rita_client, rita)
    login(other_tab, rita)
    assert rita_client.get("/agency").status_code == 200
    assert rita_client.get(f"/agency/jobs/{job.id}/applicants").status_code == 200

    owner = app.test_client()
    login(owner, agency.owner)
    response = owner.post_form(f"/agency/staff/{member_id}/remove")
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.scalar(select(User.session_version).where(User.id == rita.id)) == (
        version + 1
    )

    # both of her open sessions end on their next request
    response = rita_client.get(f"/agency/jobs/{job.id}/applicants")
    assert response.status_code == 302
    assert response.location.startswith("/login?next=")
    page = text(rita_client.get(response.location))
    assert "Please sign in to see that page." in page
    assert rita_client.get("/account").status_code == 302
    assert other_tab.get("/agency").status_code == 302
    # signed in again, the agency's pages are closed to her
    login(rita_client, rita)
    assert rita_client.get("/agency").status_code == 403
    assert rita_client.get(f"/agency/jobs/{job.id}/applicants").status_code in (403, 404)
    # the owner stays signed in; the removal is in the audit log, under the agency
    assert owner.get("/agency").status_code == 200
    [removed] = shown(admin_client, kind="roles", agency=agency.id)
    assert removed["code"] == "agency.member_removed" and removed["detail"] == rita.email
    assert removed["name"] == agency.owner.name


def test_champion_removed_is_signed_out(app, db, admin_client, make_user, login):
    chloe = make_user(role="champion", name="Chloe Champion", two_step=True)
    client = app.test_client()
    login(client, chloe)
    assert client.get("/lmi").status_code == 200
    response = admin_client.post_form(f"/admin/users/{chloe.id}/champion/remove")
    assert response.status_code == 302
    response = client.get("/lmi")
    assert response.status_code == 302 and response.location.startswith("/login")
    [change] = shown(admin_client, kind="roles")
    assert change["email"] == "root@example.org" and change["detail"] == "seeker"


def test_csv_is_sent_in_chunks_in_the_pages_order(app, db, admin_client, make_user):
    """Events of the same moment, across chunk boundaries: each once, newest first."""
    from portal.admin import audit_log

    pat = make_user(name="Pat Pager")
    moment = datetime(2025, 5, 5, 12, 0, tzinfo=UTC)
    for n in range(30):
        add_event(db, "job.updated", pat, None, f"edit {n}", at=moment if n % 3 else None)
    filters, problems = audit_log.read_filters({"person": "pager"})
    assert problems == []
    chunks = list(audit_log.csv_chunks(app, filters, audit_log.last_event_id(), per_chunk=7))
    assert len(chunks) == 1 + 5  # the header, then 7 + 7 + 7 + 7 + 2 rows
    data = b"".join(chunks)
    assert data.count(b"\xef\xbb\xbf") == 1
    lines = list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))[1:]
    assert [line[7] for line in lines] == [r["detail"] for r in shown(admin_client, person="pager")]
    assert sorted(line[7] for line in lines) == sorted(f"edit {n}" for n in range(30))
