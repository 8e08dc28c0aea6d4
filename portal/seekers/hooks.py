"""What seekers adds to the jobs pages (signals of ``portal/jobs/signals.py``)."""

from flask_login import current_user

from portal.jobs import signals as jobs
from portal.seekers import services


def connect() -> None:
    """Called once from ``create_app``."""
    jobs.page_context.connect(job_page, sender="show")


def job_page(page: str, job) -> dict:
    """Whether the signed-in seeker saved the job."""
    seeker = current_user.is_authenticated and current_user.role == "seeker"
    return {"saved": services.saved_job(current_user, job) is not None if seeker else False}
