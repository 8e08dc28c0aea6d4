"""Pre-qualified lists: creating and running them (alone or with partners), seekers
joining, screening once for every partner, membership that pauses, ends and expires, the
search of qualified members, and invitations to jobs. Services flush; the caller commits."""

from datetime import date, timedelta

from flask import url_for
from sqlalchemy import select, update
from sqlalchemy.orm.attributes import set_committed_value

from portal import audit, mail
from portal.errors import PortalError
from portal.extensions import db
from portal.models import (
    Agency,
    Credential,
    Job,
    JobInvitation,
    ListMember,
    Occupation,
    PrequalList,
    Region,
    SeekerCredential,
    SeekerProfile,
    User,
)
from portal.models.types import utcnow
from portal.queries import contains
from portal.seekers.services import is_open
from portal.timeutil import today_pacific

CONSENT_TEXT = (
    "I agree that staff of the agencies running this list may see my profile and my current "
    "résumé to screen my application, and that staff of the agencies this list allows may "
    "see them while I am a qualified member, and may invite me to apply for their jobs. I can "
    "pause or leave the list at any time; my profile is then hidden from them at once."
)
REMIND_BEFORE = timedelta(days=30)
DAYS_PER_MONTH = 30.44
VISIBLE = ("qualified",)  # paused, left, expired members disappear from agency searches
REJOIN = ("left", "expired")  # may apply again while the intake is open
# a list's own fields, as its form edits them (beside its questions and reference data)
LIST_FIELDS = (
    "name",
    "description",
    "intake_opens_on",
    "intake_closes_on",
    "membership_months",
    "visibility",
)


# --- lists ----------------------------------------------------------------------------


def _apply(plist: PrequalList, data: dict) -> None:
    if data["intake_opens_on"] > data["intake_closes_on"]:
        raise PortalError("The intake cannot close before it opens.")
    for key in (*LIST_FIELDS, "questions"):
        setattr(plist, key, data[key])
    plist.occupations = list(
        db.session.scalars(select(Occupation).where(Occupation.id.in_(data["occupation_ids"])))
    )
    plist.regions = list(
        db.session.scalars(select(Region).where(Region.id.in_(data["region_ids"])))
    )
    plist.credentials = list(
        db.session.scalars(select(Credential).where(Credential.id.in_(data["credential_ids"])))
    )


def create_list(agency: Agency, data: dict, by: User) -> PrequalList:
    if agency.status != "approved":
        raise PortalError("Your agency can run a list once an administrator approves it.")
    plist = PrequalList(agency=agency, created_by_id=by.id)
    db.session.add(plist)
    with db.session.no_autoflush:
        _apply(plist, data)
    db.session.flush()
    audit.record("list.created", by, plist)
    return plist


def update_list(plist: PrequalList, data: dict, by: User) -> None:
    with db.session.no_autoflush:
        _apply(plist, data)
    audit.record("list.updated", by, plist)


def add_partner(plist: PrequalList, partner: Agency, by: User) -> None:
    if partner.status != "approved":
        raise PortalError(f"{partner.name} is not an approved agency.")
    if plist.is_running_agency(partner.id):
        raise PortalError(f"{partner.name} already runs this list.")
    plist.partners.append(partner)
    audit.record("list.partner_added", by, plist, detail=f"agency {partner.id}")


def remove_partner(plist: PrequalList, partner: Agency, by: User) -> None:
    if partner in plist.partners:
        plist.partners.remove(partner)
        audit.record("list.partner_removed", by, plist, detail=f"agency {partner.id}")


def partner_candidates(plist: PrequalList, q: str) -> list[Agency]:
    """Approved agencies whose name contains ``q`` and that do not run the list yet."""
    found = db.session.scalars(
        select(Agency)
        .where(Agency.status == "approved", contains(Agency.name, q))
        .order_by(Agency.name)
        .limit(20)
    )
    return [a for a in found if not plist.is_running_agency(a.id)]


def lists_of_agency(agency_id: int) -> list[PrequalList]:
    lead = select(PrequalList).where(PrequalList.agency_id == agency_id)
    partnered = select(PrequalList).where(PrequalList.partners.any(Agency.id == agency_id))
    found = {p.id: p for p in db.session.scalars(lead)}
    found.update({p.id: p for p in db.session.scalars(partnered)})
    return sorted(found.values(), key=lambda p: p.intake_closes_on, reverse=True)


def open_lists(
    occupation_id: int | None = None, region_id: int | None = None, agency_id: int | None = None
) -> list[PrequalList]:
    """Lists taking members today, optionally matching an occupation, region or agency.
    A list naming no occupation (or no region) is for every occupation (or region)."""
    today = today_pacific()
    query = (
        select(PrequalList)
        .join(Agency, PrequalList.agency_id == Agency.id)
        .where(
            PrequalList.intake_opens_on <= today,
            PrequalList.intake_closes_on >= today,
            Agency.status == "approved",
        )
    )
    if occupation_id:
        query = query.where(
            ~PrequalList.occupations.any()
            | PrequalList.occupations.any(Occupation.id == occupation_id)
        )
    if region_id:
        query = query.where(
            ~PrequalList.regions.any() | PrequalList.regions.any(Region.id == region_id)
        )
    if agency_id:
        query = query.where(
            (PrequalList.agency_id == agency_id) | PrequalList.partners.any(Agency.id == agency_id)
        )
    return list(db.session.scalars(query.order_by(PrequalList.intake_closes_on)))


# --- seekers --------------------------------------------------------------------------


def membership_of(plist: PrequalList, seeker: User) -> ListMember | None:
    return db.session.scalar(
        select(ListMember).where(ListMember.list_id == plist.id, ListMember.seeker_id == seeker.id)
    )


def join(plist: PrequalList, seeker: User, answers: dict[int, str], consent: bool) -> ListMember:
    if not plist.intake_open(today_pacific()) or plist.agency.status != "approved":
        raise PortalError("This list is not taking applications now.")
    member = membership_of(plist, seeker)
    if member is not None and member.status not in REJOIN:
        raise PortalError("You have already applied to join this list.")
    if not consent:
        raise PortalError(
            "Tick the consent statement: the list's agencies need to see your "
            "profile and résumé to screen you."
        )
    profile = db.session.scalar(select(SeekerProfile).where(SeekerProfile.user_id == seeker.id))
    if profile is None or profile.resume_id is None:
        raise PortalError("Upload your résumé before joining a list: the agencies screen it.")
    given = []
    for index, question in enumerate(plist.questions or []):
        answer = (answers.get(index) or "").strip()
        if question.get("required") and not answer:
            raise PortalError(f"Answer the question “{question['text']}”.")
        given.append({"question": question["text"], "answer": answer[:1000]})
    if member is None:
        member = ListMember(list_id=plist.id, seeker_id=seeker.id)
        db.session.add(member)
    # a member who left or whose membership expired applies again in the same record
    member.status, member.answers, member.consent_text = "applied", given, CONSENT_TEXT
    member.applied_at = utcnow()
    member.decided_at = member.decided_by_id = member.decided_agency_id = None
    member.reason = member.expires_at = member.reminder_sent_at = None
    db.session.flush()
    audit.record("list.applied", seeker, plist)
    return member


def set_own_status(member: ListMember, action: str, by: User) -> None:
    """The member pauses, resumes or leaves."""
    allowed = {
        "pause": ("qualified",),
        "resume": ("paused",),
        "leave": ("applied", "qualified", "paused"),
    }
    if member.status not in allowed[action]:
        raise PortalError(
            f"You cannot {action} a membership that is {member.status_label.lower()}."
        )
    if action == "resume" and member.expires_at is not None and member.expires_at <= utcnow():
        raise PortalError("This membership has expired; apply again when the list is open.")
    member.status = {"pause": "paused", "resume": "qualified", "leave": "left"}[action]
    audit.record(f"list.member_{action}", by, member.list)


# --- screening ------------------------------------------------------------------------


def decline_reason_needed(name: str) -> str:
    return f"Give a reason for declining {name}: they will see it."


def decide(member: ListMember, qualify: bool, reason: str, agency: Agency, by: User) -> None:
    """Qualify or decline; a decline needs a reason (the applicant sees it), a qualification
    may carry one."""
    if member.status not in ("applied", "qualified", "declined"):
        raise PortalError(f"This membership is {member.status_label.lower()}.")
    reason = reason.strip()
    if not qualify and not reason:
        raise PortalError(decline_reason_needed(member.seeker.name))
    member.status = "qualified" if qualify else "declined"
    member.reason = reason or None
    member.decided_at = utcnow()
    member.decided_by_id = by.id
    member.decided_agency_id = agency.id
    member.reminder_sent_at = None
    plist = member.list
    member.expires_at = (
        utcnow() + timedelta(days=round(plist.membership_months * DAYS_PER_MONTH))
        if qualify
        else None
    )
    mail.queue(
        member.seeker.email,
        f"{'You are qualified' if qualify else 'Your application'}: {plist.name}",
        "list_decision",
        member=member,
        plist=plist,
        agency=agency,
        link=url_for("prequal.my_lists", _external=True),
    )
    audit.record(
        "list.qualified" if qualify else "list.declined", by, plist, detail=f"member {member.id}"
    )


# --- agencies' view of members --------------------------------------------------------


def visible_lists(agency: Agency) -> list[PrequalList]:
    """The lists whose qualified members ``agency`` may see."""
    if agency.status != "approved":
        return []
    return list(
        db.session.scalars(
            select(PrequalList).where(
                (PrequalList.visibility == "approved")
                | (PrequalList.agency_id == agency.id)
                | PrequalList.partners.any(Agency.id == agency.id)
            )
        )
    )


def can_see_member(agency: Agency, seeker_id: int) -> bool:
    """A qualified member (consent given when joining) of a list the agency may see, or an
    applicant waiting for screening on a list the agency runs (to screen them)."""
    ids = [p.id for p in visible_lists(agency)]
    if not ids:
        return False
    if (
        db.session.scalar(
            select(ListMember.id).where(
                ListMember.seeker_id == seeker_id,
                ListMember.list_id.in_(ids),
                ListMember.status.in_(VISIBLE),
                ListMember.expires_at > utcnow(),
            )
        )
        is not None
    ):
        return True
    running = select(PrequalList.id).where(
        (PrequalList.agency_id == agency.id) | PrequalList.partners.any(Agency.id == agency.id)
    )
    return (
        db.session.scalar(
            select(ListMember.id).where(
                ListMember.seeker_id == seeker_id,
                ListMember.status == "applied",
                ListMember.list_id.in_(running),
            )
        )
        is not None
    )


def can_invite(agency: Agency, member: ListMember) -> bool:
    """This membership is qualified, unexpired, and on a list the agency may see."""
    return (
        member.status in VISIBLE
        and member.expires_at is not None
        and member.expires_at > utcnow()
        and any(p.id == member.list_id for p in visible_lists(agency))
    )


def search_members(
    agency: Agency,
    list_id: int | None = None,
    region_id: int | None = None,
    occupation_id: int | None = None,
    credential_id: int | None = None,
    weekday: int | None = None,
    part: str | None = None,
) -> list[ListMember]:
    ids = [p.id for p in visible_lists(agency)]
    if list_id is not None:
        ids = [i for i in ids if i == list_id]
    if not ids:
        return []
    query = (
        select(ListMember)
        .join(SeekerProfile, SeekerProfile.user_id == ListMember.seeker_id)
        .where(
            ListMember.list_id.in_(ids),
            ListMember.status.in_(VISIBLE),
            ListMember.expires_at > utcnow(),
        )
    )
    if region_id:
        query = query.where(SeekerProfile.regions.any(Region.id == region_id))
    if occupation_id:
        query = query.where(SeekerProfile.occupations.any(Occupation.id == occupation_id))
    if credential_id:
        query = query.where(
            SeekerProfile.credentials.any(SeekerCredential.credential_id == credential_id)
        )
    members = list(db.session.scalars(query.order_by(ListMember.decided_at.desc())))
    if weekday is not None or part:  # availability is JSON: filtered here
        members = [
            m
            for m in members
            if any(
                (weekday is None or day == weekday) and (not part or when == part)
                for day, when in profile_of(m).availability or []
            )
        ]
    return members


def profile_of(member: ListMember) -> SeekerProfile:
    return db.session.scalar(select(SeekerProfile).where(SeekerProfile.user_id == member.seeker_id))


def invite_to_job(
    job: Job, member: ListMember, agency: Agency, message: str, by: User
) -> JobInvitation:
    if not any(s.agency_id == agency.id and s.status == "accepted" for s in job.shares):
        raise PortalError("Choose one of your agency's jobs.")
    if job.status != "published":
        raise PortalError("Invite people to published jobs only.")
    if not can_invite(agency, member):
        raise PortalError("This person is no longer an active member of a list you can see.")
    existing = db.session.scalar(
        select(JobInvitation).where(
            JobInvitation.job_id == job.id, JobInvitation.seeker_id == member.seeker_id
        )
    )
    if existing is not None:
        raise PortalError(f"{member.seeker.name} is already invited to this job.")
    invitation = JobInvitation(
        job_id=job.id,
        seeker_id=member.seeker_id,
        agency_id=agency.id,
        list_id=member.list_id,
        invited_by_id=by.id,
        message=message.strip(),
    )
    db.session.add(invitation)
    db.session.flush()
    mail.queue(
        member.seeker.email,
        f"{agency.name} invites you to apply: {job.title}",
        "job_invitation",
        invitation=invitation,
        job=job,
        agency=agency,
        link=url_for("prequal.invitations", _external=True),
    )
    audit.record("job.invited", by, job, detail=f"seeker {member.seeker_id}")
    return invitation


DECLINE_REASON_MAX = 500


def respond_invitation(invitation: JobInvitation, accept: bool, reason: str = "") -> None:
    """Accept or decline; a decline may say why (the inviting agency sees it)."""
    if invitation.status != "sent":
        raise PortalError("You have already answered this invitation.")
    if accept and not is_open(invitation.job):
        raise PortalError(
            f"“{invitation.job.title}” is no longer open for applications: "
            "you can decline the invitation."
        )
    reason = "" if accept else reason.strip()
    if len(reason) > DECLINE_REASON_MAX:
        raise PortalError(
            f"Keep the reason to {DECLINE_REASON_MAX} characters (it has {len(reason)})."
        )
    invitation.status = "accepted" if accept else "declined"
    invitation.decline_reason = reason
    invitation.responded_at = utcnow()


# --- expiry ---------------------------------------------------------------------------


def expire_and_remind(now=None) -> tuple[int, int]:
    """Expire memberships past their end; remind members 30 days before. Idempotent."""
    now = now or utcnow()
    expired = db.session.scalars(
        select(ListMember).where(
            ListMember.status.in_(("qualified", "paused")), ListMember.expires_at <= now
        )
    ).all()
    for member in expired:
        member.status = "expired"
    due = db.session.scalars(
        select(ListMember).where(
            ListMember.status.in_(("qualified", "paused")),
            ListMember.expires_at > now,
            ListMember.expires_at <= now + REMIND_BEFORE,
            ListMember.reminder_sent_at.is_(None),
        )
    ).all()
    reminded = 0
    for member in due:
        # claimed with a conditional UPDATE: a worker on another machine that read the same
        # member waits for this transaction, then matches no row (one reminder, not two)
        claimed = db.session.execute(
            update(ListMember)
            .where(ListMember.id == member.id, ListMember.reminder_sent_at.is_(None))
            .values(reminder_sent_at=now)
            .execution_options(synchronize_session=False)
        )
        if claimed.rowcount != 1:
            continue
        set_committed_value(member, "reminder_sent_at", now)
        reminded += 1
        mail.queue(
            member.seeker.email,
            f"Your membership of {member.list.name} ends soon",
            "list_reminder",
            member=member,
            plist=member.list,
            link=url_for("prequal.my_lists", _external=True),
        )
    return len(expired), reminded


def days_left(member: ListMember, today: date | None = None) -> int | None:
    if member.expires_at is None:
        return None
    return (member.expires_at.date() - (today or utcnow().date())).days
