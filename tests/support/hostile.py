"""Helpers for the hostile-input tests (``test_hostile_input.py``, ``test_fuzz_forms.py``):
every route of the app, each with a role that may use it and real ids of the access test's
world; hostile values; the query-string names and forms each page really uses.

Nothing here lists routes: they come from ``app.url_map`` and ``tests/support/access``'s
TABLE (which ``test_every_route_is_in_the_table`` keeps complete), so a route added later is
walked and fuzzed without a change here.
"""

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import quote, urlsplit

from flask import Flask, Request
from sqlalchemy import func, select
from werkzeug.datastructures import ImmutableMultiDict
from werkzeug.exceptions import HTTPException

from portal.extensions import db
from portal.numbers import IdConverter
from tests.support.access import DUMMY_IDS, TABLE, UNCHECKED_ENDPOINTS, World
from tests.support.access.common import LOGIN, ROLES
from tests.support.database import REFERENCE_TABLES
from tests.support.pages import PASSWORD, two_step_code

# values no number, id or token of the portal may be: unicode digits (``"²".isdigit()``),
# signs, exponents, NaN/Infinity, 0, the INTEGER range's last value (no such row) and one
# past it, 30 digits, NUL, 5,000 characters
HOSTILE = [
    "²",
    "٣",
    "-1",
    "0",
    "1e3",
    "NaN",
    "Infinity",
    "2147483647",
    "2147483648",
    "9" * 30,
    "\x00",
    "x" * 5000,
]
DENIED = (403, 404, LOGIN)
# signing out would end the role's session for the requests after it
SESSION_ENDING = {("auth.logout", "POST")}
_PART = re.compile(r"<(?:([^<>:]+):)?([^<>:]+)>")


@dataclass
class Route:
    endpoint: str
    method: str
    template: str  # a TABLE url template with {ids} of the world
    role: str  # a role that may use it (its TABLE status is not 403 / 404 / login)
    roles: list = field(default_factory=list)  # every such role
    rule: object = None
    args: dict = field(default_factory=dict)  # the world's values of its path parameters

    def url(self, world: World) -> str:
        return world.url(self.template)

    def path_with(self, name: str, value: str) -> str:
        """The route's path with ``value`` for the parameter ``name`` (others: the world's)."""

        def part(match):
            text = value if match.group(2) == name else str(self.args[match.group(2)])
            return quote(text, safe="")

        return _PART.sub(part, self.rule.rule)

    def is_id(self, name: str) -> bool:
        return isinstance(self.rule._converters[name], IdConverter)


def routes(app: Flask, world: World) -> list[Route]:
    """Every rule × method of the app, with the first TABLE row and role that may use it."""
    adapter = app.url_map.bind("localhost")
    found: dict[tuple, Route] = {}
    for method, template, *statuses in TABLE:
        endpoint, _ = adapter.match(template.format(**DUMMY_IDS), method=method)
        if (endpoint, method) in found:
            continue
        allowed = [
            role for role, status in zip(ROLES, statuses, strict=True) if status not in DENIED
        ]
        # else a role that passes the role check but not the object check: another
        # seeker's application (404) still has its path read first
        allowed = allowed or [
            role
            for role, status in zip(ROLES, statuses, strict=True)
            if status == 404 and role != "anon"
        ]
        if allowed:
            route = found[endpoint, method] = Route(endpoint, method, template, allowed[0], allowed)
            route.rule, route.args = adapter.match(
                world.url(template).partition("?")[0], method=method, return_rule=True
            )
    in_app = {
        (rule.endpoint, method)
        for rule in app.url_map.iter_rules()
        if rule.endpoint not in UNCHECKED_ENDPOINTS
        for method in rule.methods - {"HEAD", "OPTIONS"}
    }
    missing = in_app - set(found)
    assert not missing, f"no TABLE row lets any role use: {sorted(missing)}"
    return [found[key] for key in sorted(in_app)]


class Clients:
    """One signed-in test client per role (anon: signed out), each with its CSRF token."""

    def __init__(self, app: Flask, world: World):
        self.app, self.world = app, world
        self._clients: dict = {}
        self._tokens: dict = {}

    def __getitem__(self, role: str):
        if role not in self._clients:
            client = self._clients[role] = self.app.test_client()
            if role != "anon":
                email = self.world.users[role]
                response = client.post_form("/login", {"email": email, "password": PASSWORD})
                assert response.status_code == 302, f"{role} could not sign in"
                if response.location.split("?")[0].endswith("/login/verify"):
                    response = client.post_form(
                        "/login/verify", {"code": two_step_code(self.app, email)}
                    )
                    assert response.status_code == 302, f"{role}: second step refused"
            self._tokens[role] = client.csrf_token()
        return self._clients[role]

    def api_headers(self, url: str) -> dict:
        """The API's routes that need a token get the world's (``access/api_tokens.py``:
        the target agency owner's, every scope), so they are walked past the 401."""
        token = self.world.ids.get("api_token")
        return {"Authorization": f"Bearer {token}"} if token and url.startswith("/api/") else {}

    def post(self, role: str, url: str, data: dict | None = None):
        client = self[role]
        return client.post(
            url,
            data={"csrf_token": self._tokens[role], **(data or {})},
            headers=self.api_headers(url),
        )

    def request(self, role: str, method: str, url: str, data: dict | None = None):
        if method == "GET":
            return self[role].get(url, headers=self.api_headers(url))
        if method != "POST":  # the API's PATCH
            return self[role].open(url, method=method, headers=self.api_headers(url))
        return self.post(role, url, data)


# --- which query-string names a page reads ----------------------------------------------

READ_ARGS: set[str] = set()


class _RecordingArgs(ImmutableMultiDict):
    """``request.args`` / ``request.form`` that note every name a view asks for."""

    def get(self, key, *args, **kwargs):
        READ_ARGS.add(key)
        return super().get(key, *args, **kwargs)

    def getlist(self, key, *args, **kwargs):
        READ_ARGS.add(key)
        return super().getlist(key, *args, **kwargs)

    def __getitem__(self, key):
        READ_ARGS.add(key)
        return super().__getitem__(key)

    def __contains__(self, key):
        READ_ARGS.add(key)
        return super().__contains__(key)


class RecordingRequest(Request):
    parameter_storage_class = _RecordingArgs


def args_read(app: Flask, clients: Clients, role: str, url: str, method: str = "GET") -> list:
    """The query-string names the page at ``url`` reads (through ``request.args``); for a
    POST (sent with the CSRF token only), the form fields it reads as well."""
    original = app.request_class
    app.request_class = RecordingRequest
    READ_ARGS.clear()
    try:
        clients.request(role, method, url)
    finally:
        app.request_class = original
    return sorted(READ_ARGS - {"csrf_token"})


# --- the forms each page shows ------------------------------------------------------------


@dataclass
class Form:
    action: str
    fields: dict = field(default_factory=dict)  # name -> list of offered values ([] for text)
    files: set = field(default_factory=set)
    # what a browser would send as the page filled it in (an edit form: the saved values)
    filled: dict = field(default_factory=dict)  # name -> list of values

    def fill(self, name: str, value: str) -> None:
        self.filled.setdefault(name, []).append(value)


class _FormParser(HTMLParser):
    def __init__(self, page_url: str):
        super().__init__(convert_charrefs=True)
        self.page_url = page_url
        self.forms: list[Form] = []
        self._form: Form | None = None
        self._select: str | None = None
        self._select_filled = False
        self._textarea: str | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            post = (a.get("method") or "get").lower() == "post"
            self._form = Form(a.get("action") or self.page_url) if post else None
            self._buttons: set = set()
            if post:
                self.forms.append(self._form)
        elif self._form is None:
            return
        elif tag in ("input", "textarea", "select", "button") and a.get("name"):
            name, kind = a["name"], (a.get("type") or "text").lower()
            if kind == "file":
                self._form.files.add(name)
                return
            offered = self._form.fields.setdefault(name, [])
            value = a.get("value") or ""
            if tag == "select":
                self._select, self._select_filled = name, False
            elif tag == "textarea":
                self._textarea = name
                self._form.fill(name, "")
            elif kind in ("checkbox", "radio", "hidden", "submit") or tag == "button":
                offered.append(value)
                if kind == "hidden" or ("checked" in a and kind in ("checkbox", "radio")):
                    self._form.fill(name, value)
                elif kind == "submit" or tag == "button":  # the first button is pressed
                    if not any(n in self._form.filled for n in self._buttons):
                        self._form.fill(name, value)
                    self._buttons.add(name)
            else:
                self._form.fill(name, value)
        elif tag == "option" and self._select:
            value = a.get("value") or ""
            self._form.fields[self._select].append(value)
            if "selected" in a and not self._select_filled:
                self._form.filled[self._select] = [value]
                self._select_filled = True
            elif self._select not in self._form.filled:
                self._form.fill(self._select, value)  # the first option, as a browser sends

    def handle_data(self, data):
        if self._form is not None and self._textarea:
            self._form.filled[self._textarea][-1] += data

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None
        elif tag == "form":
            self._form = None


def forms_on(page: str, page_url: str) -> list[Form]:
    parser = _FormParser(page_url)
    parser.feed(page)
    return parser.forms


def find_forms(app: Flask, clients: Clients, world: World, all_routes: list[Route]) -> dict:
    """{(endpoint, "POST"): (role, action path, Form)}: the first form found for each POST
    route, on the GET pages of the app (each seen as its route's role), with fields beyond
    the CSRF token; the role is the POST route's own."""
    adapter = app.url_map.bind("localhost")
    posts = {(r.endpoint, r.method): r for r in all_routes if r.method == "POST"}
    found: dict = {}
    pages = [
        (route.url(world), role)
        for route in all_routes
        if route.method == "GET"
        for role in route.roles
    ]
    for url, role in pages:
        response = clients[role].get(url)
        if response.status_code != 200 or not response.mimetype == "text/html":
            continue
        for form in forms_on(response.get_data(as_text=True), url):
            path = urlsplit(form.action).path
            try:
                endpoint, _ = adapter.match(path, method="POST")
            except HTTPException:
                continue
            key = (endpoint, "POST")
            names = set(form.fields) - {"csrf_token"}
            if key in posts and key not in found and key not in SESSION_ENDING and names:
                found[key] = (posts[key].role, path, form)
    return found


# --- nothing half saved -------------------------------------------------------------------

# rows a refused request may still write: who signed in or failed to, audit trail, mail
LOG_TABLES = {"audit_events", "login_failures", "two_step_failures", "mail_outbox", "user_tokens"}


def row_counts() -> tuple:
    """The number of rows in every table (except logs), in one query."""
    tables = [t for t in db.metadata.sorted_tables if t.name not in LOG_TABLES]
    counts = select(*(select(func.count()).select_from(t).scalar_subquery() for t in tables))
    return tuple(db.session.execute(counts).one())


def contents() -> dict:
    """Every row of every table (except logs and the read-only reference tables), so a
    refused request that changed part of a row is caught too (the world is small)."""
    return {
        t.name: sorted(map(repr, db.session.execute(select(t)).all()))
        for t in db.metadata.sorted_tables
        if t.name not in LOG_TABLES and t.name not in REFERENCE_TABLES
    }
