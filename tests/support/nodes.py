"""Several app nodes on this machine, as several machines would run the portal: each node
is a gunicorn process (its own port, search index directory and ``PORTAL_SEARCH_NODE``)
plus a ``flask portal worker`` process, all in production settings on one database, one
Redis for the rate limits, one upload directory and one SMTP server
(tests/test_several_nodes.py)."""

import os
import re
import signal
import socket
import subprocess
import sys
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

from tests.support.waiting import wait_until

SECRET_KEY = "several-nodes-test-secret-key-0123456789abcdef"  # a test's key
# a loaded 2-core machine takes a while to start four gunicorn workers and two workers (each
# imports the portal); gunicorn's --timeout would otherwise kill a worker still booting
START_SECONDS = 120
PASS_RE = re.compile(r"^mail: ", re.MULTILINE)  # the worker prints one per pass
SENT_RE = re.compile(r"^mail: sent (\d+)", re.MULTILINE)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def get(url: str, headers: dict | None = None, timeout: float = 30) -> tuple[int, dict, str]:
    """(status, headers, body) of a GET; an error status is an answer, not an exception."""
    return request("GET", url, headers=headers, timeout=timeout)


def request(
    method: str, url: str, body: bytes | None = None, headers: dict | None = None, timeout=30
) -> tuple[int, dict, str]:
    req = urllib.request.Request(url, data=body, headers=headers or {}, method=method)
    try:
        with urllib.request.urlopen(req, timeout=timeout) as response:
            return response.status, dict(response.headers), response.read().decode()
    except urllib.error.HTTPError as answer:
        with answer:
            return answer.code, dict(answer.headers), answer.read().decode()


@dataclass
class Node:
    """One node: its name (``PORTAL_SEARCH_NODE``), address, environment and processes."""

    name: str
    root: Path
    env: dict
    port: int = field(default_factory=free_port)
    processes: dict = field(default_factory=dict)  # "web" / "worker" -> Popen

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def index_dir(self) -> Path:
        return self.root / "search"

    def log_path(self, kind: str) -> Path:
        return self.root / f"{kind}.log"

    def log(self, kind: str) -> str:
        path = self.log_path(kind)
        return path.read_text(errors="replace") if path.exists() else ""

    def _start(self, kind: str, command: list[str]) -> None:
        with open(self.log_path(kind), "w") as log:  # the child keeps its own descriptor
            self.processes[kind] = subprocess.Popen(
                command, env=self.env, stdout=log, stderr=subprocess.STDOUT, cwd=self.root
            )

    def start_web(self, workers: int = 2) -> None:
        self._start(
            "web",
            [
                sys.executable,
                "-m",
                "gunicorn",
                "--workers",
                str(workers),
                "--timeout",
                str(START_SECONDS),
                "--bind",
                f"127.0.0.1:{self.port}",
                "--error-logfile",
                "-",
                "portal:create_app()",
            ],
        )

    def start_worker(self, interval: float) -> None:
        self._start(
            "worker",
            [
                sys.executable,
                "-m",
                "flask",
                "--app",
                "portal",
                "portal",
                "worker",
                "--interval",
                str(interval),
            ],
        )

    def serving(self) -> bool:
        try:
            return get(f"{self.base}/jobs", timeout=10)[0] == 200
        except OSError:  # not listening yet
            return False

    def passes(self) -> int:
        """Full passes of this node's worker so far (each prints a ``mail:`` line)."""
        return len(PASS_RE.findall(self.log("worker")))

    def mail_sent(self) -> int:
        """Emails this node's worker says it sent."""
        return sum(int(n) for n in SENT_RE.findall(self.log("worker")))

    def alive(self) -> dict:
        """Which of this node's processes have exited, with their exit codes."""
        return {kind: p.poll() for kind, p in self.processes.items() if p.poll() is not None}

    def stop(self) -> None:
        for process in self.processes.values():
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        for process in self.processes.values():
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=10)


def make_node(name: str, root: Path, settings: dict) -> Node:
    """A node in production settings (``settings``: the PORTAL_* shared by every node);
    its own index directory and search node name."""
    root.mkdir(parents=True, exist_ok=True)
    node = Node(name=name, root=root, env={})
    node.env = {
        **os.environ,
        "PYTHONUNBUFFERED": "1",  # the worker's lines reach its log as they are printed
        "PORTAL_ENV": "production",
        "PORTAL_SECRET_KEY": SECRET_KEY,
        "PORTAL_SEARCH_NODE": name,
        "PORTAL_SEARCH_INDEX_DIR": str(node.index_dir),
        **settings,
    }
    return node


def start(nodes: list[Node], web_workers: int, interval: float) -> None:
    """Start every node's gunicorn and worker at once; wait until each serves pages."""
    for node in nodes:
        node.start_web(web_workers)
        node.start_worker(interval)
    for node in nodes:
        wait_until(
            lambda node=node: node.serving() or node.alive().get("web") is not None,
            START_SECONDS,
            f"node {node.name} did not start serving",
        )
        assert not node.alive(), f"node {node.name} stopped: {node.log('web')}"


def stop(nodes: list[Node]) -> None:
    for node in nodes:
        node.stop()
