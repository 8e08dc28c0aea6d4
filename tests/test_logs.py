"""Request logging (portal/logs.py): one line per request with method, path, status,
duration and a request id; the response's ``X-Request-ID``, the 500 page and the logged
stack trace carry the same id."""

import logging
import re

import pytest

from portal import create_app, logs

HEX_ID = re.compile(r"[0-9a-f]{32}")


@pytest.fixture
def request_lines(caplog):
    caplog.set_level(logging.INFO, logger="portal")
    return lambda: [r for r in caplog.records if r.name == "portal.requests"]


def test_one_line_per_request_with_method_path_status_duration_and_id(client, request_lines):
    response = client.get("/jobs?q=care+worker")
    [line] = request_lines()
    assert (line.method, line.path, line.status) == ("GET", "/jobs", 200)
    assert line.levelno == logging.INFO and line.ms >= 0
    assert HEX_ID.fullmatch(line.request_id)
    assert response.headers["X-Request-ID"] == line.request_id
    assert line.getMessage() == f"GET /jobs 200 {line.ms}ms"
    formatted = logs.HANDLER.format(line)
    assert f"INFO portal.requests [{line.request_id}]: GET /jobs 200 " in formatted

    client.get("/no-such-page")
    assert [(r.path, r.status) for r in request_lines()] == [("/jobs", 200), ("/no-such-page", 404)]
    assert request_lines()[0].request_id != request_lines()[1].request_id


def test_a_proxys_well_formed_request_id_is_kept_and_any_other_replaced(app, client, request_lines):
    app.config["TRUSTED_PROXIES"] = 1  # behind a load balancer that sets X-Request-ID
    kept = client.get("/", headers={"X-Request-ID": "lb-7f3a.42_x"})
    replaced = client.get("/", headers={"X-Request-ID": "two words;" + "x" * 80})
    assert kept.headers["X-Request-ID"] == "lb-7f3a.42_x"
    assert HEX_ID.fullmatch(replaced.headers["X-Request-ID"])
    assert [r.request_id for r in request_lines()] == [
        "lb-7f3a.42_x",
        replaced.headers["X-Request-ID"],
    ]


def test_tokens_in_paths_and_query_strings_stay_out_of_the_log(client, caplog, request_lines):
    client.get("/reset/secret-reset-token-1234?next=/secret-next")
    [line] = request_lines()
    assert line.path == "/reset/[token]"
    assert "secret" not in caplog.text


def test_without_a_trusted_proxy_a_client_cannot_choose_its_request_id(client, request_lines):
    response = client.get("/", headers={"X-Request-ID": "someone-elses-reference"})
    assert HEX_ID.fullmatch(response.headers["X-Request-ID"])
    assert request_lines()[0].request_id == response.headers["X-Request-ID"]


@pytest.mark.parametrize(
    ("method", "path", "status"),
    [
        ("PUT", "/reset/Xq3vT9aZk2LmN8pRs7Yw", 405),  # the route matched no method
        ("GET", "/reset/Xq3vT9aZk2LmN8pRs7Yw/", 404),  # no route matched
        ("GET", "/invitations/Ab_1-cDeFgHiJkLmNoPqRs/nowhere", 404),
    ],
)
def test_a_token_is_masked_where_no_route_matched(
    client, caplog, request_lines, method, path, status
):
    response = client.open(path, method=method)
    [line] = request_lines()
    assert (response.status_code, line.status) == (status, status)
    assert "[token]" in line.path
    assert "Xq3vT9aZk2" not in caplog.text and "Ab_1-cDeFg" not in caplog.text


def test_ids_and_words_are_not_masked(client, request_lines):
    client.get("/jobs/123456789012345678901234")  # too large for an id: 404, but not a token
    client.get("/agency/invitations-and-everything-else")
    assert [line.path for line in request_lines()] == [
        "/jobs/[token]",
        "/agency/invitations-and-everything-else",
    ]


def test_a_path_cannot_forge_a_log_line(client, caplog, request_lines):
    forged = "[2026-12-03 14:00:00,000] INFO portal.requests [lb-1]: POST /admin/x 302 1.0ms"
    client.get("/jobs%0A" + forged.replace(" ", "%20") + "%0D%1B")
    [line] = request_lines()
    assert "\n" not in line.getMessage() and "\r" not in line.getMessage()
    assert line.path.startswith("/jobs\\x0a[2026-12-03")
    assert line.path.endswith("\\x0d\\x1b")
    assert len(logs.HANDLER.format(line).splitlines()) == 1


def test_a_lower_case_log_level_is_accepted(app):
    other = create_app(
        "testing", {"DATABASE_URL": app.config["DATABASE_URL"], "LOG_LEVEL": "debug"}
    )
    assert other.logger.level == logging.DEBUG
    create_app("testing", {"DATABASE_URL": app.config["DATABASE_URL"]})  # back to INFO


def test_the_500_page_and_the_logged_stack_trace_show_the_same_id(
    app, client, caplog, request_lines
):
    def boom():
        raise RuntimeError("the test's own failure")

    app.add_url_rule("/test-only/boom", "test_only_boom", boom)
    app.config["PROPAGATE_EXCEPTIONS"] = False  # as in production: the 500 page, not a raise

    response = client.get("/test-only/boom")

    assert response.status_code == 500
    reference = response.headers["X-Request-ID"]
    assert HEX_ID.fullmatch(reference)
    assert f"quote this reference: <code>{reference}</code>" in response.get_data(as_text=True)
    [error] = [r for r in caplog.records if r.levelno == logging.ERROR]
    assert error.request_id == reference and error.exc_info
    logged = logs.HANDLER.format(error)
    assert f"ERROR portal [{reference}]: Exception on /test-only/boom [GET]" in logged
    assert "Traceback" in logged and "RuntimeError: the test's own failure" in logged
    [line] = request_lines()
    assert (line.path, line.status, line.request_id) == ("/test-only/boom", 500, reference)
