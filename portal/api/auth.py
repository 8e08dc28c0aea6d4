"""Who is calling the API: ``token_for(scope)`` in a view gives the personal access token
of the request (``Authorization: Bearer sjp_...``) if it is active and has ``scope``;
otherwise the request ends with 401 (no or bad token) or 403 (missing scope). The token's
use is recorded (time and address) in the request's transaction."""

from flask import g, request
from flask_smorest import abort

from portal.api import tokens
from portal.models import ApiToken

CHALLENGE = {"WWW-Authenticate": 'Bearer realm="api"'}


def bearer() -> str | None:
    header = request.headers.get("Authorization", "")
    scheme, _, value = header.partition(" ")
    if scheme.lower() != "bearer" or not value.strip():
        return None
    return value.strip()


def optional_token() -> ApiToken | None:
    """The request's token if it sent one that is active; 401 if it sent a bad one."""
    if "api_token" in g:
        return g.api_token
    raw = bearer()
    token = None
    if raw is not None:
        token = tokens.find_active(raw)
        if token is None:
            _refuse(401, "The token is unknown, expired or revoked.")
        tokens.record_use(token, request.remote_addr)
    g.api_token = token
    return token


def token_for(scope: str) -> ApiToken:
    token = optional_token()
    if token is None:
        _refuse(401, "This needs a personal access token: Authorization: Bearer <token>.")
    if scope not in token.scope_list:
        abort(403, message=f"The token does not have the {scope} permission.")
    return token


def _refuse(status: int, message: str):
    abort(status, message=message, headers=CHALLENGE)
