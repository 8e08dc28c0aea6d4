"""Jobs found and applications handled through the pages: public search results, the
applicants list, an application's status."""

import re

from sqlalchemy import select

from portal.models import Application

HIT_RE = re.compile(r'<h3 class="h5 mb-1"><a href="/jobs/(\d+)">')
APPLICANT_RE = re.compile(r'<a href="/agency/applications/(\d+)">([^<]+)</a>')


def search_ids(client, q: str = "", **args) -> list[int]:
    """Job ids on the first page of public search results for ``q`` (and ``args``)."""
    response = client.get("/jobs", query_string={"q": q, **args} if q else args)
    assert response.status_code == 200
    return [int(i) for i in HIT_RE.findall(response.get_data(as_text=True))]


def applicant_names(page: str) -> list[str]:
    """The applicants' names on an applicants page, in order."""
    return [name for _id, name in APPLICANT_RE.findall(page)]


def application_of(db, job, seeker) -> Application | None:
    db.session.expire_all()
    return db.session.scalar(
        select(Application).where(Application.job_id == job.id, Application.seeker_id == seeker.id)
    )


def set_status(client, application, status: str, message: str = ""):
    """Move ``application`` to ``status`` through its page's status form."""
    return client.post_form(
        f"/agency/applications/{application.id}/status", {"status": status, "message": message}
    )
