"""No input produces a server error: every route, with hostile values in its path and query
string, on each backend; and the issue's own examples as regression tests.

The walk takes its routes from ``app.url_map`` and the access test's TABLE (see
``tests/support/hostile.py``), each used by a role that may use it, in the access test's world.
"""

import time

import pytest
from sqlalchemy import func, select

from portal import numbers
from portal.models import Application, ApplicationDecision, Job
from portal.search import SearchParams
from tests.support import field_error, hostile, text
from tests.support.lmi import COUNTS
from tests.support.security_headers import assert_security_headers

BIG = "9" * 30


def test_every_route_with_hostile_path_values(access_app, world, record_property):
    """Each path parameter of each route (rule × method), one at a time, gets each hostile
    value (the others keep the world's ids), as a role that may use the route: never a 5xx,
    an id that cannot exist is 404, and every response carries the security headers."""
    clients = hostile.Clients(access_app, world)
    started, failures, requests, routes_walked = time.monotonic(), [], 0, set()
    all_routes = hostile.routes(access_app, world)
    for route in all_routes:
        for name in route.rule.arguments:
            routes_walked.add((route.endpoint, route.method))
            for value in hostile.HOSTILE:
                path = route.path_with(name, value)
                response = clients.request(route.role, route.method, path)
                status, requests = response.status_code, requests + 1
                if status >= 500 or (route.is_id(name) and status != 404):
                    failures.append(f"{route.method} {path[:120]} as {route.role}: {status}")
                try:  # error pages carry the security headers too
                    assert_security_headers(response, signed_in=route.role != "anon")
                except AssertionError as error:
                    failures.append(f"{route.method} {path[:120]} as {route.role}: {error}")
    record_property("hostile_path_requests", requests)
    print(
        f"\nhostile path values: {len(all_routes)} routes (rule × method), "
        f"{len(routes_walked)} with path parameters × "
        f"{len(hostile.HOSTILE)} values = {requests} requests in "
        f"{time.monotonic() - started:.1f} s"
    )
    assert not failures, "\n".join(failures)


def test_every_get_route_with_hostile_query_values(access_app, world, record_property):
    """Each query-string name a GET page reads (found by asking it once with the world's
    ids and noting what it reads) gets each hostile value, alone and repeated: never a
    5xx."""
    clients = hostile.Clients(access_app, world)
    started, failures, requests, names_walked = time.monotonic(), [], 0, 0
    for route in hostile.routes(access_app, world):
        if route.method != "GET":
            continue
        url = route.url(world)
        for name in hostile.args_read(access_app, clients, route.role, url):
            names_walked += 1
            for value in hostile.HOSTILE:
                # once, and after a good value for a list filter (?region=1&region=²)
                repeated = [{name: ["1", value]}] if value in ("²", BIG) else []
                for data in [{name: value}, *repeated]:
                    response = clients[route.role].get(url, query_string=data)
                    requests += 1
                    if response.status_code >= 500:
                        failures.append(
                            f"GET {url}?{name}={value[:20]!r} as {route.role}: "
                            f"{response.status_code}"
                        )
    record_property("hostile_query_requests", requests)
    print(
        f"\nhostile query values: {names_walked} (route, name) pairs × "
        f"({len(hostile.HOSTILE)} values + 2 repeated) = {requests} requests in "
        f"{time.monotonic() - started:.1f} s"
    )
    assert names_walked >= 10, "the recording of request.args found (almost) nothing"
    assert not failures, "\n".join(failures)


# --- the reader itself ------------------------------------------------------------------


@pytest.mark.parametrize(
    "value",
    [
        "²",
        "٣",
        "-1",
        "1e3",
        "NaN",
        "Infinity",
        " ",
        "",
        "1.0",
        "0x10",
        "1_000",
        "+1",
        BIG,
        "2147483648",
        None,
        1.5,
        True,
    ],
)
def test_ids_refuse_what_is_not_an_ascii_id(value):
    assert numbers.to_id(value) is None


@pytest.mark.parametrize(
    ("value", "expected"), [("1", 1), (" 42 ", 42), ("2147483647", 2**31 - 1), (7, 7)]
)
def test_ids_accept_ascii_ids_in_range(value, expected):
    assert numbers.to_id(value) == expected


@pytest.mark.parametrize(
    "value", ["NaN", "Infinity", "-Infinity", "1e400", "1e3", "²", "٣.5", "1.2.3", "", "9" * 40]
)
def test_decimals_refuse_what_is_not_a_plain_finite_number(value):
    assert numbers.decimal(value, -numbers.INT_MAX, numbers.INT_MAX) is None


def test_search_params_ignore_bad_filters():
    from werkzeug.datastructures import MultiDict

    args = MultiDict(
        [
            ("region", "²"),
            ("region", "3"),
            ("region", BIG),
            ("community", "٣"),
            ("page", BIG),
            ("pay", "NaN"),
            ("hmin", "²"),
            ("hmax", "-1"),
            ("posted", "1e3"),
            ("agency", "2147483648"),
            ("occupation", "0"),
        ]
    )
    params = SearchParams.from_args(args)
    assert (params.region, params.community, params.agency, params.occupation) == ([3], [], [], [])
    assert (params.page, params.pay, params.hours_min, params.hours_max, params.posted) == (
        1,
        None,
        None,
        None,
        None,
    )


# --- the examples -----------------------------------------------------------------


def test_search_filter_with_a_bad_number_is_ignored(client, make_job):
    make_job(title="Support Worker")
    for name in (
        "region",
        "page",
        "pay",
        "hmin",
        "hmax",
        "posted",
        "community",
        "occupation",
        "agency",
    ):
        for value in ("²", "٣", BIG, "NaN", "-1"):
            response = client.get("/jobs", query_string={name: value})
            assert response.status_code == 200, (name, value)
            assert "Support Worker" in text(response), (name, value)  # the filter is ignored


def test_ids_that_cannot_exist_are_404(client, login, make_user):
    login(client, make_user(role="admin"))
    for path in (
        f"/jobs/{BIG}",
        "/jobs/99999999999999999999999",
        "/jobs/²",
        "/jobs/٣",
        "/jobs/0",
        "/jobs/2147483648",
        f"/applications/{BIG}",
        f"/admin/users/{BIG}",
        f"/returns/{BIG}",
        f"/lists/{BIG}",
        f"/profile/resumes/{BIG}/file",
    ):
        assert client.get(path).status_code == 404, path


@pytest.mark.parametrize(
    "path",
    [
        "/lists?region=",
        "/lists?occupation=",
        "/agency/people?region=",
        "/agency/people?page=",
        "/agency/talent?list=",
        "/agency/talent?day=",
        "/agency/jobs?page=",
        "/admin/users?page=",
        "/admin/agencies?page=",
        "/lmi?period=",
    ],
)
def test_query_filters_with_bad_numbers_are_ignored(client, login, make_user, make_agency, path):
    role = (
        "admin"
        if path.startswith("/admin")
        else ("champion" if path.startswith("/lmi") else "agency")
    )
    user = make_user(role=role, two_step=role != "agency")  # as champions and admins must
    if role == "agency":
        make_agency(owner=user)
    if not path.startswith("/lists"):
        login(client, user)
    for value in (BIG, "²", "٣"):
        assert client.get(path + value).status_code == 200, value


@pytest.mark.parametrize("value", ["²", "٣", BIG, "2147483648", "-1"])
def test_bulk_close_ignores_bad_ids(client, db, login, make_agency, make_job, value):
    agency = make_agency()
    job = make_job(agency=agency)
    login(client, agency.owner)
    response = client.post_form("/agency/jobs/bulk-close", {"job_id": [value]})
    assert response.status_code == 302
    response = client.post_form("/agency/jobs/bulk-close", {"job_id": [value, str(job.id)]})
    assert response.status_code == 302
    assert db.session.scalar(select(Job.status).where(Job.id == job.id)) == "closed"


def test_applicants_bulk_ignores_bad_ids(access_app, world):
    clients = hostile.Clients(access_app, world)
    url = world.url("/agency/jobs/{job}/applicants/bulk")
    for value in ("²", BIG, "2147483648"):
        response = clients.post("owner", url, {"application_id": [value], "status": "screening"})
        assert response.status_code == 302
    with access_app.app_context():
        status = hostile.db.session.scalar(
            select(ApplicationDecision.status).where(
                ApplicationDecision.application_id == world.ids["application"]
            )
        )
        hostile.db.session.remove()
    assert status == "new"
    response = clients.post(
        "owner",
        url,
        {"application_id": [BIG, str(world.ids["application"])], "status": "screening"},
    )
    assert response.status_code == 302
    with access_app.app_context():
        assert (
            hostile.db.session.scalar(
                select(ApplicationDecision.status).where(
                    ApplicationDecision.application_id == world.ids["application"]
                )
            )
            == "screening"
        )
        assert hostile.db.session.scalar(select(func.count(Application.id))) >= 1
        hostile.db.session.remove()


@pytest.mark.parametrize("value", ["²", BIG, "-1", "x" * 5000])
def test_partner_agency_id_that_is_not_an_id_is_refused(access_app, world, value):
    clients = hostile.Clients(access_app, world)
    for template in ("/agency/jobs/{pool}/partners/invite", "/agency/lists/{plist}/partners"):
        response = clients.post("owner", world.url(template), {"agency_id": value})
        assert response.status_code == 302
        page = text(clients["owner"].get(response.location))
        assert "Choose an agency" in page


def _job_form(db, **changes) -> dict:
    from tests.support import job_fields

    fields = job_fields(db)
    data = {
        "title": "Hostile Pay Worker",
        "description": fields["description"],
        "occupation_id": str(fields["occupation_id"]),
        "community_id": str(fields["community_id"]),
        "employment_type": "full_time",
        "hours_per_week": "37.5",
        "pay_min": "26",
        "pay_max": "31",
        "pay_unit": "hourly",
        "union_position": "no",
        "closes_on": fields["closes_on"].isoformat(),
        "save": "Save draft",
    }
    data.update(changes)
    return data


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("pay_min", "NaN", "Enter the amount as a number"),
        ("pay_min", "Infinity", "Enter the amount as a number"),
        ("pay_max", "-Infinity", "Enter the amount as a number"),
        ("pay_min", "1e400", "Enter the amount as a number"),
        ("pay_max", "²", "Enter the amount as a number"),
        ("pay_max", "9" * 30, "Enter at most 21,474,836.47"),
        ("hours_per_week", "NaN", "Enter the hours as a number"),
        ("hours_per_week", "1e400", "Enter the hours as a number"),
    ],
)
def test_job_form_with_a_non_finite_number_shows_a_field_message(
    client, db, login, make_agency, field, value, message
):
    agency = make_agency()
    login(client, agency.owner)
    before = db.session.scalar(select(func.count(Job.id)))
    response = client.post_form("/agency/jobs/new", _job_form(db, **{field: value}))
    assert response.status_code in (200, 400)
    page = text(response)
    assert message in (field_error(page, field) or "")
    assert f'value="{value}"' in page  # what was typed is shown back
    assert 'value="Hostile Pay Worker"' in page
    assert db.session.scalar(select(func.count(Job.id))) == before


@pytest.mark.parametrize(
    ("field", "value"),
    [("pay_min", "NaN"), ("pay_max", "Infinity"), ("pay_min", "1e400"), ("pay_max", BIG)],
)
def test_share_form_with_a_non_finite_pay_shows_a_field_message(access_app, world, field, value):
    clients = hostile.Clients(access_app, world)
    url = world.url("/agency/shares/{lead_share}")
    with access_app.app_context():
        before = hostile.row_counts()
        hostile.db.session.remove()
    data = {
        "community_id": "",
        "pay_min": "26",
        "pay_max": "30",
        "pay_unit": "hourly",
        "unionized": "no",
        "start_0": "09:00",
        "end_0": "13:00",
        field: value,
    }
    with access_app.app_context():
        from portal.models import Community

        data["community_id"] = str(hostile.db.session.scalar(select(Community.id)))
        hostile.db.session.remove()
    response = clients.post("owner", url, data)
    assert response.status_code == 400
    page = text(response)
    assert field_error(page, field), page[:3000]
    assert f'value="{value}"' in page
    with access_app.app_context():
        assert hostile.row_counts() == before
        hostile.db.session.remove()


def test_return_csv_with_hostile_numbers_is_refused_with_messages(access_app, world):
    """A workforce-return CSV whose every number column holds a hostile value: row
    messages, no 5xx, the draft's lines unchanged."""
    from portal.returns.columns import COLUMN_NAMES
    from tests.support.returns import LINE, csv_file, upload

    numeric = [
        name
        for name in COLUMN_NAMES
        if name not in ("occupation", "region", "employment_status", "bargaining_status")
    ]
    rows = [
        {**LINE, **{name: value for name in numeric}}
        for value in ("²", "٣", "NaN", "Infinity", "1e400", "-1", BIG, "x" * 5000)
    ]
    clients = hostile.Clients(access_app, world)
    clients["owner"]  # signed in
    with access_app.app_context():
        before = hostile.row_counts()
        hostile.db.session.remove()
    response = upload(clients["owner"], world.ids["rdraft"], csv_file(rows))
    assert response.status_code == 400, response.status_code
    assert "Row 2" in text(response)
    with access_app.app_context():
        assert hostile.row_counts() == before
        hostile.db.session.remove()


# text fields whose value is parsed into something else and never stored as text
PARSED_TEXT_FIELDS = {
    ("LineForm", name) for name in (*COUNTS, "fte", "pay_p25", "pay_median", "pay_p75")
}


def test_every_text_field_has_a_length_limit():
    """A value longer than its column fails on PostgreSQL ("value too long"): every text
    field of every form (including forms added later) is bounded by a validator, except
    hidden and password fields (never stored as typed) and fields parsed into numbers."""
    from flask_wtf import FlaskForm
    from wtforms import HiddenField, PasswordField, StringField
    from wtforms.fields.core import UnboundField
    from wtforms.validators import AnyOf, Email, Length, Regexp

    from portal import create_app

    create_app("testing", {"DATABASE_URL": "sqlite://"})  # imports every feature's forms

    def subclasses(cls):
        for sub in cls.__subclasses__():
            yield sub
            yield from subclasses(sub)

    unbounded, checked = [], 0
    for form in set(subclasses(FlaskForm)):
        if not form.__module__.startswith("portal."):
            continue
        for name in dir(form):
            field = getattr(form, name, None)
            if not (
                isinstance(field, UnboundField)
                and issubclass(field.field_class, StringField)
                and not issubclass(field.field_class, HiddenField | PasswordField)
            ):
                continue
            checked += 1
            validators = field.kwargs.get("validators") or (
                field.args[1] if len(field.args) > 1 else []
            )
            if (
                not any(isinstance(v, Length | Regexp | AnyOf | Email) for v in validators)
                and (form.__name__, name) not in PARSED_TEXT_FIELDS
            ):
                unbounded.append(f"{form.__module__}.{form.__name__}.{name}")
    assert checked > 50
    assert not unbounded, unbounded


@pytest.mark.parametrize("value", ["²", "٣", BIG, "1e3", "NaN", "-1", "12.5"])
def test_whole_number_fields_refuse_what_is_not_a_whole_number(access_app, world, value):
    clients = hostile.Clients(access_app, world)
    response = clients.post(
        "champion", "/returns/periods", {"fiscal_year": value, "due_on": "2027-06-30"}
    )
    assert response.status_code == 400
    assert field_error(text(response), "fiscal_year") == "Enter a year such as 2025."
    response = clients.post(
        "owner",
        "/agency/lists/new",
        {
            "name": "Hostile list",
            "membership_months": value,
            "intake_opens_on": "2026-01-01",
            "intake_closes_on": "2026-02-01",
            "visibility": "partners",
        },
    )
    assert response.status_code == 400
    assert field_error(text(response), "membership_months") in (
        "Enter a number of months, e.g. 12.",
        "Between 1 and 36 months.",
    )
    assert f'value="{value}"' in text(response)


def test_numbers_are_read_one_way():
    """Code added later reads numbers from requests through ``portal.numbers`` and the
    fields of ``portal.forms``, not with the readers that let "²", "٣", NaN or a 30-digit id
    through (the CLI's ``click`` options are not requests)."""
    import re
    from pathlib import Path

    import portal

    root = Path(portal.__file__).parent
    banned = {
        "type=int": re.compile(r"\btype=int\b"),
        "coerce=int": re.compile(r"\bcoerce=int\b"),
        "str.isdigit without isascii": re.compile(r"^(?!.*isascii).*\.isdigit\(\)"),
        "int()/float()/Decimal() of request data": re.compile(
            r"\b(int|float|Decimal)\(\s*(request\.|form\.\w+\.data|args\.get)"
        ),
        "a plain IntegerField/DecimalField/FloatField": re.compile(
            r"\b(IntegerField|DecimalField|FloatField)\("
        ),
    }
    found = []
    for path in sorted(root.rglob("*.py")):
        if path.name in ("numbers.py", "forms.py") and path.parent == root or path.name == "cli.py":
            continue
        for number, line in enumerate(path.read_text().splitlines(), 1):
            found += [
                f"{path.relative_to(root)}:{number}: {what}: {line.strip()}"
                for what, pattern in banned.items()
                if pattern.search(line)
            ]
    assert not found, "\n".join(found)


def test_lmi_import_with_hostile_years_and_numbers_reports_rows(db, runner, make_agency, make_user):
    """``flask lmi import``: a fiscal year "²" made ``int()`` raise; now every bad value is a
    row message and nothing is imported."""
    from datetime import date

    from portal.models.lmi import WorkforceReturn
    from portal.returns import periods
    from portal.returns.columns import IMPORT_COLUMNS
    from tests.support.returns import LINE, csv_file

    periods.open_period(2025, date(2026, 6, 30), make_user(role="champion"))
    db.session.commit()
    agency = make_agency(name="Hostile Import")
    rows = [
        {"agency": agency.slug, "fiscal_year": year, **LINE}
        for year in ("²", "٣٣٣٣", BIG, "NaN", "-2025")
    ]
    rows.append({"agency": agency.slug, "fiscal_year": "2025", **LINE, "hires": "٣"})
    result = runner.invoke(args=["lmi", "import", "-"], input=csv_file(rows, IMPORT_COLUMNS))
    assert result.exit_code == 1, result.output
    assert (
        "Row 2 (the first line of data): fiscal_year “²” is not a year such as 2025."
        in result.output
    )
    assert "Row 7, Hires: “٣” is not a number." in result.output
    assert "nothing was imported" in result.output
    assert db.session.scalar(select(func.count(WorkforceReturn.id))) == 0
