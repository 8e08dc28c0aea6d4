"""``POST /api/v1/jobs:batch``: many jobs in one request, created all or none, judged one by
one by the job form's rules (``portal.jobs.imports``, as the agency's import page)."""

import json

import marshmallow as ma
from flask import request, url_for

from portal.actions import run_action
from portal.api import job_input
from portal.api.app import blueprint
from portal.api.auth import token_for
from portal.api.documented import TOKEN_REQUIRED, problems
from portal.api.job_schemas import JobSummarySchema
from portal.errors import problem
from portal.jobs import import_columns, imports
from portal.models import Job

bp = blueprint(
    "job_batches",
    "Bulk import: up to 500 jobs in one request, every one created or none",
)

WRITE_SCOPE = "jobs:write"
INVALID = (
    "A job breaks a rule, or the batch does: nothing was created (the errors list says which)."
)


class BatchSchema(ma.Schema):
    jobs = ma.fields.List(
        ma.fields.Nested(job_input.JobInputSchema),
        required=True,
        validate=ma.validate.Length(min=1, max=imports.MAX_JOBS),
        metadata={"description": "The jobs, with ids as GET /api/v1/regions and the like give"},
    )
    publish = ma.fields.Boolean(
        load_default=False,
        metadata={"description": "true: publish every job (the agency must be approved)"},
    )


# a created job: the first fields of a job in the search's answers
CreatedJobSchema = ma.Schema.from_dict(
    {
        name: JobSummarySchema._declared_fields[name]
        for name in ("id", "title", "status", "reference", "url", "api_url")
    },
    name="CreatedJobSchema",
)


class BatchResultSchema(ma.Schema):
    count = ma.fields.Integer(metadata={"description": "Jobs created"})
    jobs = ma.fields.List(
        ma.fields.Nested(CreatedJobSchema), metadata={"description": "In the order sent"}
    )


CSV_BODY = {
    "schema": {"type": "string"},
    "example": ",".join(import_columns.COLUMN_NAMES) + "\r\n...",
}


@bp.route("/jobs:batch", methods=["POST"])
@bp.doc(
    security=TOKEN_REQUIRED,
    requestBody={
        "required": True,
        "content": {"application/json": {"schema": BatchSchema}, "text/csv": CSV_BODY},
    },
    parameters=[
        {
            "name": "publish",
            "in": "query",
            "required": False,
            "schema": {"type": "boolean"},
            "description": "With a text/csv body: true publishes every job",
        }
    ],
)
@bp.response(201, BatchResultSchema)
@problems(
    bp,
    {
        401: "No token, or one unknown, expired or revoked.",
        403: "The token does not have the jobs:write permission.",
        413: "The request is larger than the portal accepts (6 MB).",
        415: "The body is neither application/json nor text/csv.",
        422: INVALID,
    },
)
def create_batch():
    """Create many jobs at once

    Up to 500 jobs in one request (`jobs`, each with the fields of a job as
    `POST /api/v1/jobs` takes them: ids for the occupation, community and credentials),
    as drafts, or published with `"publish": true`. Each job is checked by the job form's
    rules, and the batch as a whole: the same title, community and closing date twice is
    refused, and so is publishing for an agency an administrator has not approved (or a
    pooled position: its partners accept their shares first). **All or nothing**: if any
    job fails, nothing is created and the 422 answer's `errors` name each problem by the
    job's index, e.g. `{"field": "jobs[3].pay_max", "detail": "..."}`.

    The body may also be a CSV file in the format of the agency's import page template
    (`Content-Type: text/csv`, at most 2 MB; `?publish=true` to publish): there the
    occupation is its NOC code, the community its name, and errors name the spreadsheet
    row, e.g. `rows[3].pay_max` (the header is row 1). Needs a token with the `jobs:write`
    permission."""
    token = token_for(WRITE_SCOPE)
    if request.mimetype == "text/csv":
        publish = request.args.get("publish", "").lower() in ("true", "1", "yes")
        report = imports.check_file(token.agency, request.get_data(), publish)
        row_name, batch_field = "rows[{number}]", None
    elif request.is_json:
        try:
            body = json.loads(request.get_data())
        except (ValueError, RecursionError):  # not JSON, not UTF-8, nested past all reason
            return problem(400, "The body is not valid JSON.")
        refusal = _envelope_problem(body)
        if refusal:
            return problem(422, INVALID, errors=[refusal])
        report = imports.check_jobs(token.agency, body["jobs"], body.get("publish", False))
        _shape_problems(report, body["jobs"])
        row_name, batch_field = "jobs[{number}]", "jobs"
    else:
        return problem(415, "Send the jobs as application/json (or text/csv).")
    if not report.ready:
        return problem(422, INVALID, errors=_errors(report, row_name, batch_field))
    created: list[dict] = []
    refused: list[str] = []

    def create() -> None:
        created.extend(_created(job) for job in imports.create(token.agency, report, token.user))

    if not run_action(create, errors=refused):
        return problem(422, refused[0], errors=[{"field": None, "detail": refused[0]}])
    return {"count": len(created), "jobs": created}, 201


def _envelope_problem(body) -> dict | None:
    if not isinstance(body, dict):
        return {"field": None, "detail": 'The body is a JSON object: {"jobs": [...]}.'}
    unknown = sorted(set(body) - {"jobs", "publish"})
    if unknown:
        return {"field": unknown[0], "detail": "Not a field of a batch: jobs, publish."}
    if not isinstance(body.get("jobs"), list):
        return {"field": "jobs", "detail": "A list of jobs (objects) is required."}
    if not isinstance(body.get("publish", False), bool):
        return {"field": "publish", "detail": "true or false."}
    return None


def _shape_problems(report: imports.Report, jobs: list) -> None:
    """A value of the wrong JSON type (an object for a title...) is named as such, in
    place of what the form made of it."""
    for row, values in zip(report.rows, jobs, strict=False):
        wrong = job_input.shape_errors(values) if isinstance(values, dict) else []
        if wrong:
            row.problems = [(error["field"], error["detail"]) for error in wrong]


def _errors(report: imports.Report, row_name: str, batch_field: str | None) -> list[dict]:
    """The report's problems, each named by its field: ``jobs[3].pay_max`` (or
    ``rows[4].pay_max``: a CSV file's spreadsheet row), ``publish``, or the batch's."""
    found = [
        {
            "field": "publish" if message == imports.NOT_APPROVED else batch_field,
            "detail": message,
        }
        for message in report.problems
    ]
    for row in report.rows:
        where = row_name.format(number=row.number)
        found.extend(
            {"field": f"{where}.{name}" if name else where, "detail": message}
            for name, message in row.problems
        )
    return found


def _created(job: Job) -> dict:
    return {
        "id": job.id,
        "title": job.title,
        "status": job.status,
        "reference": job.reference,
        "url": url_for("jobs.show", job_id=job.id, _external=True),
        "api_url": url_for("job_postings.job", job_id=job.id, _external=True),
    }
