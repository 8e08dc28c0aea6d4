"""Idempotency keys of creating API requests (``Idempotency-Key: <up to 200 characters>``).

The first request with a key stores its answer (status, body, ``Location``) for the token,
in the transaction that creates the job, so a retry after a lost answer gets the same
answer instead of a second job. A key is compared with the SHA-256 of the request's body as
canonical JSON: the same key with another body is refused. A refused request stores
nothing (its transaction is rolled back), so its key may be sent again. Keys are kept 24
hours: an older one is ignored, and ``prune`` (the worker) deletes it.

Two requests with one key at the same moment: each inserts the key's row before creating
anything; the unique constraint (token, key) lets one through and the other's insert fails
(it waits for the first to commit on PostgreSQL, for its write lock on SQLite), and that
one then answers with the stored answer (``replay``) or 409 if the first was rolled back.
"""

import hashlib
import json
from datetime import timedelta

from sqlalchemy import delete, select

from portal.extensions import db
from portal.models import ApiToken, IdempotencyKey
from portal.models.types import utcnow

HEADER = "Idempotency-Key"
MAX_LENGTH = 200  # the column's length
KEEP = timedelta(hours=24)
PENDING = 0  # the status of a key whose request has not answered yet (never committed)


def body_digest(body) -> str:
    """The SHA-256 of a JSON body written canonically (sorted keys, no spaces), so the same
    values in another order or spacing are the same request."""
    text = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def stored(token: ApiToken, key: str) -> IdempotencyKey | None:
    """The answer kept for this token's key, if younger than 24 hours."""
    return db.session.scalar(
        select(IdempotencyKey).where(
            IdempotencyKey.token_id == token.id,
            IdempotencyKey.key == key,
            IdempotencyKey.created_at > utcnow() - KEEP,
        )
    )


def claim(token: ApiToken, key: str, digest: str) -> IdempotencyKey:
    """Insert the key's row (an older row of the same key goes first); raises
    ``IntegrityError`` if another request holds the key."""
    db.session.execute(
        delete(IdempotencyKey).where(
            IdempotencyKey.token_id == token.id,
            IdempotencyKey.key == key,
            IdempotencyKey.created_at <= utcnow() - KEEP,
        )
    )
    row = IdempotencyKey(
        token_id=token.id,
        key=key,
        request_hash=digest,
        status_code=PENDING,
        response_body="",
        created_at=utcnow(),
    )
    db.session.add(row)
    db.session.flush()
    return row


def keep(row: IdempotencyKey, status: int, body: str, location: str | None) -> None:
    row.status_code = status
    row.response_body = body
    row.location = location
    db.session.flush()


def prune() -> int:
    """Delete the keys older than 24 hours; how many."""
    result = db.session.execute(
        delete(IdempotencyKey).where(IdempotencyKey.created_at <= utcnow() - KEEP)
    )
    return result.rowcount or 0
