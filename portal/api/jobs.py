"""``/api/v1/jobs``: the job search (the ``/jobs`` page's filters, facets, cursor
pagination), each job in full (``ETag``, ``If-None-Match``), and with a ``jobs:read``
token the agency's own jobs of every status."""

from dataclasses import replace

import marshmallow as ma
from flask import Response, request

from portal import search
from portal.actions import commit
from portal.api import cursors, reads
from portal.api.app import blueprint
from portal.api.auth import optional_token, token_for
from portal.api.documented import STRING, TOKEN_OPTIONAL, TOKEN_REQUIRED, problems
from portal.api.job_facets import FacetsSchema, facets
from portal.api.job_schemas import (
    JobDetailSchema,
    JobSearchArgsSchema,
    JobSummarySchema,
    PageArgsSchema,
    detail,
    summary,
)
from portal.api.permissions import READ_SCOPE, require_readable_job
from portal.jobs import listing
from portal.models.jobs import JOB_STATUSES

bp = blueprint(
    "job_postings",
    "Jobs: the search of published jobs with its filters and facets, each job in full, "
    "and an agency's own jobs of every status (with a token)",
)

LINK = {"Link": {"description": '<next page>; rel="next", when there is one', **STRING}}
ETAG = {"ETag": {"description": 'The job\'s version, "v<version>"', **STRING}}
BAD_CURSOR = "The cursor is not one of this search's (or not a cursor)."
BAD_ARGUMENTS = "A query parameter is not valid (limit: 1 to 100): the errors list says which."
UNKNOWN_BEARER = "The token sent is unknown, expired or revoked."


class JobSearchResultSchema(ma.Schema):
    jobs = ma.fields.List(ma.fields.Nested(JobSummarySchema))
    facets = ma.fields.Nested(FacetsSchema)
    total = ma.fields.Integer(metadata={"description": "Jobs found, on every page"})
    next_cursor = ma.fields.String(allow_none=True, metadata={"description": "null: last page"})
    suggestion = ma.fields.String(
        allow_none=True, metadata={"description": "Did you mean: other words that find more"}
    )
    corrected_from = ma.fields.String(
        allow_none=True,
        metadata={"description": "q found nothing: these are the results of suggestion"},
    )


class JobListSchema(ma.Schema):
    jobs = ma.fields.List(ma.fields.Nested(JobSummarySchema))
    total = ma.fields.Integer(metadata={"description": "Jobs matching, on every page"})
    next_cursor = ma.fields.String(allow_none=True, metadata={"description": "null: last page"})


class AgencyJobsArgsSchema(PageArgsSchema):
    status = ma.fields.String(
        validate=ma.validate.OneOf(JOB_STATUSES),
        metadata={"description": "Only the jobs of this status"},
    )


@bp.route("/jobs")
@bp.arguments(JobSearchArgsSchema, location="query", as_kwargs=False)
@bp.response(200, JobSearchResultSchema, headers=LINK)
@problems(bp, {400: BAD_CURSOR, 422: BAD_ARGUMENTS})
def search_jobs(args):
    """Search published jobs

    The search of the `/jobs` page, with the same query parameters (a search page's query
    string works here unchanged; a value the page would ignore is ignored), the facet
    counts of its filter lists, and cursor pagination: `limit` jobs per page, the next
    page with `cursor` set to the `next_cursor` of this one (also in the `Link` header).
    The cursor holds the position in the ranking and a digest of the search: with other
    filters it is refused (400)."""
    params = replace(search.SearchParams.from_args(request.args), page=1)
    scope = cursors.digest("jobs", params.to_args())
    start = cursors.whole(cursors.decode(args.get("cursor"), scope) or 0)
    limit = args["limit"]
    result = search.search(params, start=start, size=limit)
    by_id = listing.jobs_by_id(hit.job_id for hit in result.hits)
    jobs = [by_id[hit.job_id] for hit in result.hits if hit.job_id in by_id]
    end = start + limit
    next_cursor = cursors.encode(end, scope) if end < result.total else None
    body = {
        "jobs": [summary(job) for job in jobs if job.status == "published"],
        "facets": facets(result),
        "total": result.total,
        "next_cursor": next_cursor,
        "suggestion": result.suggestion,
        "corrected_from": result.corrected_from,
    }
    return body, 200, cursors.next_link(next_cursor, **params.to_args(), limit=limit)


@bp.route("/jobs/<int:job_id>")
@bp.response(200, JobDetailSchema, headers=ETAG)
@bp.alt_response(304, description="Not modified: If-None-Match holds the current ETag")
@problems(
    bp,
    {
        401: UNKNOWN_BEARER,
        404: "No published job has this id (a draft or a closed job: only for a jobs:read "
        "token of an agency in the job).",
    },
)
@bp.doc(security=TOKEN_OPTIONAL)
def job(job_id: int):
    """One job in full

    A published job for anyone: the search's fields plus its description (Markdown, and
    HTML sanitised as on the page), schedule, credentials required and preferred, and the
    shares of a pooled position (each agency's hours, place, pay and weekly schedule).
    A draft or a job no longer published is seen only with a `jobs:read` token of an
    agency in the job. The `ETag` is the job's version: send it back in `If-None-Match`
    to get 304 while the job is unchanged."""
    token = optional_token()
    found = require_readable_job(job_id)
    if token is not None:
        commit()  # the token's last use
    tag = f"v{found.version_id}"
    headers = {
        "ETag": f'"{tag}"',
        "Vary": "Authorization",
        "Cache-Control": "private, no-cache" if token else "public, max-age=60",
    }
    if request.if_none_match.contains_weak(tag):
        return Response(status=304, headers=headers)
    return detail(found), 200, headers


@bp.route("/agency/jobs")
@bp.arguments(AgencyJobsArgsSchema, location="query", as_kwargs=False)
@bp.response(200, JobListSchema, headers=LINK)
@problems(
    bp,
    {
        400: BAD_CURSOR,
        401: "No token, or one unknown, expired or revoked.",
        403: "The token does not have the jobs:read permission.",
        422: BAD_ARGUMENTS,
    },
)
@bp.doc(security=TOKEN_REQUIRED)
def agency_jobs(args):
    """The agency's own jobs

    Every job the token's agency leads, of every status (drafts, published, closed,
    filled, expired), newest first; `status` keeps one status. Needs a token with the
    `jobs:read` permission. Cursor pagination as in the search (the cursor holds the
    last job's id)."""
    token = token_for(READ_SCOPE)
    status = args.get("status")
    scope = cursors.digest("agency-jobs", {"agency": token.agency_id, "status": status})
    after = cursors.decode(args.get("cursor"), scope)
    if after is not None:
        after = cursors.whole(after)
    jobs, more, total = reads.agency_jobs(token.agency_id, status, after, args["limit"])
    body = {
        "jobs": [summary(job) for job in jobs],
        "total": total,
        "next_cursor": cursors.encode(jobs[-1].id, scope) if more else None,
    }
    commit()  # the token's last use
    query = {"status": status} if status else {}
    headers = {"Cache-Control": "private, no-cache", "Vary": "Authorization"}
    headers |= cursors.next_link(body["next_cursor"], **query, limit=args["limit"])
    return body, 200, headers
