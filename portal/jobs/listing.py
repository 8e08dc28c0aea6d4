"""What the search page and job page show: jobs for hits, facet labels, the active
filters as removable chips, JSON-LD."""

from dataclasses import dataclass
from datetime import datetime, time

from flask import url_for
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from portal.extensions import db
from portal.markup import render_markdown
from portal.models import Agency, Community, Job, JobShare, Occupation, Region
from portal.models.jobs import EMPLOYMENT_TYPES
from portal.search import (
    HOURS_BUCKETS,
    PAY_STEPS,
    POSTED_WITHIN,
    SearchParams,
    SearchResult,
    plain_text,
)
from portal.timeutil import PACIFIC

HOURS_LABELS = {"under-20": "Under 20 h", "20-30": "20–30 h", "30-plus": "30 h or more"}
SCHEMA_EMPLOYMENT = {
    "full_time": "FULL_TIME",
    "part_time": "PART_TIME",
    "casual": "PER_DIEM",
    "temporary": "TEMPORARY",
}


def jobs_by_id(job_ids) -> dict[int, Job]:
    jobs = db.session.scalars(
        select(Job)
        .where(Job.id.in_(list(job_ids)))
        .options(
            selectinload(Job.agency),
            selectinload(Job.community),
            selectinload(Job.region),
            selectinload(Job.occupation),
            selectinload(Job.shares).selectinload(JobShare.agency),
        )
    ).all()
    return {job.id: job for job in jobs}


def snippet_source(job_ids) -> dict[int, tuple[str, str]]:
    rows = db.session.execute(
        select(Job.id, Job.title, Job.description).where(Job.id.in_(list(job_ids)))
    )
    return {job_id: (title, plain_text(description)) for job_id, title, description in rows}


def _names(model, attr, ids) -> dict:
    if not ids:
        return {}
    return {
        row.id: getattr(row, attr)
        for row in db.session.scalars(select(model).where(model.id.in_(list(ids))))
    }


def facet_options(result: SearchResult) -> dict[str, list[dict]]:
    """For each filter: the options with counts, labels, whether chosen, and their URL."""
    p, counts = result.params, result.facets

    def options(name, labels, values=None, limit=None):
        chosen = getattr(p, name)
        keys = values if values is not None else [k for k, _ in counts[name].most_common()]
        keys = list(dict.fromkeys([*chosen, *keys]))  # chosen options always shown
        items = [
            {
                "value": k,
                "label": labels.get(k, str(k)),
                "count": counts[name].get(k, 0),
                "chosen": k in chosen,
                "args": p.toggled(name, k),
            }
            for k in keys
            if k in labels
        ]
        if values is None:
            items.sort(key=lambda o: (not o["chosen"], -o["count"], o["label"]))
        return items[:limit] if limit else items

    occupation_labels = {o.id: o.label for o in db.session.scalars(select(Occupation))}
    return {
        "region": options("region", _names(Region, "name", set(counts["region"]) | set(p.region))),
        "occupation": options("occupation", occupation_labels),
        "type": options("type", EMPLOYMENT_TYPES, values=list(EMPLOYMENT_TYPES)),
        "community": options(
            "community",
            _names(
                Community,
                "name",
                {k for k, _ in counts["community"].most_common(12)} | set(p.community),
            ),
            limit=12,
        ),
        "agency": options(
            "agency",
            _names(
                Agency, "name", {k for k, _ in counts["agency"].most_common(10)} | set(p.agency)
            ),
            limit=10,
        ),
        "hours": options("hours", HOURS_LABELS, values=list(HOURS_BUCKETS)),
        "pay": [
            {
                "value": step,
                "label": f"${step}/h or more",
                "count": counts["pay"][step],
                "chosen": p.pay == step,
                "args": p.to_args(pay=None if p.pay == step else step, page=1),
            }
            for step in PAY_STEPS
        ],
        "posted": [
            {
                "value": n,
                "label": "Last 24 hours" if n == 1 else f"Last {n} days",
                "count": counts["posted"][n],
                "chosen": p.posted == n,
                "args": p.to_args(posted=None if p.posted == n else n, page=1),
            }
            for n in POSTED_WITHIN
        ],
        "pooled": [
            {
                "value": 1,
                "label": "Pooled positions only",
                "count": counts["pooled"][True],
                "chosen": p.pooled,
                "args": p.to_args(pooled=not p.pooled, page=1),
            }
        ],
    }


HOURS_CHIPS = {"under-20": "under 20", "20-30": "20–30", "30-plus": "30 or more"}


@dataclass(frozen=True)
class ActiveFilter:
    """One filter of the search in plain words, and the search's URL arguments without it."""

    label: str
    args: dict


def active_filters(p: SearchParams) -> list[ActiveFilter]:
    """Every filter the search applies (its words too), each with the URL arguments of the
    same search without just that filter (back to page 1, the sort kept). A value of a list
    filter is one filter, so ``region=1&region=2`` gives two."""
    chips = []
    if p.q:
        chips.append(ActiveFilter(f"Text: {p.q}", p.to_args(q="", page=1)))

    def each(name: str, title: str | None, labels: dict) -> None:
        for value in getattr(p, name):
            known = labels.get(value)
            label = known or f"unknown ({value})"
            chips.append(
                ActiveFilter(f"{title}: {label}" if title else label, p.toggled(name, value))
            )

    each("occupation", "Occupation", _names(Occupation, "title", p.occupation))
    each("region", "Region", _names(Region, "name", p.region))
    each("community", "Community", _names(Community, "name", p.community))
    each("agency", "Agency", _names(Agency, "name", p.agency))
    each("type", None, EMPLOYMENT_TYPES)
    each("hours", "Hours per week", HOURS_CHIPS)
    if p.hours_min is not None:
        label = f"Hours per week: from {p.hours_min}"
        chips.append(ActiveFilter(label, p.to_args(hours_min=None, page=1)))
    if p.hours_max is not None:
        label = f"Hours per week: up to {p.hours_max}"
        chips.append(ActiveFilter(label, p.to_args(hours_max=None, page=1)))
    if p.pay:
        chips.append(ActiveFilter(f"Pay: ${p.pay}/h or more", p.to_args(pay=None, page=1)))
    if p.pooled:
        chips.append(ActiveFilter("Pooled positions only", p.to_args(pooled=False, page=1)))
    if p.posted:
        when = "last 24 hours" if p.posted == 1 else f"last {p.posted} days"
        chips.append(ActiveFilter(f"Posted: {when}", p.to_args(posted=None, page=1)))
    return chips


def without_filters(p: SearchParams) -> dict:
    """The URL arguments of the search with every filter and its words removed (the sort
    kept)."""
    return SearchParams(sort=p.sort).to_args()


def json_ld(job: Job) -> dict:
    """schema.org JobPosting for search engines."""
    employers = job.employers or [job.agency]
    # open through the closing day in BC (``expire_due`` uses the Pacific date)
    closes = datetime.combine(job.closes_on, time(23, 59), tzinfo=PACIFIC)
    return {
        "@context": "https://schema.org/",
        "@type": "JobPosting",
        "title": job.title,
        "description": str(render_markdown(job.description)),  # HTML, sanitised like the page
        "datePosted": (job.published_at or job.created_at).astimezone(PACIFIC).date().isoformat(),
        "validThrough": closes.isoformat(),
        "employmentType": SCHEMA_EMPLOYMENT[job.employment_type],
        "hiringOrganization": {
            "@type": "Organization",
            "name": employers[0].name,
            **({"sameAs": employers[0].website} if employers[0].website else {}),
        },
        "jobLocation": {
            "@type": "Place",
            "address": {
                "@type": "PostalAddress",
                "addressLocality": job.community.name,
                "addressRegion": "BC",
                "addressCountry": "CA",
            },
        },
        "baseSalary": {
            "@type": "MonetaryAmount",
            "currency": "CAD",
            "value": {
                "@type": "QuantitativeValue",
                "minValue": job.pay_min_cents / 100,
                "maxValue": job.pay_max_cents / 100,
                "unitText": "HOUR" if job.pay_unit == "hourly" else "YEAR",
            },
        },
        "url": url_for("jobs.show", job_id=job.id, _external=True),
    }


def workbc_url(occupation: Occupation) -> str:
    slug = "-".join("".join(ch if ch.isalnum() else " " for ch in occupation.title.lower()).split())
    return f"https://www.workbc.ca/career-profiles/{slug}"
