"""How a job reads in the API: ``summary(job)`` (search results, lists) and ``detail(job)``
(one job in full), with the marshmallow schemas that document and dump them; and the query
parameters of the job search, documented here and read as ``/jobs`` reads them."""

import marshmallow as ma
from flask import url_for

from portal.markup import render_markdown
from portal.models import Agency, Job, JobShare
from portal.models.jobs import EMPLOYMENT_TYPES, JOB_STATUSES, PAY_UNITS
from portal.search import HOURS_BUCKETS, POSTED_WITHIN, SORTS

CURRENCY = "CAD"
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


# --- what a job is made of --------------------------------------------------------------


class AgencyRefSchema(ma.Schema):
    id = ma.fields.Integer()
    name = ma.fields.String()
    slug = ma.fields.String(metadata={"description": "Its public page: /agencies/<slug>"})


class PlaceSchema(ma.Schema):
    id = ma.fields.Integer()
    name = ma.fields.String()


class OccupationRefSchema(ma.Schema):
    id = ma.fields.Integer()
    noc = ma.fields.String(metadata={"description": "NOC 2021 code"})
    title = ma.fields.String()


class PaySchema(ma.Schema):
    min = ma.fields.Float(metadata={"description": "Lowest pay of the range, in dollars"})
    max = ma.fields.Float(metadata={"description": "Highest pay of the range, in dollars"})
    unit = ma.fields.String(metadata={"enum": list(PAY_UNITS), "description": "Per hour or year"})
    currency = ma.fields.String(metadata={"enum": [CURRENCY]})


class CredentialRefSchema(ma.Schema):
    id = ma.fields.Integer()
    name = ma.fields.String()
    kind = ma.fields.String(metadata={"description": "Its category"})


class CredentialsSchema(ma.Schema):
    required = ma.fields.List(ma.fields.Nested(CredentialRefSchema))
    preferred = ma.fields.List(ma.fields.Nested(CredentialRefSchema))


class BlockSchema(ma.Schema):
    day = ma.fields.String(metadata={"enum": list(WEEKDAYS)})
    start = ma.fields.String(metadata={"description": "HH:MM, Pacific time"})
    end = ma.fields.String(metadata={"description": "HH:MM, Pacific time"})


class ShareSchema(ma.Schema):
    agency = ma.fields.Nested(AgencyRefSchema)
    hours_per_week = ma.fields.Float()
    community = ma.fields.Nested(PlaceSchema)
    pay = ma.fields.Nested(PaySchema)
    unionized = ma.fields.Boolean()
    schedule = ma.fields.List(
        ma.fields.Nested(BlockSchema), metadata={"description": "Weekly blocks of this share"}
    )


class JobSummarySchema(ma.Schema):
    id = ma.fields.Integer()
    title = ma.fields.String()
    status = ma.fields.String(metadata={"enum": list(JOB_STATUSES)})
    reference = ma.fields.String(
        allow_none=True, metadata={"description": "The agency's own reference, if it gave one"}
    )
    agency = ma.fields.Nested(AgencyRefSchema, metadata={"description": "The lead agency"})
    employers = ma.fields.List(
        ma.fields.Nested(AgencyRefSchema),
        metadata={"description": "Every agency with a share (several: a pooled position)"},
    )
    pooled = ma.fields.Boolean(metadata={"description": "Shares of two or more agencies"})
    community = ma.fields.Nested(PlaceSchema)
    region = ma.fields.Nested(PlaceSchema)
    occupation = ma.fields.Nested(OccupationRefSchema)
    employment_type = ma.fields.String(metadata={"enum": list(EMPLOYMENT_TYPES)})
    hours_per_week = ma.fields.Float(metadata={"description": "All shares together"})
    pay = ma.fields.Nested(PaySchema)
    closes_on = ma.fields.Date(metadata={"description": "Open through this day (Pacific)"})
    published_at = ma.fields.DateTime(allow_none=True, metadata={"description": "UTC"})
    url = ma.fields.String(metadata={"description": "The job's page"})
    api_url = ma.fields.String(metadata={"description": "The job in full, in this API"})


class DescriptionSchema(ma.Schema):
    markdown = ma.fields.String(metadata={"description": "As the agency wrote it"})
    html = ma.fields.String(metadata={"description": "Rendered and sanitised, as on the page"})


class JobDetailSchema(JobSummarySchema):
    description = ma.fields.Nested(DescriptionSchema)
    schedule = ma.fields.String(metadata={"description": "The schedule in words"})
    how_to_apply = ma.fields.String()
    union_position = ma.fields.Boolean()
    credentials = ma.fields.Nested(CredentialsSchema)
    shares = ma.fields.List(
        ma.fields.Nested(ShareSchema),
        metadata={"description": "Each agency's part: its hours, place, pay and schedule"},
    )
    updated_at = ma.fields.DateTime(metadata={"description": "UTC"})
    version = ma.fields.Integer(metadata={"description": 'The ETag\'s number: "v<version>"'})


def agency_ref(agency: Agency) -> dict:
    return {"id": agency.id, "name": agency.name, "slug": agency.slug}


def pay(min_cents: int, max_cents: int, unit: str) -> dict:
    return {"min": min_cents / 100, "max": max_cents / 100, "unit": unit, "currency": CURRENCY}


def summary(job: Job) -> dict:
    """A job as search results and lists give it (its relations loaded: listing.jobs_by_id)."""
    return {
        "id": job.id,
        "title": job.title,
        "status": job.status,
        "reference": job.reference,
        "agency": agency_ref(job.agency),
        "employers": [agency_ref(a) for a in (job.employers or [job.agency])],
        "pooled": job.is_pooled,
        "community": {"id": job.community.id, "name": job.community.name},
        "region": {"id": job.region.id, "name": job.region.name},
        "occupation": {
            "id": job.occupation.id,
            "noc": job.occupation.noc_code,
            "title": job.occupation.title,
        },
        "employment_type": job.employment_type,
        "hours_per_week": float(job.combined_hours),
        "pay": pay(job.pay_min_cents, job.pay_max_cents, job.pay_unit),
        "closes_on": job.closes_on,
        "published_at": job.published_at,
        "url": url_for("jobs.show", job_id=job.id, _external=True),
        "api_url": url_for("job_postings.job", job_id=job.id, _external=True),
    }


def _credential(credential) -> dict:
    return {"id": credential.id, "name": credential.name, "kind": credential.category}


def _share(share: JobShare) -> dict:
    return {
        "agency": agency_ref(share.agency),
        "hours_per_week": float(share.hours_per_week),
        "community": {"id": share.community.id, "name": share.community.name},
        "pay": pay(share.pay_min_cents, share.pay_max_cents, share.pay_unit),
        "unionized": share.unionized,
        "schedule": [
            {"day": WEEKDAYS[day], "start": start, "end": end}
            for day, start, end in share.schedule_blocks or []
            if isinstance(day, int) and 0 <= day < len(WEEKDAYS)
        ],
    }


def detail(job: Job) -> dict:
    return {
        **summary(job),
        "description": {
            "markdown": job.description,
            "html": str(render_markdown(job.description)),
        },
        "schedule": job.schedule or "",
        "how_to_apply": job.how_to_apply or "",
        "union_position": job.union_position,
        "credentials": {
            "required": [_credential(c) for c in job.required_credentials],
            "preferred": [_credential(c) for c in job.preferred_credentials],
        },
        "shares": [_share(share) for share in job.accepted_shares],
        "updated_at": job.updated_at,
        "version": job.version_id,
    }


# --- the search's query parameters ------------------------------------------------------


class _AsJobsReadsIt:
    """A query parameter documented with its type but read as ``/jobs`` reads it
    (``SearchParams.from_args``: values it cannot use are ignored), so the API never
    refuses a search the page accepts."""

    def _deserialize(self, value, attr, data, **kwargs):
        return value


class _Integer(_AsJobsReadsIt, ma.fields.Integer):
    pass


class _String(_AsJobsReadsIt, ma.fields.String):
    pass


class _Boolean(_AsJobsReadsIt, ma.fields.Boolean):
    pass


class _List(_AsJobsReadsIt, ma.fields.List):
    pass


def _ids(what: str, where: str) -> _List:
    return _List(
        ma.fields.Integer(),
        metadata={"description": f"{what} id ({where}); repeat for several (any of them)"},
    )


class PageArgsSchema(ma.Schema):
    limit = ma.fields.Integer(
        load_default=20,
        validate=ma.validate.Range(1, 100),
        metadata={"description": "Items per page, 1 to 100"},
    )
    cursor = ma.fields.String(
        validate=ma.validate.Length(max=500),
        metadata={"description": "The next_cursor of the previous page (with the same filters)"},
    )


class JobSearchArgsSchema(PageArgsSchema):
    """The filters of ``/jobs``, in the same words: a search page's query string works here."""

    q = _String(metadata={"description": "Words to look for (title first, then description)"})
    region = _ids("Region", "/api/v1/regions")
    community = _ids("Community", "/api/v1/communities")
    occupation = _ids("Occupation", "/api/v1/occupations")
    agency = _ids("Agency", "/api/v1/agencies")
    type = _List(
        ma.fields.String(metadata={"enum": list(EMPLOYMENT_TYPES)}),
        metadata={"description": "Employment type; repeat for several"},
    )
    hours = _List(
        ma.fields.String(metadata={"enum": list(HOURS_BUCKETS)}),
        metadata={"description": "Hours per week: under 20, 20 to 30, 30 or more"},
    )
    hmin = _Integer(metadata={"description": "Hours per week, at least", "minimum": 0})
    hmax = _Integer(metadata={"description": "Hours per week, at most", "minimum": 0})
    pay = _Integer(metadata={"description": "Pay of at least this many dollars per hour"})
    pooled = _Boolean(metadata={"description": "Pooled positions only"})
    posted = _Integer(
        metadata={"enum": list(POSTED_WITHIN), "description": "Published within this many days"}
    )
    sort = _String(
        metadata={
            "enum": list(SORTS),
            "description": "relevance (with q, the default then), newest (else the default), "
            "pay (highest first) or closing (soonest first)",
        }
    )
