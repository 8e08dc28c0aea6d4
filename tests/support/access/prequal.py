"""The access test's world for the rows in ``prequal.txt`` (``portal/prequal``).

Ids: {plist} a list run by the target agency; {list_member} another seeker's qualified
membership of it; {job_invitation} that seeker's invitation to {job}.
"""

from tests.support.factories import new_user

# ids used by the rows' url templates, for the route-coverage check
DUMMY_IDS: dict = {"plist": 1, "list_member": 1, "job_invitation": 1}


def build(db, core) -> dict:
    plist, member, invitation = _prequal(db, new_user, core.agency, core.job)
    return {"plist": plist.id, "list_member": member.id, "job_invitation": invitation.id}


def _prequal(db, make_user, agency, job):
    """A list run by the target agency, another seeker's qualified membership of it, and
    that seeker's invitation to the published job."""
    from datetime import timedelta

    from portal.models import JobInvitation, ListMember, PrequalList
    from portal.models.types import utcnow
    from portal.timeutil import today_pacific

    today = today_pacific()
    plist = PrequalList(
        agency_id=agency.id,
        name="New graduates 2027",
        description="",
        intake_opens_on=today,
        intake_closes_on=today + timedelta(days=30),
        membership_months=12,
        visibility="partners",
        questions=[],
    )
    lister = make_user(role="seeker", name="Lee Lister")
    db.session.add(plist)
    db.session.flush()
    member = ListMember(
        list_id=plist.id,
        seeker_id=lister.id,
        status="qualified",
        answers=[],
        consent_text="consent",
        expires_at=utcnow() + timedelta(days=365),
    )
    invitation = JobInvitation(
        job_id=job.id, seeker_id=lister.id, agency_id=agency.id, list_id=plist.id
    )
    db.session.add_all([member, invitation])
    db.session.commit()
    return plist, member, invitation
