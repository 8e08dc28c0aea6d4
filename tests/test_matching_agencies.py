"""Suggested candidates for an agency's published job: visible profiles and qualified
members of lists the agency may see, ranked by the match score, anonymous until the seeker
accepts an invitation or applies; each look counted and shown to the seeker; "Invite to
apply" in the agency's own wording with a daily limit; "Not a fit" for one job only; the
numbers on the agency's job pages. Everything through HTTP, checked in the database and
on the page."""

import re
from types import SimpleNamespace

import pytest
from sqlalchemy import func, select

from portal.models import (
    AuditEvent,
    CandidateView,
    Credential,
    JobInvitation,
    MatchRejection,
    OutboxMessage,
    Region,
)
from tests.support import flashed, text
from tests.support.matching_agencies import (
    add_list,
    listed,
    profile_form,
    profile_id,
    qualify,
    save_profile,
)
from tests.support.reference import code_id

WORDING = "Dear candidate, {agency} would love to see you apply for {job}. Call us anytime."


def count(db, model, *where) -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


@pytest.fixture
def world(db, make_agency, make_job, make_recruiter, make_user, signed_in):
    """An agency (owner and recruiter signed in) with a published job needing a first aid
    certificate, and a helper that makes seekers with profiles (``seeker(name, ...)``)."""
    agency = make_agency(name="Island Community Living")
    job = make_job(
        agency,
        title="Residential Support Worker",
        required_credentials=[code_id(db, Credential, "first-aid-cpr-c")],
    )
    owner = signed_in(agency.owner)
    recruiter = signed_in(make_recruiter(agency))

    def seeker(name, visible=True, **profile):
        user = make_user(role="seeker", name=name, email=f"{name.split()[0].lower()}@example.org")
        client = signed_in(user)
        save_profile(client, profile_form(db, job, **profile), visible=visible)
        client.user = user
        client.profile_id = profile_id(db, user)
        return client

    return SimpleNamespace(agency=agency, job=job, owner=owner, recruiter=recruiter, seeker=seeker)


def test_ranking_and_anonymity(db, world):
    qualified = world.seeker("Quinn Qualified", credentials=("first-aid-cpr-c",))
    other = world.seeker("Una Unqualified")
    found = listed(world.owner, world.job)
    ids = [pid for pid, _ in found]
    assert ids[:2] == [qualified.profile_id, other.profile_id]
    page = text(world.owner.get(f"/agency/jobs/{world.job.id}/candidates"))
    detail = text(world.recruiter.get(f"/agency/jobs/{world.job.id}/candidates/{other.profile_id}"))
    for shown in (page, detail):
        for secret in ("Quinn", "Qualified", "Una", "Unqualified", "quinn@", "una@"):
            assert secret not in shown
    assert f"Candidate {other.profile_id}" in detail
    assert "Required credentials" in detail  # the chart
    assert "Community support worker" in detail  # the headline


def test_view_is_counted_and_shown_to_the_seeker(db, world):
    seeker = world.seeker("Vic Viewed")
    url = f"/agency/jobs/{world.job.id}/candidates/{seeker.profile_id}"
    assert world.recruiter.get(url).status_code == 200
    assert count(db, CandidateView, CandidateView.seeker_id == seeker.user.id) == 1
    assert count(db, AuditEvent, AuditEvent.action == "candidate.viewed") == 1
    log = re.sub(r"<[^>]+>", "", text(seeker.get("/profile/resume")))
    assert (
        "Island Community Living looked at your anonymous profile for Residential Support Worker"
        in log
    )
    # a profile that is not a suggestion is not there, and nothing is recorded
    private = world.seeker("Pat Private", visible=False)
    url = f"/agency/jobs/{world.job.id}/candidates/{private.profile_id}"
    assert world.recruiter.get(url).status_code == 404
    assert count(db, CandidateView, CandidateView.seeker_id == private.user.id) == 0


def test_invite_in_the_agencies_wording_then_accepted_shows_the_name(db, world):
    response = world.owner.post_form(
        "/agency/messages",
        {k: "" for k in ("received", "interview", "offer", "declined")} | {"invitation": WORDING},
    )
    assert response.status_code == 302
    seeker = world.seeker("Ida Invited", credentials=("first-aid-cpr-c",))
    base = f"/agency/jobs/{world.job.id}/candidates/{seeker.profile_id}"
    detail = text(world.recruiter.get(base))
    expected = WORDING.format(agency="Island Community Living", job="Residential Support Worker")
    assert expected in detail  # the message box is prefilled
    typed = expected + " Ask for Sam."
    page = flashed(world.recruiter, world.recruiter.post_form(f"{base}/invite", {"message": typed}))
    assert f"Candidate {seeker.profile_id} is invited to apply" in page
    invitation = db.session.scalar(select(JobInvitation))
    assert (invitation.seeker_id, invitation.list_id, invitation.message) == (
        seeker.user.id,
        None,
        typed,
    )
    mail = db.session.scalar(select(OutboxMessage).order_by(OutboxMessage.id.desc()))
    assert mail.recipient == "ida@example.org"
    assert "Ask for Sam." in mail.body_text and "Ask for Sam." in mail.body_html
    assert "Hello Ida Invited" in mail.body_text
    # invited twice: refused
    page = flashed(world.recruiter, world.recruiter.post_form(f"{base}/invite", {"message": "x"}))
    assert "already invited" in page
    assert count(db, JobInvitation) == 1
    # still anonymous until accepted
    assert "Ida" not in text(world.owner.get(f"/agency/jobs/{world.job.id}/candidates"))
    response = seeker.post_form(f"/job-invitations/{invitation.id}/accept")
    assert response.status_code == 302
    page = text(world.owner.get(f"/agency/jobs/{world.job.id}/candidates"))
    assert "Ida Invited" in page
    assert f'href="/agency/people/{seeker.user.id}"' in page
    assert "Ida Invited" in text(world.owner.get(base))


def test_empty_message_keeps_the_form(db, world):
    seeker = world.seeker("Eve Empty")
    base = f"/agency/jobs/{world.job.id}/candidates/{seeker.profile_id}"
    response = world.owner.post_form(f"{base}/invite", {"message": "  "})
    assert response.status_code == 400
    assert "Write a message to the candidate." in text(response)
    assert count(db, JobInvitation) == 0


def test_daily_limit(app, db, world):
    app.config["MATCH_INVITES_PER_DAY"] = 2
    seekers = [world.seeker(f"Lim{n} Seeker") for n in range(3)]
    pages = [
        flashed(
            world.owner,
            world.owner.post_form(
                f"/agency/jobs/{world.job.id}/candidates/{s.profile_id}/invite",
                {"message": "Please apply."},
            ),
        )
        for s in seekers
    ]
    assert "is invited to apply" in pages[1]
    assert "Your agency has sent 2 invitations today; the limit resets" in pages[2]
    assert count(db, JobInvitation) == 2
    assert count(db, OutboxMessage, OutboxMessage.recipient == "lim2@example.org") == 0


def test_not_a_fit_for_that_job_only(db, world, make_job):
    seeker = world.seeker("Nat Notfit")
    second = make_job(world.agency, title="Youth Worker")
    base = f"/agency/jobs/{world.job.id}/candidates/{seeker.profile_id}"
    page = flashed(world.owner, world.owner.post_form(f"{base}/not-a-fit"))
    assert "will not be suggested again" in page
    assert count(db, MatchRejection, MatchRejection.seeker_id == seeker.user.id) == 1
    assert seeker.profile_id not in [pid for pid, _ in listed(world.owner, world.job)]
    assert world.owner.get(base).status_code == 404
    assert seeker.profile_id in [pid for pid, _ in listed(world.owner, second)]


def test_private_profiles_and_lists(db, world, make_agency):
    private = world.seeker("Pia Private", visible=False)
    member = world.seeker("Mel Member", visible=False)
    outsider = world.seeker("Oz Outsider", visible=False)
    own = add_list(db, world.agency)
    other = make_agency(name="Harbour Family Services")
    closed = add_list(db, other, visibility="partners")
    qualify(db, own, member.user)
    qualify(db, closed, outsider.user)
    ids = [pid for pid, _ in listed(world.owner, world.job)]
    assert member.profile_id in ids
    assert private.profile_id not in ids
    assert outsider.profile_id not in ids
    url = f"/agency/jobs/{world.job.id}/candidates/{outsider.profile_id}"
    assert world.owner.get(url).status_code == 404


def test_applicants_leave_the_list_and_numbers_on_job_pages(db, world):
    seeker = world.seeker("Abe Applied", credentials=("first-aid-cpr-c",))
    world.seeker("Ben Other")
    base = f"/agency/jobs/{world.job.id}/candidates/{seeker.profile_id}"
    world.owner.post_form(f"{base}/invite", {"message": "Please apply."})
    invitation = db.session.scalar(select(JobInvitation))
    seeker.post_form(f"/job-invitations/{invitation.id}/decline", {"reason": "Too far"})
    page = text(world.owner.get(f"/agency/jobs/{world.job.id}/candidates"))
    assert 'id="stat-sent">1<' in page and 'id="stat-declined">1' in page
    assert "Too far" in page
    listing = text(world.owner.get("/agency/jobs"))
    assert f'href="/agency/jobs/{world.job.id}/candidates">Suggested candidates (2)' in listing
    show = text(world.recruiter.get(f"/jobs/{world.job.id}"))
    assert "Suggested candidates (2)" in show
    assert "Invitations sent: 1 · accepted: 0 · declined: 1" in show
    # the public and seekers see no numbers
    assert "Suggested candidates" not in text(seeker.get(f"/jobs/{world.job.id}"))


def test_region_elsewhere_not_suggested(db, world):
    far = code_id(db, Region, "northeast")
    region = db.session.get(Region, far)
    seeker = world.seeker("Fay Far", region=region)
    assert seeker.profile_id not in [pid for pid, _ in listed(world.owner, world.job)]


@pytest.mark.parametrize(
    "who, status",
    [
        ("anon", 302),
        ("seeker", 403),
        ("owner", 200),
        ("recruiter", 200),
        ("other", 404),
        ("champion", 403),
        ("admin", 403),
    ],
)
def test_who_sees_the_candidates(db, world, client, make_agency, make_user, signed_in, who, status):
    seeker = world.seeker("Sam Seen")
    clients = {
        "anon": client,
        "seeker": seeker,
        "owner": world.owner,
        "recruiter": world.recruiter,
        "other": signed_in(make_agency(name="Other Agency").owner),
        "champion": signed_in(make_user(role="champion")),
        "admin": signed_in(make_user(role="admin")),
    }
    for url in (
        f"/agency/jobs/{world.job.id}/candidates",
        f"/agency/jobs/{world.job.id}/candidates/{seeker.profile_id}",
    ):
        response = clients[who].get(url)
        assert response.status_code == status, url
        if who == "anon":
            assert "/login" in response.location
    for action in ("invite", "not-a-fit"):
        url = f"/agency/jobs/{world.job.id}/candidates/{seeker.profile_id}/{action}"
        response = clients[who].post_form(url, {"message": "Hello"})
        assert response.status_code == (302 if who in ("owner", "recruiter") else status)
