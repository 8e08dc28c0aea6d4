"""The privacy page (issue 18) is true: every period it states is read from the
configuration when it is shown (change the settings and the page follows), the README's
privacy table gives the same defaults, and it shows the current consent statement with its
version and date, and the links to export one's data and delete one's account."""

import re
from datetime import date, timedelta
from pathlib import Path

from portal.alerts import tokens as alert_tokens
from portal.pages import services
from portal.privacy import tasks as privacy_tasks
from portal.seekers import consent
from tests.support import text

PERIOD_RE = re.compile(r'<span class="period[^"]*" data-period="(\w+)">([^<]+)</span>')
README = Path(__file__).resolve().parent.parent / "README.md"


def page_periods(client) -> dict[str, set[str]]:
    """{period: the texts the page shows for it} (a period may be named several times)."""
    response = client.get("/privacy")
    assert response.status_code == 200
    found: dict[str, set[str]] = {}
    for key, shown in PERIOD_RE.findall(text(response)):
        found.setdefault(key, set()).add(shown)
    return found


def test_the_page_states_the_configured_periods(app, client):
    periods = services.privacy_periods()
    shown = page_periods(client)
    assert shown == {key: {period.text} for key, period in periods.items()}
    assert shown["purge"] == {f"{app.config['PRIVACY_PURGE_AFTER_DAYS']} days"} == {"30 days"}
    assert shown["hiring_records"] == {"365 days"}
    assert shown["audit_log"] == {"730 days"}
    assert shown["sent_mail"] == {"90 days"}
    assert shown["webhook_deliveries"] == {"30 days"}
    assert shown["unconfirmed_alerts"] == {f"{alert_tokens.CONFIRM_DAYS} days"}
    assert shown["failed_sign_ins"] == {"15 minutes"}
    assert shown["seeker_idle"] == {"2 hours"} and shown["seeker_session"] == {"14 days"}
    assert shown["staff_idle"] == {"30 minutes"} and shown["staff_session"] == {"12 hours"}
    assert shown["purge_runs"] == {"1 hour"}


def test_the_page_follows_the_configuration(app, client, monkeypatch):
    app.config.update(
        PRIVACY_PURGE_AFTER_DAYS=41,
        HIRING_RECORDS_KEEP_DAYS=400,
        AUDIT_LOG_KEEP_DAYS=1000,
        SENT_MAIL_KEEP_DAYS=61,
        WEBHOOK_DELIVERIES_KEEP_DAYS=12,
        LOGIN_THROTTLE_WINDOW=timedelta(minutes=25),
        SESSION_IDLE_MINUTES_SEEKER=90,
        SESSION_REMEMBER_DAYS=21,
        SESSION_IDLE_MINUTES_STAFF=20,
        SESSION_MAX_HOURS_STAFF=9,
    )
    monkeypatch.setattr(alert_tokens, "CONFIRM_DAYS", 5)
    monkeypatch.setattr(privacy_tasks, "EVERY", timedelta(hours=2))
    expected = {
        "purge": "41 days",
        "hiring_records": "400 days",
        "audit_log": "1000 days",
        "sent_mail": "61 days",
        "webhook_deliveries": "12 days",
        "unconfirmed_alerts": "5 days",
        "failed_sign_ins": "25 minutes",
        "seeker_idle": "90 minutes",
        "seeker_session": "21 days",
        "staff_idle": "20 minutes",
        "staff_session": "9 hours",
        "purge_runs": "2 hours",
    }
    assert {key: p.text for key, p in services.privacy_periods().items()} == expected
    assert page_periods(client) == {key: {shown} for key, shown in expected.items()}
    page = text(client.get("/privacy"))
    for old in ("30 days", "365 days", "730 days", "90 days", "15 minutes", "14 days"):
        assert old not in page, old


def test_the_readme_states_the_default_periods(app):
    """Each row of the README's privacy table names its setting and its default, as the
    page states it with the default configuration."""
    readme = README.read_text("utf-8")
    section = readme[readme.index("\n## Privacy\n") :]
    section = section[: section.index("\n## ", 1)]
    rows = {}
    for line in section.splitlines():
        cells = [c.strip() for c in line.strip("|").split("|")]
        if line.startswith("|") and len(cells) == 4 and "`" in cells[2]:
            settings = re.findall(r"`([A-Z_]+)`", cells[2])
            for setting, default in zip(settings, cells[3].split(" / "), strict=True):
                rows[setting] = default
    periods = services.privacy_periods()
    for period in periods.values():
        setting = period.setting.rsplit(".", 1)[-1]
        assert rows.get(setting) == period.text, (setting, rows.get(setting), period.text)


def test_the_page_shows_the_consent_statement_and_its_version(client, monkeypatch):
    statement = consent.current()
    page = text(client.get("/privacy"))
    published = statement.published.strftime("%b %-d, %Y")
    assert f"Version {statement.id}, published {published}" in page
    assert statement.text in page

    newer = consent.Version(
        id="2099-01",
        published=date(2099, 1, 15),
        text="A newer statement: agencies may also phone me about jobs.",
        changes="Agencies may now also phone you.",
    )
    monkeypatch.setattr(consent, "VERSIONS", [*consent.VERSIONS, newer])
    page = text(client.get("/privacy"))
    assert "Version 2099-01, published Jan 15, 2099" in page
    statement_box = re.search(r'<p class="mb-0" id="consent-text">([^<]*)</p>', page).group(1)
    assert statement_box == newer.text
    assert "Version 2099-01 (Jan 15, 2099): Agencies may now also phone you." in page
    assert f"Version {statement.id} ({published}): {statement.changes}" in page


def test_the_page_links_to_export_and_deletion(client):
    page = text(client.get("/privacy"))
    assert '<a href="/account/export">download your data</a>' in page
    assert '<a href="/account/delete">delete your account</a>' in page
    for heading in ("What we keep", "Who sees it", "The consent statement"):
        assert heading in page
    # what is collected, each in a row of its own
    for row in (
        "account",
        "profile",
        "consents",
        "resumes",
        "applications",
        "lists",
        "matches",
        "saved",
        "alerts",
        "views",
        "sign-ins",
        "session",
        "audit",
        "emails",
        "webhooks",
    ):
        assert f'<tr id="keep-{row}">' in page, row
