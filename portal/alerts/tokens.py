"""The signed links of an alert's emails. A link names one alert and carries its nonce,
signed with the app's secret key: it cannot be guessed, cannot name another alert, and
dies when the alert is deleted (or its nonce renewed). Confirmation links also expire."""

from hmac import compare_digest

from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeSerializer, URLSafeTimedSerializer

from portal.extensions import db
from portal.models import SavedSearch

CONFIRM_DAYS = 7  # an unconfirmed alert is deleted after this (portal.alerts.tasks)
PURPOSES = ("confirm", "manage", "unsubscribe")


def _serializer(purpose: str, timed: bool):
    salt = f"alert-{purpose}"
    secret = current_app.config["SECRET_KEY"]
    return URLSafeTimedSerializer(secret, salt=salt) if timed else URLSafeSerializer(secret, salt)


def make(alert: SavedSearch, purpose: str) -> str:
    if purpose not in PURPOSES:
        raise ValueError(f"unknown alert link purpose: {purpose}")
    return _serializer(purpose, purpose == "confirm").dumps([alert.id, alert.nonce])


def read(token: str, purpose: str) -> SavedSearch | None:
    """The alert a token names, or None (bad, expired, or the alert is gone)."""
    if not isinstance(token, str) or len(token) > 300:
        return None
    try:
        if purpose == "confirm":
            payload = _serializer(purpose, True).loads(token, max_age=CONFIRM_DAYS * 86400)
        else:
            payload = _serializer(purpose, False).loads(token)
    except (BadSignature, SignatureExpired):
        return None
    if not (isinstance(payload, list) and len(payload) == 2):
        return None
    alert_id, nonce = payload
    if not isinstance(alert_id, int) or not isinstance(nonce, str) or not 0 < alert_id < 2**31:
        return None
    alert = db.session.get(SavedSearch, alert_id)
    if alert is None or not compare_digest(alert.nonce, nonce):
        return None
    return alert
