"""Webhook rules: the endpoints an agency registers (URL, events, secret, on or off), the
deliveries queued in the transaction of each event (one per active endpoint of each agency
concerned that asked for the event), the test delivery, retrying, and the delivery log.
The worker sends them (``tasks.py``). Services flush; the caller commits."""

import json
import uuid
from collections.abc import Callable, Iterable
from datetime import datetime

from flask import current_app, has_request_context, url_for
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from portal import audit
from portal.errors import PortalError
from portal.extensions import db
from portal.models import Agency, User
from portal.models.integrations import (
    WEBHOOK_EVENTS,
    WebhookDelivery,
    WebhookEndpoint,
)
from portal.models.types import utcnow
from portal.webhooks import signing, urls

PING = "ping"  # the test delivery's event
LOG_SIZE = 50  # deliveries shown on an endpoint's page
MAX_ENDPOINTS = 10  # per agency


# --- endpoints ------------------------------------------------------------------------


def endpoints_of(agency_id: int) -> list[WebhookEndpoint]:
    return list(
        db.session.scalars(
            select(WebhookEndpoint)
            .where(WebhookEndpoint.agency_id == agency_id)
            .order_by(WebhookEndpoint.id)
        )
    )


def latest_deliveries(endpoint_ids: list[int]) -> dict[int, WebhookDelivery]:
    """Each endpoint's newest delivery, by endpoint id (none yet: absent)."""
    if not endpoint_ids:
        return {}
    newest = (
        select(func.max(WebhookDelivery.id))
        .where(WebhookDelivery.endpoint_id.in_(endpoint_ids))
        .group_by(WebhookDelivery.endpoint_id)
    )
    return {
        delivery.endpoint_id: delivery
        for delivery in db.session.scalars(
            select(WebhookDelivery).where(WebhookDelivery.id.in_(newest))
        )
    }


def _check_events(events: list[str]) -> str:
    chosen = [event for event in WEBHOOK_EVENTS if event in events]
    if not chosen or len(chosen) != len(set(events)):
        raise PortalError("Choose at least one event from the list.")
    return " ".join(chosen)


def create_endpoint(agency: Agency, url: str, events: list[str], by: User) -> WebhookEndpoint:
    """Register ``url`` for ``events``; refused (PortalError, nothing saved) if the URL
    may not be used or no event is chosen."""
    url = urls.check_url(url)
    chosen = _check_events(events)
    count = db.session.scalar(
        select(func.count(WebhookEndpoint.id)).where(WebhookEndpoint.agency_id == agency.id)
    )
    if count >= MAX_ENDPOINTS:
        raise PortalError(
            f"An agency can have at most {MAX_ENDPOINTS} webhook endpoints; delete one first."
        )
    endpoint = WebhookEndpoint(
        agency_id=agency.id,
        url=url,
        secret=signing.new_secret(),
        events=chosen,
        active=True,
        created_by_id=by.id,
    )
    db.session.add(endpoint)
    db.session.flush()
    audit.record("webhook.created", by, endpoint, detail=url)
    return endpoint


def rotate_secret(endpoint: WebhookEndpoint, by: User) -> None:
    """A new secret; deliveries sent from now on (retries included) are signed with it."""
    endpoint.secret = signing.new_secret()
    audit.record("webhook.secret_rotated", by, endpoint)


def set_active(endpoint: WebhookEndpoint, active: bool, by: User) -> None:
    """Turn the endpoint on or off. Off: no new deliveries are queued for it and those
    waiting are given up when their turn comes."""
    if endpoint.active == active:
        raise PortalError(f"This endpoint is already {'on' if active else 'off'}.")
    endpoint.active = active
    audit.record("webhook.enabled" if active else "webhook.disabled", by, endpoint)


def delete_endpoint(endpoint: WebhookEndpoint, by: User) -> None:
    """Delete the endpoint with its deliveries and their attempts."""
    audit.record("webhook.deleted", by, endpoint, detail=endpoint.url)
    db.session.delete(endpoint)
    db.session.flush()


# --- deliveries -----------------------------------------------------------------------


def rfc3339(moment: datetime | None) -> str | None:
    """A UTC time as RFC 3339, to the second: ``2026-03-01T17:04:05Z``."""
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ") if moment else None


def site_url(endpoint: str, **values) -> str:
    """An absolute link to a page of the portal: the request's address in a request, else
    ``BASE_URL`` (the worker and commands send events too: expired jobs)."""
    if has_request_context():
        return url_for(endpoint, _external=True, **values)
    app = current_app._get_current_object()
    with app.test_request_context(base_url=app.config["BASE_URL"]):
        return url_for(endpoint, _external=True, **values)


def _add_delivery(endpoint: WebhookEndpoint, event: str, data: dict) -> WebhookDelivery:
    now = utcnow()
    payload = {"id": str(uuid.uuid4()), "event": event, "created_at": rfc3339(now), "data": data}
    delivery = WebhookDelivery(
        endpoint_id=endpoint.id,
        event=event,
        body=json.dumps(payload, sort_keys=True, separators=(",", ":")),
        created_at=now,
        due_at=now,
        attempts=0,
    )
    db.session.add(delivery)
    return delivery


def queue(
    event: str, agency_ids: Iterable[int], data_for: Callable[[int], dict]
) -> list[WebhookDelivery]:
    """Queue ``event`` for every active endpoint of ``agency_ids`` that asked for it;
    ``data_for(agency_id)`` gives the payload's ``data`` for that agency. Flushed, in the
    caller's transaction: a rolled-back change sends nothing."""
    ids = list(dict.fromkeys(agency_ids))
    if not ids:
        return []
    endpoints = db.session.scalars(
        select(WebhookEndpoint)
        .where(WebhookEndpoint.agency_id.in_(ids), WebhookEndpoint.active.is_(True))
        .order_by(WebhookEndpoint.id)
    ).all()
    data: dict[int, dict] = {}
    deliveries = []
    for endpoint in endpoints:
        if event in endpoint.event_list:
            if endpoint.agency_id not in data:
                data[endpoint.agency_id] = data_for(endpoint.agency_id)
            deliveries.append(_add_delivery(endpoint, event, data[endpoint.agency_id]))
    if deliveries:
        db.session.flush()
    return deliveries


def send_test(endpoint: WebhookEndpoint, by: User) -> WebhookDelivery:
    """Queue a ``ping`` delivery to the endpoint; the worker sends it."""
    if not endpoint.active:
        raise PortalError("This endpoint is off: turn it on before sending a test delivery.")
    delivery = _add_delivery(
        endpoint,
        PING,
        {
            "agency_id": endpoint.agency_id,
            "endpoint_id": endpoint.id,
            "message": "A test delivery from the Sector Jobs Portal.",
        },
    )
    db.session.flush()
    audit.record("webhook.test", by, endpoint)
    return delivery


def delivery_log(endpoint: WebhookEndpoint) -> list[WebhookDelivery]:
    """The endpoint's newest deliveries, each with its attempts."""
    return list(
        db.session.scalars(
            select(WebhookDelivery)
            .where(WebhookDelivery.endpoint_id == endpoint.id)
            .options(selectinload(WebhookDelivery.attempts_made))
            .order_by(WebhookDelivery.id.desc())
            .limit(LOG_SIZE)
        )
    )


def retry_now(delivery: WebhookDelivery, by: User) -> None:
    """Send a delivery that is waiting for its next try, or was given up, at the next run
    of the worker. A given-up one gets one more try."""
    now = utcnow()
    if delivery.delivered_at is not None:
        raise PortalError("This delivery was delivered; send a test delivery instead.")
    if not delivery.endpoint.active:
        raise PortalError("This endpoint is off: turn it on before retrying.")
    if delivery.claimed_until is not None and delivery.claimed_until > now:
        raise PortalError("This delivery is being sent right now; reload the page in a minute.")
    delivery.due_at = now
    delivery.failed_at = None
    audit.record("webhook.retry", by, delivery.endpoint, detail=f"delivery {delivery.id}")
