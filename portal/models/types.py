"""Column types shared by the models, and ``one_of`` for the value checks."""

import re
from collections.abc import Iterable
from datetime import UTC, datetime

from sqlalchemy import CheckConstraint, Column, DateTime, ForeignKey, Table
from sqlalchemy.types import TypeDecorator

from portal.extensions import db

_CODE = re.compile(r"[a-z][a-z0-9_]*")


def utcnow() -> datetime:
    return datetime.now(UTC)


def one_of(column: str, values: Iterable[str], *, nullable: bool = False) -> CheckConstraint:
    """``CHECK (column IN ('a', 'b'))`` named ``<column>_valid``, from the Python tuple (or
    dict's keys) that lists the values, so a new value is added in one place. Adding one
    still needs a migration that rewrites the constraint."""
    values = list(values)
    if not values or not all(_CODE.fullmatch(value) for value in values):
        raise ValueError(f"one_of({column!r}): values must be lower-case codes: {values}")
    listed = ", ".join(f"'{value}'" for value in values)
    text = f"{column} IN ({listed})"
    if nullable:
        text = f"{column} IS NULL OR {text}"
    return CheckConstraint(text, name=f"{column}_valid")


def link_table(name: str, owner: str, other: str, *, other_ondelete: str | None = None) -> Table:
    """A many-to-many table of two key columns, ``owner`` and ``other`` given as
    ``"column=table.id"``; the rows go with the owner (``ON DELETE CASCADE``)."""
    owner_column, owner_key = owner.split("=")
    other_column, other_key = other.split("=")
    return Table(
        name,
        db.metadata,
        Column(owner_column, ForeignKey(owner_key, ondelete="CASCADE"), primary_key=True),
        Column(other_column, ForeignKey(other_key, ondelete=other_ondelete), primary_key=True),
    )


class UTCDateTime(TypeDecorator):
    """A timestamp stored as naive UTC on every database, returned timezone-aware.

    SQLite has no time zones and PostgreSQL's ``timestamptz`` returns aware values;
    storing naive UTC everywhere keeps both backends behaving the same.
    """

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        return value.replace(tzinfo=UTC)
