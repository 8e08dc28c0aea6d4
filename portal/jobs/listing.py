"""What the search page and job page show: jobs for hits, facet labels, JSON-LD."""

from datetime import datetime, time

from flask import url_for
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from portal.extensions import db
from portal.markup import render_markdown
from portal.models import Agency, Community, Job, JobShare, Occupation, Region
from portal.models.jobs import EMPLOYMENT_TYPES
from portal.search import HOURS_BUCKETS, PAY_STEPS, POSTED_WITHIN, SearchResult, plain_text
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
