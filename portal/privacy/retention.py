"""Steps c and d of the purge (``portal.privacy.purge``): résumé files nothing needs any
more, and the rows kept only for a while (audit events, sent emails, webhook deliveries).
Each function does a bounded amount of work, commits, and returns what it did (or, with
``dry_run``, what it would do, changing nothing)."""

import os
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import delete, exists, not_, or_, select, update

from portal.extensions import db
from portal.mail import MAX_ATTEMPTS
from portal.models import (
    Application,
    AuditEvent,
    OutboxMessage,
    Resume,
    ResumeView,
    SeekerProfile,
    WebhookAttempt,
    WebhookDelivery,
)
from portal.models.seekers import REMOVED_PREFIX
from portal.models.types import utcnow
from portal.seekers import resumes

ROWS_PER_RUN = 5000  # of each kind
FILES_PER_RUN = 5000
UPLOAD_GRACE = timedelta(hours=1)  # real time: an upload in progress is never touched


def days(setting: str) -> timedelta:
    return timedelta(days=current_app.config[setting])


# --- c. résumé files ----------------------------------------------------------------------


def retire_resumes(dry_run: bool = False) -> tuple[int, int]:
    """Résumés nothing uses (replaced or removed from the profile, never sent with an
    application): the file goes, and the row too unless a view of it is logged (then it
    keeps its name for the seeker's log, no stored name). Returns (résumés, files)."""
    used = or_(
        exists().where(SeekerProfile.resume_id == Resume.id),
        exists().where(Application.resume_id == Resume.id),
    )
    rows = db.session.execute(
        select(Resume.id, Resume.stored_name)
        .where(
            not_(Resume.stored_name.startswith(REMOVED_PREFIX)),
            Resume.uploaded_at < utcnow() - UPLOAD_GRACE,
            not_(used),
        )
        .order_by(Resume.id)
        .limit(ROWS_PER_RUN)
    ).all()
    if dry_run or not rows:
        db.session.commit()
        return len(rows), len(rows)
    for row in rows:  # "not used" again: what was read may have changed since
        viewed = exists().where(ResumeView.resume_id == row.id)
        db.session.execute(delete(Resume).where(Resume.id == row.id, not_(viewed), not_(used)))
        db.session.execute(
            update(Resume)
            .where(Resume.id == row.id, not_(used))
            .values(stored_name=f"{REMOVED_PREFIX}{row.id}", sha256="", size=0)
        )
    db.session.commit()
    gone = set(
        db.session.scalars(
            select(Resume.stored_name).where(
                Resume.stored_name.in_([row.stored_name for row in rows])
            )
        )
    )  # a row that became used again keeps its file
    db.session.commit()
    return len(rows) - len(gone), unlink([r.stored_name for r in rows if r.stored_name not in gone])


def delete_orphan_files(dry_run: bool = False) -> int:
    """Delete files in the résumé folder that no row names (and unfinished uploads),
    older than the upload grace; how many."""
    folder = resumes.folder()
    if not os.path.isdir(folder):
        return 0
    oldest = (utcnow() - UPLOAD_GRACE).timestamp()
    with os.scandir(folder) as entries:
        old = [e.name for e in entries if e.is_file() and e.stat().st_mtime < oldest]
    orphans: list[str] = []
    for start in range(0, len(old), 500):
        chunk = old[start : start + 500]
        known = set(
            db.session.scalars(select(Resume.stored_name).where(Resume.stored_name.in_(chunk)))
        )
        orphans += [name for name in chunk if name not in known]
        if len(orphans) >= FILES_PER_RUN:
            break
    db.session.commit()
    orphans = orphans[:FILES_PER_RUN]
    return len(orphans) if dry_run else unlink(orphans)


def unlink(stored_names: list[str]) -> int:
    """Delete these files of the résumé folder; how many were there."""
    folder = resumes.folder()
    deleted = 0
    for name in stored_names:
        if not name or os.sep in name or name in (".", "..") or name.startswith(REMOVED_PREFIX):
            continue
        try:
            os.unlink(os.path.join(folder, name))
        except FileNotFoundError:  # another run was first, or it was never written
            continue
        deleted += 1
    return deleted


# --- d. retention -------------------------------------------------------------------------


def expire_old_rows(now: datetime, dry_run: bool = False) -> dict[str, int]:
    """Delete audit events, sent (or given-up) emails and webhook deliveries (with their
    attempts) older than their periods; how many of each."""
    mail_cutoff = now - days("SENT_MAIL_KEEP_DAYS")
    old_mail = (OutboxMessage.sent_at < mail_cutoff) | (
        OutboxMessage.sent_at.is_(None)
        & (OutboxMessage.attempts >= MAX_ATTEMPTS)  # gave up
        & (OutboxMessage.created_at < mail_cutoff)
    )
    kinds = {
        "audit_events": (AuditEvent, AuditEvent.created_at < now - days("AUDIT_LOG_KEEP_DAYS")),
        "emails": (OutboxMessage, old_mail),
        "webhook_deliveries": (
            WebhookDelivery,
            WebhookDelivery.created_at < now - days("WEBHOOK_DELIVERIES_KEEP_DAYS"),
        ),
    }
    done = {}
    for kind, (model, condition) in kinds.items():
        ids = db.session.scalars(
            select(model.id).where(condition).order_by(model.id).limit(ROWS_PER_RUN)
        ).all()
        done[kind] = len(ids)
        if ids and not dry_run:
            if model is WebhookDelivery:  # its attempts first (also ON DELETE CASCADE)
                db.session.execute(
                    delete(WebhookAttempt).where(WebhookAttempt.delivery_id.in_(ids))
                )
            done[kind] = db.session.execute(delete(model).where(model.id.in_(ids))).rowcount
        db.session.commit()
    return done
