"""Required and optional fields are marked one way on every form: a field that must be
filled carries ``aria-required="true"`` (a radio group: on its ``role="radiogroup"``
fieldset) and never says "(optional)"; every other field says "(optional)" after its label
(the rule and its few exceptions: ``tests/support/requirements.py``). The ``field`` macro
decides from the field's validators (``portal.forms.requirement``); hand-written fields
follow the same rule."""

import io
import re
from datetime import date

from flask import render_template_string
from flask_wtf import FlaskForm
from werkzeug.datastructures import FileStorage
from wtforms import StringField
from wtforms.validators import DataRequired, Optional

from portal.applications import services
from portal.returns import periods
from portal.seekers.services import attach_resume
from tests.support import hostile, text
from tests.support.requirements import marking, post_forms, problems

LABEL = '<label class="form-label" for="{id}">{text}</label>'
OPTIONAL = ' <span class="optional">(optional)</span>'


def markings(page: str) -> dict:
    """name -> how the field of that name (the first on the page's POST forms) is marked."""
    found = {}
    for form in post_forms(page):
        for control in form.controls:
            if control.name not in found:
                found[control.name] = marking(control)
    return found


def assert_required(page: str, *names: str) -> None:
    fields = markings(page)
    for name in names:
        assert fields[name].aria_required and not fields[name].says_optional, fields[name]


def assert_optional(page: str, *names: str) -> None:
    fields = markings(page)
    for name in names:
        mark = fields[name]
        assert mark.label.endswith("(optional)"), (name, mark)
        assert not (mark.aria_required or mark.required), (name, mark)


def assert_unmarked(page: str, *names: str) -> None:
    fields = markings(page)
    for name in names:
        mark = fields[name]
        assert not (mark.says_optional or mark.aria_required or mark.required), (name, mark)


def page_of(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    page = text(response)
    assert problems(page, url) == []
    return page


def test_sign_up_and_sign_in(client):
    page = page_of(client, "/register")
    assert_required(page, "full_name", "email", "password", "confirm")
    assert LABEL.format(id="email", text="Email address") in page
    page = page_of(client, "/login")
    assert_required(page, "email", "password")
    assert_unmarked(page, "remember")  # a tick box: on or off


def test_agency_registration(client):
    page = page_of(client, "/agencies/register")
    assert_required(page, "full_name", "legal_name", "name", "community_id", "subsector_id")
    assert_optional(page, "website", "phone")
    assert LABEL.format(id="website", text="Website" + OPTIONAL) in page
    # needed only by CSSEA members: neither mark, and the hint says when
    assert_unmarked(page, "cssea_division_id")
    assert "Only for CSSEA members." in page
    for question in ("cssea_member", "unionized"):
        assert re.search(
            rf'<fieldset role="radiogroup" aria-required="true">\s*'
            rf'<legend class="form-label fs-6">[^<]+</legend>\s*'
            rf'<div class="form-check form-check-inline">\s*<input[^>]*id="{question}-0"',
            page,
        ), question


def test_seeker_profile(client, login, make_user):
    login(client, make_user(role="seeker"))
    page = page_of(client, "/profile")
    assert_optional(page, "headline", "summary", "languages", "communities", "pay_expectation")
    assert_optional(page, "earliest_start", "foreign_1_name", "foreign_1_credential")
    assert_unmarked(page, "willing_to_travel", "foreign_1_country", "foreign_1_recognition")
    # lists of choices: their legend says it; a radio group with a default: neither
    assert '<legend class="form-label fs-6">Occupations you want' + OPTIONAL in page
    assert '<legend class="form-label fs-6">When you can work' + OPTIONAL in page
    assert '<legend class="form-label fs-6">Hours wanted</legend>' in page
    assert "Optional. Agencies see it" not in page  # the label says it now
    page = page_of(client, "/profile/resume")
    assert_required(page, "file")


def test_job_form(client, login, make_agency):
    agency = make_agency()
    login(client, agency.owner)
    page = page_of(client, "/agency/jobs/new")
    assert_required(page, "title", "occupation_id", "community_id", "employment_type")
    assert_required(page, "pay_min", "pay_max", "description", "closes_on")
    assert_optional(page, "schedule", "how_to_apply")
    assert LABEL.format(id="schedule", text="Schedule" + OPTIONAL) in page
    # hours: or from the weekly schedule, whose days the fieldset calls optional
    assert_unmarked(page, "hours_per_week", "start_0", "end_6", "pooled")
    assert '<legend class="form-label fs-6">Credentials the job requires' + OPTIONAL in page


def test_application_form(client, login, make_user, make_job, db):
    job = make_job()
    owner = job.agency.owner
    asked = {
        text_: services.add_question(
            job, {"text": text_, "kind": kind, "required": required, "knockout_answer": None}, owner
        ).id
        for text_, kind, required in (
            ("Do you drive?", "yes_no", True),
            ("Languages?", "text", True),
            ("Anything else?", "text", False),
        )
    }
    db.session.commit()
    seeker = make_user(role="seeker")
    attach_resume(
        seeker, FileStorage(io.BytesIO(b"%PDF-1.4\n"), "cv.pdf", content_type="application/pdf")
    )
    db.session.commit()
    login(client, seeker)
    page = page_of(client, f"/jobs/{job.id}/apply")
    assert_optional(page, "cover_note", f"q_{asked['Anything else?']}")
    assert_required(page, f"q_{asked['Languages?']}")
    assert re.search(
        r'<fieldset role="radiogroup" aria-required="true">\s*'
        r'<legend class="form-label fs-6">Do you drive\?</legend>',
        page,
    )


def test_alert_forms(client, login, make_user):
    page = page_of(client, "/alerts/new?q=youth")
    assert_required(page, "email", "frequency")
    login(client, make_user(role="seeker"))
    assert client.post_form("/profile", {"headline": "Youth worker"}).status_code == 302
    response = client.post_form("/alerts/new?q=youth", {"frequency": "daily"})
    assert response.status_code == 303, text(response)[:2000]
    page = page_of(client, "/alerts")
    assert 'name="frequency" required aria-required="true">' in page  # the alert's own
    assert_required(page, "min_stars", "frequency")


def test_workforce_return_line(client, login, make_agency, make_user, db):
    period = periods.open_period(2025, date(2026, 6, 30), make_user(role="champion"))
    db.session.commit()
    login(client, make_agency().owner)
    response = client.post_form(f"/agency/returns/periods/{period.id}/draft")
    assert response.status_code == 302, text(response)[:2000]
    page = page_of(client, response.location)
    assert_required(page, "file")
    page = page_of(client, response.location + "/lines/new")
    # the line's key and its figures are needed to submit; pay is all three or none
    assert_required(page, "occupation", "region", "employment_status", "bargaining_status")
    assert_required(page, "opening_headcount", "fte", "separations", "vacancies_90_days")
    assert_unmarked(page, "pay_p25", "pay_median", "pay_p75")
    assert "(optional: all three or none)" in page


def test_every_post_form_of_every_page(access_app, world):
    """Every GET page of the app, as each role that may open it (the access test's world):
    every field of every POST form on it follows the rule."""
    clients = hostile.Clients(access_app, world)
    found, fields = [], set()
    for route in hostile.routes(access_app, world):
        if route.method != "GET":
            continue
        for role in route.roles:
            url = route.url(world)
            response = clients[role].get(url)
            if response.status_code != 200 or response.mimetype != "text/html":
                continue
            page = text(response)
            found += problems(page, f"{route.endpoint} as {role}:")
            fields |= {(route.endpoint, c.name) for form in post_forms(page) for c in form.controls}
    assert len(fields) >= 150, f"only {len(fields)} fields seen: the walk is broken"
    assert not found, "\n".join(sorted(set(found)))


def test_a_form_can_turn_the_optional_mark_off(app):
    """A search or filter form (every filter optional) says so once, in its ``Meta``: its
    optional fields then carry no mark, its required ones still aria-required."""

    class Filters(FlaskForm):
        class Meta:
            csrf = False
            mark_optional = False

        q = StringField("Keywords", validators=[Optional()])
        where = StringField("Where", validators=[DataRequired()])

    class Marked(Filters):
        class Meta:
            mark_optional = True

    source = (
        '{% from "_macros/forms.html" import field %}{{ field(form.q) }}{{ field(form.where) }}'
    )
    with app.test_request_context():
        plain = render_template_string(source, form=Filters())
        marked = render_template_string(source, form=Marked())
    assert LABEL.format(id="q", text="Keywords") in plain
    assert LABEL.format(id="q", text="Keywords" + OPTIONAL) in marked
    for page in (plain, marked):
        assert 'aria-required="true"' in page.split('for="where"')[1]
        assert "(optional)" not in page.split('for="where"')[1]


def test_agency_details_use_the_same_rule(client, login, make_agency):
    login(client, make_agency().owner)
    page = page_of(client, "/agency/edit")
    assert_optional(page, "website", "phone")
    assert_unmarked(page, "cssea_division_id")
