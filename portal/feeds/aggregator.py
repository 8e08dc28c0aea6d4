"""The feed for job aggregators (``/jobs.xml``): every listed job in the shape job boards
import (a ``<source>`` of ``<job>``s, as in Indeed's XML feed) with element names of our
own, described by ``jobs.xsd`` (served at ``/jobs.xsd``). Written by a Jinja template that
escapes every value; the description is sanitised HTML (the job page's own rendering) in
CDATA."""

import functools
import re
from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from flask import render_template, url_for
from markupsafe import Markup
from sqlalchemy import select
from sqlalchemy.orm import contains_eager, joinedload
from sqlalchemy.orm.attributes import set_committed_value

from portal.agencies import public
from portal.extensions import db
from portal.markup import render_markdown
from portal.models import Job, JobShare

SCHEMA = Path(__file__).with_name("jobs.xsd")
PUBLISHER = "Sector Jobs Portal"
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)  # a feed with no jobs yet
# characters XML 1.0 does not allow (control characters, lone surrogates, U+FFFE/U+FFFF)
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def xml_text(text: str) -> str:
    """``text`` without the characters an XML document cannot hold."""
    return _NOT_XML.sub("", text)


def cdata(text: str) -> Markup:
    """``text`` as CDATA sections: a ``]]>`` inside is split across two of them."""
    inside = xml_text(text).replace("]]>", "]]]]><![CDATA[>")
    return Markup(f"<![CDATA[{inside}]]>")  # nosec B704 # CDATA: nothing inside is markup


@functools.lru_cache(
    maxsize=16384
)  # every job of a big feed: a scan through a smaller LRU misses all
def description_html(markdown: str) -> Markup:
    """A description as the job page shows it (sanitised HTML), in CDATA. Kept for the
    next request (Markdown takes about a millisecond a job; the text is the key)."""
    return cdata(str(render_markdown(markdown)))


def listed_jobs() -> list[Job]:
    """Every listed job, newest first, with what the feed shows: two queries (the jobs with
    their lead agency, occupation, community and region; then every share of them with its
    agency)."""
    jobs = db.session.scalars(
        public.listed(select(Job))
        .options(
            contains_eager(Job.agency),
            joinedload(Job.occupation),
            joinedload(Job.community),
            joinedload(Job.region),
        )
        .order_by(Job.published_at.desc(), Job.id.desc())
    ).all()
    shares = defaultdict(list)
    for share in db.session.scalars(
        select(JobShare)
        .where(JobShare.job_id.in_(public.listed(select(Job.id)).scalar_subquery()))
        .options(joinedload(JobShare.agency))
        .order_by(JobShare.id)
    ):
        shares[share.job_id].append(share)
    for job in jobs:
        set_committed_value(job, "shares", shares[job.id])
    return list(jobs)


def _dollars(cents: int) -> str:
    return f"{cents // 100}.{cents % 100:02d}"


def _hours(hours: float) -> str:
    return f"{hours:.2f}".rstrip("0").rstrip(".")


def _instant(at: datetime) -> str:
    return at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass(frozen=True, slots=True)
class Entry:
    """What the feed says of one job, every text ready for XML (``jobs.xsd`` says what
    each is)."""

    reference: str
    id: int
    title: str
    agency: str
    employers: list[str]  # a pooled position's; none for a single agency's job
    community: str
    region: str
    pay_min: str
    pay_max: str
    pay_unit: str
    type: str
    hours: str
    description: Markup
    url: str
    date: str
    closes: str
    occupation: str
    noc: str
    changed: datetime  # when posted or last changed


def entry(job: Job) -> Entry:
    employers = job.employers
    posted = job.published_at or job.created_at
    return Entry(
        reference=xml_text(job.reference or "") or f"SJP-{job.id}",
        id=job.id,
        title=xml_text(job.title),
        agency=xml_text(job.agency.name),
        employers=[xml_text(a.name) for a in employers] if len(employers) > 1 else [],
        community=xml_text(job.community.name),
        region=xml_text(job.region.name),
        pay_min=_dollars(job.pay_min_cents),
        pay_max=_dollars(job.pay_max_cents),
        pay_unit=job.pay_unit,
        type=job.employment_type,
        hours=_hours(job.combined_hours),
        description=description_html(job.description),
        url=url_for("jobs.show", job_id=job.id, _external=True),
        date=_instant(posted),
        closes=job.closes_on.isoformat(),
        occupation=xml_text(job.occupation.title),
        noc=job.occupation.noc_code,
        changed=max(posted, job.updated_at),
    )


def feed() -> str:
    """The whole feed; its ``lastBuildDate`` is when the newest of its jobs was posted or
    changed (so the same jobs give the same document, and the same ETag)."""
    entries = [entry(job) for job in listed_jobs()]
    built = max((e.changed for e in entries), default=EPOCH)
    return render_template(
        "feeds/jobs.xml",
        schema=url_for("feeds.jobs_xsd", _external=True),
        publisher=PUBLISHER,
        home=url_for("pages.home", _external=True),
        built=_instant(built),
        jobs=entries,
    )
