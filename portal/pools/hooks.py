"""How pooled positions take part in publishing a job (``portal/jobs/signals.py``) and in
hiring (``portal/applications/signals.py``)."""

from portal.applications import signals as applications
from portal.errors import PortalError
from portal.jobs import signals as jobs
from portal.pools import services


def connect() -> None:
    """Called once from ``create_app``."""
    jobs.publishing.connect(services.check_publishable)
    applications.hiring.connect(refuse_clashing_hire)
    applications.share_filled.connect(fill_job)


def refuse_clashing_hire(decision) -> None:
    """Refuse a hire into a share overlapping one the applicant is already hired into."""
    clash = services.hired_clash(decision)
    if clash:
        raise PortalError(clash)


def fill_job(share) -> None:
    """The job is filled once each of its accepted shares is."""
    services.fill_if_complete(share.job)
