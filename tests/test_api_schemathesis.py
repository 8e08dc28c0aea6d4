"""schemathesis against the API's own OpenAPI document (``/api/v1/openapi.json``), every
operation of it (the write side's too), on the small seeded world of ``tests/support/api.py``:
requests generated from the document (a bounded, derandomized number per operation) must
never give a server error, and each answer must be documented — its status, its content
type, its headers and its body's schema.

Each operation is run signed with a token of every scope (so writes are exercised) and,
for the operations that need none, anonymously; an operation with a job id or an agency slug
in its path is run again with the world's (random ids are all 404)."""

import random

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests.support.api import ApiWorld, build_api_world
from tests.support.seeded import seed_in_app

EXAMPLES = 25  # per operation and caller: the whole file runs in seconds
KNOWN_EXAMPLES = 5  # per operation, caller and known path value
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]


@pytest.fixture
def seeded(request, seeded_databases):
    backend = request.node.callspec.params["app"]
    return seeded_databases("api", seed_in_app(build_api_world), backend)


@pytest.fixture
def world(app, seeded) -> ApiWorld:
    return ApiWorld.of(seeded.output)


def needs_a_token(operation) -> bool:
    security = operation.definition.raw.get("security") or []
    return bool(security) and {} not in security


def known_paths(operation, world: ApiWorld) -> list[dict]:
    """Path values of the world for the operation: a published job, the pooled one, a
    draft; the agency's slug."""
    values = {
        "job_id": [world.ids["jobs"][0], world.ids["pooled"], world.ids["draft"]],
        "slug": [world.ids["slugs"]["agency"]],
    }
    names = [p.name for p in operation.path_parameters]
    if len(names) != 1 or names[0] not in values:
        return []
    return [{names[0]: value} for value in values[names[0]]]


def run(operation, headers: dict, path: dict | None = None) -> None:
    @given(case=operation.as_strategy(path_parameters=path))
    @settings(
        max_examples=KNOWN_EXAMPLES if path else EXAMPLES,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    def check(case):
        # Hypothesis seeds the global random for each example; the search index names its
        # new segments with it, so two writes would name theirs alike: unseed it (the
        # example's data is drawn already)
        random.seed()
        case.call_and_validate(headers=headers, checks=CHECKS)

    check()


@pytest.mark.parametrize("caller", ["token", "anonymous"])
def test_every_operation_keeps_to_the_document(app, world, caller):
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 9
    headers = world.bearer("all") if caller == "token" else {}
    walked = []
    for operation in operations:
        if caller == "anonymous" and needs_a_token(operation):
            continue
        run(operation, headers)
        walked.append(operation.label)
        for path in known_paths(operation, world):
            run(operation, headers, path)
    assert "GET /api/v1/jobs" in walked and "GET /api/v1/jobs/{job_id}" in walked
