"""An Atom feed of a search's newest jobs (feedgen writes and escapes the XML)."""

from datetime import UTC, datetime

from feedgen.feed import FeedGenerator
from flask import url_for

from portal.markup import render_markdown
from portal.models import Job
from portal.numbers import pay_range

FEED_SIZE = 50
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)  # a feed with no jobs yet


def employers(job: Job) -> str:
    return ", ".join(a.name for a in job.employers) or job.agency.name


def _summary(job: Job) -> str:
    place = f"{job.community.name}, {job.region.name}"
    hours = f"{job.combined_hours:g} h/week"
    closes = f"closes {job.closes_on:%B %-d, %Y}"
    pay = pay_range(job.pay_min_cents, job.pay_max_cents, job.pay_unit)
    parts = [employers(job), place, pay, job.employment_type_label, hours, closes]
    return " · ".join(parts)


def feed(title: str, search_url: str, self_url: str, jobs: list[Job]) -> bytes:
    """The feed of ``jobs`` (newest first): each entry the job's title, a one-line summary
    (agency, place, pay, type, hours, closing date), its description as sanitised HTML and
    its link; updated when the newest was published."""
    fg = FeedGenerator()
    fg.id(self_url)
    fg.title(title)
    fg.subtitle("Community social services jobs in British Columbia")
    fg.link(href=search_url, rel="alternate", type="text/html")
    fg.link(href=self_url, rel="self", type="application/atom+xml")
    fg.author(name="Sector Jobs Portal")
    fg.language("en-CA")
    times = [j.published_at for j in jobs if j.published_at]
    fg.updated(max(times) if times else EPOCH)
    for job in reversed(jobs):  # feedgen puts the last one added first
        url = url_for("jobs.show", job_id=job.id, _external=True)
        entry = fg.add_entry()
        entry.id(url)
        entry.title(job.title)
        entry.link(href=url, rel="alternate", type="text/html")
        published = job.published_at or job.created_at
        entry.published(published)
        entry.updated(max(published, job.updated_at))
        entry.author(name=employers(job))
        entry.summary(_summary(job))
        entry.content(str(render_markdown(job.description)), type="html")
    return fg.atom_str(pretty=True)
