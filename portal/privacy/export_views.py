"""Downloading everything the portal holds about oneself."""

from portal.privacy.blueprint import bp  # noqa: F401
