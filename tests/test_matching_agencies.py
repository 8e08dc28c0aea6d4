"""Suggested candidates for an agency's published job: visible profiles and qualified
members of lists the agency may see, ranked by the match score, anonymous until the seeker
accepts an invitation or applies; each look counted and shown to the seeker; "Invite to
apply" in the agency's own wording with a daily limit; "Not a fit" for one job only; the
numbers on the agency's job pages. Everything through HTTP, checked in the database and
on the page."""

import re
from datetime import datetime, time, timedelta
from types import SimpleNamespace

import pytest
from sqlalchemy import event, func, select

from portal.models import (
    AuditEvent,
    CandidateView,
    Credential,
    JobInvitation,
    MatchDismissal,
    MatchRejection,
    MatchScore,
    OutboxMessage,
    Region,
    User,
)
from portal.timeutil import PACIFIC, today_pacific
from tests.support import flashed, text
from tests.support.matching_agencies import (
    add_list,
    add_partner_share,
    listed,
    profile_form,
    profile_id,
    qualify,
    ref_of,
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
        client.ref = ref_of(agency, job, client.profile_id)
        return client

    return SimpleNamespace(agency=agency, job=job, owner=owner, recruiter=recruiter, seeker=seeker)


def test_ranking_and_anonymity(db, world):
    qualified = world.seeker("Quinn Qualified", credentials=("first-aid-cpr-c",))
    other = world.seeker("Una Unqualified")
    found = listed(world.owner, world.job)
    refs = [ref for ref, _ in found]
    assert refs[:2] == [qualified.ref, other.ref]
    page = text(world.owner.get(f"/agency/jobs/{world.job.id}/candidates"))
    detail = text(world.recruiter.get(f"/agency/jobs/{world.job.id}/candidates/{other.ref}"))
    for shown in (page, detail):
        for secret in ("Quinn", "Qualified", "Una", "Unqualified", "quinn@", "una@"):
            assert secret not in shown
    assert f"Candidate {other.ref}" in detail
    assert "Required credentials" in detail  # the chart
    assert "Community support worker" in detail  # the headline


def test_view_is_counted_and_shown_to_the_seeker(db, world):
    seeker = world.seeker("Vic Viewed")
    url = f"/agency/jobs/{world.job.id}/candidates/{seeker.ref}"
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
    url = f"/agency/jobs/{world.job.id}/candidates/{private.ref}"
    assert world.recruiter.get(url).status_code == 404
    assert count(db, CandidateView, CandidateView.seeker_id == private.user.id) == 0


def test_invite_in_the_agencies_wording_then_accepted_shows_the_name(db, world):
    response = world.owner.post_form(
        "/agency/messages",
        {k: "" for k in ("received", "interview", "offer", "declined")} | {"invitation": WORDING},
    )
    assert response.status_code == 302
    seeker = world.seeker("Ida Invited", credentials=("first-aid-cpr-c",))
    base = f"/agency/jobs/{world.job.id}/candidates/{seeker.ref}"
    detail = text(world.recruiter.get(base))
    expected = WORDING.format(agency="Island Community Living", job="Residential Support Worker")
    assert expected in detail  # the message box is prefilled
    typed = expected + " Ask for Sam."
    page = flashed(world.recruiter, world.recruiter.post_form(f"{base}/invite", {"message": typed}))
    assert f"Candidate {seeker.ref} is invited to apply" in page
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
    # invited twice: refused, said at the top of the page
    response = world.recruiter.post_form(f"{base}/invite", {"message": "Typed again"})
    assert response.status_code == 400
    assert "already invited" in text(response)
    assert count(db, JobInvitation) == 1
    # still anonymous until accepted
    assert "Ida" not in text(world.owner.get(f"/agency/jobs/{world.job.id}/candidates"))
    response = seeker.post_form(f"/job-invitations/{invitation.id}/accept")
    assert response.status_code == 302
    page = text(world.owner.get(f"/agency/jobs/{world.job.id}/candidates"))
    assert "Ida Invited" in page
    assert f'href="/agency/people/{seeker.user.id}"' in page
    assert "Ida Invited" in text(world.owner.get(base))


def sent_rows(client, job) -> list[tuple[str, str | None, str]]:
    """(who, the link on it, status) of each row of "Invitations you sent", newest first."""
    page = text(client.get(f"/agency/jobs/{job.id}/candidates"))
    table = page.split('id="invited-heading"')[1].split("</table>")[0]
    rows = []
    for row in re.findall(r"<tr>\s*<td>(.*?)</td>\s*<td>(.*?)</td>", table, re.S):
        who, status = (" ".join(re.sub(r"<[^>]+>", " ", cell).split()) for cell in row)
        link = re.search(r'<a href="([^"]+)"', row[0])
        rows.append((who, link.group(1) if link else None, status))
    return rows


def test_invitations_sent_go_by_the_candidates_reference(db, world):
    """The list of invitations names each anonymous candidate by the reference of the best
    matches above (and links to them while suggested); the name once they accept."""
    job, url = world.job, f"/agency/jobs/{world.job.id}/candidates"
    ida = world.seeker("Ida Invited", credentials=("first-aid-cpr-c",))
    dan = world.seeker("Dan Declined")
    for seeker in (ida, dan):
        response = world.owner.post_form(f"{url}/{seeker.ref}/invite", {"message": "Apply!"})
        assert response.status_code == 302
    top = dict(listed(world.owner, job))
    assert top[ida.ref] == f"Candidate {ida.ref}" and top[dan.ref] == f"Candidate {dan.ref}"
    assert sent_rows(world.owner, job) == [
        (f"Candidate {dan.ref}", f"{url}/{dan.ref}", "Sent"),
        (f"Candidate {ida.ref}", f"{url}/{ida.ref}", "Sent"),
    ]
    page = text(world.owner.get(url))
    assert "An anonymous candidate" not in page
    for secret in ("Ida", "Dan", "ida@", "dan@"):
        assert secret not in page
    # declined: still anonymous, under the same reference
    dans = db.session.scalar(select(JobInvitation).where(JobInvitation.seeker_id == dan.user.id))
    dan.post_form(f"/job-invitations/{dans.id}/decline", {"reason": "Too far"})
    # accepted: named, as in the best matches, the reference beside the name
    idas = db.session.scalar(select(JobInvitation).where(JobInvitation.seeker_id == ida.user.id))
    assert ida.post_form(f"/job-invitations/{idas.id}/accept").status_code == 302
    assert dict(listed(world.owner, job))[ida.ref] == "Ida Invited"
    assert sent_rows(world.owner, job) == [
        (f"Candidate {dan.ref}", f"{url}/{dan.ref}", "Declined: Too far"),
        (f"Ida Invited (Candidate {ida.ref})", f"/agency/people/{ida.user.id}", "Accepted"),
    ]
    assert "Dan" not in text(world.owner.get(url))
    # no longer a suggestion ("not a fit"): the reference, without a link
    assert world.owner.post_form(f"{url}/{dan.ref}/not-a-fit").status_code == 302
    assert dan.ref not in dict(listed(world.owner, job))
    assert sent_rows(world.owner, job)[0] == (f"Candidate {dan.ref}", None, "Declined: Too far")


def test_empty_message_keeps_the_form(db, world):
    seeker = world.seeker("Eve Empty")
    base = f"/agency/jobs/{world.job.id}/candidates/{seeker.ref}"
    response = world.owner.post_form(f"{base}/invite", {"message": "  "})
    assert response.status_code == 400
    assert "Write a message to the candidate." in text(response)
    assert count(db, JobInvitation) == 0


def test_daily_limit(app, db, world):
    app.config["MATCH_INVITES_PER_DAY"] = 2
    seekers = [world.seeker(f"Lim{n} Seeker") for n in range(3)]
    pages = []
    for s in seekers:
        response = world.owner.post_form(
            f"/agency/jobs/{world.job.id}/candidates/{s.ref}/invite",
            {"message": f"Please apply, {s.ref}."},
        )
        ok = response.status_code == 302
        pages.append(flashed(world.owner, response) if ok else text(response))
    assert "is invited to apply" in pages[0]
    assert f"Please apply, {seekers[2].ref}." in pages[2]  # the refused message is kept
    assert "is invited to apply" in pages[1]
    assert "Your agency has sent 2 invitations today, its daily limit" in pages[2]
    assert "the limit resets at midnight Pacific time." in pages[2]
    assert count(db, JobInvitation) == 2
    assert count(db, OutboxMessage, OutboxMessage.recipient == "lim2@example.org") == 0


def test_not_a_fit_for_that_job_only(db, world, make_job):
    seeker = world.seeker("Nat Notfit")
    second = make_job(world.agency, title="Youth Worker")
    base = f"/agency/jobs/{world.job.id}/candidates/{seeker.ref}"
    page = flashed(world.owner, world.owner.post_form(f"{base}/not-a-fit"))
    assert "will not be suggested again" in page
    assert count(db, MatchRejection, MatchRejection.seeker_id == seeker.user.id) == 1
    assert seeker.ref not in [ref for ref, _ in listed(world.owner, world.job)]
    assert world.owner.get(base).status_code == 404
    other_ref = ref_of(world.agency, second, seeker.profile_id)
    assert other_ref != seeker.ref
    assert other_ref in [ref for ref, _ in listed(world.owner, second)]


def test_private_profiles_and_lists(db, world, make_agency):
    private = world.seeker("Pia Private", visible=False)
    member = world.seeker("Mel Member", visible=False)
    outsider = world.seeker("Oz Outsider", visible=False)
    own = add_list(db, world.agency)
    other = make_agency(name="Harbour Family Services")
    closed = add_list(db, other, visibility="partners")
    qualify(db, own, member.user)
    qualify(db, closed, outsider.user)
    refs = [ref for ref, _ in listed(world.owner, world.job)]
    assert member.ref in refs
    assert private.ref not in refs
    assert outsider.ref not in refs
    url = f"/agency/jobs/{world.job.id}/candidates/{outsider.ref}"
    assert world.owner.get(url).status_code == 404


def test_applicants_leave_the_list_and_numbers_on_job_pages(db, world):
    seeker = world.seeker("Abe Applied", credentials=("first-aid-cpr-c",))
    world.seeker("Ben Other")
    base = f"/agency/jobs/{world.job.id}/candidates/{seeker.ref}"
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
    assert seeker.ref not in [ref for ref, _ in listed(world.owner, world.job)]


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
        f"/agency/jobs/{world.job.id}/candidates/{seeker.ref}",
    ):
        response = clients[who].get(url)
        assert response.status_code == status, url
        if who == "anon":
            assert "/login" in response.location
    for action in ("invite", "not-a-fit"):
        url = f"/agency/jobs/{world.job.id}/candidates/{seeker.ref}/{action}"
        response = clients[who].post_form(url, {"message": "Hello"})
        assert response.status_code == (302 if who in ("owner", "recruiter") else status)


# --- pooled positions: each employer decides and sees for itself ------------------------


@pytest.fixture
def pooled(db, world, make_agency, signed_in):
    """``world.job`` pooled with a partner agency (its owner signed in)."""
    from portal.matching import engine

    partner = make_agency(name="Harbour Family Services")
    share = add_partner_share(db, world.job, partner)
    engine.recompute_job(world.job.id)
    db.session.commit()
    return SimpleNamespace(agency=partner, share=share, owner=signed_in(partner.owner))


def test_not_a_fit_hides_the_candidate_from_that_agency_only(db, world, pooled):
    seeker = world.seeker("Nora Notfit")
    partner_ref = ref_of(pooled.agency, world.job, seeker.profile_id)
    assert partner_ref != seeker.ref  # another agency, another reference
    assert partner_ref in [ref for ref, _ in listed(pooled.owner, world.job)]
    base = f"/agency/jobs/{world.job.id}/candidates/{seeker.ref}"
    flashed(world.owner, world.owner.post_form(f"{base}/not-a-fit"))
    assert seeker.ref not in [ref for ref, _ in listed(world.owner, world.job)]
    assert partner_ref in [ref for ref, _ in listed(pooled.owner, world.job)]
    page = text(pooled.owner.get(f"/agency/jobs/{world.job.id}/candidates/{partner_ref}"))
    assert "Not a fit" in page
    assert "Suggested candidates (1)" in text(pooled.owner.get(f"/jobs/{world.job.id}"))
    assert "Suggested candidates (0)" in text(world.owner.get(f"/jobs/{world.job.id}"))
    # the partner may find them not a fit too
    url = f"/agency/jobs/{world.job.id}/candidates/{partner_ref}/not-a-fit"
    assert "will not be suggested again" in flashed(pooled.owner, pooled.owner.post_form(url))
    assert count(db, MatchRejection, MatchRejection.seeker_id == seeker.user.id) == 2


def test_an_accepted_invitation_names_the_seeker_to_that_agency_only(db, world, pooled):
    seeker = world.seeker("Ivy Invited")
    partner_ref = ref_of(pooled.agency, world.job, seeker.profile_id)
    base = f"/agency/jobs/{world.job.id}/candidates/{seeker.ref}"
    world.owner.post_form(f"{base}/invite", {"message": "Please apply."})
    invitation = db.session.scalar(select(JobInvitation))
    assert seeker.post_form(f"/job-invitations/{invitation.id}/accept").status_code == 302
    assert "Ivy Invited" in text(world.owner.get(f"/agency/jobs/{world.job.id}/candidates"))
    partner_page = text(pooled.owner.get(f"/agency/jobs/{world.job.id}/candidates"))
    assert "Ivy" not in partner_page and "Invitation accepted" not in partner_page
    assert (partner_ref, f"Candidate {partner_ref}") in listed(pooled.owner, world.job)
    detail = text(pooled.owner.get(f"/agency/jobs/{world.job.id}/candidates/{partner_ref}"))
    assert "Ivy" not in detail and "Invitation accepted" not in detail
    # the partner cannot invite the same person to the same pooled position
    url = f"/agency/jobs/{world.job.id}/candidates/{partner_ref}/invite"
    response = pooled.owner.post_form(url, {"message": "Please apply."})
    assert response.status_code == 400
    page = text(response)
    assert "Another employer of this pooled position has already invited this candidate." in page
    assert count(db, JobInvitation) == 1


def test_a_pending_or_suspended_agency_sees_no_candidates(db, world, pooled):
    from portal.matching import engine

    seeker = world.seeker("Sue Suspended")
    partner_ref = ref_of(pooled.agency, world.job, seeker.profile_id)
    assert count(db, MatchScore, MatchScore.share_id == pooled.share.id) == 1
    for status in ("pending", "suspended"):
        pooled.agency.status = status
        db.session.commit()
        assert pooled.owner.get(f"/agency/jobs/{world.job.id}/candidates").status_code == 404
        url = f"/agency/jobs/{world.job.id}/candidates/{partner_ref}"
        assert pooled.owner.get(url).status_code == 404
        response = pooled.owner.post_form(f"{url}/invite", {"message": "Please apply."})
        assert response.status_code == 404
        assert count(db, JobInvitation) == 0
        # its share of the pooled position is not matched any more
        engine.recompute_job(world.job.id)
        db.session.commit()
        assert count(db, MatchScore, MatchScore.share_id == pooled.share.id) == 0
        assert count(db, MatchScore, MatchScore.job_id == world.job.id) == 1  # the lead's


# --- opaque references ----------------------------------------------------------------


def test_the_reference_is_opaque(db, world, make_job):
    seeker = world.seeker("Olga Opaque")
    page = text(world.owner.get(f"/agency/jobs/{world.job.id}/candidates"))
    assert re.search(rf"Candidate {seeker.ref}\b", page)
    assert f"Candidate {seeker.profile_id}<" not in page
    assert f"/candidates/{seeker.profile_id}" not in page
    assert (
        world.owner.get(f"/agency/jobs/{world.job.id}/candidates/{seeker.profile_id}").status_code
        == 404
    )
    detail = text(world.owner.get(f"/agency/jobs/{world.job.id}/candidates/{seeker.ref}"))
    assert f"Candidate {seeker.ref}" in detail
    assert f"Candidate {seeker.profile_id}" not in detail
    second = make_job(world.agency, title="Youth Worker")
    assert ref_of(world.agency, second, seeker.profile_id) != seeker.ref


# --- double submits ---------------------------------------------------------------------


def test_double_submits_are_refused_not_errors(db, world, monkeypatch):
    from portal.matching import candidates, recommend

    seeker = world.seeker("Dan Double")
    base = f"/agency/jobs/{world.job.id}/candidates/{seeker.ref}"
    # the second request checked before the first one's row was there (a race)
    monkeypatch.setattr(candidates, "_invited", lambda job, seeker_id: None)
    flashed(world.owner, world.owner.post_form(f"{base}/invite", {"message": "Please apply."}))
    response = world.recruiter.post_form(f"{base}/invite", {"message": "Please apply."})
    assert response.status_code == 400
    assert "already invited" in text(response)
    assert count(db, JobInvitation) == 1

    eligible = candidates.eligible
    monkeypatch.setattr(candidates, "eligible", lambda job, agency: candidates._seen_by(agency))
    flashed(world.owner, world.owner.post_form(f"{base}/not-a-fit"))
    response = world.recruiter.post_form(f"{base}/not-a-fit")
    assert response.status_code == 302
    assert "already marked not a fit" in flashed(world.recruiter, response)
    assert count(db, MatchRejection) == 1
    monkeypatch.setattr(candidates, "eligible", eligible)

    url = f"/recommended/{world.job.id}/not-interested"
    assert seeker.post_form(url, {"reason": "Too far"}).status_code == 302
    real, missed = recommend.dismissal_of, []

    def racing(user, job_id):
        if not missed:
            missed.append(job_id)
            return None
        return real(user, job_id)

    monkeypatch.setattr(recommend, "dismissal_of", racing)
    response = seeker.post_form(url, {"reason": "Too far away"})
    assert response.status_code == 302
    assert "will not be recommended to you again" in flashed(seeker, response)
    assert count(db, MatchDismissal) == 1
    assert db.session.scalar(select(MatchDismissal.reason)) == "Too far away"


# --- the daily limit ----------------------------------------------------------------------


def test_daily_limit_is_a_pacific_day_of_matching_invitations(app, db, world):
    app.config["MATCH_INVITES_PER_DAY"] = 1
    early, listed_one, now, later = (world.seeker(f"Day{n} Seeker") for n in range(4))
    midnight = datetime.combine(today_pacific(), time.min, tzinfo=PACIFIC)
    plist = add_list(db, world.agency)
    db.session.add_all(
        [  # yesterday (Pacific) and an invitation from a list today: not counted
            JobInvitation(
                job_id=world.job.id,
                seeker_id=early.user.id,
                agency_id=world.agency.id,
                message="",
                created_at=midnight - timedelta(minutes=1),
            ),
            JobInvitation(
                job_id=world.job.id,
                seeker_id=listed_one.user.id,
                agency_id=world.agency.id,
                list_id=plist.id,
                message="",
            ),
        ]
    )
    db.session.commit()

    def invite(seeker):
        url = f"/agency/jobs/{world.job.id}/candidates/{seeker.ref}/invite"
        response = world.owner.post_form(url, {"message": "Please apply."})
        return flashed(world.owner, response) if response.status_code == 302 else text(response)

    assert "is invited to apply" in invite(now)
    page = invite(later)
    assert "sent 1 invitations today, its daily limit" in page
    assert "resets at midnight Pacific time" in page
    app.config["MATCH_INVITES_PER_DAY"] = 0
    assert "switched off" in invite(later)
    assert count(db, JobInvitation) == 3


# --- numbers --------------------------------------------------------------------------------


def test_stars_and_suggested_count_agree(db, world):
    kept = world.seeker("Kim Kept")
    notfit = world.seeker("Nia Notfit")
    gone = world.seeker("Ian Inactive")
    flashed(
        world.owner,
        world.owner.post_form(f"/agency/jobs/{world.job.id}/candidates/{notfit.ref}/not-a-fit"),
    )
    db.session.get(User, gone.user.id).active = False
    db.session.commit()
    page = text(world.owner.get(f"/agency/jobs/{world.job.id}/candidates"))
    stars = [int(n) for n in re.findall(r'class="stars-count" data-stars="\d">(\d+)<', page)]
    assert sum(stars) == 1
    assert [ref for ref, _ in listed(world.owner, world.job)] == [kept.ref]
    listing = text(world.owner.get("/agency/jobs"))
    assert "Suggested candidates (1)" in listing


def test_the_list_page_queries_do_not_grow_with_candidates(db, world):
    from portal.extensions import db as portal_db

    url = f"/agency/jobs/{world.job.id}/candidates"
    statements = []

    def counted():
        statements.clear()
        listen = lambda *args: statements.append(1)  # noqa: E731
        event.listen(portal_db.engine, "before_cursor_execute", listen)
        try:
            assert world.owner.get(url).status_code == 200
        finally:
            event.remove(portal_db.engine, "before_cursor_execute", listen)
        return len(statements)

    def invited(seeker):
        world.owner.post_form(f"{url}/{seeker.ref}/invite", {"message": "Please apply."})

    first = [world.seeker(f"Few{n} Seeker", credentials=("first-aid-cpr-c",)) for n in range(2)]
    invited(first[0])
    few = counted()
    more = [world.seeker(f"More{n} Seeker", credentials=("first-aid-cpr-c",)) for n in range(4)]
    invited(more[0])
    invited(more[1])
    assert counted() == few


# --- views and messages ---------------------------------------------------------------------


def test_a_view_is_counted_once_a_day(db, world):
    seeker = world.seeker("Rae Reload")
    url = f"/agency/jobs/{world.job.id}/candidates/{seeker.ref}"
    for _ in range(3):
        assert world.recruiter.get(url).status_code == 200
    assert count(db, CandidateView, CandidateView.seeker_id == seeker.user.id) == 1
    assert world.owner.get(url).status_code == 200  # another viewer
    assert count(db, CandidateView, CandidateView.seeker_id == seeker.user.id) == 2
    # yesterday's look does not count for today
    for view in db.session.scalars(select(CandidateView)):
        view.viewed_at = view.viewed_at - timedelta(days=1)
    db.session.commit()
    assert world.recruiter.get(url).status_code == 200
    assert count(db, CandidateView, CandidateView.seeker_id == seeker.user.id) == 3


def test_the_name_placeholder_is_filled_for_the_seeker(db, world):
    seeker = world.seeker("Noor Named")
    url = f"/agency/jobs/{world.job.id}/candidates/{seeker.ref}/invite"
    flashed(world.owner, world.owner.post_form(url, {"message": "Dear {name}, please apply."}))
    invitation = db.session.scalar(select(JobInvitation))
    assert invitation.message == "Dear Noor Named, please apply."
    page = text(seeker.get("/job-invitations"))
    assert "Dear Noor Named, please apply." in page and "{name}" not in page
    mail = db.session.scalar(select(OutboxMessage).order_by(OutboxMessage.id.desc()))
    assert "Dear Noor Named, please apply." in mail.body_text


def test_a_too_long_not_interested_reason_keeps_what_was_typed(db, world):
    seeker = world.seeker("Lou Long")
    assert f"/recommended/{world.job.id}/not-interested" in text(seeker.get("/recommended"))
    typed = "It is far " * 60
    response = seeker.post_form(f"/recommended/{world.job.id}/not-interested", {"reason": typed})
    assert response.status_code == 400
    page = text(response)
    assert "Keep the reason under 500 characters." in page
    assert f'value="{typed}"' in page
    assert count(db, MatchDismissal) == 0
