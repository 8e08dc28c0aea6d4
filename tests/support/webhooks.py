"""Webhooks in the tests: a receiving server on 127.0.0.1 that records what the portal
sends and answers as scripted, the README's verification snippet (run as written), and
endpoints added through the agency's pages."""

import http.server
import json
import re
import textwrap
import threading
from dataclasses import dataclass
from email.message import Message
from pathlib import Path

from sqlalchemy import select

from portal.extensions import db as _db
from portal.models.integrations import WebhookDelivery, WebhookEndpoint

README = Path(__file__).resolve().parents[2] / "README.md"


@dataclass
class Received:
    path: str
    headers: Message  # case-insensitive, as a web framework's request headers
    body: bytes

    @property
    def payload(self) -> dict:
        return json.loads(self.body)


class Receiver:
    """An HTTP server on 127.0.0.1 (a free port, its own thread) that records every
    request and answers each with the next scripted status (``answer(500, 200)``), then
    200. A 3xx answer carries ``Location: /elsewhere``."""

    def __init__(self):
        self.received: list[Received] = []
        self.script: list[int] = []
        self.lock = threading.Lock()
        receiver = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 (http.server's name)
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                with receiver.lock:
                    receiver.received.append(Received(self.path, self.headers, body))
                    status = receiver.script.pop(0) if receiver.script else 200
                reply = f"answer {status}".encode()
                self.send_response(status)
                if 300 <= status < 400:
                    self.send_header("Location", "/elsewhere")
                self.send_header("Content-Type", "text/plain")
                self.send_header("Content-Length", str(len(reply)))
                self.end_headers()
                self.wfile.write(reply)

            def log_message(self, format, *args):  # noqa: A002 (http.server's name)
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/hooks"

    def answer(self, *statuses: int) -> None:
        with self.lock:
            self.script.extend(statuses)

    def start(self) -> "Receiver":
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join()


def readme_verify():
    """The ``verify`` function of the README's "Integrations" section, run as written."""
    section = README.read_text(encoding="utf-8").split("\n## Integrations\n", 1)[1]
    snippet = textwrap.dedent(re.search(r"```python\n(.*?)```", section, re.DOTALL).group(1))
    assert "def verify(" in snippet, "the README's webhook snippet defines verify()"
    namespace: dict = {}
    exec(compile(snippet, "README.md (Integrations)", "exec"), namespace)  # noqa: S102
    return namespace["verify"]


def add_endpoint(client, url: str, events: list[str]):
    """Add an endpoint through the form as ``client`` (an owner); returns the response."""
    return client.post_form("/agency/webhooks/new", {"url": url, "events": events})


def endpoint_of(url: str) -> WebhookEndpoint:
    _db.session.expire_all()
    return _db.session.scalar(select(WebhookEndpoint).where(WebhookEndpoint.url == url))


def deliveries(endpoint_id: int | None = None, event: str | None = None) -> list[WebhookDelivery]:
    """The queued deliveries, oldest first (of one endpoint, of one event)."""
    _db.session.expire_all()
    query = select(WebhookDelivery).order_by(WebhookDelivery.id)
    if endpoint_id is not None:
        query = query.where(WebhookDelivery.endpoint_id == endpoint_id)
    if event is not None:
        query = query.where(WebhookDelivery.event == event)
    return list(_db.session.scalars(query))
