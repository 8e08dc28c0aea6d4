"""Matching for seekers (issue 14): recommended jobs ranked by score with their charts,
filters, "Not interested", closed jobs never shown, a profile change reflected at once,
the charts on invitations, and foreign credentials named from the list. Through HTTP,
checked on the page and in the database."""

import re
from datetime import timedelta

import pytest
from sqlalchemy import select, update

from portal.actions import commit
from portal.matching import engine
from portal.models import JobInvitation, MatchDismissal, MatchScore, SeekerProfile
from portal.timeutil import today_pacific
from tests.support import flashed, fresh, text
from tests.support.matching_seekers import (
    credential_id,
    make_profile,
    other_occupation_id,
    profile_form,
    region_id,
)
from tests.support.reference import community_id

FIRST_AID = "first-aid-cpr-c"


@pytest.fixture
def agency(make_agency):
    return make_agency(name="Kootenay Living Society")


@pytest.fixture
def seeker(app, make_user, signed_in):
    user = make_user(role="seeker", name="Maya Singh")
    client = signed_in(user)
    client.user = user
    return client


@pytest.fixture
def jobs(db, agency, make_job):
    """Three jobs in Nelson for a full-time worker asking $30/h: a good one, one that
    needs First Aid, one that pays less; and a part-time one in Trail."""
    nelson = community_id(db, "Nelson")
    return {
        "good": make_job(
            agency=agency, title="Good Match Worker", community_id=nelson, pay_max_cents=3200
        ),
        "first_aid": make_job(
            agency=agency,
            title="First Aid Worker",
            community_id=nelson,
            pay_max_cents=3200,
            required_credentials=[credential_id(db, FIRST_AID)],
        ),
        "low_pay": make_job(
            agency=agency,
            title="Low Pay Worker",
            community_id=nelson,
            pay_min_cents=2000,
            pay_max_cents=2500,
        ),
        "part_time": make_job(
            agency=agency,
            title="Part Time Trail Worker",
            community_id=community_id(db, "Trail"),
            employment_type="part_time",
            hours_per_week=20,
        ),
    }


TITLES = ("Good Match Worker", "First Aid Worker", "Low Pay Worker", "Part Time Trail Worker")


def shown(page: str) -> list[str]:
    """The recommended job titles on the page, in order."""
    found = re.findall(r'<h2 class="h5 mb-1" id="job-\d+"><a href="/jobs/\d+">([^<]+)</a>', page)
    return [t for t in found if t in TITLES or t.startswith(("Closed", "Other", "Filled"))]


def stored_order(db, profile_id: int) -> list[int]:
    rows = db.session.execute(
        select(MatchScore.job_id)
        .where(MatchScore.profile_id == profile_id)
        .order_by(MatchScore.score.desc(), MatchScore.share_id)
    ).all()
    return [r[0] for r in rows]


# --- recommended, ranked, with charts ------------------------------------------------------


def test_recommended_ranked_by_score_with_charts(db, seeker, jobs):
    profile = make_profile(db, seeker.user)
    page = text(seeker.get("/recommended"))
    titles = shown(page)
    assert set(titles) == set(TITLES)
    assert titles[0] == "Good Match Worker"
    by_id = {job.id: job.title for job in jobs.values()}
    assert titles == [by_id[j] for j in stored_order(db, profile.id)]
    # the chart's plain words, and stars read out
    assert "Needs Standard First Aid with CPR Level C." in page
    assert "Pay $5/h below what you asked." in page
    assert "Why this match" in page and "of 5 stars" in page
    assert "4 recommended jobs." in page

    # the dashboard's top three, with a link to all
    page = text(seeker.get("/dashboard"))
    assert "Recommended for you" in page and 'href="/recommended"' in page
    assert "Good Match Worker" in page and "See all 4 recommended jobs" in page


def test_a_profile_never_matched_is_matched_when_the_page_opens(db, seeker, jobs):
    """A profile older than matching (no stamp, nothing stored) gets its matches stored
    the first time the seeker looks; afterwards the page only reads them."""
    profile = make_profile(db, seeker.user)
    db.session.execute(MatchScore.__table__.delete())
    db.session.execute(update(SeekerProfile).values(matched_at=None))
    commit()
    page = text(seeker.get("/recommended"))
    assert shown(page)[0] == "Good Match Worker" and len(shown(page)) == 4
    db.session.expire_all()
    stored = db.session.scalars(select(MatchScore).where(MatchScore.profile_id == profile.id))
    assert len(list(stored)) >= 4
    assert db.session.get(SeekerProfile, profile.id).matched_at is not None
    # stamped: with nothing stored (no job matches now), the page does not recompute
    db.session.execute(MatchScore.__table__.delete())
    commit()
    assert shown(text(seeker.get("/recommended"))) == []


def test_filters_and_bad_values_ignored(db, seeker, jobs):
    make_profile(db, seeker.user)
    page = text(seeker.get("/recommended?type=part_time"))
    assert shown(page) == ["Part Time Trail Worker"]
    kootenay = region_id(db, "kootenay")
    assert len(shown(text(seeker.get(f"/recommended?region={kootenay}")))) == 4
    island = region_id(db, "vancouver-island-coast")
    page = text(seeker.get(f"/recommended?region={island}"))
    assert shown(page) == [] and "with these filters" in page
    assert shown(text(seeker.get("/recommended?pooled=yes"))) == []
    assert len(shown(text(seeker.get("/recommended?pooled=no")))) == 4
    for bad in (
        "region=abc",
        "region=99999999",
        "region=-1",
        "type=nope",
        "pooled=maybe",
        "page=0",
        "page=x",
    ):
        response = seeker.get(f"/recommended?{bad}")
        assert response.status_code == 200, bad
        assert len(shown(text(response))) == 4, bad
    assert shown(text(seeker.get("/recommended?page=2"))) == []


def test_no_profile_or_no_occupation_gets_a_helpful_message(db, seeker, jobs):
    page = text(seeker.get("/recommended"))
    assert "You have no profile yet." in page and 'href="/profile"' in page
    assert "<table" not in page
    make_profile(db, seeker.user, occupation_ids=[])
    page = text(seeker.get("/recommended"))
    assert "Your profile names no occupation." in page and 'href="/profile"' in page


# --- not interested --------------------------------------------------------------------------


def test_not_interested_removes_the_job_for_good(db, seeker, jobs, make_user, signed_in):
    profile = make_profile(db, seeker.user)
    job = jobs["good"]
    response = seeker.post_form(
        f"/recommended/{job.id}/not-interested", {"reason": "Too far from my kids' school"}
    )
    assert response.status_code == 302 and response.location == "/recommended"
    assert "will not be recommended to you again" in flashed(seeker, response)
    dismissal = db.session.scalar(select(MatchDismissal))
    assert (dismissal.user_id, dismissal.job_id, dismissal.reason) == (
        seeker.user.id,
        job.id,
        "Too far from my kids' school",
    )
    assert "Good Match Worker" not in shown(text(seeker.get("/recommended")))
    assert "Good Match Worker" not in text(seeker.get("/dashboard"))
    # idempotent
    seeker.post_form(f"/recommended/{job.id}/not-interested", {"reason": ""})
    assert len(db.session.scalars(select(MatchDismissal)).all()) == 1

    # the job is edited and everything recomputed: still not back
    job = fresh(db, type(job), job.id)
    job.title = "Good Match Worker"
    job.pay_max_cents = 3500
    engine.recompute_job(job.id)
    engine.recompute_profile(profile.id)
    commit()
    assert "Good Match Worker" not in shown(text(seeker.get("/recommended")))

    # the reason is on the seeker's own page only
    page = text(seeker.get("/recommended/not-interested"))
    assert "Good Match Worker" in page and "Too far from my kids' school" in page
    other = signed_in(make_user(role="seeker"))
    page = text(other.get("/recommended/not-interested"))
    assert "Too far from my kids' school" not in page and "Good Match Worker" not in page
    assert other.post_form(f"/recommended/{job.id}/restore").status_code == 404
    assert db.session.scalar(select(MatchDismissal)) is not None

    # "Show it again"
    response = seeker.post_form(f"/recommended/{job.id}/restore")
    assert response.status_code == 302
    assert db.session.scalar(select(MatchDismissal)) is None
    assert "Good Match Worker" in shown(text(seeker.get("/recommended")))


def card(page: str, job_id: int) -> str:
    """The card of one recommended job."""
    return page.split(f'aria-labelledby="job-{job_id}"')[1].split("</article>")[0]


def not_interested(card_html: str) -> tuple[str, str, str]:
    """The card's "Not interested" disclosure: its <details> attributes, what its summary
    says (visually hidden words included) and what it folds away."""
    found = re.search(
        r"<details([^>]*)>\s*<summary[^>]*>(.*?)</summary>(.*?)</details>", card_html, re.S
    )
    assert found is not None, card_html
    attributes, said, folded = found.groups()
    return attributes, " ".join(re.sub(r"<[^>]+>", "", said).split()), folded


def test_not_interested_is_folded_behind_a_disclosure(db, seeker, jobs):
    make_profile(db, seeker.user)
    page = text(seeker.get("/recommended"))
    for job in jobs.values():
        html = card(page, job.id)
        charts, dismiss = html.split("</details>", 1)  # "Why this match", then this one
        assert "<summary>Why this match</summary>" in charts and "Why not?" not in charts
        attributes, said, folded = not_interested(dismiss)
        assert " open" not in attributes  # folded: no reason field in sight
        assert said == f"Not interested in {job.title}…"
        assert f'action="/recommended/{job.id}/not-interested"' in folded
        assert f'<label class="form-label small" for="reason-{job.id}">Why not?' in folded
        assert f'id="reason-{job.id}" name="reason"' in folded
        assert 'name="csrf_token"' in folded and '<button type="submit"' in folded
        assert "Why not?" not in dismiss.split("<details")[0]  # nothing outside it


def test_not_interested_refusals(db, seeker, jobs, agency, make_job):
    make_profile(db, seeker.user)
    job = jobs["good"]
    response = seeker.post_form(f"/recommended/{job.id}/not-interested", {"reason": "x" * 501})
    assert response.status_code == 400  # the page again, with what was typed
    assert "Keep the reason under 500 characters." in text(response)
    # that job's disclosure comes back open, the others folded
    page = text(response)
    for other in jobs.values():
        attributes, _, folded = not_interested(card(page, other.id).split("</details>", 1)[1])
        assert (" open" in attributes) == (other.id == job.id), other.title
    assert (
        "Keep the reason under 500 characters."
        in not_interested(card(page, job.id).split("</details>", 1)[1])[2]
    )
    assert db.session.scalar(select(MatchDismissal)) is None
    draft = make_job(agency=agency, status="draft", title="Draft Worker")
    assert seeker.post_form(f"/recommended/{draft.id}/not-interested").status_code == 404
    assert seeker.post_form("/recommended/999999/not-interested").status_code == 404
    assert seeker.post(f"/recommended/{job.id}/not-interested").status_code == 400
    assert db.session.scalar(select(MatchDismissal)) is None


# --- closed, filled, expired -----------------------------------------------------------------


def test_closed_filled_expired_jobs_never_appear(db, seeker, jobs, agency, make_job):
    nelson = community_id(db, "Nelson")
    for status in ("closed", "filled", "expired"):
        make_job(
            agency=agency,
            status=status,
            title=f"{status.capitalize()} Worker",
            community_id=nelson,
            pay_max_cents=3200,
        )
    past = make_job(agency=agency, title="Other Past Worker", community_id=nelson)
    make_profile(db, seeker.user)
    past = fresh(db, type(past), past.id)
    past.closes_on = today_pacific() - timedelta(days=1)  # expired, not yet swept
    commit()
    page = text(seeker.get("/recommended"))
    assert set(shown(page)) == set(TITLES)
    # a job closed after it was matched leaves at once
    from portal.jobs import services as job_services

    good = fresh(db, type(jobs["good"]), jobs["good"].id)
    job_services._end(good, "closed", agency.owner)
    commit()
    assert "Good Match Worker" not in shown(text(seeker.get("/recommended")))


# --- profile changes -----------------------------------------------------------------------


def test_profile_change_reflected_right_after_saving(db, seeker, jobs, agency, make_job):
    admin_job = make_job(
        agency=agency,
        title="Other Admin Assistant",
        occupation_id=other_occupation_id(db),
        community_id=community_id(db, "Nelson"),
        pay_max_cents=3200,
    )
    response = seeker.post_form("/profile", profile_form(db))
    assert response.status_code == 302
    assert shown(text(seeker.get("/recommended")))[0] == "Good Match Worker"
    assert "Other Admin Assistant" not in shown(text(seeker.get("/recommended")))

    response = seeker.post_form("/profile", profile_form(db, occupations=[admin_job.occupation_id]))
    assert response.status_code == 302
    assert shown(text(seeker.get("/recommended"))) == ["Other Admin Assistant"]


def test_foreign_credential_named_from_the_list(db, seeker, jobs):
    first_aid = credential_id(db, FIRST_AID)
    foreign = {
        "foreign_1_name": "Premiers secours",
        "foreign_1_country": "France",
        "foreign_1_recognition": "in_progress",
        "foreign_1_credential": str(first_aid),
    }
    assert seeker.post_form("/profile", profile_form(db, **foreign)).status_code == 302
    profile = db.session.scalar(select(SeekerProfile))
    held = profile.credentials[0]
    assert (held.credential_id, held.outside_canada, held.recognition) == (
        first_aid,
        True,
        "in_progress",
    )
    page = text(seeker.get("/recommended"))
    assert "Standard First Aid with CPR Level C: recognition in BC in progress" in page
    assert f'<option selected value="{first_aid}">' in text(seeker.get("/profile"))

    foreign["foreign_1_recognition"] = "recognised"
    assert seeker.post_form("/profile", profile_form(db, **foreign)).status_code == 302
    page = text(seeker.get("/recommended"))
    assert "Needs Standard First Aid" not in page and "recognition in BC in progress" not in page
    assert "You hold every required credential." in page

    # not one of the list's (a tampered form): refused, nothing saved
    foreign["foreign_1_credential"] = "99999"
    foreign["foreign_1_recognition"] = "in_progress"
    response = seeker.post_form("/profile", profile_form(db, **foreign))
    assert response.status_code in (200, 400)
    db.session.expire_all()
    assert profile.credentials[0].recognition == "recognised"


# --- invitations ---------------------------------------------------------------------------


def test_invitations_show_the_chart_accept_and_decline_with_reason(db, seeker, jobs, agency):
    make_profile(db, seeker.user)
    invitations = {}
    for key in ("first_aid", "low_pay"):
        invitation = JobInvitation(
            job_id=jobs[key].id,
            seeker_id=seeker.user.id,
            agency_id=agency.id,
            invited_by_id=agency.owner.id,
            message="We would love to meet you.",
        )
        db.session.add(invitation)
        invitations[key] = invitation
    commit()
    page = text(seeker.get("/job-invitations"))
    assert "Why this match" in page and "Your match:" in page
    assert "Needs Standard First Aid with CPR Level C." in page
    assert "Pay $5/h below what you asked." in page

    first, second = invitations["first_aid"].id, invitations["low_pay"].id
    response = seeker.post_form(f"/job-invitations/{first}/accept")
    assert response.location == f"/jobs/{jobs['first_aid'].id}/apply"
    response = seeker.post_form(
        f"/job-invitations/{second}/decline", {"reason": "The pay is too low for me."}
    )
    assert response.status_code == 302
    declined = fresh(db, JobInvitation, second)
    assert (declined.status, declined.decline_reason) == ("declined", "The pay is too low for me.")
    assert fresh(db, JobInvitation, first).decline_reason == ""
    assert "Your reason: The pay is too low for me." in text(seeker.get("/job-invitations"))


# --- who may -------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["agency", "champion", "admin"])
def test_other_roles_are_refused(db, jobs, make_user, signed_in, role):
    client = signed_in(make_user(role=role))
    job = jobs["good"]
    assert client.get("/recommended").status_code == 403
    assert client.get("/recommended/not-interested").status_code == 403
    assert client.post_form(f"/recommended/{job.id}/not-interested").status_code == 403
    assert client.post_form(f"/recommended/{job.id}/restore").status_code == 403


def test_anonymous_is_sent_to_sign_in(client, jobs):
    for url in ("/recommended", "/recommended/not-interested"):
        response = client.get(url)
        assert response.status_code == 302 and "/login" in response.location


def test_applied_jobs_stay_marked_applied(db, seeker, jobs):
    from tests.support.prequal import upload_resume

    make_profile(db, seeker.user)
    upload_resume(seeker)
    job = jobs["low_pay"]
    response = seeker.post_form(f"/jobs/{job.id}/apply", {"cover_note": "I would like this."})
    assert response.status_code == 302
    page = text(seeker.get("/recommended"))
    assert "Low Pay Worker" in shown(page)
    article = page.split(f'id="job-{job.id}"')[1].split("</h2>")[0]
    assert "Applied" in article
    other = page.split(f'id="job-{jobs["good"].id}"')[1].split("</h2>")[0]
    assert "Applied" not in other
