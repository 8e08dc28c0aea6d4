"""Personal access tokens: made by a staff member for their agency, shown once, kept only
as a SHA-256 digest, limited to scopes, expiring, revocable; each use is recorded."""

import hashlib
import secrets
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from portal import audit
from portal.errors import PortalError
from portal.extensions import db
from portal.models import ApiToken, Membership, User
from portal.models.integrations import TOKEN_SCOPES
from portal.models.types import utcnow

PREFIX = "sjp_"  # tokens start with it, so secret scanners can find a leaked one
LIFETIMES = {30: "30 days", 90: "90 days", 180: "180 days", 365: "1 year"}
# what the token pages say of a token; only an "active" one is accepted (``find_active``)
STATUSES = {
    "active": "Active",
    "expired": "Expired",
    "revoked": "Revoked",
    "left": "Stopped: its maker left the agency",
}


def digest(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def create(membership: Membership, name: str, scopes: list[str], days: int) -> tuple[ApiToken, str]:
    """A new token of this staff member for their agency, and its text (never stored)."""
    unknown = [scope for scope in scopes if scope not in TOKEN_SCOPES]
    if unknown or not scopes:
        raise PortalError("Choose at least one of the listed permissions.")
    if days not in LIFETIMES:
        raise PortalError("Choose how long the token lasts from the list.")
    if not name.strip() or len(name.strip()) > 100:
        raise PortalError("Give the token a name of up to 100 characters.")
    raw = PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(
        agency_id=membership.agency_id,
        user_id=membership.user_id,
        name=name.strip(),
        prefix=raw[: len(PREFIX) + 6],
        token_hash=digest(raw),
        scopes=" ".join(scope for scope in TOKEN_SCOPES if scope in scopes),
        expires_at=utcnow() + timedelta(days=days),
    )
    db.session.add(token)
    db.session.flush()
    audit.record("api_token.created", membership.user, token, detail=token.scopes)
    return token, raw


def revoke(token: ApiToken, by: User) -> None:
    if token.revoked_at is not None:
        raise PortalError("That token is already revoked.")
    token.revoked_at = utcnow()
    audit.record("api_token.revoked", by, token)


def find_active(raw: str) -> ApiToken | None:
    """The token with this text if it is unrevoked, unexpired and its owner still works for
    the agency; else None."""
    if not raw.startswith(PREFIX) or len(raw) > 200:
        return None
    token = db.session.scalar(select(ApiToken).where(ApiToken.token_hash == digest(raw)))
    if token is None or not token.is_active(utcnow()):
        return None
    still_staff = db.session.scalar(
        select(Membership.id).where(
            Membership.user_id == token.user_id, Membership.agency_id == token.agency_id
        )
    )
    return token if still_staff else None


def record_use(token: ApiToken, ip: str | None) -> None:
    token.last_used_at = utcnow()
    token.last_used_ip = ip


def tokens_of(membership: Membership) -> list[ApiToken]:
    """The tokens this staff member sees: an owner all of the agency's, others their own."""
    query = select(ApiToken).where(ApiToken.agency_id == membership.agency_id)
    if membership.role != "owner":
        query = query.where(ApiToken.user_id == membership.user_id)
    query = query.options(selectinload(ApiToken.user))
    return list(db.session.scalars(query.order_by(ApiToken.created_at.desc(), ApiToken.id.desc())))


def may_see(membership: Membership, token: ApiToken) -> bool:
    """The rule of ``tokens_of`` for one token: an owner sees (and revokes) every token of
    the agency, a recruiter their own."""
    return token.agency_id == membership.agency_id and (
        membership.role == "owner" or token.user_id == membership.user_id
    )


def statuses(tokens: list[ApiToken], agency_id: int) -> dict[int, str]:
    """Each token's ``STATUSES`` key: revoked, expired, left (its maker no longer works
    for the agency: ``find_active`` refuses it) or active."""
    now = utcnow()
    staff = set(
        db.session.scalars(select(Membership.user_id).where(Membership.agency_id == agency_id))
    )
    found = {}
    for token in tokens:
        if token.revoked_at is not None:
            found[token.id] = "revoked"
        elif token.expires_at <= now:
            found[token.id] = "expired"
        elif token.user_id not in staff:
            found[token.id] = "left"
        else:
            found[token.id] = "active"
    return found
