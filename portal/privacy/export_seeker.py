"""The job seeker's part of their export (``portal.privacy.export``): the profile, résumés,
consents, applications with their history (the messages sent to the seeker, never the
agency's private notes), lists, invitations, saved jobs, alerts, jobs not wanted, and who
viewed the résumé. Each section is a list of plain dicts, times as ``at`` writes them."""

import os
from collections.abc import Iterable
from datetime import UTC, date, datetime

from sqlalchemy import select

from portal.alerts.describe import describe
from portal.alerts.services import alerts_to
from portal.extensions import db
from portal.models import (
    Application,
    CandidateView,
    ConsentRecord,
    JobInvitation,
    ListMember,
    MatchDismissal,
    Resume,
    ResumeView,
    SavedJob,
    SeekerProfile,
    User,
)
from portal.models.alerts import FREQUENCIES, PAUSE_REASONS
from portal.models.seekers import VISIBILITIES
from portal.numbers import pay_range
from portal.schedules import WEEKDAYS


def at(value: datetime | date | None) -> str | None:
    """A time as ISO-8601 UTC (``...Z``), a date as ``YYYY-MM-DD``, None as None."""
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")
    return value.isoformat()


def all_of(statement) -> list:
    return list(db.session.scalars(statement))


# --- a seeker's profile and files ------------------------------------------------------


def resume_names(rows: Iterable[Resume]) -> dict[int, str]:
    """A unique name in the ZIP for each résumé: ``resumes/`` + the uploaded name, the
    second ``cv.pdf`` as ``cv (2).pdf``."""
    names: dict[int, str] = {}
    taken: set[str] = set()
    for resume in rows:
        stem, ext = os.path.splitext(resume.filename)
        name, n = resume.filename, 1
        while name.lower() in taken:
            n += 1
            name = f"{stem} ({n}){ext}"
        taken.add(name.lower())
        names[resume.id] = f"resumes/{name}"
    return names


def profile(found: SeekerProfile | None, files: dict[int, str]) -> dict | None:
    if found is None:
        return None
    pay = found.pay_expectation_cents
    return {
        "headline": found.headline,
        "summary": found.summary,
        "occupations": [{"noc_code": o.noc_code, "title": o.title} for o in found.occupations],
        "regions": [r.name for r in found.regions],
        "communities": [c.name for c in found.communities],
        "hours_wanted": found.hours_wanted,
        "hours_wanted_label": found.hours_wanted_label,
        "pay_expectation": None
        if pay is None
        else {"cents": pay, "unit": found.pay_unit, "text": pay_range(pay, pay, found.pay_unit)},
        "willing_to_travel": found.willing_to_travel,
        "languages": found.languages,
        "availability": [
            {"day": WEEKDAYS[day], "part": part} for day, part in found.availability or []
        ],
        "earliest_start": at(found.earliest_start),
        "visibility": found.visibility,
        "visibility_label": VISIBILITIES[found.visibility],
        "credentials": [
            {
                "name": c.name if c.outside_canada else c.label,
                "earned_outside_canada": c.outside_canada,
                "country": c.country or None,
                "recognition_in_bc": c.recognition,
                "recognition_label": c.recognition_label or None,
                "counts_as": c.credential.name if c.outside_canada and c.credential else None,
                "year": c.year,
            }
            for c in found.credentials
        ],
        "current_resume": files.get(found.resume_id) if found.resume_id else None,
        "updated_at": at(found.updated_at),
    }


def resume_list(rows: list[Resume], files: dict[int, str], current_id, sent) -> list[dict]:
    return [
        {
            "file": files[r.id],
            "uploaded_as": r.filename,
            "kind": r.kind,
            "size_bytes": r.size,
            "sha256": r.sha256,
            "uploaded_at": at(r.uploaded_at),
            "current": r.id == current_id,
            "sent_with_applications_for": sent.get(r.id, []),
        }
        for r in rows
    ]


def consents(user: User) -> list[dict]:
    rows = all_of(
        select(ConsentRecord)
        .where(ConsentRecord.user_id == user.id)
        .order_by(ConsentRecord.granted_at, ConsentRecord.id)
    )
    return [
        {
            "purpose": c.purpose,
            "version": c.version,
            "text": c.text,
            "given_at": at(c.granted_at),
            "withdrawn_at": at(c.withdrawn_at),
        }
        for c in rows
    ]


# --- what the seeker did, and what agencies did about them ------------------------------


def _by(event, user: User) -> str:
    if event.actor_id == user.id:
        return "you"
    return "the agency" if event.actor_id is not None else "automatically"


def applications(rows: list[Application], user: User, files: dict[int, str]) -> list[dict]:
    return [
        {
            "job": a.job.title,
            "agencies": [d.agency.name for d in a.decisions],
            "submitted_at": at(a.submitted_at),
            "withdrawn_at": at(a.withdrawn_at),
            "status": a.status,
            "status_label": a.status_label,
            "cover_note": a.cover_note,
            "resume_file": files.get(a.resume_id),
            "answers": [{"question": q.question_text, "answer": q.answer} for q in a.answers],
            "knocked_out": a.knocked_out,
            "decisions": [
                {
                    "agency": d.agency.name,
                    "status": d.status,
                    "status_label": d.status_label,
                    "updated_at": at(d.updated_at),
                }
                for d in a.decisions
            ],
            "history": [
                {
                    "at": at(e.created_at),
                    "agency": e.agency.name if e.agency else None,
                    "from": e.from_status,
                    "to": e.to_status,
                    "by": _by(e, user),
                    "message": e.message or None,
                }
                for e in a.events
            ],
        }
        for a in rows
    ]


def list_memberships(user: User) -> list[dict]:
    rows = all_of(
        select(ListMember)
        .where(ListMember.seeker_id == user.id)
        .order_by(ListMember.applied_at, ListMember.id)
    )
    return [
        {
            "list": m.list.name,
            "agencies": [a.name for a in m.list.running_agencies],
            "status": m.status,
            "status_label": m.status_label,
            "answers": [
                {"question": given.get("question"), "answer": given.get("answer")}
                for given in m.answers or []
            ],
            "consent_text": m.consent_text,
            "applied_at": at(m.applied_at),
            "decided_at": at(m.decided_at),
            "decided_by_agency": m.decided_agency.name if m.decided_agency else None,
            "reason": m.reason,
            "expires_at": at(m.expires_at),
        }
        for m in rows
    ]


def invitations(user: User) -> list[dict]:
    rows = all_of(
        select(JobInvitation)
        .where(JobInvitation.seeker_id == user.id)
        .order_by(JobInvitation.created_at, JobInvitation.id)
    )
    return [
        {
            "job": i.job.title,
            "agency": i.agency.name,
            "from": f"the list “{i.list.name}”" if i.list else "a suggested candidate search",
            "message": i.message,
            "status": i.status,
            "decline_reason": i.decline_reason or None,
            "sent_at": at(i.created_at),
            "responded_at": at(i.responded_at),
        }
        for i in rows
    ]


def saved_jobs(user: User) -> list[dict]:
    rows = all_of(select(SavedJob).where(SavedJob.user_id == user.id).order_by(SavedJob.saved_at))
    return [
        {"job": s.job.title, "agency": s.job.agency.name, "saved_at": at(s.saved_at)} for s in rows
    ]


def alerts(user: User) -> list[dict]:
    """The account's alerts, and those signed up for with its address while signed out."""
    rows = sorted(alerts_to(user.email), key=lambda a: (a.created_at, a.id))
    return [
        {
            "description": describe(a),
            "kind": a.kind,
            "query": a.query,
            "min_stars": a.min_stars,
            "email": a.email,
            "frequency": a.frequency,
            "frequency_label": FREQUENCIES[a.frequency],
            "created_at": at(a.created_at),
            "confirmed_at": at(a.confirmed_at),
            "confirmed": a.confirmed_at is not None,
            "paused": a.paused_reason is not None,
            "paused_reason": PAUSE_REASONS.get(a.paused_reason or ""),
            "last_run_at": at(a.last_run_at),
            "jobs_sent": a.jobs_sent,
        }
        for a in rows
    ]


def not_interested(user: User) -> list[dict]:
    rows = all_of(
        select(MatchDismissal)
        .where(MatchDismissal.user_id == user.id)
        .order_by(MatchDismissal.created_at, MatchDismissal.id)
    )
    return [
        {
            "job": d.job.title,
            "agency": d.job.agency.name,
            "reason": d.reason,
            "at": at(d.created_at),
        }
        for d in rows
    ]


def resume_views(user: User, files: dict[int, str]) -> list[dict]:
    """ "Who viewed my résumé": each time agency staff opened one."""
    rows = all_of(
        select(ResumeView)
        .where(ResumeView.seeker_id == user.id)
        .order_by(ResumeView.viewed_at, ResumeView.id)
    )
    return [
        {
            "at": at(v.viewed_at),
            "agency": v.agency.name if v.agency else None,
            "staff_member": v.viewer.name if v.viewer else None,
            "resume_file": files.get(v.resume_id),
        }
        for v in rows
    ]


def anonymous_profile_views(user: User) -> list[dict]:
    """Agencies that looked at the person's anonymous profile as a suggested candidate."""
    rows = all_of(
        select(CandidateView)
        .where(CandidateView.seeker_id == user.id)
        .order_by(CandidateView.viewed_at, CandidateView.id)
    )
    return [
        {
            "at": at(v.viewed_at),
            "agency": v.agency.name if v.agency else None,
            "job": v.job.title if v.job else None,
        }
        for v in rows
    ]


def sections(user: User) -> tuple[dict, dict[str, Resume]]:
    """The seeker's sections of the export, and their résumé files by name in the ZIP."""
    rows = all_of(
        select(Resume).where(Resume.user_id == user.id).order_by(Resume.uploaded_at, Resume.id)
    )
    files = resume_names(rows)
    found = db.session.scalar(select(SeekerProfile).where(SeekerProfile.user_id == user.id))
    applied = all_of(
        select(Application)
        .where(Application.seeker_id == user.id)
        .order_by(Application.submitted_at, Application.id)
    )
    sent: dict[int, list[str]] = {}
    for application in applied:
        sent.setdefault(application.resume_id, []).append(application.job.title)
    found_sections = {
        "profile": profile(found, files),
        "resumes": resume_list(rows, files, found.resume_id if found else None, sent),
        "consents": consents(user),
        "applications": applications(applied, user, files),
        "list_memberships": list_memberships(user),
        "invitations": invitations(user),
        "saved_jobs": saved_jobs(user),
        "alerts": alerts(user),
        "not_interested": not_interested(user),
        "resume_views": resume_views(user, files),
        "anonymous_profile_views": anonymous_profile_views(user),
    }
    return found_sections, {files[r.id]: r for r in rows}
