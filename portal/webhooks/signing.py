"""How deliveries are signed (README "Integrations" shows a receiver checking it): an
HMAC-SHA256, keyed with the endpoint's secret, of the timestamp, a dot and the body as
sent. The timestamp is signed too, so a delivery recorded once cannot be replayed later."""

import hashlib
import hmac
import secrets

SECRET_PREFIX = "whsec_"  # nosec B105 # the prefix that marks a webhook secret, not a secret
VERSION = "v1"


def new_secret() -> str:
    return SECRET_PREFIX + secrets.token_urlsafe(32)


def signature(secret: str, timestamp: int, body: bytes) -> str:
    """The ``Portal-Webhook-Signature`` header's value: ``v1=<hex digest>``."""
    message = str(timestamp).encode() + b"." + body
    digest = hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()
    return f"{VERSION}={digest}"


def headers(delivery_id: str, event: str, secret: str, timestamp: int, body: bytes) -> dict:
    """The headers of one attempt at a delivery."""
    return {
        "Content-Type": "application/json",
        "User-Agent": "SectorJobsPortal-Webhooks/1",
        "Portal-Webhook-Id": delivery_id,
        "Portal-Webhook-Event": event,
        "Portal-Webhook-Timestamp": str(timestamp),
        "Portal-Webhook-Signature": signature(secret, timestamp, body),
    }
