"""The API's OpenAPI document (``/api/v1/openapi.json``): valid OpenAPI 3.1 (the official
meta-schema, as schemathesis bundles it), loadable by schemathesis, and complete — every
operation has a summary, a description, a declared tag, its error answers (problem+json,
429 everywhere, 401/403 where a token is needed) and its security; and the docs page
(``/api/docs``) shows every operation of it."""

import html
import re

import schemathesis
from schemathesis.specs.openapi.definitions import OPENAPI_31, OPENAPI_31_VALIDATOR

from tests.support import text

METHODS = ("get", "post", "put", "patch", "delete")


def operations(document: dict):
    for path, item in document["paths"].items():
        for method in METHODS:
            if method in item:
                yield path, method, item[method], item


def test_the_document_is_valid_openapi_3_1(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200 and response.mimetype == "application/json"
    document = response.get_json()
    assert document["openapi"] == "3.1.0"
    assert OPENAPI_31["$id"].startswith("https://spec.openapis.org/oas/3.1/schema/")
    errors = [f"{e.instance_path}: {e.message}" for e in OPENAPI_31_VALIDATOR.iter_errors(document)]
    assert not errors, "\n".join(errors[:20])


def test_schemathesis_loads_every_operation(client):
    schema = schemathesis.openapi.from_dict(client.get("/api/v1/openapi.json").get_json())
    results = list(schema.get_all_operations())
    failed = [str(result.err()) for result in results if not hasattr(result, "ok")]
    assert not failed, failed
    labels = {result.ok().label for result in results}
    assert {
        "GET /api/v1/regions",
        "GET /api/v1/communities",
        "GET /api/v1/occupations",
        "GET /api/v1/credentials",
        "GET /api/v1/jobs",
        "GET /api/v1/jobs/{job_id}",
        "GET /api/v1/agency/jobs",
        "GET /api/v1/agencies",
        "GET /api/v1/agencies/{slug}",
    } <= labels


def test_every_operation_is_documented(client):
    document = client.get("/api/v1/openapi.json").get_json()
    tags = {tag["name"] for tag in document["tags"]}
    assert all(tag.get("description") for tag in document["tags"])
    problems = []
    for path, method, operation, item in operations(document):
        name = f"{method.upper()} {path}"
        if not operation.get("summary") or not operation.get("description"):
            problems.append(f"{name}: a summary and a description")
        if not operation.get("tags") or not set(operation["tags"]) <= tags:
            problems.append(f"{name}: a declared tag")
        responses = operation["responses"]
        if not any(status.startswith("2") for status in responses):
            problems.append(f"{name}: its success")
        needed = {"429"}
        parameters = [*item.get("parameters", []), *operation.get("parameters", [])]
        if any(p["in"] == "path" for p in parameters):
            needed.add("404")
        security = operation.get("security")
        if security:
            needed.add("401")
            if {} not in security:
                needed.add("403")
        elif re.search(r"/agency/|:batch|POST|PATCH|PUT|DELETE", name):
            problems.append(f"{name}: its security (a token)")
        missing = needed - set(responses)
        if missing:
            problems.append(f"{name}: responses {sorted(missing)}")
        for status, answer in responses.items():
            if status >= "400" and status != "default":
                content = answer.get("content", {})
                if "$ref" not in answer and list(content) != ["application/problem+json"]:
                    problems.append(f"{name}: {status} as application/problem+json")
    assert not problems, "\n".join(problems)


def test_the_docs_page_shows_every_operation(client):
    response = client.get("/api/docs")
    assert response.status_code == 200
    page = text(response)
    document = client.get("/api/v1/openapi.json").get_json()
    for path, method, operation, _item in operations(document):
        heading = re.search(
            rf'<h3 class="h5" id="[^"]+"><span class="badge text-bg-dark">{method.upper()}</span> '
            rf"<code>{re.escape(path)}</code> — ([^<]+)</h3>",
            page,
        )
        assert heading, f"{method} {path}"
        assert heading.group(1) == html.unescape(operation["summary"])
    for name in ("Authentication", "Errors", "Pagination", "Rate limits and caching", "Schemas"):
        assert f">{name}</h2>" in page
    assert "application/problem+json" in page and "Retry-After" in page
    assert "Authorization: Bearer sjp_..." in page and "/agency/api-tokens" in page
    assert 'id="schema-JobSummary"' in page and 'href="#schema-JobSummary"' in page
    # the search's parameters, with where they go and their type in words
    limit = r"<code>limit</code></th><td>query</td><td>integer, 1 to 100, default 20"
    assert re.search(limit, page)
    assert "curl -s 'http://localhost/api/v1/jobs?q=youth+worker&amp;limit=5'" in (
        response.get_data(as_text=True)
    )
    assert "<script" not in page.split("</header>", 1)[1]


def test_the_footer_links_the_docs(client):
    footer = re.search(r"<footer.*?</footer>", client.get("/").get_data(as_text=True), re.S)
    assert 'href="/api/docs">API</a>' in footer.group(0)
