"""Who may use which route: one row per route and method, one column per role, run as every
role in the access test's world (``tests/support/access``: the rows, one module per feature,
and the world they run in)."""

import re

import pytest

from tests.support.access import DUMMY_IDS, TABLE, UNCHECKED_ENDPOINTS, cases
from tests.support.access.common import LOGIN
from tests.support.security_headers import assert_security_headers


@pytest.mark.parametrize(("method", "url_template", "role", "expected_status"), list(cases()))
def test_access(access_client, access_backend, world, method, url_template, role, expected_status):
    client = access_client
    if role != "anon":
        access_backend.sign_in(client, role)  # the session of the role's sign-in in the world
    url = world.url(url_template)
    if method == "GET":
        response = client.get(url)
    elif method == "POST":
        response = client.post_form(url, {})
    else:  # the API's PATCH: no form, and no token (so 401 for everyone)
        response = client.open(url, method=method)
    if expected_status == LOGIN:
        assert response.status_code == 302
        assert re.match(r"^(https?://[^/]+)?/login(\?|$)", response.location), response.location
    else:
        assert response.status_code == expected_status, response.get_data(as_text=True)[:1500]
    if response.status_code == 403:
        assert "You do not have access" in response.get_data(as_text=True) or (
            "registered from a staff account" in response.get_data(as_text=True)
        )
    assert_security_headers(response, signed_in=role != "anon")


def test_every_route_is_in_the_table(app):
    """A new route (or a new method on a route) must be added to TABLE."""
    adapter = app.url_map.bind("localhost")
    in_table = set()
    for method, template, *_ in TABLE:
        endpoint, _args = adapter.match(template.format(**DUMMY_IDS), method=method)
        in_table.add((endpoint, method))
    in_app = {
        (rule.endpoint, method)
        for rule in app.url_map.iter_rules()
        if rule.endpoint not in UNCHECKED_ENDPOINTS
        for method in rule.methods - {"HEAD", "OPTIONS"}
    }
    assert in_app - in_table == set(), "routes missing from the access table"
    assert in_table - in_app == set(), "rows in the access table for routes that do not exist"


def test_table_rows_are_unique():
    keys = [(method, template) for method, template, *_ in TABLE]
    assert len(keys) == len(set(keys))
