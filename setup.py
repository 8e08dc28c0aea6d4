"""Packaging beyond what pyproject.toml can say: the top-level ``templates/``, ``static/``
and ``migrations/`` folders are installed inside the package as ``portal/templates``,
``portal/static`` and ``portal/migrations`` (``portal/resources.py`` finds them either way).
Everything else is in pyproject.toml."""

from setuptools import find_packages, setup

TOP_LEVEL = {
    "portal.templates": "templates",
    "portal.static": "static",
    "portal.migrations": "migrations",
}

setup(
    packages=find_packages(include=["portal", "portal.*"]) + list(TOP_LEVEL), package_dir=TOP_LEVEL
)
