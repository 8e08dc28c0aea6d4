"""What the tests share. Test modules import these helpers from ``tests.support``; the
fixtures (``app``, ``client``, ``login``, ``signed_in``, ``make_user``, ...) come from the
plugin ``tests.support.fixtures`` by name. ``tests.support.access`` holds the access table
(one module per feature) and its world, ``hostile`` and ``security_headers`` the checks
that the access test's routes are walked with."""

from tests.support.database import BACKENDS, PG_URL, REFERENCE_TABLES, count, fresh
from tests.support.factories import job_fields, new_agency, new_job, new_recruiter, new_user
from tests.support.pages import (
    CSRF_RE,
    PASSWORD,
    PortalClient,
    field_error,
    flashed,
    path_of,
    set_up_two_step,
    sign_in,
    still_signed_in,
    text,
    two_step_code,
)

__all__ = [
    "BACKENDS",
    "CSRF_RE",
    "PASSWORD",
    "PG_URL",
    "REFERENCE_TABLES",
    "PortalClient",
    "count",
    "field_error",
    "flashed",
    "fresh",
    "job_fields",
    "new_agency",
    "new_job",
    "new_recruiter",
    "new_user",
    "path_of",
    "set_up_two_step",
    "sign_in",
    "still_signed_in",
    "text",
    "two_step_code",
]
