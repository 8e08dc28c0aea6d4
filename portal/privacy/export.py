"""A person's export: everything the portal holds about them, in one ZIP (BC's PIPA gives
them the right to it).

- ``data.json``: every field, in UTF-8, times in ISO-8601 UTC (``2026-05-01T17:03:12Z``);
- ``summary.html``: the same in plain words, one self-contained page;
- ``resumes/``: their résumé files, those sent with applications included, under the names
  they were uploaded with (``cv.pdf``, ``cv (2).pdf``...).

Only the person's own data: a seeker's part is in ``export_seeker`` (the messages sent to
them, never the agency's private notes); staff get their memberships and API tokens (never
a token's hash), never their applicants. ``build_zip`` records the download in the audit
log and flushes; the caller commits.
"""

import io
import json
import zipfile
from datetime import UTC, datetime

from flask import render_template, url_for
from sqlalchemy import and_, or_, select

from portal import audit
from portal.extensions import db
from portal.models import ApiToken, AuditEvent, Resume, User
from portal.models.agencies import ALERT_MODES
from portal.privacy import export_seeker
from portal.privacy.export_seeker import all_of, at
from portal.seekers import resumes

# the account's own history: signing in and keeping the account safe
SIGN_IN_EVENTS = {
    "user.registered": "Account created",
    "user.login": "Signed in",
    "user.login_failed": "Sign-in failed",
    "user.password_changed": "Password changed",
    "user.password_reset": "Password reset by email link",
    "user.email_changed": "Email address changed",
    "user.role_changed": "Role changed",
    "two_step.enabled": "Two-step sign-in turned on",
    "two_step.disabled": "Two-step sign-in turned off",
    "two_step.reset": "Two-step sign-in reset",
    "two_step.recovery_code_used": "Recovery code used",
    "two_step.recovery_codes_renewed": "New recovery codes made",
    "privacy.exported": "Data export downloaded",
}
# sections every seeker's export has (empty or not); another account shows them only when
# it holds such data (say, from before it became staff)
SEEKER_SECTIONS = (
    "profile",
    "resumes",
    "consents",
    "applications",
    "list_memberships",
    "invitations",
    "saved_jobs",
    "alerts",
    "not_interested",
    "resume_views",
    "anonymous_profile_views",
)
STAFF_SECTIONS = ("memberships", "api_tokens")


# --- the account ---------------------------------------------------------------------


def account(user: User) -> dict:
    return {
        "name": user.name,
        "email": user.email,
        "role": user.role,
        "role_label": user.role_label,
        "created_at": at(user.created_at),
        "email_confirmed_at": at(user.email_confirmed_at),
        "last_login_at": at(user.last_login_at),
        "two_step_on": user.two_step_enabled,
    }


def sign_in_history(user: User) -> list[dict]:
    """Sign-ins, failures and changes to how the account is secured, oldest first. The
    address an event came from is given when the person did it (or nobody signed in did,
    as in a failed sign-in), never an administrator's."""
    events = all_of(
        select(AuditEvent)
        .where(
            AuditEvent.action.in_(SIGN_IN_EVENTS),
            or_(
                and_(AuditEvent.object_type == "User", AuditEvent.object_id == user.id),
                and_(AuditEvent.user_id == user.id, AuditEvent.object_type.is_(None)),
            ),
        )
        .order_by(AuditEvent.created_at, AuditEvent.id)
    )
    return [
        {
            "at": at(e.created_at),
            "event": e.action,
            "description": SIGN_IN_EVENTS[e.action],
            "ip": e.ip if e.user_id in (user.id, None) else None,
            "detail": e.detail if e.user_id in (user.id, None) else None,
        }
        for e in events
    ]


# --- agency staff --------------------------------------------------------------------


def memberships(user: User) -> list[dict]:
    return [
        {
            "agency": m.agency.name,
            "role": m.role,
            "since": at(m.created_at),
            "application_alerts": m.application_alerts,
            "application_alerts_label": ALERT_MODES[m.application_alerts],
        }
        for m in sorted(user.memberships, key=lambda m: (m.created_at, m.id))
    ]


def api_tokens(user: User) -> list[dict]:
    tokens = all_of(
        select(ApiToken)
        .where(ApiToken.user_id == user.id)
        .order_by(ApiToken.created_at, ApiToken.id)
    )
    return [
        {
            "name": t.name,
            "agency": t.agency.name,
            "prefix": t.prefix,
            "scopes": t.scope_list,
            "created_at": at(t.created_at),
            "expires_at": at(t.expires_at),
            "last_used_at": at(t.last_used_at),
            "last_used_ip": t.last_used_ip,
            "revoked_at": at(t.revoked_at),
        }
        for t in tokens
    ]


# --- the whole export ------------------------------------------------------------------


def collect(user: User) -> tuple[dict, dict[str, Resume]]:
    """The export's data (as ``data.json`` holds it) and its résumé files by name."""
    seeker, files = export_seeker.sections(user)
    sections = {**seeker, "memberships": memberships(user), "api_tokens": api_tokens(user)}
    shown = SEEKER_SECTIONS if user.role == "seeker" else STAFF_SECTIONS
    data = {
        "exported_at": at(datetime.now(UTC)),
        "account": account(user),
        **{name: value for name, value in sections.items() if name in shown or value},
        "sign_in_history": sign_in_history(user),
    }
    return data, files


def _read(resume: Resume) -> bytes | None:
    try:
        with open(resumes.path_of(resume), "rb") as stored:
            return stored.read()
    except FileNotFoundError:
        return None


def build_zip(user: User) -> bytes:
    """The ZIP of everything about ``user``; records "privacy.exported" (flushed)."""
    data, files = collect(user)
    contents = {name: _read(resume) for name, resume in files.items()}
    missing = sorted(name for name, content in contents.items() if content is None)
    for entry in data.get("resumes", []):
        entry["file_missing"] = entry["file"] in missing
    summary = render_template(
        "privacy/export_summary.html",
        data=data,
        parse=datetime.fromisoformat,
        portal_url=url_for("pages.home", _external=True),
    )
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("data.json", json.dumps(data, ensure_ascii=False, indent=2) + "\n")
        archive.writestr("summary.html", summary)
        for name, content in contents.items():
            if content is not None:
                archive.writestr(name, content)
    audit.record(
        "privacy.exported", user, user, detail=f"{len(contents) - len(missing)} résumé files"
    )
    db.session.flush()
    return out.getvalue()
