"""Hypothesis-generated values for every form's fields and for the search page's parameters:
never a 5xx, and a refused submission saves nothing.

The forms are found, not listed: every GET page of the app is opened (as a role that may
use it, in the access test's world) and each ``<form method="post">`` on it is read for its
field names and offered values; each POST route that has such a form is then submitted with
generated values for those fields (text, unicode digits, signed/huge integers, decimals
with NaN/Infinity, long strings, the offered values) by a role that may use it.
"""

import os
import random
import time

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.support import hostile

# modest, to keep the suite fast; PORTAL_FUZZ_EXAMPLES=200 for a longer hunt
EXAMPLES_PER_FORM = int(os.environ.get("PORTAL_FUZZ_EXAMPLES", "10"))
SEARCH_EXAMPLES = 6 * EXAMPLES_PER_FORM
REFUSED = (400, 409, 422)
SEARCH_NAMES = (
    "q",
    "region",
    "community",
    "occupation",
    "type",
    "agency",
    "pay",
    "hours",
    "hmin",
    "hmax",
    "pooled",
    "posted",
    "sort",
    "page",
)

hostile_text = st.one_of(
    st.sampled_from(
        hostile.HOSTILE
        + [
            "",
            " ",
            "-0",
            "1e-400",
            "+1",
            "1,000",
            "٣٣",
            "²³",
            "12.345",
            "0.001",
            "2147483647",
            "-2147483649",
        ]
    ),
    st.text(max_size=40),
    st.integers(min_value=-(10**30), max_value=10**30).map(str),
    st.decimals(allow_nan=True, allow_infinity=True).map(str),
    st.floats().map(repr),
    st.integers(min_value=190, max_value=6000).map(lambda n: "y" * n),  # past Length(max=)
)


def field_values(offered: list[str]):
    value = st.one_of(st.sampled_from(offered), hostile_text) if offered else hostile_text
    return st.lists(value, max_size=2)  # absent, once, or twice (checkboxes, lists)


def form_data(form: hostile.Form):
    """Any field absent, or one or two generated or offered values; or the form as the page
    filled it in (an edit form: valid saved values) with one or two fields changed to a
    generated value, which reaches the code past validation."""
    names = sorted(set(form.fields) - {"csrf_token"})
    anything = st.fixed_dictionaries(
        {}, optional={name: field_values(form.fields[name]) for name in names}
    )
    filled = {name: values for name, values in form.filled.items() if name != "csrf_token"}
    if not filled:
        return anything
    changes = st.dictionaries(
        st.sampled_from(names), hostile_text.map(lambda v: [v]), min_size=1, max_size=2
    )
    return st.one_of(anything, changes.map(lambda changed: {**filled, **changed}))


def test_every_form_with_generated_values(access_app, world, record_property):
    clients = hostile.Clients(access_app, world)
    started = time.monotonic()
    routes = hostile.routes(access_app, world)
    found = hostile.find_forms(access_app, clients, world, routes)
    assert len(found) >= 30, f"only {len(found)} forms found: the crawl is broken"
    ran = {"examples": 0}
    # POST routes whose form no page showed in this world (shown only after a search, or
    # for objects the world lacks): the fields they read from a bare POST (made after
    # the forms found, as it may act)
    unseen = [
        route
        for route in routes
        if route.method == "POST"
        and (route.endpoint, "POST") not in found
        and (route.endpoint, "POST") not in hostile.SESSION_ENDING
    ]

    def contents() -> dict:
        with access_app.app_context():
            try:
                return hostile.contents()
            finally:
                hostile.db.session.remove()

    state: dict = {}

    def fuzz(endpoint, role, path, form):
        state["contents"] = contents()  # as it is now (a bare POST before may have acted)

        @settings(
            max_examples=EXAMPLES_PER_FORM,
            deadline=None,
            database=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
        )
        @given(data=form_data(form))
        def submit(data):
            ran["examples"] += 1
            # Hypothesis seeds the global PRNG alike for every example; the app's randomness
            # (e.g. Whoosh's segment names, which then clash) must stay random as in production
            random.seed()
            before = state["contents"]
            try:
                response = clients.post(role, path, data)
            finally:
                after = state["contents"] = contents()  # the next example's "before"
            status = response.status_code
            assert status < 500, f"POST {path} as {role}: {status}"
            page = response.get_data(as_text=True) if response.mimetype == "text/html" else ""
            if status in REFUSED or (status == 200 and "is-invalid" in page):
                changed = [name for name in before if before[name] != after[name]]
                assert not changed, (
                    f"POST {path} ({endpoint}) was refused ({status}) but "
                    f"changed {changed}: {data!r:.300}"
                )

        submit()

    for (endpoint, _method), (role, path, form) in sorted(found.items()):
        fuzz(endpoint, role, path, form)
    discovered = 0
    for route in unseen:
        path = route.url(world)
        names = hostile.args_read(access_app, clients, route.role, path, "POST")
        if names:
            discovered += 1
            fuzz(route.endpoint, route.role, path, hostile.Form(path, {n: [] for n in names}))
    record_property("fuzzed_forms", len(found) + discovered)
    record_property("fuzz_examples", ran["examples"])
    print(
        f"\nforms fuzzed: {len(found)} found on pages + {discovered} read by their views, "
        f"{ran['examples']} Hypothesis examples in {time.monotonic() - started:.1f} s"
    )


@pytest.fixture
def published_jobs(make_job):
    return [make_job(title="Support Worker"), make_job(title="Youth Worker", pooled=False)]


def test_search_page_with_generated_parameters(client, published_jobs):
    names = st.sampled_from(SEARCH_NAMES)
    values = st.one_of(
        hostile_text,
        st.sampled_from(["1", "7", "30", "newest", "pay", "full_time", "under-20", "on"]),
    )

    @settings(
        max_examples=SEARCH_EXAMPLES,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(args=st.lists(st.tuples(names, values), max_size=6))
    def search(args):
        response = client.get("/jobs", query_string=args)
        nul = any("\x00" in value for _name, value in args)  # refused by portal/inputs.py
        assert response.status_code == (400 if nul else 200), (args, response.status_code)

    search()
