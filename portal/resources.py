"""Where the portal's templates, static files and migrations are.

In the repository they are the top-level ``templates/``, ``static/`` and ``migrations/``
folders (an editable install uses them there); a wheel installs them inside the package
as ``portal/templates`` and so on (setup.py maps them)."""

from pathlib import Path

PACKAGE = Path(__file__).resolve().parent


def folder(name: str) -> str:
    """The installed ``portal/<name>`` if there is one, else the repository's ``<name>/``."""
    for candidate in (PACKAGE / name, PACKAGE.parent / name):
        if candidate.is_dir():
            return str(candidate)
    raise RuntimeError(f"{name}/ is missing: the portal is not installed completely")
