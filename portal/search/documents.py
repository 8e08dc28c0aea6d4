"""How a job becomes an index document, and which jobs belong in the index."""

import re
from dataclasses import dataclass
from datetime import UTC, datetime

from flask import current_app
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from portal.extensions import db
from portal.models import Agency, Job, JobShare
from portal.search import synonyms
from portal.search.schema import OCCUPATION_WEIGHT, TITLE_WEIGHT

SEP = "\x1f"
LIST_SEP = ","


@dataclass(frozen=True, slots=True)
class Facets:
    """The filter values of one indexed job, packed into the ``facets`` column."""

    job_id: int
    region_id: int
    community_id: int
    occupation_id: int
    employment_type: str
    agency_ids: tuple[int, ...]
    pooled: bool
    hours: float
    pay_hourly_cents: int  # the top of the range, as an hourly rate
    published_ts: int
    closes_ord: int  # closing date as a proleptic ordinal
    version: int = 0  # the job's version_id when indexed: `search check` spots stale docs

    def pack(self) -> bytes:
        return SEP.join(
            [
                str(self.job_id),
                str(self.region_id),
                str(self.community_id),
                str(self.occupation_id),
                self.employment_type,
                LIST_SEP.join(map(str, self.agency_ids)),
                "1" if self.pooled else "0",
                f"{self.hours:g}",
                str(self.pay_hourly_cents),
                str(self.published_ts),
                str(self.closes_ord),
                str(self.version),
            ]
        ).encode()

    @classmethod
    def unpack(cls, raw: bytes) -> "Facets":
        p = raw.decode().split(SEP)
        return cls(
            int(p[0]),
            int(p[1]),
            int(p[2]),
            int(p[3]),
            p[4],
            tuple(int(a) for a in p[5].split(LIST_SEP) if a),
            p[6] == "1",
            float(p[7]),
            int(p[8]),
            int(p[9]),
            int(p[10]),
            int(p[11]) if len(p) > 11 else 0,
        )


def hourly_cents(cents: int, unit: str) -> int:
    if unit == "hourly":
        return cents
    return round(cents / (52 * current_app.config["FULL_TIME_HOURS"]))


def searchable_query():
    """Jobs that belong in the index: published, by an approved lead agency."""
    return (
        select(Job)
        .join(Job.agency)
        .where(Job.status == "published", Agency.status == "approved")
        .options(
            selectinload(Job.shares).selectinload(JobShare.agency),
            selectinload(Job.agency),
            selectinload(Job.occupation),
            selectinload(Job.community),
            selectinload(Job.region),
        )
    )


def load_searchable(job_ids: list[int]) -> dict[int, Job]:
    if not job_ids:
        return {}
    jobs = db.session.scalars(searchable_query().where(Job.id.in_(job_ids))).all()
    return {job.id: job for job in jobs}


def plain_text(markdown: str) -> str:
    return re.sub(r"[#*_`>\[\]()!|-]+", " ", markdown)


def document(job: Job) -> dict:
    agencies = job.employers or [job.agency]
    published = job.published_at or datetime.now(UTC)
    pay = (
        max(hourly_cents(s.pay_max_cents, s.pay_unit) for s in job.accepted_shares)
        if job.accepted_shares
        else hourly_cents(job.pay_max_cents, job.pay_unit)
    )
    facets = Facets(
        job_id=job.id,
        region_id=job.region_id,
        community_id=job.community_id,
        occupation_id=job.occupation_id,
        employment_type=job.employment_type,
        agency_ids=tuple(sorted(a.id for a in agencies)),
        pooled=job.is_pooled,
        hours=float(job.combined_hours),
        pay_hourly_cents=pay,
        published_ts=int(published.timestamp()),
        closes_ord=job.closes_on.toordinal(),
        version=job.version_id,
    )
    occupation = f"{job.occupation.title} {job.occupation.keywords}"
    rest = "\n".join(
        [
            " ".join(a.name for a in agencies),
            f"{job.community.name} {job.region.name}",
            plain_text(job.description),
        ]
    )
    text = "\n".join([*[job.title] * TITLE_WEIGHT, *[occupation] * OCCUPATION_WEIGHT, rest])
    # a synonym in the title counts most: "Mental Health Outreach Worker" outranks a job
    # whose occupation merely lists mental health
    tokens = synonyms.tokens_in(job.title) * (TITLE_WEIGHT + 1) + synonyms.tokens_in(
        f"{occupation}\n{rest}"
    )
    return {
        "job_id": str(job.id),
        "text": text,
        "synonyms": " ".join(tokens),
        "facets": facets.pack(),
    }


_vocabulary: dict[str, tuple[float, frozenset]] = {}
VOCABULARY_TTL = 600.0


def vocabulary() -> frozenset:
    """Words for "did you mean": published titles, occupations, communities, agencies and
    the synonym list. Cached for ten minutes per database."""
    import time

    from portal.models import Community, Occupation

    key = str(db.engine.url)
    cached = _vocabulary.get(key)
    if cached and time.monotonic() - cached[0] < VOCABULARY_TTL:
        return cached[1]
    texts = list(db.session.scalars(select(Job.title).where(Job.status == "published").distinct()))
    texts += [f"{o.title} {o.keywords}" for o in db.session.scalars(select(Occupation))]
    texts += list(db.session.scalars(select(Community.name)))
    texts += list(db.session.scalars(select(Agency.name).where(Agency.status == "approved")))
    texts += [phrase for group in synonyms.groups() for phrase in group]
    words = frozenset(w for text in texts for w in re.findall(r"[a-z][a-z'-]{2,}", text.lower()))
    _vocabulary[key] = (time.monotonic(), words)
    return words
