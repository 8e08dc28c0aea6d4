"""How pre-qualified lists take part in lower features: the lists open for a search or a
job on the jobs pages (``portal/jobs/signals.py``), and the members an agency may see
(``portal/seekers/signals.py``)."""

from portal.jobs import signals as jobs
from portal.prequal import services
from portal.seekers import signals as seekers


def connect() -> None:
    """Called once from ``create_app``."""
    jobs.page_context.connect(search_page, sender="index")
    jobs.page_context.connect(job_page, sender="show")
    seekers.agency_may_see.connect(services.can_see_member)


def search_page(page: str, params) -> dict:
    """Up to three lists open for the occupation and region searched for."""
    occupation = params.occupation[0] if params.occupation else None
    region = params.region[0] if params.region else None
    return {"open_lists": services.open_lists(occupation, region)[:3]}


def job_page(page: str, job) -> dict:
    """Up to three lists open for the job's occupation and region."""
    return {"open_lists": services.open_lists(job.occupation_id, job.region_id)[:3]}
