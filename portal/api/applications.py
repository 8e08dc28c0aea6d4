"""Applications to the agency's jobs, with an ``applications:read`` token: the list of a
job's applications as the applicants page shows them to the agency's staff (this agency's
status, the applicant's name and email, screening answers, cover note), and the résumé
each application was sent with, downloaded as the page downloads it (and recorded as a
view the applicant sees)."""

import marshmallow as ma
from flask import url_for

from portal.actions import commit
from portal.api import applicants, cursors
from portal.api.app import blueprint
from portal.api.auth import token_for
from portal.api.documented import STRING, TOKEN_REQUIRED, problems
from portal.api.job_schemas import PageArgsSchema
from portal.api.token_permissions import require_token_application, require_token_job
from portal.models import ApplicationDecision
from portal.models.applications import STATUSES
from portal.seekers import resumes

bp = blueprint(
    "job_applications",
    "Applications to the agency's jobs (an applications:read token): each job's applicants "
    "and the résumés they sent",
)

READ_SCOPE = "applications:read"
UNAUTHENTICATED = "No token, or one unknown, expired or revoked."
NO_SCOPE = "The token does not have the applications:read permission."
LINK = {"Link": {"description": '<next page>; rel="next", when there is one', **STRING}}


class ApplicantSchema(ma.Schema):
    name = ma.fields.String()
    email = ma.fields.String()


class AnswerSchema(ma.Schema):
    question = ma.fields.String(metadata={"description": "The question as it was asked"})
    answer = ma.fields.String(metadata={"description": "Empty: not answered"})
    knocked_out = ma.fields.Boolean(
        metadata={"description": "true: the answer fails a knock-out question"}
    )


class ApplicationSchema(ma.Schema):
    id = ma.fields.Integer()
    job_id = ma.fields.Integer()
    status = ma.fields.String(
        metadata={"enum": list(STATUSES), "description": "Your agency's decision on it"}
    )
    submitted_at = ma.fields.DateTime(metadata={"description": "UTC"})
    knocked_out = ma.fields.Boolean(
        metadata={"description": "true: a screening answer failed a knock-out question"}
    )
    applicant = ma.fields.Nested(ApplicantSchema)
    cover_note = ma.fields.String()
    answers = ma.fields.List(
        ma.fields.Nested(AnswerSchema), metadata={"description": "Screening questions"}
    )
    resume_filename = ma.fields.String(
        allow_none=True,
        metadata={
            "description": "The résumé file's name, as uploaded; null once the applicant's "
            "account is purged"
        },
    )
    resume_url = ma.fields.String(
        allow_none=True, metadata={"description": "The résumé sent with the application"}
    )


class ApplicationListSchema(ma.Schema):
    applications = ma.fields.List(ma.fields.Nested(ApplicationSchema))
    total = ma.fields.Integer(metadata={"description": "Applications, on every page"})
    next_cursor = ma.fields.String(allow_none=True, metadata={"description": "null: last page"})


def _application(decision: ApplicationDecision) -> dict:
    application = decision.application
    resume = application.resume
    if resume is not None and resume.file_removed:  # its account was purged
        resume = None
    return {
        "id": application.id,
        "job_id": application.job_id,
        "status": decision.status,
        "submitted_at": application.submitted_at,
        "knocked_out": application.knocked_out,
        "applicant": {"name": application.seeker.name, "email": application.seeker.email},
        "cover_note": application.cover_note or "",
        "answers": [
            {"question": a.question_text, "answer": a.answer or "", "knocked_out": a.knocked_out}
            for a in application.answers
        ],
        "resume_filename": resume.filename if resume else None,
        "resume_url": (
            url_for("job_applications.resume", application_id=application.id, _external=True)
            if resume
            else None
        ),
    }


@bp.route("/jobs/<int:job_id>/applications")
@bp.arguments(PageArgsSchema, location="query", as_kwargs=False)
@bp.response(200, ApplicationListSchema, headers=LINK)
@problems(
    bp,
    {
        400: "The cursor is not one of this list's.",
        401: UNAUTHENTICATED,
        403: NO_SCOPE,
        404: "The token's agency has no share in a job with this id.",
        422: "A query parameter is not valid (limit: 1 to 100).",
    },
)
@bp.doc(security=TOKEN_REQUIRED)
def job_applications(args, job_id: int):
    """A job's applications

    The applications to a job of the token's agency (or a pooled position it has a share
    in), newest first, each with your agency's status (in a pooled position each partner
    decides on its own share), the applicant's name and email, the screening answers, the
    cover note and the link to the résumé they sent. Cursor pagination: `limit` per page,
    the next page with `cursor` set to `next_cursor`. Needs a token with the
    `applications:read` permission."""
    token = token_for(READ_SCOPE)
    job = require_token_job(token, job_id, lead_only=False)
    scope = cursors.digest("applications", {"job": job.id, "agency": token.agency_id})
    after = cursors.decode(args.get("cursor"), scope)
    if after is not None:
        after = cursors.whole(after)
    decisions, more, total = applicants.decisions_on(job, token.agency_id, after, args["limit"])
    body = {
        "applications": [_application(d) for d in decisions],
        "total": total,
        "next_cursor": cursors.encode(decisions[-1].id, scope) if more else None,
    }
    commit()  # the token's last use
    headers = {"Cache-Control": "private, no-store", "Vary": "Authorization"}
    headers |= cursors.next_link(body["next_cursor"], limit=args["limit"])
    return body, 200, headers


RESUME_ANSWER = {
    "description": "The file, as an attachment (Content-Disposition: attachment)",
    "content": {
        mimetype: {"schema": {"type": "string", "format": "binary"}}
        for mimetype in resumes.MIMETYPES.values()
    },
    "headers": {"Content-Disposition": {"description": "attachment; filename=...", **STRING}},
}


@bp.route("/applications/<int:application_id>/resume")
@bp.doc(security=TOKEN_REQUIRED, responses={"200": RESUME_ANSWER})
@problems(
    bp,
    {
        401: UNAUTHENTICATED,
        403: NO_SCOPE,
        404: "The token's agency has no application with this id (or its file is gone).",
    },
)
def resume(application_id: int):
    """Download an application's résumé

    The résumé file exactly as it was sent with the application (PDF or Word), as an
    attachment. Each download is recorded: the applicant sees that your agency opened it,
    as when your staff open it on the applicants page. Needs a token with the
    `applications:read` permission."""
    token = token_for(READ_SCOPE)
    application, _ = require_token_application(token, application_id)
    resumes.record_view(application.resume, token.user, token.agency)
    commit()  # with the token's last use
    return resumes.send(application.resume)
