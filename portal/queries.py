"""Filters shared by the features' queries."""

from sqlalchemy import ColumnElement


def contains(column, text: str) -> ColumnElement[bool]:
    """Case-insensitive "``column`` contains ``text``"; ``%`` and ``_`` match themselves."""
    return column.icontains(text, autoescape=True)
