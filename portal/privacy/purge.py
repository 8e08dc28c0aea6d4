"""The purge of deleted accounts' personal data, and the retention periods
(``flask privacy purge``; also the worker's "privacy" task).

a. An account deleted more than ``PRIVACY_PURGE_AFTER_DAYS`` ago: its résumé files are
   deleted from the disk (the rows an application was sent with stay, with no file name,
   stored name or hash); its applications are anonymised (cover note blanked, answers, the
   agencies' private notes and the messages of its status changes deleted; statuses,
   times and decisions kept); everything else of it is deleted (profile, consents, saved
   jobs, alerts, tokens, codes, invitations, list memberships, views, matches...); its
   name and addresses (former ones included) are removed from every other table (failed
   sign-ins, emails to it or naming it, audit details, staff invitations, bounces, email
   changes, webhook bodies, stored API answers, notes and messages); the user row becomes
   an anonymous stand-in ("Deleted account", ``deleted-<id>@invalid.example``, no usable
   password, ``purged_at``), kept for the anonymised applications.
b. A stand-in purged more than ``HIRING_RECORDS_KEEP_DAYS`` ago goes, with its
   applications (decisions, events) and the résumé rows they kept.
c. Résumé files: a file no ``Resume`` row names is deleted, and so is a résumé nothing
   uses any more (not a profile's current one, not sent with an application): its row
   goes too, or keeps only what the "who viewed my résumé" log needs. Both only after
   ``UPLOAD_GRACE`` (real time), so an upload in progress is safe.
d. Retention: audit events older than ``AUDIT_LOG_KEEP_DAYS``, sent (or given-up) emails
   older than ``SENT_MAIL_KEEP_DAYS``, webhook deliveries (with their attempts) older
   than ``WEBHOOK_DELIVERIES_KEEP_DAYS`` are deleted.

Each run does a bounded amount of work (the rest waits for the next run), is idempotent,
and is safe on two machines at once: an account is claimed with a conditional UPDATE in
the transaction that purges it, so one run purges it and the other skips it. The purge
commits once per account, then deletes that account's files (a file left by a crash in
between is an orphan that step c deletes).
"""

import secrets
from dataclasses import dataclass, fields
from datetime import datetime

from sqlalchemy import delete, func, or_, select, update

from portal import audit
from portal.extensions import db
from portal.mail import MAX_ATTEMPTS
from portal.models import (
    AgencyInvitation,
    ApiToken,
    Application,
    ApplicationAnswer,
    ApplicationEvent,
    ApplicationNote,
    AuditEvent,
    CandidateView,
    ConsentRecord,
    IdempotencyKey,
    JobInvitation,
    ListMember,
    LoginFailure,
    MailBounce,
    MatchDismissal,
    MatchRejection,
    Membership,
    OutboxMessage,
    RecoveryCode,
    Resume,
    ResumeView,
    SavedJob,
    SavedSearch,
    SeekerProfile,
    TwoStepFailure,
    User,
    UserToken,
    WebhookAttempt,
    WebhookDelivery,
)
from portal.models.seekers import REMOVED_PREFIX
from portal.models.types import utcnow
from portal.privacy import retention
from portal.privacy.retention import days
from portal.privacy.scrub import STAND_IN_NAME, Needles, scrub_column, stand_in_email
from portal.queries import contains

ACCOUNTS_PER_RUN = 50
# rows of the person's own, deleted at the purge (column: the person's id)
OWN_ROWS = (
    SeekerProfile.user_id,  # its credentials, occupations, regions, matches go with it
    ConsentRecord.user_id,
    SavedJob.user_id,
    SavedSearch.user_id,
    ApiToken.user_id,  # their stored API answers go with them
    RecoveryCode.user_id,
    TwoStepFailure.user_id,
    UserToken.user_id,
    JobInvitation.seeker_id,
    ListMember.seeker_id,
    MatchDismissal.user_id,
    MatchRejection.seeker_id,
    CandidateView.seeker_id,
    ResumeView.seeker_id,
    Membership.user_id,
)
# free text others wrote or the portal stored, which may name the person
OTHERS_TEXT = (
    AuditEvent.detail,
    ApplicationNote.body,
    ApplicationEvent.message,
    JobInvitation.message,
    ListMember.reason,
    WebhookDelivery.body,
    WebhookAttempt.response_excerpt,
    IdempotencyKey.response_body,
)
# the agency's page of an application, in the emails its staff get about it
APPLICATION_PATH = "/agency/applications/"


@dataclass
class Summary:
    accounts_purged: int = 0
    stand_ins_removed: int = 0
    applications_removed: int = 0
    resume_files_deleted: int = 0
    resumes_retired: int = 0
    audit_events_deleted: int = 0
    emails_deleted: int = 0
    webhook_deliveries_deleted: int = 0
    dry_run: bool = False

    LABELS = {
        "accounts_purged": "deleted account(s) purged",
        "stand_ins_removed": "purged account(s) removed",
        "applications_removed": "anonymised application(s) removed",
        "resume_files_deleted": "résumé file(s) deleted",
        "resumes_retired": "unused résumé(s) removed",
        "audit_events_deleted": "old audit event(s) deleted",
        "emails_deleted": "old sent email(s) deleted",
        "webhook_deliveries_deleted": "old webhook deliveries deleted",
    }

    def __str__(self) -> str:
        parts = [
            f"{getattr(self, f.name)} {self.LABELS[f.name]}"
            for f in fields(self)
            if f.name != "dry_run"
        ]
        return ("dry run, would do: " if self.dry_run else "") + ", ".join(parts)


def purge(
    now: datetime | None = None, *, dry_run: bool = False, limit: int = ACCOUNTS_PER_RUN
) -> Summary:
    """Do one bounded run of a, b, c and d (see the module); ``now`` moves time for the
    periods (the upload grace of step c is always real time). Commits as it goes;
    ``dry_run`` counts what would be done and changes nothing."""
    now = now or utcnow()
    summary = Summary(dry_run=dry_run)
    db.session.commit()  # nothing of the caller's is pending; each step starts afresh
    _purge_accounts(now - days("PRIVACY_PURGE_AFTER_DAYS"), now, limit, summary)
    _remove_stand_ins(now - days("HIRING_RECORDS_KEEP_DAYS"), limit, summary)
    summary.resumes_retired, files = retention.retire_resumes(dry_run)
    summary.resume_files_deleted += files + retention.delete_orphan_files(dry_run)
    expired = retention.expire_old_rows(now, dry_run)
    summary.audit_events_deleted = expired["audit_events"]
    summary.emails_deleted = expired["emails"]
    summary.webhook_deliveries_deleted = expired["webhook_deliveries"]
    return summary


# --- a. deleted accounts ------------------------------------------------------------------


def _purge_accounts(cutoff: datetime, now: datetime, limit: int, summary: Summary) -> None:
    due = User.deleted_at.is_not(None) & (User.deleted_at < cutoff) & User.purged_at.is_(None)
    ids = db.session.scalars(select(User.id).where(due).order_by(User.id).limit(limit)).all()
    db.session.commit()  # end the read: each claim starts its own write
    for user_id in ids:
        if dry_run_count(summary, "accounts_purged"):
            continue
        claimed = db.session.execute(
            update(User).where(User.id == user_id, due).values(purged_at=now)
        ).rowcount
        if claimed != 1:  # another run took it
            db.session.rollback()
            continue
        files = purge_account(db.session.get(User, user_id, populate_existing=True), now)
        db.session.commit()
        summary.accounts_purged += 1
        summary.resume_files_deleted += retention.unlink(files)


def dry_run_count(summary: Summary, field: str) -> bool:
    """In a dry run, count one more ``field`` and say so (the caller then does nothing)."""
    if summary.dry_run:
        setattr(summary, field, getattr(summary, field) + 1)
    return summary.dry_run


def _former_emails(user: User) -> set[str]:
    """The account's addresses before email changes ("old -> new" in the audit log)."""
    found = set()
    for detail in db.session.scalars(
        select(AuditEvent.detail).where(
            AuditEvent.action == "user.email_changed",
            AuditEvent.object_type == "User",
            AuditEvent.object_id == user.id,
        )
    ):
        for part in (detail or "").split(" -> "):
            if "@" in part:
                found.add(part.strip().lower())
    return found


def purge_account(user: User, now: datetime) -> list[str]:
    """Purge one deleted account (step a; ``purged_at`` already set by the claim); flushes.
    Returns the stored names of the files to delete once committed."""
    emails = {user.email.lower(), *_former_emails(user)}
    needles = Needles(emails, user.name, user.id)
    files = _resumes(user.id)
    _anonymise_applications(user.id)
    for column in OWN_ROWS:
        db.session.execute(delete(column.class_).where(column == user.id))
    _remove_addresses(user.id, emails, now)
    _scrub_mail(user.id, needles)
    for column in OTHERS_TEXT:
        scrub_column(column.class_, column, needles)
    db.session.execute(update(AuditEvent).where(AuditEvent.user_id == user.id).values(ip=None))

    db.session.expire_all()  # rows changed above by statements, not through the session
    user = db.session.get(User, user.id)
    user.name = STAND_IN_NAME
    user.email = stand_in_email(user.id)
    user.password_hash = f"!purged:{secrets.token_hex(16)}"  # never a valid argon2 hash
    user.totp_secret = user.totp_enabled_at = user.totp_last_timestep = None
    user.last_login_at = None
    user.active = False
    user.purged_at = now
    audit.record("user.purged", None, user)
    db.session.flush()
    return files


def _resumes(user_id: int) -> list[str]:
    """Delete the person's résumé rows, keeping (without name, stored name or hash) those
    an application was sent with; the stored names of their files."""
    rows = db.session.execute(
        select(Resume.id, Resume.stored_name).where(Resume.user_id == user_id)
    ).all()
    ids = [row.id for row in rows]
    kept = set(
        db.session.scalars(select(Application.resume_id).where(Application.resume_id.in_(ids)))
    )
    db.session.execute(delete(Resume).where(Resume.user_id == user_id, Resume.id.not_in(kept)))
    for resume_id in kept:
        db.session.execute(
            update(Resume)
            .where(Resume.id == resume_id)
            .values(filename="", stored_name=f"{REMOVED_PREFIX}{resume_id}", sha256="", size=0)
        )
    return [row.stored_name for row in rows if not row.stored_name.startswith(REMOVED_PREFIX)]


def _anonymise_applications(user_id: int) -> None:
    mine = select(Application.id).where(Application.seeker_id == user_id)
    db.session.execute(
        update(Application).where(Application.seeker_id == user_id).values(cover_note="")
    )
    db.session.execute(delete(ApplicationAnswer).where(ApplicationAnswer.application_id.in_(mine)))
    db.session.execute(delete(ApplicationNote).where(ApplicationNote.application_id.in_(mine)))
    db.session.execute(
        update(ApplicationEvent)
        .where(ApplicationEvent.application_id.in_(mine))
        .values(message=None)
    )


def _remove_addresses(user_id: int, emails: set[str], now: datetime) -> None:
    """Rows that hold the person's address without their id."""
    db.session.execute(delete(SavedSearch).where(func.lower(SavedSearch.email).in_(emails)))
    db.session.execute(delete(UserToken).where(func.lower(UserToken.new_email).in_(emails)))
    db.session.execute(delete(LoginFailure).where(func.lower(LoginFailure.email).in_(emails)))
    db.session.execute(delete(MailBounce).where(func.lower(MailBounce.email).in_(emails)))
    to_them = func.lower(AgencyInvitation.email).in_(emails)
    db.session.execute(
        update(AgencyInvitation)
        .where(
            to_them, AgencyInvitation.accepted_at.is_(None), AgencyInvitation.revoked_at.is_(None)
        )
        .values(revoked_at=now)
    )
    db.session.execute(
        update(AgencyInvitation).where(to_them).values(email=stand_in_email(user_id))
    )


def _scrub_mail(user_id: int, needles: Needles) -> None:
    """Emails to the person go; emails naming them, or about their applications, go when
    sent, and have the name and address replaced while still waiting."""
    db.session.execute(
        delete(OutboxMessage).where(func.lower(OutboxMessage.recipient).in_(needles.emails))
    )
    links = [
        f"{APPLICATION_PATH}{i}"
        for i in db.session.scalars(select(Application.id).where(Application.seeker_id == user_id))
    ]
    columns = (OutboxMessage.subject, OutboxMessage.body_text, OutboxMessage.body_html)
    link_tests = [contains(c, link) for c in columns[1:] for link in links]
    candidates = db.session.scalars(
        select(OutboxMessage).where(or_(needles.where(*columns), *link_tests))
    )
    for message in candidates:
        texts = [message.subject, message.body_text, message.body_html]
        about = any(needles.found(t) for t in texts) or any(_links_to(t, links) for t in texts[1:])
        if not about:
            continue
        if message.sent_at is not None or message.attempts >= MAX_ATTEMPTS:
            db.session.delete(message)
        else:
            message.subject = needles.scrub(message.subject)
            message.body_text = needles.scrub(message.body_text)
            message.body_html = needles.scrub(message.body_html)
    db.session.flush()


def _links_to(text: str | None, links: list[str]) -> bool:
    """``text`` links to one of ``links`` (``/agency/applications/12``, not ``.../123``)."""
    if not text:
        return False
    for link in links:
        start = text.find(link)
        while start != -1:
            end = start + len(link)
            if end == len(text) or not (text[end].isascii() and text[end].isdigit()):
                return True
            start = text.find(link, end)
    return False


# --- b. hiring records kept long enough ---------------------------------------------------


def _remove_stand_ins(cutoff: datetime, limit: int, summary: Summary) -> None:
    due = User.purged_at.is_not(None) & (User.purged_at < cutoff)
    ids = db.session.scalars(select(User.id).where(due).order_by(User.id).limit(limit)).all()
    db.session.commit()
    for user_id in ids:
        if dry_run_count(summary, "stand_ins_removed"):
            summary.applications_removed += db.session.scalar(
                select(func.count(Application.id)).where(Application.seeker_id == user_id)
            )
            continue
        # lock the row (PostgreSQL: a second run waits here, then finds it gone)
        claimed = db.session.execute(
            update(User).where(User.id == user_id, due).values(active=False)
        ).rowcount
        if claimed != 1:
            db.session.rollback()
            continue
        files = [
            name
            for name in db.session.scalars(
                select(Resume.stored_name).where(Resume.user_id == user_id)
            )
            if not name.startswith(REMOVED_PREFIX)
        ]
        removed = db.session.execute(
            delete(Application).where(Application.seeker_id == user_id)
        ).rowcount
        db.session.execute(delete(Resume).where(Resume.user_id == user_id))
        db.session.execute(delete(User).where(User.id == user_id))
        db.session.commit()
        summary.stand_ins_removed += 1
        summary.applications_removed += removed
        summary.resume_files_deleted += retention.unlink(files)
    db.session.expire_all()
