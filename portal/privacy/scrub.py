"""Finding a person's name and email addresses in text other people's rows hold (audit
details, emails, webhook bodies, notes...) and replacing them, for the purge.

A needle is matched as a whole word, case-insensitively, as written and as it appears
escaped in HTML (``O&#39;Brien``), JSON (``Zo\\u00eb``) or a URL (``name%40example.org``).
The database narrows the rows first (``contains``, case-insensitive); Python then decides
on each. A name shorter than ``MIN_NAME`` characters is not searched for in other rows: it
would match too many words that are not about the person (their email addresses still are).
"""

import html
import json
import re
from urllib.parse import quote

from markupsafe import escape
from sqlalchemy import false, or_, select

from portal.extensions import db
from portal.queries import contains

MIN_NAME = 4
STAND_IN_NAME = "Deleted account"


def stand_in_email(user_id: int) -> str:
    return f"deleted-{user_id}@invalid.example"


def _variants(text: str) -> list[str]:
    found = [text, str(escape(text)), html.escape(text), json.dumps(text)[1:-1]]
    if "@" in text:
        found.append(quote(text, safe=""))
    return list(dict.fromkeys(found))


class Needles:
    """A person's email addresses and name, and what replaces them."""

    def __init__(self, emails: set[str], name: str, user_id: int):
        replacement_email = stand_in_email(user_id)
        self.emails = sorted(e.lower() for e in emails if e)
        self.replacements: list[tuple[re.Pattern, str]] = []
        self.substrings: list[str] = []
        wanted = [(email, replacement_email, r"[\w.+-]", r"[\w-]") for email in emails if email]
        name = " ".join((name or "").split())
        if len(name) >= MIN_NAME and name != STAND_IN_NAME:
            wanted.append((name, STAND_IN_NAME, r"\w", r"\w"))
        # longest first: an address that holds the name is replaced whole
        for text, replacement, before, after in sorted(wanted, key=lambda w: -len(w[0])):
            for variant in _variants(text):
                pattern = rf"(?<!{before}){re.escape(variant)}(?!{after})"
                self.replacements.append((re.compile(pattern, re.IGNORECASE), replacement))
                self.substrings.append(variant)
        self.substrings = list(dict.fromkeys(self.substrings))

    def where(self, *columns):
        """SQL: any of ``columns`` may hold a needle."""
        tests = [contains(c, s) for c in columns for s in self.substrings]
        return or_(*tests) if tests else false()

    def found(self, text: str | None) -> bool:
        return bool(text) and any(p.search(text) for p, _ in self.replacements)

    def scrub(self, text: str | None) -> str | None:
        if not text:
            return text
        for pattern, replacement in self.replacements:
            text = pattern.sub(replacement, text)
        return text


def scrub_column(model, column, needles: Needles) -> int:
    """Replace the needles in ``column`` of every row of ``model`` that holds one; the
    number of rows changed."""
    changed = 0
    for row in db.session.scalars(select(model).where(needles.where(column))):
        before = getattr(row, column.key)
        after = needles.scrub(before)
        if after != before:
            setattr(row, column.key, after)
            changed += 1
    db.session.flush()
    return changed
