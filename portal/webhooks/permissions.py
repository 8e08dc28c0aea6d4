"""Who may see and change an agency's webhooks: its staff (owners and recruiters) see the
endpoints and their delivery logs; only owners add, change or delete endpoints, see the
signing secret, send test deliveries and retry — the secret lets anyone sign deliveries
that the agency's systems will believe. Another agency's endpoint is 404."""

from flask import abort

from portal.agencies.permissions import require_membership
from portal.extensions import db
from portal.models import Membership
from portal.models.integrations import WebhookDelivery, WebhookEndpoint


def can_manage(membership: Membership) -> bool:
    return membership.role == "owner"


def require_staff() -> Membership:
    return require_membership()


def require_owner() -> Membership:
    return require_membership("owner")


def require_endpoint(endpoint_id: int, manage: bool = False) -> tuple[Membership, WebhookEndpoint]:
    """The endpoint, if it is the current agency's (else 404); ``manage``: owners only."""
    membership = require_owner() if manage else require_staff()
    endpoint = db.get_or_404(WebhookEndpoint, endpoint_id)
    if endpoint.agency_id != membership.agency_id:
        abort(404)
    return membership, endpoint


def require_delivery(
    endpoint_id: int, delivery_id: int
) -> tuple[Membership, WebhookEndpoint, WebhookDelivery]:
    """A delivery of the current agency's endpoint, for an owner."""
    membership, endpoint = require_endpoint(endpoint_id, manage=True)
    delivery = db.get_or_404(WebhookDelivery, delivery_id)
    if delivery.endpoint_id != endpoint.id:
        abort(404)
    return membership, endpoint, delivery
