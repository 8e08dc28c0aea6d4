"""What applications adds to the jobs pages (signals of ``portal/jobs/signals.py``)."""

from flask_login import current_user

from portal.applications import services
from portal.jobs import signals as jobs


def connect() -> None:
    """Called once from ``create_app``."""
    jobs.page_context.connect(job_page, sender="show")
    jobs.page_context.connect(agency_jobs_page, sender="agency_jobs")


def job_page(page: str, job) -> dict:
    """The seeker's application to the job, and whether it takes applications."""
    seeker = current_user.is_authenticated and current_user.role == "seeker"
    return {
        "applied": services.application_of(job, current_user) if seeker else None,
        "open_for_applications": services.job_open_for_applications(job),
    }


def agency_jobs_page(page: str, jobs: list, agency_id: int) -> dict:
    """The agency's applicants to each job listed, by status."""
    return {"applicant_counts": services.counts_by_job([job.id for job in jobs], agency_id)}
