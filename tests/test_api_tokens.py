"""Personal access tokens (portal/api: tokens.py, token_views.py, auth.py): the pages of
the agency's settings (who sees and revokes which token, the token shown once, only its
digest kept, the form's problems) and what the API makes of a token (none, unknown,
expired, revoked, its maker gone, a missing scope; its last use recorded).
Who may open each page: tests/support/access/api_tokens.txt."""

import hashlib
import re
from datetime import timedelta

import pytest
from freezegun import freeze_time
from sqlalchemy import select

from portal.agencies import services as agencies
from portal.models import ApiToken, AuditEvent, Job
from portal.models.types import utcnow
from tests.support import count, field_error, flashed, fresh, text
from tests.support.api import auth, make_token, membership_of

TOKEN_RE = re.compile(r'id="token-text" type="text" value="(sjp_[A-Za-z0-9_-]+)"')
PAGE = "/agency/api-tokens"


@pytest.fixture
def agency(make_agency, make_recruiter, make_user):
    agency = make_agency(name="Kootenay Living Society")
    make_recruiter(agency, make_user(role="agency", name="Rita Recruiter"))
    return agency


def recruiter_of(agency):
    return next(m.user for m in agency.memberships if m.role == "recruiter")


def token_form(**overrides) -> dict:
    data = {"name": "HR system", "scopes": ["jobs:read", "jobs:write"], "days": "90"}
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def made_on_page(client, **overrides) -> str:
    response = client.post_form(PAGE, token_form(**overrides))
    assert response.status_code == 201, text(response)[:2000]
    return TOKEN_RE.search(response.get_data(as_text=True)).group(1)


# --- the pages -----------------------------------------------------------------------------


def test_the_token_is_shown_once_and_only_its_digest_is_kept(client, db, agency, login):
    login(client, agency.owner)
    response = client.post_form(PAGE, token_form())
    page = text(response)
    raw = TOKEN_RE.search(response.get_data(as_text=True)).group(1)
    assert "it will not be shown again" in page and "copy" in page.lower()
    token = db.session.scalar(select(ApiToken))
    assert token.token_hash == hashlib.sha256(raw.encode()).hexdigest()
    assert raw.startswith(token.prefix) and len(token.prefix) < len(raw)
    stored = [getattr(token, c.key) for c in ApiToken.__table__.columns]
    stored += db.session.scalars(select(AuditEvent.detail)).all()
    assert not any(raw in str(value) for value in stored)
    assert (token.name, token.scopes, token.user_id) == (
        "HR system",
        "jobs:read jobs:write",
        agency.owner.id,
    )
    assert token.expires_at - utcnow() > timedelta(days=89)
    listed = text(client.get(PAGE))
    assert raw not in listed and token.prefix in listed and "HR system" in listed
    # it works, within its permissions
    assert client.get("/api/v1/agency/jobs", headers=auth(raw)).status_code == 200
    assert client.post("/api/v1/jobs", json={}, headers=auth(raw)).status_code == 422
    assert db.session.scalar(select(AuditEvent.action).where(AuditEvent.action.like("api_token%")))


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        (token_form(name=""), "name", "Give the token a name"),
        (token_form(name="x" * 101), "name", "at most 100 characters"),
        (token_form(scopes=None), "scopes", "Choose at least one"),
        (token_form(scopes=["jobs:delete"]), "scopes", "not a valid choice"),
        (token_form(days="7"), "days", "Not a valid choice"),
        (token_form(days="²"), "days", ""),
    ],
)
def test_form_problems_are_shown_and_nothing_is_saved(
    client, db, agency, login, data, field, message
):
    login(client, agency.owner)
    response = client.post_form(PAGE, data)
    assert response.status_code == 400
    page = text(response)
    assert message in (field_error(page, field) or "")
    assert f'required type="text" value="{data["name"]}"' in page  # kept as typed
    assert count(db, ApiToken) == 0


def test_owners_see_every_token_recruiters_their_own(client, db, agency, signed_in):
    recruiter = recruiter_of(agency)
    owner_client, recruiter_client = signed_in(agency.owner), signed_in(recruiter)
    made_on_page(owner_client, name="Owner's payroll link")
    made_on_page(recruiter_client, name="Recruiter's ATS")
    owners_page, recruiters_page = text(owner_client.get(PAGE)), text(recruiter_client.get(PAGE))
    assert "Owner's payroll link" in owners_page and "Recruiter's ATS" in owners_page
    assert "Rita Recruiter" in owners_page  # who made it
    assert "Recruiter's ATS" in recruiters_page and "Owner's payroll link" not in recruiters_page
    owners = db.session.scalar(select(ApiToken).where(ApiToken.user_id == agency.owner.id))
    recruiters = db.session.scalar(select(ApiToken).where(ApiToken.user_id == recruiter.id))
    # a recruiter cannot revoke (or see) the owner's token; the owner revokes any
    assert recruiter_client.post_form(f"{PAGE}/{owners.id}/revoke").status_code == 404
    assert fresh(db, ApiToken, owners.id).revoked_at is None
    page = flashed(owner_client, owner_client.post_form(f"{PAGE}/{recruiters.id}/revoke"))
    assert "is revoked" in page
    assert fresh(db, ApiToken, recruiters.id).revoked_at is not None
    again = flashed(owner_client, owner_client.post_form(f"{PAGE}/{recruiters.id}/revoke"))
    assert "already revoked" in again


def test_another_agencys_tokens_are_404(client, db, agency, make_agency, signed_in):
    other = make_agency(name="Valley Community Living")
    make_token(membership_of(agency.owner, agency))
    token = db.session.scalar(select(ApiToken))
    other_client = signed_in(other.owner)
    assert other_client.post_form(f"{PAGE}/{token.id}/revoke").status_code == 404
    assert other_client.post_form(f"{PAGE}/2147483647/revoke").status_code == 404
    assert "No tokens yet" in text(other_client.get(PAGE))
    assert fresh(db, ApiToken, token.id).revoked_at is None


@pytest.mark.parametrize("role", ["seeker", "champion", "admin"])
def test_people_without_an_agency_get_403(client, db, agency, make_user, login, role):
    login(client, make_user(role=role, two_step=role != "seeker"))
    assert client.get(PAGE).status_code == 403
    assert client.post_form(PAGE, token_form()).status_code == 403
    assert count(db, ApiToken) == 0


def test_signed_out_goes_to_sign_in(client, agency):
    response = client.get(PAGE)
    assert response.status_code == 302 and "/login" in response.location


def test_a_pending_agency_may_make_tokens(client, db, make_agency, login):
    pending = make_agency(status="pending")
    login(client, pending.owner)
    made_on_page(client)
    assert count(db, ApiToken) == 1


def test_the_agency_home_links_the_tokens(client, agency, login):
    login(client, agency.owner)
    assert f'href="{PAGE}"' in client.get("/agency").get_data(as_text=True)


def test_the_list_shows_each_tokens_state_and_last_use(client, db, agency, login):
    login(client, agency.owner)
    member = membership_of(agency.owner, agency)
    used = make_token(member, name="Used one")
    make_token(member, name="Short one", days=30)
    revoked = make_token(member, name="Revoked one")
    client.get(
        "/api/v1/agency/jobs", headers=auth(used), environ_base={"REMOTE_ADDR": "203.0.113.9"}
    )
    client.get("/api/v1/agency/jobs", headers=auth(revoked))
    page = text(client.get(PAGE))
    assert "from 203.0.113.9" in page and "Never" in page
    assert page.count(">Active<") == 3
    db.session.scalar(select(ApiToken).where(ApiToken.name == "Revoked one")).revoked_at = utcnow()
    short = db.session.scalar(select(ApiToken).where(ApiToken.name == "Short one"))
    short.expires_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    page = text(client.get(PAGE))
    assert [page.count(f">{state}<") for state in ("Active", "Expired", "Revoked")] == [1, 1, 1]
    assert page.count(">Revoke<") == 2  # the revoked one has no button


# --- the token at the API ------------------------------------------------------------------


def assert_refused(response, status: int) -> None:
    assert response.status_code == status, response.get_data(as_text=True)[:1000]
    assert response.mimetype == "application/problem+json"
    if status == 401:
        assert response.headers["WWW-Authenticate"].startswith("Bearer")


@pytest.mark.parametrize(
    "header",
    [None, "", "Bearer", "Bearer ", "Basic c2pwXzE6eA==", "Bearer sjp_unknown", "Bearer x" * 50],
)
def test_no_or_an_unknown_token_is_401(client, db, agency, header):
    headers = {} if header is None else {"Authorization": header}
    for method, url in [
        ("POST", "/api/v1/jobs"),
        ("PATCH", "/api/v1/jobs/1"),
        ("POST", "/api/v1/jobs/1/publish"),
        ("GET", "/api/v1/jobs/1/applications"),
        ("GET", "/api/v1/applications/1/resume"),
    ]:
        assert_refused(client.open(url, method=method, json={}, headers=headers), 401)


def test_an_expired_token_stops_working(client, db, agency):
    raw = make_token(membership_of(agency.owner, agency), days=30)
    assert client.post("/api/v1/jobs", json={}, headers=auth(raw)).status_code == 422
    with freeze_time(utcnow() + timedelta(days=30, minutes=1)):
        assert_refused(client.post("/api/v1/jobs", json={}, headers=auth(raw)), 401)


def test_a_revoked_token_stops_working(client, db, agency, login):
    raw = make_token(membership_of(agency.owner, agency))
    login(client, agency.owner)
    token = db.session.scalar(select(ApiToken))
    client.post_form(f"{PAGE}/{token.id}/revoke")
    assert_refused(client.post("/api/v1/jobs", json={}, headers=auth(raw)), 401)


def test_a_token_stops_working_when_its_maker_leaves(client, db, agency):
    recruiter = recruiter_of(agency)
    member = membership_of(recruiter, agency)
    raw = make_token(member)
    assert client.post("/api/v1/jobs", json={}, headers=auth(raw)).status_code == 422
    agencies.remove_member(member, agency.owner)
    db.session.commit()
    assert_refused(client.post("/api/v1/jobs", json={}, headers=auth(raw)), 401)


def test_a_missing_scope_is_403(client, db, agency, make_job):
    member = membership_of(agency.owner, agency)
    reader = auth(make_token(member, ["jobs:read"]))
    job = make_job(agency=agency, status="draft")
    for method, url in [
        ("POST", "/api/v1/jobs"),
        ("PATCH", f"/api/v1/jobs/{job.id}"),
        ("POST", f"/api/v1/jobs/{job.id}/publish"),
        ("POST", f"/api/v1/jobs/{job.id}/close"),
        ("POST", f"/api/v1/jobs/{job.id}/fill"),
        ("GET", f"/api/v1/jobs/{job.id}/applications"),
        ("GET", "/api/v1/applications/1/resume"),
    ]:
        response = client.open(url, method=method, json={}, headers=reader)
        assert_refused(response, 403)
        assert "permission" in response.get_json()["detail"]
    assert fresh(db, Job, job.id).status == "draft"


def test_each_use_is_recorded_even_a_refused_one(client, db, agency):
    raw = make_token(membership_of(agency.owner, agency))
    response = client.post(
        "/api/v1/jobs", json={}, headers=auth(raw), environ_base={"REMOTE_ADDR": "198.51.100.7"}
    )
    assert response.status_code == 422
    token = fresh(db, ApiToken, db.session.scalar(select(ApiToken.id)))
    assert token.last_used_ip == "198.51.100.7"
    assert utcnow() - token.last_used_at < timedelta(minutes=1)
