"""Sending webhook deliveries: the worker's ``webhooks`` task and ``flask webhooks send``.

Each due delivery is claimed with a conditional UPDATE of ``claimed_until`` and the claim
is committed before the request goes out (as ``portal/mail.py`` claims outbox messages), so
two workers never send one delivery twice; a worker that dies mid-send leaves a claim that
runs out. One POST per attempt, signed (``signing.py``), redirects not followed, proxies not
used; every attempt is recorded. A 2xx answer delivers; anything else is retried after 1
minute, 5 minutes, 30 minutes, 2 hours, then every 6 hours, until 24 hours after the event,
when the delivery is given up."""

import http.client
import json
import time
import urllib.error
import urllib.request
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import or_, select, update

from portal.errors import PortalError
from portal.extensions import db
from portal.models.integrations import WebhookAttempt, WebhookDelivery
from portal.models.types import utcnow
from portal.webhooks import signing, urls

BACKOFF = (
    timedelta(minutes=1),
    timedelta(minutes=5),
    timedelta(minutes=30),
    timedelta(hours=2),
    timedelta(hours=6),  # and every 6 hours after
)
GIVE_UP_AFTER = timedelta(hours=24)
EXCERPT_CHARS = 1000
ERROR_CHARS = 300


def _due(now: datetime, limit: int) -> list[int]:
    return list(
        db.session.scalars(
            select(WebhookDelivery.id)
            .where(
                WebhookDelivery.delivered_at.is_(None),
                WebhookDelivery.failed_at.is_(None),
                WebhookDelivery.due_at <= now,
                or_(
                    WebhookDelivery.claimed_until.is_(None),
                    WebhookDelivery.claimed_until < now,
                ),
            )
            .order_by(WebhookDelivery.due_at, WebhookDelivery.id)
            .limit(limit)
        )
    )


def _claim(delivery_id: int) -> bool:
    """Take the delivery for this run, committed; False if another run has it, or it was
    delivered or given up meanwhile."""
    now = utcnow()
    timeout = current_app.config["WEBHOOK_TIMEOUT_SECONDS"]
    result = db.session.execute(
        update(WebhookDelivery)
        .where(
            WebhookDelivery.id == delivery_id,
            WebhookDelivery.delivered_at.is_(None),
            WebhookDelivery.failed_at.is_(None),
            WebhookDelivery.due_at <= now,
            or_(WebhookDelivery.claimed_until.is_(None), WebhookDelivery.claimed_until < now),
        )
        .values(claimed_until=now + timedelta(seconds=2 * timeout + 60))
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    return result.rowcount == 1


def send_due() -> int:
    """Send the deliveries that are due (at most ``WEBHOOK_BATCH``); returns how many were
    tried (delivered, failed or given up)."""
    tried = 0
    for delivery_id in _due(utcnow(), current_app.config["WEBHOOK_BATCH"]):
        if not _claim(delivery_id):
            continue
        delivery = db.session.get(WebhookDelivery, delivery_id)  # as claimed (reloaded)
        _attempt(delivery)
        db.session.commit()
        tried += 1
    return tried


def send_task() -> str:
    """The worker's task."""
    return f"tried {send_due()}"


def _attempt(delivery: WebhookDelivery) -> None:
    endpoint = delivery.endpoint
    if not endpoint.active:
        db.session.add(
            WebhookAttempt(delivery_id=delivery.id, error="Not sent: the endpoint is off.")
        )
        delivery.failed_at = utcnow()
        delivery.claimed_until = None
        return
    started = utcnow()
    clock = time.monotonic()
    try:
        urls.check_url(endpoint.url)
    except PortalError as refused:
        status, excerpt, error = None, None, f"Not sent: {refused}"
    else:
        status, excerpt, error = _post(endpoint.url, endpoint.secret, delivery)
    db.session.add(
        WebhookAttempt(
            delivery_id=delivery.id,
            at=started,
            status_code=status,
            response_excerpt=excerpt,
            error=error[:ERROR_CHARS] if error else None,
            duration_ms=round((time.monotonic() - clock) * 1000),
        )
    )
    now = utcnow()
    delivery.attempts += 1
    delivery.claimed_until = None
    if status is not None and 200 <= status < 300:
        delivery.delivered_at = now
        return
    next_try = next_due(delivery, now)
    if next_try is None:
        delivery.failed_at = now
    else:
        delivery.due_at = next_try


def next_due(delivery: WebhookDelivery, now: datetime) -> datetime | None:
    """When to try again after ``delivery.attempts`` failed tries; None: give up."""
    give_up_at = delivery.created_at + GIVE_UP_AFTER
    if now >= give_up_at:
        return None
    wait = BACKOFF[min(delivery.attempts, len(BACKOFF)) - 1]
    return min(now + wait, give_up_at)


def _post(url: str, secret: str, delivery: WebhookDelivery) -> tuple:
    """POST the delivery once: (status code, response excerpt, error)."""
    body = delivery.body.encode()
    delivery_id = json.loads(delivery.body)["id"]
    headers = signing.headers(delivery_id, delivery.event, secret, int(time.time()), body)
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")
    timeout = current_app.config["WEBHOOK_TIMEOUT_SECONDS"]
    try:
        with _opener().open(request, timeout=timeout) as response:
            return response.status, _excerpt(response), None
    except urllib.error.HTTPError as answer:  # any status but 2xx, redirects included
        with answer:
            return answer.code, _excerpt(answer), None
    except urllib.error.URLError as exc:
        return None, None, str(exc.reason) or type(exc.reason).__name__
    except (OSError, http.client.HTTPException, ValueError) as exc:
        return None, None, str(exc) or type(exc).__name__


def _excerpt(response) -> str | None:
    try:
        raw = response.read(EXCERPT_CHARS * 4)
    except (OSError, http.client.HTTPException):
        return None
    return raw.decode("utf-8", errors="replace")[:EXCERPT_CHARS]


# --- the connection: no redirects, no proxies, the peer's address checked ---------------


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None  # the 3xx answer is the attempt's result


class _CheckedHTTPConnection(http.client.HTTPConnection):
    def connect(self):
        super().connect()
        urls.refuse_peer(self.sock)


class _CheckedHTTPSConnection(http.client.HTTPSConnection, _CheckedHTTPConnection):
    """The peer is checked once connected, before the TLS handshake (the MRO puts
    ``_CheckedHTTPConnection.connect`` under ``HTTPSConnection.connect``)."""


class _HTTPHandler(urllib.request.HTTPHandler):
    def http_open(self, req):
        return self.do_open(_CheckedHTTPConnection, req)


class _HTTPSHandler(urllib.request.HTTPSHandler):
    def https_open(self, req):
        return self.do_open(_CheckedHTTPSConnection, req, context=self._context)


def _opener() -> urllib.request.OpenerDirector:
    return urllib.request.build_opener(
        urllib.request.ProxyHandler({}), _NoRedirects, _HTTPHandler, _HTTPSHandler
    )
