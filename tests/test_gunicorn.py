"""Search behind gunicorn with two worker processes while jobs are published: every
request answers, no Whoosh lock errors, and new jobs are searchable at once. The responses
carry the production security headers and a ``Server`` header without gunicorn's version."""

import os
import socket
import subprocess
import sys
import threading
import urllib.request
from urllib.parse import urlencode

from tests.support.waiting import wait_until


def _get(url: str) -> tuple[int, str]:
    with urllib.request.urlopen(url, timeout=30) as response:
        return response.status, response.read().decode()


def _headers(url: str):
    with urllib.request.urlopen(url, timeout=30) as response:
        response.read()
        return response.headers


def serving(base: str) -> bool:
    try:
        return _get(f"{base}/jobs")[0] == 200
    except OSError:  # not listening yet
        return False


def test_two_gunicorn_workers_search_while_jobs_are_published(app, make_job, tmp_path):
    for i in range(12):
        make_job(title=f"Community Support Worker {i}")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    base = f"http://127.0.0.1:{port}"
    env = {
        **os.environ,
        "PORTAL_ENV": "production",
        "PORTAL_SECRET_KEY": "gunicorn-test-secret-key-0123456789",
        "PORTAL_DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
        "PORTAL_SEARCH_INDEX_DIR": app.config["SEARCH_INDEX_DIR"],
    }
    log = open(tmp_path / "gunicorn.log", "w+")  # noqa: SIM115 (read after the server stops)
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "--workers",
            "2",
            "--bind",
            f"127.0.0.1:{port}",
            "--error-logfile",
            "-",
            "portal:create_app()",
        ],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        wait_until(lambda: serving(base), 20, "gunicorn did not start serving")
        # production headers (HSTS too), and gunicorn names itself without its version
        for path in ("/jobs", "/static/css/portal.css"):
            headers = _headers(base + path)
            server_banner = headers.get_all("Server") or []
            assert server_banner in ([], ["gunicorn"]), server_banner  # no "gunicorn/27.0.1"
            assert "Strict-Transport-Security" in headers
            assert "frame-ancestors 'none'" in headers["Content-Security-Policy"]
        statuses: list[int] = []
        errors: list[str] = []

        def searcher(n: int) -> None:
            for i in range(15):
                try:
                    statuses.append(
                        _get(
                            f"{base}/jobs?"
                            + urlencode(
                                {"q": "support worker", "sort": "newest", "page": 1 + i % 2}
                            )
                        )[0]
                    )
                except Exception as exc:  # noqa: BLE001 (collected and asserted below)
                    errors.append(repr(exc))

        threads = [threading.Thread(target=searcher, args=(n,)) for n in range(6)]
        for thread in threads:
            thread.start()
        for i in range(6):  # a third process writes the index meanwhile
            job = make_job(title=f"Zanzibar{i} Outreach Worker")
            status, page = _get(f"{base}/jobs?q=Zanzibar{i}")
            assert status == 200 and f'href="/jobs/{job.id}"' in page
        for thread in threads:
            thread.join()
        assert errors == []
        assert statuses and set(statuses) == {200}
    finally:
        server.terminate()
        server.wait(timeout=20)
    log.seek(0)
    output = log.read()
    log.close()
    assert "LockError" not in output and "Traceback" not in output, output
