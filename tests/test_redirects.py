"""Redirects after an action go only to this site (issue 12 §3): a ``Referer`` or a
``back`` field pointing elsewhere is ignored (``safe_back`` in portal/auth/permissions.py),
and a scan of the source makes every redirect built from request data go through it."""

import ast
from datetime import date
from pathlib import Path

import pytest

from portal.auth.permissions import safe_back
from portal.returns import periods
from tests.support import text
from tests.support.prequal import create_list, qualify, seeker_with_profile

HOSTILE = [
    "https://evil.example/returns/periods",
    "//evil.example/returns/periods",
    "/\\evil.example",
    "\\\\evil.example",
    "javascript:alert(1)",
    "/\t/evil.example",
    "https://localhost@evil.example/returns/periods",
    "https://localhost.evil.example/agency/talent",
    "ftp://localhost/returns/periods",
    "data:text/html,hello",
]


@pytest.mark.parametrize("target", HOSTILE)
def test_safe_back_refuses_other_sites(app, target):
    with app.test_request_context("/"):
        assert safe_back(target, "/fallback") == "/fallback"


@pytest.mark.parametrize(
    ("target", "expected"),
    [
        ("http://localhost/returns/periods/3?status=held", "/returns/periods/3?status=held"),
        ("https://localhost/agency/talent?region=2", "/agency/talent?region=2"),
        ("http://localhost", "/"),
        ("/agency/jobs/4/applicants?status=new", "/agency/jobs/4/applicants?status=new"),
        ("", "/fallback"),
        (None, "/fallback"),
        ("agency/talent", "/fallback"),  # not a path from the root
    ],
)
def test_safe_back_keeps_pages_of_this_site(app, target, expected):
    with app.test_request_context("/"):
        assert safe_back(target, "/fallback") == expected


# --- the routes that go back -------------------------------------------------------------


@pytest.fixture
def champion_client(app, db, make_user, login):
    champion = make_user(role="champion")
    period = periods.open_period(2025, date(2026, 6, 30), champion)
    db.session.commit()
    client = app.test_client()
    login(client, champion)
    client.period_id = period.id
    return client


@pytest.mark.parametrize("referer", HOSTILE)
def test_remind_ignores_a_referer_elsewhere(champion_client, referer):
    response = champion_client.post_form(
        f"/returns/periods/{champion_client.period_id}/remind", headers={"Referer": referer}
    )
    assert response.status_code == 302
    assert response.location == "/returns/periods"


def test_remind_returns_to_the_page_it_was_sent_from(champion_client):
    page = f"/returns/periods/{champion_client.period_id}?status=submitted"
    response = champion_client.post_form(
        f"/returns/periods/{champion_client.period_id}/remind",
        headers={"Referer": "http://localhost" + page},
    )
    assert response.location == page
    assert "Reminders sent" in text(champion_client.get(response.location))


@pytest.fixture
def pipeline(app, make_agency, make_job, login):
    agency = make_agency()
    job = make_job(agency=agency)
    client = app.test_client()
    login(client, agency.owner)
    client.job_id = job.id
    return client


@pytest.mark.parametrize("back", HOSTILE)
def test_bulk_status_ignores_a_back_field_elsewhere(pipeline, back):
    response = pipeline.post_form(
        f"/agency/jobs/{pipeline.job_id}/applicants/bulk", {"status": "interview", "back": back}
    )
    assert response.status_code == 302
    assert response.location == f"/agency/jobs/{pipeline.job_id}/applicants"


def test_bulk_status_returns_to_the_filtered_list(pipeline):
    back = f"/agency/jobs/{pipeline.job_id}/applicants?status=new"
    response = pipeline.post_form(
        f"/agency/jobs/{pipeline.job_id}/applicants/bulk", {"status": "interview", "back": back}
    )
    assert response.location == back


@pytest.fixture
def lead(make_agency, signed_in):
    """A client signed in as the owner of an agency that runs a pre-qualified list."""
    return signed_in(make_agency(name="Island Community Living").owner)


@pytest.fixture
def talent_member(db, lead, make_user, signed_in):
    plist = create_list(lead, db, visibility="partners")
    user = make_user(role="seeker")
    return qualify(db, lead, seeker_with_profile(db, signed_in(user), user), plist)


@pytest.mark.parametrize("referer", HOSTILE[:5])
def test_talent_invitation_ignores_a_referer_elsewhere(lead, talent_member, referer):
    response = lead.post_form(
        f"/agency/talent/{talent_member.id}/invite", {"job_id": 0}, headers={"Referer": referer}
    )
    assert response.status_code == 302
    assert response.location == "/agency/talent"


def test_talent_invitation_returns_to_the_search(lead, talent_member):
    search = "/agency/talent?occupation=1"
    response = lead.post_form(
        f"/agency/talent/{talent_member.id}/invite",
        {"job_id": 0},
        headers={"Referer": "http://localhost" + search},
    )
    assert response.location == search


# --- and for routes added later --------------------------------------------------------------

PORTAL = Path(__file__).resolve().parent.parent / "portal"
SAFE = {"safe_back", "safe_next", "url_for"}


def _from_request(node) -> bool:
    """Whether ``node`` reads the request (``request.referrer``, ``request.form``, ...)
    other than through safe_back / safe_next / url_for."""
    if isinstance(node, ast.Call) and getattr(node.func, "id", None) in SAFE:
        return False
    if isinstance(node, ast.Attribute) and getattr(node.value, "id", None) == "request":
        return True
    return any(_from_request(child) for child in ast.iter_child_nodes(node))


def test_every_redirect_built_from_the_request_goes_through_safe_back():
    unsafe = []
    for path in sorted(PORTAL.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Call)
                and getattr(node.func, "id", None) == "redirect"
                and any(_from_request(arg) for arg in node.args)
            ):
                unsafe.append(f"{path.relative_to(PORTAL.parent)}:{node.lineno}")
    assert unsafe == [], "use safe_back(target, fallback) (portal/auth/permissions.py)"
