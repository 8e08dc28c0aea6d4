"""``/api/v1/agencies``: the sector's approved agencies (filtered by region and subsector,
cursor-paginated) and each with its open jobs."""

import marshmallow as ma
from flask import url_for

from portal.agencies import public
from portal.api import cursors, reads
from portal.api.app import blueprint
from portal.api.documented import STRING, problems
from portal.api.job_schemas import PageArgsSchema
from portal.extensions import db
from portal.markup import render_markdown
from portal.models import Agency

bp = blueprint("agency_directory", "Agencies of the sector: the approved ones and their jobs")

LINK = {"Link": {"description": '<next page>; rel="next", when there is one', **STRING}}
BAD_CURSOR = "The cursor is not one of this list's (or not a cursor)."
BAD_ARGUMENTS = "A query parameter is not valid: the errors list says which and why."


class NamedSchema(ma.Schema):
    id = ma.fields.Integer()
    name = ma.fields.String()


class SubsectorSchema(NamedSchema):
    code = ma.fields.String()


class AgencySchema(ma.Schema):
    id = ma.fields.Integer()
    name = ma.fields.String(metadata={"description": "Its operating name"})
    slug = ma.fields.String()
    region = ma.fields.Nested(NamedSchema)
    community = ma.fields.Nested(NamedSchema)
    subsector = ma.fields.Nested(SubsectorSchema)
    website = ma.fields.String(allow_none=True)
    open_jobs = ma.fields.Integer(metadata={"description": "Published jobs it leads or shares"})
    url = ma.fields.String(metadata={"description": "Its public page"})
    api_url = ma.fields.String()


class AgencyListSchema(ma.Schema):
    agencies = ma.fields.List(ma.fields.Nested(AgencySchema))
    total = ma.fields.Integer(metadata={"description": "Agencies matching, on every page"})
    next_cursor = ma.fields.String(allow_none=True, metadata={"description": "null: last page"})


class AboutSchema(ma.Schema):
    markdown = ma.fields.String()
    html = ma.fields.String(metadata={"description": "Rendered and sanitised"})


class OpenJobSchema(ma.Schema):
    id = ma.fields.Integer()
    title = ma.fields.String()
    pooled = ma.fields.Boolean(metadata={"description": "Shares of two or more agencies"})
    lead = ma.fields.Boolean(metadata={"description": "This agency leads it"})
    url = ma.fields.String()
    api_url = ma.fields.String()


class AgencyDetailSchema(AgencySchema):
    about = ma.fields.Nested(AboutSchema, allow_none=True)
    jobs = ma.fields.List(
        ma.fields.Nested(OpenJobSchema),
        metadata={"description": f"Its newest open jobs (at most {public.PAGE_JOBS})"},
    )


class AgencyListArgsSchema(PageArgsSchema):
    region = ma.fields.Integer(
        validate=ma.validate.Range(1, 2**31 - 1),
        metadata={"description": "Region id (/api/v1/regions)"},
    )
    subsector = ma.fields.Integer(
        validate=ma.validate.Range(1, 2**31 - 1),
        metadata={"description": "Subsector id (as each agency's subsector gives it)"},
    )


def _agency(agency: Agency, open_jobs: int) -> dict:
    return {
        "id": agency.id,
        "name": agency.name,
        "slug": agency.slug,
        "region": {"id": agency.region.id, "name": agency.region.name},
        "community": {"id": agency.community.id, "name": agency.community.name},
        "subsector": {
            "id": agency.subsector.id,
            "code": agency.subsector.code,
            "name": agency.subsector.name,
        },
        "website": agency.website,
        "open_jobs": open_jobs,
        "url": url_for("agencies.public_page", slug=agency.slug, _external=True),
        "api_url": url_for("agency_directory.agency", slug=agency.slug, _external=True),
    }


@bp.route("/agencies")
@bp.arguments(AgencyListArgsSchema, location="query", as_kwargs=False)
@bp.response(200, AgencyListSchema, headers=LINK)
@problems(bp, {400: BAD_CURSOR, 422: BAD_ARGUMENTS})
def agencies(args):
    """The approved agencies

    The sector's agencies whose jobs the portal lists, by name, each with its region,
    community, subsector, website, the number of its open jobs and its public page.
    Filter by `region` and `subsector`; page with `limit` and `cursor`."""
    filters = {"region": args.get("region"), "subsector": args.get("subsector")}
    scope = cursors.digest("agencies", filters)
    after = cursors.decode(args.get("cursor"), scope)
    if after is not None:
        if not (isinstance(after, list) and len(after) == 2 and isinstance(after[0], str)):
            cursors.refuse()
        if "\x00" in after[0]:  # a NUL no name holds (and PostgreSQL refuses)
            cursors.refuse()
        after = [after[0], cursors.whole(after[1])]
    found, more, total = reads.approved_agencies(
        filters["region"], filters["subsector"], after, args["limit"]
    )
    counts = reads.open_job_counts([agency.id for agency in found])
    next_cursor = cursors.encode([found[-1].name, found[-1].id], scope) if more else None
    body = {
        "agencies": [_agency(agency, counts.get(agency.id, 0)) for agency in found],
        "total": total,
        "next_cursor": next_cursor,
    }
    query = {name: value for name, value in filters.items() if value is not None}
    return body, 200, cursors.next_link(next_cursor, **query, limit=args["limit"])


@bp.route("/agencies/<slug>")
@bp.response(200, AgencyDetailSchema)
@problems(bp, {404: "No approved agency has this slug."})
def agency(slug: str):
    """One agency and its open jobs

    An approved agency (as in the list) with what it says it does (`about`) and its
    newest open jobs, those it leads and those it holds a share of (pooled positions)."""
    found = db.first_or_404(public.approved_by_slug(slug))
    jobs, total = public.open_jobs(found)
    about = found.about or ""
    return {
        **_agency(found, total),
        "about": {"markdown": about, "html": str(render_markdown(about))} if about else None,
        "jobs": [
            {
                "id": job.id,
                "title": job.title,
                "pooled": job.is_pooled,
                "lead": job.agency_id == found.id,
                "url": url_for("jobs.show", job_id=job.id, _external=True),
                "api_url": url_for("job_postings.job", job_id=job.id, _external=True),
            }
            for job in jobs
        ],
    }
