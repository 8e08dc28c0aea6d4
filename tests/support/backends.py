"""Backends a test needs beyond the database: a Redis server, or a clear failure in CI."""

import os

import pytest
import redis


def redis_server(url: str) -> redis.Redis:
    """A client of the Redis at ``url`` that answers. No server: the test fails when
    PORTAL_REQUIRE_ALL_BACKENDS is set (CI), else it is skipped."""
    server = redis.Redis.from_url(url)
    try:
        server.ping()
    except redis.ConnectionError as exc:
        server.close()
        if os.environ.get("PORTAL_REQUIRE_ALL_BACKENDS"):
            pytest.fail(f"no Redis server at {url} ({exc}); .ci/run starts one")
        pytest.skip(f"no Redis server at {url}")
    return server
