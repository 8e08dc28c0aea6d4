"""The events webhooks tell agencies of, taken from the signals of jobs
(``portal/jobs/signals.py``) and applications (``portal/applications/signals.py``). Each
receiver queues the deliveries in the transaction of the change.

What each event's ``data`` holds is what the agency sees on its own pages, no more: no
applicant's name or contact (the agency reads those through the API)."""

from portal.applications import signals as applications
from portal.jobs import signals as jobs
from portal.models import Application, ApplicationDecision, Job
from portal.webhooks import services

ENDED = ("closed", "filled", "expired")


def connect() -> None:
    """Called once from ``create_app``."""
    jobs.status_changed.connect(job_status_changed)
    applications.submitted.connect(application_created)
    applications.status_changed.connect(application_status_changed)


def job_data(job: Job) -> dict:
    return {
        "id": job.id,
        "reference": job.reference,
        "title": job.title,
        "status": job.status,
        "url": services.site_url("jobs.show", job_id=job.id),
        "agency_id": job.agency_id,
        "published_at": services.rfc3339(job.published_at),
        "closes_on": job.closes_on.isoformat() if job.closes_on else None,
    }


def application_data(decision: ApplicationDecision) -> dict:
    """An application as one agency sees it: its own decision's status, its own page."""
    application = decision.application
    return {
        "id": application.id,
        "job_id": application.job_id,
        "job_title": application.job.title,
        "status": decision.status,
        "agency_id": decision.agency_id,
        "submitted_at": services.rfc3339(application.submitted_at),
        "url": services.site_url("applications.review", application_id=application.id),
    }


def job_status_changed(job: Job) -> None:
    """``job.published``, or ``job.closed`` (closed, filled or expired: ``status`` says
    which), to the lead agency and every partner with an accepted share."""
    if job.status == "published":
        event = "job.published"
    elif job.status in ENDED:
        event = "job.closed"
    else:
        return
    agency_ids = [job.agency_id, *(share.agency_id for share in job.accepted_shares)]
    services.queue(event, agency_ids, lambda _agency_id: job_data(job))


def application_created(application: Application) -> None:
    """``application.created`` to each agency with a decision on it (each share's)."""
    decisions: dict[int, ApplicationDecision] = {}
    for decision in application.decisions:
        decisions.setdefault(decision.agency_id, decision)
    services.queue(
        "application.created",
        decisions,
        lambda agency_id: application_data(decisions[agency_id]),
    )


def application_status_changed(decision: ApplicationDecision, status: str) -> None:
    """``application.status_changed`` to the agency whose decision changed."""
    services.queue(
        "application.status_changed",
        [decision.agency_id],
        lambda _agency_id: application_data(decision),
    )
