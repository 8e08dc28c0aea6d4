"""Factories: users, agencies, recruiters and jobs made through the portal's own services.

They are plain functions, usable in any app context (the access test builds its world once
per worker with them); the ``make_*`` fixtures hand them out."""

from itertools import count

import pyotp

from portal.extensions import db as _db
from portal.models.types import utcnow
from tests.support.pages import PASSWORD

_seq = count(1)


def new_user(
    role: str = "seeker",
    email: str | None = None,
    name: str | None = None,
    password: str = PASSWORD,
    confirmed: bool = True,
    two_step: bool = False,
):
    """A user through the portal's own services (``make_user``); ``two_step``: with
    two-step sign-in on (the ``login`` fixture then sends a code from its secret)."""
    from portal.auth.services import create_user

    n = next(_seq)
    user = create_user(
        name or f"Person {n}", email or f"person{n}@example.org", password, role=role
    )
    if confirmed:
        user.email_confirmed_at = utcnow()
    if two_step:
        user.totp_secret = pyotp.random_base32()
        user.totp_enabled_at = utcnow()
    _db.session.commit()
    return user


def new_agency(owner=None, status: str = "approved", name: str | None = None, **fields):
    """An agency through the portal's own services (``make_agency``)."""
    from sqlalchemy import select

    from portal.agencies.services import register_agency
    from portal.models import Community, Subsector

    owner = owner or new_user(role="agency")
    community = _db.session.scalar(select(Community).order_by(Community.id))
    subsector = _db.session.scalar(select(Subsector).order_by(Subsector.id))
    data = {
        "legal_name": f"{name or 'Agency'} Society",
        "name": name or f"Agency {next(_seq)}",
        "community_id": community.id,
        "subsector_id": subsector.id,
        "cssea_member": False,
        "cssea_division_id": None,
        "unionized": False,
        "website": None,
        "phone": None,
    }
    data.update(fields)
    agency = register_agency(owner, data)
    agency.status = status
    _db.session.commit()
    return agency


def new_recruiter(agency, user=None):
    """A recruiter of ``agency`` (``make_recruiter``)."""
    from portal.models import Membership

    user = user or new_user(role="agency")
    _db.session.add(Membership(user=user, agency=agency, role="recruiter"))
    _db.session.commit()
    return user


def new_job(agency=None, status: str = "published", **fields):
    """A job through the portal's own services (published by default) and in the index
    (``make_job``)."""
    from portal.jobs import services
    from portal.search import sync_after_commit

    agency = agency or new_agency()
    owner = agency.owner
    data = job_fields(_db, **fields)
    job = services.create_draft(agency, data, owner)
    if status != "draft":
        services.publish(job, owner)
        if status in ("closed", "filled"):
            services._end(job, status, owner)
        elif status == "expired":
            job.status = "expired"
    _db.session.commit()
    sync_after_commit()
    return job


def job_fields(db, **fields) -> dict:
    """A complete, valid job form's data for the job services; ``fields`` override it."""
    from datetime import timedelta

    from sqlalchemy import select

    from portal.models import Community, Occupation
    from portal.timeutil import today_pacific

    data = {
        "title": "Community Support Worker",
        "description": "Support adults with developmental disabilities in a group home.",
        "occupation_id": db.session.scalar(
            select(Occupation.id).where(Occupation.noc_code == "42201")
        ),
        "community_id": db.session.scalar(select(Community.id).order_by(Community.id)),
        "employment_type": "full_time",
        "hours_per_week": 37.5,
        "schedule": "Monday to Friday",
        "pay_min_cents": 2600,
        "pay_max_cents": 3100,
        "pay_unit": "hourly",
        "union_position": False,
        "how_to_apply": "Apply on the portal.",
        "closes_on": today_pacific() + timedelta(days=30),
    }
    data.update(fields)
    return data
