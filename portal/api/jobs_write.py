"""Writing jobs with a ``jobs:write`` token: ``POST /api/v1/jobs`` (a draft, with an
``Idempotency-Key``), ``PATCH /api/v1/jobs/<id>`` (``If-Match`` required), and publish,
close, fill. The token's agency acts and its maker is who did it (the audit trail says
so); the rules are the job form's (``jobs.intake``) and the job services'."""

from flask import Response, current_app, json, request, url_for
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from portal.actions import commit, run_action
from portal.api import idempotency, job_input
from portal.api.app import blueprint
from portal.api.auth import token_for
from portal.api.documented import STRING, TOKEN_REQUIRED, problems
from portal.api.job_schemas import JobDetailSchema, detail
from portal.api.token_permissions import require_token_job
from portal.errors import PortalError, problem
from portal.extensions import db
from portal.jobs import intake, services
from portal.models import ApiToken, Job

bp = blueprint(
    "job_changes",
    "Writing jobs (a jobs:write token): create drafts, update them, publish, close and fill",
)

WRITE_SCOPE = "jobs:write"
ETAG = {"ETag": {"description": 'The job\'s version, "v<version>": send it in If-Match', **STRING}}
CREATED = {
    **ETAG,
    "Location": {"description": "The new job in this API", **STRING},
    "Idempotent-Replayed": {
        "description": "true: the stored answer to an earlier request with this key",
        **STRING,
    },
}
KEY_PARAMETER = {
    "name": idempotency.HEADER,
    "in": "header",
    "required": False,
    "schema": {"type": "string", "maxLength": idempotency.MAX_LENGTH},
    "description": "Any text of yours (e.g. a UUID), at most 200 characters: a retry with "
    "the same key and body gets the first answer instead of a second job (24 hours)",
}


def _if_match(required: bool) -> dict:
    return {
        "name": "If-Match",
        "in": "header",
        "required": required,
        "schema": {"type": "string"},
        "description": 'The ETag of the job as you last read it, e.g. "v3"',
    }


UNAUTHENTICATED = "No token, or one unknown, expired or revoked."
NO_SCOPE = "The token does not have the jobs:write permission."
NO_JOB = "The token's agency leads no job with this id."
STALE = "The job changed since you read it (the ETag of If-Match is not its current one)."


def _token() -> ApiToken:
    """The request's token with ``jobs:write``; its use is saved at once, so it is
    recorded whatever the answer."""
    token = token_for(WRITE_SCOPE)
    commit()
    return token


@bp.route("/jobs", methods=["POST"])
@bp.doc(
    security=TOKEN_REQUIRED,
    parameters=[KEY_PARAMETER],
    requestBody={
        "required": True,
        "content": {"application/json": {"schema": job_input.JobInputSchema}},
    },
)
@bp.response(201, JobDetailSchema, headers=CREATED)
@problems(
    bp,
    {
        400: "The body is not JSON, or the Idempotency-Key is empty, too long or not text.",
        401: UNAUTHENTICATED,
        403: NO_SCOPE,
        409: "Another request with this Idempotency-Key is under way: send it again shortly.",
        413: "The request is larger than the portal accepts (6 MB).",
        415: "The body is not application/json.",
        422: job_input.INVALID + " Or the Idempotency-Key was used with another body.",
    },
)
def create_job():
    """Create a draft job

    The fields of the agency's job form (occupation, community and credentials by the ids
    of `/api/v1/occupations` and the like), judged by its rules: each problem is listed in
    the 422 answer's `errors` by field. The job is a draft of the token's agency: publish
    it with `POST /api/v1/jobs/{job_id}/publish`. Send an `Idempotency-Key` to retry
    safely: the same key with the same body (for 24 hours) answers as the first time, with
    `Idempotent-Replayed: true`, and creates nothing more; with another body it is 422. A
    refused request keeps nothing, its key included."""
    token = _token()
    key = request.headers.get(idempotency.HEADER)
    if key is not None and not _good_key(key):
        return problem(
            400,
            "The Idempotency-Key is 1 to 200 printable characters.",
            errors=[{"field": idempotency.HEADER, "detail": "1 to 200 printable characters."}],
        )
    body, refusal = job_input.read_body()
    if refusal is not None:
        return refusal
    digest = idempotency.body_digest(body)
    if key is not None:
        found = idempotency.stored(token, key)
        if found is not None:
            return _replay(found, digest)
    checked = intake.check(body)
    if checked.data is None:
        return problem(422, job_input.INVALID, errors=job_input.errors_of(checked))
    answers: list[Response] = []

    def create() -> None:
        row = idempotency.claim(token, key, digest) if key is not None else None
        job = services.create_draft(token.agency, checked.data, token.user)
        answer = _job_answer(job, 201)
        if row is not None:
            idempotency.keep(row, 201, answer.get_data(as_text=True), answer.location)
        answers.append(answer)

    refused: list[str] = []
    try:
        created = run_action(create, errors=refused)
    except IntegrityError:  # another request holds the key (see portal.api.idempotency)
        db.session.rollback()
        if key is None:
            raise
        found = idempotency.stored(token, key)
        if found is None or found.status_code == idempotency.PENDING:
            return problem(409, "A request with this Idempotency-Key is in progress.")
        return _replay(found, digest)
    if not created:
        return problem(422, refused[0], errors=[{"field": None, "detail": refused[0]}])
    return answers[0]


def _good_key(key: str) -> bool:
    return 0 < len(key) <= idempotency.MAX_LENGTH and key.isprintable() and bool(key.strip())


def _replay(found, digest: str) -> Response:
    if found.request_hash != digest:
        return problem(
            422,
            "This Idempotency-Key was used with another body: send a new key for a new job.",
            errors=[{"field": idempotency.HEADER, "detail": "Used before with another body."}],
        )
    answer = Response(found.response_body, found.status_code, mimetype="application/json")
    version = json.loads(found.response_body).get("version")
    answer.headers["ETag"] = f'"v{version}"'
    if found.location:
        answer.headers["Location"] = found.location
    answer.headers["Idempotent-Replayed"] = "true"
    return answer


def _job_answer(job: Job, status: int) -> Response:
    """The job in full, as ``GET /api/v1/jobs/<id>`` gives it, with its ETag."""
    body = JobDetailSchema().dump(detail(job))
    answer = current_app.response_class(json.dumps(body), status, mimetype="application/json")
    answer.headers["ETag"] = f'"v{job.version_id}"'
    answer.headers["Cache-Control"] = "no-store"
    if status == 201:
        answer.headers["Location"] = url_for("job_postings.job", job_id=job.id, _external=True)
    return answer


def _stale(job: Job) -> Response:
    return problem(412, STALE, headers={"ETag": f'"v{job.version_id}"'})


def _version_matches(job: Job) -> bool:
    """If-Match names the job's current version (strong comparison; ``*`` is not a
    version: the API wants the ETag you read)."""
    tags = request.if_match
    return not tags.star_tag and tags.contains(f"v{job.version_id}")


@bp.route("/jobs/<int:job_id>", methods=["PATCH"])
@bp.doc(
    security=TOKEN_REQUIRED,
    parameters=[_if_match(True)],
    requestBody={
        "required": True,
        "content": {"application/json": {"schema": job_input.JobChangesSchema}},
    },
)
@bp.response(200, JobDetailSchema, headers=ETAG)
@problems(
    bp,
    {
        400: "The body is not JSON.",
        401: UNAUTHENTICATED,
        403: NO_SCOPE,
        404: NO_JOB,
        412: STALE + " Read it again and merge.",
        413: "The request is larger than the portal accepts (6 MB).",
        415: "The body is not application/json.",
        422: job_input.INVALID,
        428: "If-Match is missing: send the ETag of the job as you read it.",
    },
)
def update_job(job_id: int):
    """Update a job

    Only the fields sent change: they are laid over the job's saved values and the whole
    is judged by the job form's rules (as the edit page saves it; a single-agency job keeps
    its weekly schedule). `If-Match` is required and must be the job's current `ETag`
    (`"v<version>"`, from `GET /api/v1/jobs/{job_id}` or the last write): if someone saved
    the job since, the answer is 412 and nothing changes. The answer carries the new
    ETag."""
    token = _token()
    job = require_token_job(token, job_id)
    if request.headers.get("If-Match") is None:
        return problem(428, "Send If-Match with the job's ETag (GET it first).")
    if not _version_matches(job):
        return _stale(job)
    body, refusal = job_input.read_body()
    if refusal is not None:
        return refusal
    checked = intake.check({**job_input.current_values(job), **body})
    if checked.data is None:
        return problem(422, job_input.INVALID, errors=job_input.errors_of(checked))
    data = checked.data
    if not data["schedule_blocks"]:
        data["schedule_blocks"] = job_input.weekly_blocks(job)
    stale: list[str] = []
    refused: list[str] = []
    try:
        saved = run_action(
            lambda: services.update_job(job, data, job.version_id, token.user),
            errors={services.StaleEdit: stale, PortalError: refused},
        )
    except StaleDataError:  # another save reached the database between reading and saving
        db.session.rollback()
        saved, stale = False, [STALE]
    if stale:
        return _stale(db.session.get(Job, job_id))
    if not saved:
        return problem(422, refused[0], errors=[{"field": None, "detail": refused[0]}])
    return _job_answer(job, 200)


LIFECYCLE_PROBLEMS = {
    401: UNAUTHENTICATED,
    403: NO_SCOPE,
    404: NO_JOB,
    409: "The job's rules refuse it: the detail says why.",
    412: STALE,
}


def _lifecycle(job_id: int, do) -> Response:
    """``do(job, by)`` (a job service) on the token's agency's job; a refusal is 409."""
    token = _token()
    job = require_token_job(token, job_id)
    if request.headers.get("If-Match") is not None and not _version_matches(job):
        return _stale(job)
    refused: list[str] = []
    try:
        done = run_action(lambda: do(job, token.user), errors=refused)
    except StaleDataError:
        db.session.rollback()
        return _stale(db.session.get(Job, job_id))
    if not done:
        return problem(409, refused[0])
    return _job_answer(job, 200)


@bp.route("/jobs/<int:job_id>/publish", methods=["POST"])
@bp.doc(security=TOKEN_REQUIRED, parameters=[_if_match(False)])
@bp.response(200, JobDetailSchema, headers=ETAG)
@problems(bp, LIFECYCLE_PROBLEMS)
def publish_job(job_id: int):
    """Publish a job

    A draft (or a closed or expired job) goes into search. Refused (409) for an agency an
    administrator has not approved yet, a closing date in the past, a pooled position
    whose partners have not all accepted, or a job an administrator took down. `If-Match`
    is optional: with it, a job changed since is 412."""
    return _lifecycle(job_id, services.publish)


@bp.route("/jobs/<int:job_id>/close", methods=["POST"])
@bp.doc(security=TOKEN_REQUIRED, parameters=[_if_match(False)])
@bp.response(200, JobDetailSchema, headers=ETAG)
@problems(bp, LIFECYCLE_PROBLEMS)
def close_job(job_id: int):
    """Close a job

    A published job leaves search; it can be published again. Refused (409) for a job that
    is not published. `If-Match` is optional: with it, a job changed since is 412."""
    return _lifecycle(job_id, services.close)


@bp.route("/jobs/<int:job_id>/fill", methods=["POST"])
@bp.doc(security=TOKEN_REQUIRED, parameters=[_if_match(False)])
@bp.response(200, JobDetailSchema, headers=ETAG)
@problems(bp, LIFECYCLE_PROBLEMS)
def fill_job(job_id: int):
    """Mark a job filled

    A published job leaves search as filled. Refused (409) for a job that is not
    published. `If-Match` is optional: with it, a job changed since is 412."""
    return _lifecycle(job_id, services.mark_filled)
