"""Deleting one's account."""

from portal.privacy.blueprint import bp  # noqa: F401
