"""Application rules: screening questions, applying (once), withdrawing, the agency's
decisions with their event history, hiring (which fills the share and then the job),
notes, and the emails both sides receive. Services flush; the caller commits."""

from datetime import timedelta

from flask import url_for
from sqlalchemy import func, or_, select, update
from sqlalchemy.orm.attributes import set_committed_value

from portal import audit, mail, search
from portal.applications import signals
from portal.errors import PortalError
from portal.extensions import db
from portal.models import (
    AgencyMessage,
    Application,
    ApplicationAnswer,
    ApplicationDecision,
    ApplicationEvent,
    ApplicationNote,
    Job,
    JobShare,
    Membership,
    ScreeningQuestion,
    SeekerProfile,
    User,
)
from portal.models.applications import AGENCY_STATUSES, OPEN_STATUSES, STATUSES
from portal.models.types import utcnow
from portal.timeutil import today_pacific

MAX_QUESTIONS = 15
# the portal's wording of each email to applicants; an agency may replace it with its own
DEFAULT_MESSAGES = {
    "received": "Thank you for applying for {job} with {agency}. We have received your "
    "application and will review it carefully. We will contact you if we would "
    "like to meet you.",
    "interview": "Thank you for your interest in {job}. We would like to invite you to an "
    "interview. We will contact you shortly to arrange a time.",
    "offer": "We are pleased to let you know that {agency} would like to offer you the "
    "position of {job}. We will contact you with the details of the offer.",
    "hired": "Congratulations: {agency} has hired you as {job}. We will contact you about "
    "your start date and your first day. Welcome to the team.",
    "declined": "Thank you for your interest in {job}. After careful consideration we have "
    "decided not to go forward with your application. We encourage you to apply "
    "for other positions with {agency}.",
    "invitation": "Your profile on the portal matches our opening for {job} at {agency}. "
    "We would like to invite you to apply: you will find the job and how it compares with "
    "your profile on the portal.",
}
SEEKER_EMAILS = ("interview", "offer", "hired", "declined")


# --- screening questions --------------------------------------------------------------


def questions_of(job: Job) -> list[ScreeningQuestion]:
    return list(
        db.session.scalars(
            select(ScreeningQuestion)
            .where(ScreeningQuestion.job_id == job.id)
            .order_by(ScreeningQuestion.position, ScreeningQuestion.id)
        )
    )


def _check_question(data: dict) -> None:
    if data["knockout_answer"] and data["kind"] != "yes_no":
        raise PortalError("Only a yes / no question can be a knock-out question.")
    if data["knockout_answer"] and not data["required"]:
        raise PortalError("A knock-out question must be required.")


def add_question(job: Job, data: dict, by: User) -> ScreeningQuestion:
    questions = questions_of(job)
    if len(questions) >= MAX_QUESTIONS:
        raise PortalError(f"A job can have at most {MAX_QUESTIONS} screening questions.")
    _check_question(data)
    question = ScreeningQuestion(job_id=job.id, position=len(questions) + 1, **data)
    db.session.add(question)
    db.session.flush()
    audit.record("question.added", by, job)
    return question


def update_question(question: ScreeningQuestion, data: dict, by: User) -> None:
    _check_question(data)
    for key, value in data.items():
        setattr(question, key, value)
    audit.record("question.updated", by, question.job)


def move_question(question: ScreeningQuestion, offset: int) -> None:
    """Move a question up (-1) or down (+1) the list."""
    questions = questions_of(question.job)
    index = questions.index(question)
    target = index + offset
    if 0 <= target < len(questions):
        questions[index], questions[target] = questions[target], questions[index]
    for position, each in enumerate(questions, start=1):
        each.position = position


def delete_question(question: ScreeningQuestion, by: User) -> None:
    job = question.job
    db.session.delete(question)
    db.session.flush()
    for position, each in enumerate(questions_of(job), start=1):
        each.position = position
    audit.record("question.deleted", by, job)


# --- applying -------------------------------------------------------------------------


class AlreadyApplied(PortalError):
    def __init__(self, application: Application):
        super().__init__("You have already applied for this job.")
        self.application = application


def application_of(job: Job, seeker: User) -> Application | None:
    return db.session.scalar(
        select(Application).where(Application.job_id == job.id, Application.seeker_id == seeker.id)
    )


def job_open_for_applications(job: Job) -> bool:
    return (
        job.status == "published"
        and job.agency.status == "approved"
        and job.closes_on >= today_pacific()
    )


def profile_of(user_id: int) -> SeekerProfile | None:
    return db.session.scalar(select(SeekerProfile).where(SeekerProfile.user_id == user_id))


def why_cannot_apply(job: Job, seeker: User) -> str | None:
    """Why ``seeker`` cannot apply for ``job`` now, or None when they can."""
    try:
        check_can_apply(job, seeker)
    except PortalError as exc:
        return str(exc)
    return None


def check_can_apply(job: Job, seeker: User) -> None:
    """Raise a PortalError saying why ``seeker`` cannot apply for ``job`` now."""
    if not job_open_for_applications(job):
        raise PortalError("This job is no longer taking applications.")
    existing = application_of(job, seeker)
    if existing is not None:
        raise AlreadyApplied(existing)
    profile = profile_of(seeker.id)
    if profile is None or profile.resume_id is None:
        raise PortalError("Upload your résumé before applying: it is sent with your application.")


def apply(job: Job, seeker: User, cover_note: str, answers: dict[int, str]) -> Application:
    """Create the application with one decision per accepted share. Knock-out answers
    decline it at once. Raises PortalError (nothing is saved) when it cannot be made."""
    check_can_apply(job, seeker)
    profile = profile_of(seeker.id)
    application = Application(
        job=job, seeker=seeker, cover_note=cover_note.strip(), resume_id=profile.resume_id
    )
    for position, question in enumerate(questions_of(job), start=1):
        answer = (answers.get(question.id) or "").strip()
        if question.required and not answer:
            raise PortalError(f"Answer the question “{question.text}”.")
        if question.kind == "yes_no" and answer not in ("", "yes", "no"):
            raise PortalError(f"Answer “{question.text}” with yes or no.")
        knocked = question.is_knockout and answer != question.knockout_answer
        application.knocked_out = application.knocked_out or knocked
        application.answers.append(
            ApplicationAnswer(
                question_id=question.id,
                position=position,
                question_text=question.text,
                answer=answer[:1000],
                knocked_out=knocked,
            )
        )
    shares = job.accepted_shares
    for share in shares:
        application.decisions.append(
            ApplicationDecision(share=share, agency_id=share.agency_id, status="new")
        )
    db.session.add(application)
    db.session.flush()  # the unique (job, seeker) constraint stops a concurrent second one
    application.events.append(ApplicationEvent(actor=seeker, to_status="new"))
    signals.submitted.send(application)  # webhooks: application.created
    agency_ids = list(dict.fromkeys(s.agency_id for s in shares))
    _email_seeker_once(application, agency_ids, "received")
    for agency_id in agency_ids:
        _alert_agency_staff(application, agency_id)  # each agency's staff: their own email
    if application.knocked_out:
        for decision in application.decisions:
            set_status(
                decision,
                "declined",
                None,
                "Declined automatically: an answer did not meet a requirement.",
            )
        _email_seeker_once(application, agency_ids, "declined")
    audit.record("application.submitted", seeker, application)
    return application


def withdraw(application: Application, by: User) -> None:
    if application.status == "hired":
        raise PortalError("You were hired for this job; speak to the agency to withdraw.")
    open_decisions = [d for d in application.decisions if d.status in OPEN_STATUSES]
    if not open_decisions:
        raise PortalError("This application is no longer open.")
    for decision in open_decisions:
        set_status(decision, "withdrawn", by)
    application.withdrawn_at = utcnow()
    audit.record("application.withdrawn", by, application)


# --- the agency's decisions -----------------------------------------------------------


def set_status(
    decision: ApplicationDecision, status: str, by: User | None, message: str | None = None
) -> None:
    decision.application.events.append(
        ApplicationEvent(
            decision_id=decision.id,
            agency_id=decision.agency_id,
            actor=by,
            from_status=decision.status,
            to_status=status,
            message=message or None,
        )
    )
    decision.status = status
    decision.updated_at = utcnow()
    signals.status_changed.send(decision, status=status)  # webhooks


def change_status(decision: ApplicationDecision, status: str, by: User, message: str = "") -> None:
    """The agency moves an applicant along (or declines, or hires them into its share)."""
    if status not in AGENCY_STATUSES:
        raise PortalError("Choose a status from the list.")
    name = decision.application.seeker.name
    if decision.status == status:
        raise PortalError(f"{name} is already at “{STATUSES[status]}”.")
    if decision.status == "withdrawn":
        raise PortalError(f"{name} withdrew this application.")
    if decision.status == "hired":
        raise PortalError(f"{name} is already hired for this position.")
    if status == "hired":
        signals.hiring.send(decision)  # pools: the share's schedule
        _fill_share(decision)
    message = message.strip()
    set_status(decision, status, by, message)
    if status in SEEKER_EMAILS:
        _email_seeker(decision.application, decision.agency_id, status, message)
    audit.record(f"application.{status}", by, decision.application)


def _fill_share(decision: ApplicationDecision) -> None:
    """Take the share for this applicant. A conditional UPDATE makes two hires into the
    same open share race safely: exactly one gets the row."""
    claimed = db.session.execute(
        update(JobShare)
        .where(JobShare.id == decision.share_id, JobShare.filled_at.is_(None))
        .values(filled_at=utcnow())
        .execution_options(synchronize_session=False)
    ).rowcount
    if claimed != 1:
        raise PortalError("This position is already filled: someone was hired for it.")
    share = db.session.get(JobShare, decision.share_id)
    db.session.refresh(share)
    search.enqueue([share.job_id])  # the share leaves matching (and, once all are, search)
    signals.share_filled.send(share)  # pools: the job is filled once every share is


def bulk_change(
    decisions: list[ApplicationDecision], status: str, by: User, message: str = ""
) -> tuple[int, list[str]]:
    """Change many; returns how many changed and why the others were skipped."""
    changed, skipped = 0, []
    for decision in decisions:
        try:  # change_status checks everything before it writes anything
            change_status(decision, status, by, message)
        except PortalError as exc:
            skipped.append(str(exc))
        else:
            changed += 1
    return changed, skipped


def add_note(application: Application, agency_id: int, by: User, body: str) -> ApplicationNote:
    body = body.strip()
    if not body:
        raise PortalError("Write the note first.")
    note = ApplicationNote(application_id=application.id, agency_id=agency_id, author=by, body=body)
    db.session.add(note)
    return note


def notes_of(application: Application, agency_id: int) -> list[ApplicationNote]:
    return list(
        db.session.scalars(
            select(ApplicationNote)
            .where(
                ApplicationNote.application_id == application.id,
                ApplicationNote.agency_id == agency_id,
            )
            .order_by(ApplicationNote.created_at.desc(), ApplicationNote.id.desc())
        )
    )


def jobs_with_new_applicants(agency_id: int) -> int:
    """How many of the agency's jobs have applications it has not looked at ("new")."""
    return db.session.scalar(
        select(func.count(func.distinct(JobShare.job_id)))
        .join(ApplicationDecision, ApplicationDecision.share_id == JobShare.id)
        .where(ApplicationDecision.agency_id == agency_id, ApplicationDecision.status == "new")
    )


def counts_by_job(job_ids: list[int], agency_id: int) -> dict[int, dict[str, int]]:
    """{job id: {"total": n, "new": n}} of the agency's decisions on those jobs."""
    rows = db.session.execute(
        select(JobShare.job_id, ApplicationDecision.status, func.count())
        .join(ApplicationDecision, ApplicationDecision.share_id == JobShare.id)
        .where(JobShare.job_id.in_(job_ids), ApplicationDecision.agency_id == agency_id)
        .group_by(JobShare.job_id, ApplicationDecision.status)
    )
    counts: dict[int, dict[str, int]] = {}
    for job_id, status, n in rows:
        entry = counts.setdefault(job_id, {"total": 0, "new": 0})
        entry["total"] += n
        if status == "new":
            entry["new"] += n
    return counts


# --- emails ---------------------------------------------------------------------------


def message_text(agency_id: int, kind: str) -> str:
    return _own_wording(agency_id, kind) or DEFAULT_MESSAGES[kind]


def _own_wording(agency_id: int, kind: str) -> str | None:
    """The agency's own wording of an email, or None when it uses the portal's."""
    return db.session.scalar(
        select(AgencyMessage.body).where(
            AgencyMessage.agency_id == agency_id, AgencyMessage.kind == kind
        )
    )


def save_message(agency_id: int, kind: str, body: str) -> None:
    """The agency's own wording; an empty text goes back to the portal's default."""
    row = db.session.scalar(
        select(AgencyMessage).where(
            AgencyMessage.agency_id == agency_id, AgencyMessage.kind == kind
        )
    )
    body = body.strip()
    if not body or body == DEFAULT_MESSAGES[kind]:
        if row is not None:
            db.session.delete(row)
        return
    if row is None:
        row = AgencyMessage(agency_id=agency_id, kind=kind, body=body)
        db.session.add(row)
    row.body = body


def render_message(application: Application, agency_id: int, kind: str) -> str:
    from portal.models import Agency

    agency = db.session.get(Agency, agency_id)
    return _fill_in(message_text(agency_id, kind), application, agency.name)


def _fill_in(text: str, application: Application, agency_name: str) -> str:
    for key, value in (
        ("{name}", application.seeker.name),
        ("{job}", application.job.title),
        ("{agency}", agency_name),
    ):
        text = text.replace(key, value)
    return text


SUBJECTS = {
    "received": "Application received: {job}",
    "interview": "Interview: {job}",
    "offer": "Offer: {job}",
    "hired": "You are hired: {job}",
    "declined": "Your application for {job}",
}


def _email_seeker(application: Application, agency_id: int, kind: str, message: str = "") -> None:
    from portal.models import Agency

    agency = db.session.get(Agency, agency_id)
    mail.queue(
        application.seeker.email,
        SUBJECTS[kind].format(job=application.job.title),
        "application_update",
        application=application,
        agency=agency,
        body=render_message(application, agency_id, kind),
        message=message,
        link=url_for("applications.detail", application_id=application.id, _external=True),
    )


def _email_seeker_once(application: Application, agency_ids: list[int], kind: str) -> None:
    """One email to the applicant from every employer of the job: a pooled position's
    name them all (``_email_seeker_pooled``), another job's is its agency's."""
    if len(agency_ids) > 1:
        _email_seeker_pooled(application, kind)
    else:
        _email_seeker(application, agency_ids[0], kind)


# a pooled position's employers write to the applicant once, together: the portal's
# wording, then each employer's share and, if the agency has one, its own wording
POOLED_MESSAGES = {
    "received": "Thank you for applying for {job}. This is a pooled position: one job made "
    "of part-time shares with {count} employers, and your one application has reached each "
    "of them. Each employer reviews it for its own share and will contact you itself if it "
    "would like to meet you. You can be hired into every share or only some.",
    "declined": "Thank you for your interest in {job}. After careful consideration, the "
    "employers of this pooled position have decided not to go forward with your "
    "application. We encourage you to apply for other positions with them.",
}


def _email_seeker_pooled(application: Application, kind: str) -> None:
    """One email for every employer of a pooled position, listing each with its share."""
    job = application.job
    decisions = sorted(
        application.decisions, key=lambda d: (d.agency_id != job.agency_id, d.share_id)
    )
    employers = []
    for decision in decisions:
        custom = _own_wording(decision.agency_id, kind)
        agency = decision.share.agency
        employers.append(
            {
                "agency": agency,
                "share": decision.share,
                "lead": decision.agency_id == job.agency_id,
                "message": _fill_in(custom, application, agency.name) if custom else "",
            }
        )
    mail.queue(
        application.seeker.email,
        SUBJECTS[kind].format(job=job.title),
        "application_pooled",
        application=application,
        employers=employers,
        hours=sum(e["share"].hours_per_week for e in employers),
        body=POOLED_MESSAGES[kind].format(job=job.title, count=len(employers)),
        link=url_for("applications.detail", application_id=application.id, _external=True),
    )


def _alert_agency_staff(application: Application, agency_id: int) -> None:
    members = db.session.scalars(
        select(Membership).where(
            Membership.agency_id == agency_id, Membership.application_alerts == "immediate"
        )
    )
    for member in members:
        mail.queue(
            member.user.email,
            f"New application: {application.job.title}",
            "new_application",
            application=application,
            member=member,
            link=url_for("applications.review", application_id=application.id, _external=True),
        )


DIGEST_EVERY = timedelta(hours=24)


def _claim_digest(member: Membership, now) -> bool:
    """Take ``member``'s digest with a conditional UPDATE, in the caller's transaction: of
    two workers (two machines) that read the same ``digest_sent_at``, the second waits for
    the first to commit and then matches no row, so the digest is queued once."""
    claimed = db.session.execute(
        update(Membership)
        .where(
            Membership.id == member.id,
            or_(
                Membership.digest_sent_at.is_(None),
                Membership.digest_sent_at <= now - DIGEST_EVERY,
            ),
        )
        .values(digest_sent_at=now)
        .execution_options(synchronize_session=False)
    )
    return claimed.rowcount == 1


def send_digests() -> int:
    """One email per staff member on the daily digest, listing the applications their
    agency received since their last digest. Idempotent: a member gets at most one a day,
    even with workers on several machines (``_claim_digest``)."""
    now = utcnow()
    members = db.session.scalars(
        select(Membership).where(Membership.application_alerts == "daily")
    ).all()
    sent = 0
    for member in members:
        if member.digest_sent_at is not None and now - member.digest_sent_at < DIGEST_EVERY:
            continue
        since = member.digest_sent_at or now - DIGEST_EVERY
        if not _claim_digest(member, now):
            continue  # another worker has just sent it
        applications = (
            db.session.scalars(
                select(Application)
                .join(ApplicationDecision)
                .where(
                    ApplicationDecision.agency_id == member.agency_id,
                    Application.submitted_at > since,
                    Application.submitted_at <= now,
                )
                .order_by(Application.submitted_at)
            )
            .unique()
            .all()
        )
        set_committed_value(member, "digest_sent_at", now)  # as the claim wrote it
        if not applications:
            continue
        by_job: dict[Job, list[Application]] = {}
        for application in applications:
            by_job.setdefault(application.job, []).append(application)
        links = {
            job.id: url_for("applications.pipeline", job_id=job.id, _external=True)
            for job in by_job
        }
        mail.queue(
            member.user.email,
            f"{len(applications)} new application{'s' if len(applications) != 1 else ''}"
            f" for {member.agency.name}",
            "application_digest",
            member=member,
            by_job=by_job,
            links=links,
        )
        sent += 1
    return sent
