"""Cursor pagination: a list's next page is asked for with the opaque ``cursor`` the last
page gave (``next_cursor`` in the body, ``Link: <...>; rel="next"`` in the headers).

A cursor is base64url of a small JSON object: where the next page starts (``position``:
an offset into a search's ranking, or the sort key of the last row for the database lists,
a keyset) and a digest of the list's parameters, so a cursor given to another search is
refused (400) instead of silently paging through the wrong list."""

import base64
import binascii
import hashlib
import json

from flask import request, url_for
from flask_smorest import abort

from portal import numbers

MAX_CURSOR = 500  # characters: ours are far shorter


def digest(scope: str, args: dict) -> str:
    """A short digest of a list's name and its (canonical) parameters."""
    text = json.dumps([scope, args], sort_keys=True, default=str, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def encode(position, scope_digest: str) -> str:
    raw = json.dumps({"p": position, "d": scope_digest}, separators=(",", ":"))
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def decode(cursor: str | None, scope_digest: str):
    """The position a cursor holds (None without a cursor); 400 if it is not one of this
    list's."""
    if not cursor:
        return None
    try:
        if len(cursor) > MAX_CURSOR:
            raise ValueError
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        found = json.loads(raw)
        if not isinstance(found, dict) or found.get("d") != scope_digest or "p" not in found:
            raise ValueError
    except (ValueError, binascii.Error, UnicodeDecodeError):
        refuse()
    return found["p"]


def whole(position) -> int:
    """A position that must be a whole number within a database integer's range."""
    if isinstance(position, bool) or not isinstance(position, int):
        refuse()
    if not 0 <= position <= numbers.INT_MAX:
        refuse()
    return position


def refuse() -> None:
    """400: the cursor is not one of this list's (or its position does not fit it)."""
    abort(
        400,
        message="The cursor is not one of this list's: send the same parameters as the "
        "request that gave it, or start again without a cursor.",
    )


def next_link(cursor: str | None, **args) -> dict:
    """The ``Link`` header of a page that has a next one (else nothing)."""
    if cursor is None:
        return {}
    url = url_for(request.endpoint, _external=True, **request.view_args, **args, cursor=cursor)
    return {"Link": f'<{url}>; rel="next"'}
