"""Routes of the matching blueprint (see blueprint.py)."""

from portal.matching.blueprint import bp  # noqa: F401
