"""Public pages, the page layout (navigation, footer, skip link), error pages and the
dashboards."""

import html
import re

import pytest
from sqlalchemy import select

from portal.models import Community, CsseaDivision, Region

FOOTER_RE = re.compile(r"<footer.*?</footer>", re.S)
NAV_RE = re.compile(r"<header>.*?</header>", re.S)
SKIP_LINK = '<a class="visually-hidden-focusable skip-link" href="#main">Skip to main content</a>'


def text(response) -> str:
    return response.get_data(as_text=True)


def nav(response) -> str:
    return NAV_RE.search(text(response)).group(0)


def region_community(db, code: str) -> int:
    return db.session.scalar(
        select(Community.id)
        .join(Community.region)
        .where(Region.code == code)
        .order_by(Community.id)
    )


# --- public pages ----------------------------------------------------------------------


def test_home_shows_counts(client, make_user, make_agency):
    make_agency()
    make_agency()
    make_agency(status="pending")  # not counted
    for _ in range(3):
        make_user(role="seeker")
    response = client.get("/")
    assert response.status_code == 200
    page = text(response)
    stats = dict(
        (label, int(n))
        for n, label in re.findall(r'<div class="stat">(\d+)</div><p>([^<]+)</p>', page)
    )
    assert stats == {
        "agencies on the portal": 2,
        "development regions covered": 8,
        "job seekers registered": 3,
    }


@pytest.mark.parametrize(
    ("url", "heading"),
    [
        ("/privacy", "Privacy notice"),
        ("/accessibility", "Accessibility"),
    ],
)
def test_footer_pages(client, url, heading):
    response = client.get(url)
    assert response.status_code == 200
    assert f'<h1 class="h3">{heading}</h1>' in text(response)
    assert f"<title>{heading.split()[0]} · Sector Jobs Portal</title>" in text(response)


# --- the layout on every page ------------------------------------------------------------


@pytest.fixture
def people(make_user, make_agency):
    owner = make_user(role="agency", name="Olive Owner")
    make_agency(owner=owner, name="Target Agency")
    return {
        "seeker": make_user(role="seeker", name="Sam Seeker"),
        "owner": owner,
        "champion": make_user(role="champion", name="Harper Champion"),
        "admin": make_user(role="admin", name="Alex Admin"),
    }


def get_pages(app):
    """Every GET route without URL arguments (the others are covered by test_access) that
    is a page: not a feed or a file for machines (``/jobs.atom``, ``/sitemap.xml``, ...)
    and not the JSON API (``/api/v1/...``; the API docs page ``/api/docs`` is a page) or
    the load balancers' ``/healthz``."""
    return sorted(
        rule.rule
        for rule in app.url_map.iter_rules()
        if "GET" in rule.methods
        and not rule.arguments
        and not rule.rule.endswith((".atom", ".xml", ".txt", ".xsd", ".json", ".csv"))
        and not rule.rule.startswith("/api/v1/")
        and rule.rule != "/healthz"
    ) + ["/no-such-page", "/reset/not-a-token", "/invitations/not-a-token"]


@pytest.mark.parametrize("role", ["anonymous", "seeker", "owner", "champion", "admin"])
def test_every_page_has_footer_and_skip_link(app, client, login, people, role):
    if role != "anonymous":
        login(client, people[role])
    pages = get_pages(app)
    assert "/" in pages and "/admin/" in pages
    for url in pages:
        response = client.get(url, follow_redirects=True)
        assert response.status_code in (200, 403, 404), url
        page = text(response)
        assert page.count(SKIP_LINK) == 1, url
        assert page.index(SKIP_LINK) < page.index("<header>"), f"skip link comes first: {url}"
        assert '<main id="main"' in page, url
        footer = FOOTER_RE.search(page)
        assert footer, url
        assert 'href="/privacy"' in footer.group(0), url
        assert 'href="/accessibility"' in footer.group(0), url


# --- error pages -----------------------------------------------------------------------


def test_404_page(client):
    response = client.get("/this/page/does-not-exist")
    assert response.status_code == 404
    page = text(response)
    assert "Page not found" in page
    assert "The page may have moved" in page
    assert 'href="/">Go to the home page' in page


def test_403_page(client, login, make_user):
    login(client, make_user(role="seeker"))
    response = client.get("/admin/users")
    assert response.status_code == 403
    page = text(response)
    assert '<h1 class="h3">You do not have access to this page</h1>' in page
    assert "Your account is not allowed to see this page." in page


# --- navigation by role ----------------------------------------------------------------


def test_nav_anonymous(client):
    header = nav(client.get("/"))
    assert 'href="/login">Sign in</a>' in header
    assert 'href="/register">Create account</a>' in header
    assert "Sign out" not in header
    assert "/admin/" not in header


def test_nav_admin(client, login, people):
    login(client, people["admin"])
    header = nav(client.get("/"))
    assert 'href="/admin/agencies">Agencies</a>' in header
    assert 'href="/admin/users">Users</a>' in header
    assert "Sign out" in header and "Alex Admin" in header
    assert "Sign in" not in header and "Create account" not in header


def test_nav_agency_user_sees_agency(client, login, people):
    login(client, people["owner"])
    header = nav(client.get("/"))
    assert 'href="/agency">Target Agency</a>' in header
    assert "/admin/" not in header


@pytest.mark.parametrize("role", ["seeker", "champion"])
def test_nav_others_see_no_admin_or_agency_links(client, login, people, role):
    login(client, people[role])
    header = nav(client.get("/"))
    assert 'href="/dashboard">Dashboard</a>' in header
    assert "/admin/" not in header and 'href="/agency"' not in header
    assert "Sign in" not in header


# --- dashboards ------------------------------------------------------------------------


def test_champion_dashboard_counts_by_region(db, client, login, make_user, make_agency):
    island = region_community(db, "vancouver-island-coast")
    northeast = region_community(db, "northeast")
    general = db.session.scalar(select(CsseaDivision.id).where(CsseaDivision.code == "general"))
    member = {"cssea_member": True, "cssea_division_id": general}

    make_agency(community_id=island, **member)
    make_agency(community_id=island, unionized=True, **member)
    make_agency(community_id=island)
    make_agency(community_id=island, status="pending", **member)  # not counted
    make_agency(community_id=island, status="suspended")  # not counted
    make_agency(community_id=northeast)
    make_agency(community_id=northeast, status="rejected", **member)  # not counted

    login(client, make_user(role="champion"))
    response = client.get("/dashboard")
    assert response.status_code == 200
    rows = {
        html.unescape(name): tuple(int(n) for n in numbers)
        for name, *numbers in re.findall(
            r'<tr><th scope="row">([^<]+)</th>' + r'<td class="text-end">(\d+)</td>' * 3,
            text(response),
        )
    }
    regions = dict(db.session.execute(select(Region.code, Region.name)).all())
    assert set(rows) == set(regions.values())
    assert len(rows) == 8
    # (agencies, CSSEA members, non-members)
    assert rows[regions["vancouver-island-coast"]] == (3, 2, 1)
    assert rows[regions["northeast"]] == (1, 0, 1)
    for code, name in regions.items():
        if code not in ("vancouver-island-coast", "northeast"):
            assert rows[name] == (0, 0, 0), name


def test_seeker_dashboard(client, login, make_user):
    login(client, make_user(role="seeker", name="Maya Singh"))
    response = client.get("/dashboard")
    assert response.status_code == 200
    assert "Welcome, Maya Singh" in text(response)


# --- assets ----------------------------------------------------------------------------


def test_css_and_js_are_served_locally(client):
    page = text(client.get("/"))
    stylesheets = re.findall(r'<link[^>]*rel="stylesheet"[^>]*href="([^"]+)"', page)
    icons = re.findall(r'<link[^>]*rel="icon"[^>]*href="([^"]+)"', page)
    # no script at all: nothing uses Bootstrap's JavaScript (menus are <details>)
    assert stylesheets and icons and "<script" not in page
    for url in stylesheets + icons:
        assert not re.match(r"^(https?:)?//", url), f"external asset: {url}"
        response = client.get(url)
        try:
            assert response.status_code == 200, url
            assert response.get_data(), url
        finally:
            response.close()
    bootstrap_css = [url for url in stylesheets if "bootstrap" in url]
    assert bootstrap_css
    response = client.get(bootstrap_css[0])
    try:
        assert response.status_code == 200
        assert response.mimetype == "text/css"
    finally:
        response.close()
