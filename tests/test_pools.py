"""Pooled positions (issue 6): the lead creates a pooled job and invites partner agencies;
each partner accepts or declines and edits only its own share (schedule, site, pay, union
status); publishing needs two accepted, scheduled, non-overlapping shares; seekers see one
posting with the combined hours; one application reaches every partner, who decide on
their own shares; hiring fills shares (safely under concurrency) and then the job; a
partner may withdraw its share. Everything through HTTP, checked in the database and on
the page."""

import html
import re
import threading
from datetime import timedelta

import pytest
from sqlalchemy import select
from sqlalchemy import text as sql

from portal.matching import openshares
from portal.models import (
    Application,
    ApplicationDecision,
    ApplicationEvent,
    ApplicationNote,
    AuditEvent,
    Job,
    JobShare,
    Membership,
    Occupation,
    ScreeningQuestion,
)
from portal.timeutil import today_pacific
from tests.support import count, flashed, fresh, path_of, text
from tests.support.applications import applicant_names, application_of, search_ids, set_status
from tests.support.reference import community
from tests.support.waiting import wait_until

TITLE = "Pooled Community Support Worker"
FILLED = "This position is already filled: someone was hired for it."

# two shares of 18.75 h (Monday to Friday, mornings / afternoons) make one 37.5 h job
MORNINGS = [[day, "09:00", "12:45"] for day in range(5)]
AFTERNOONS = [[day, "13:00", "16:45"] for day in range(5)]
SATURDAY = [[5, "10:00", "14:30"]]  # 4.5 h


# --- helpers -----------------------------------------------------------------------------


def job_form(db, **overrides) -> dict:
    """What a browser sends from the job form: a pooled draft of 18.75 h by default."""
    data = {
        "title": TITLE,
        "occupation_id": db.session.scalar(
            select(Occupation.id).where(Occupation.noc_code == "42201")
        ),
        "community_id": community(db, "Nelson").id,
        "employment_type": "part_time",
        "hours_per_week": "18.75",
        "schedule": "Weekdays",
        "pay_min": "26",
        "pay_max": "30",
        "pay_unit": "hourly",
        "union_position": "no",
        "pooled": "y",
        "description": "Support adults with developmental disabilities in Nelson.",
        "how_to_apply": "Apply on the portal.",
        "closes_on": (today_pacific() + timedelta(days=30)).isoformat(),
        "version_id": "",
        "save": "Save draft",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def share_form(blocks: list, community_id: int, **overrides) -> dict:
    """What a browser sends from a share's form."""
    data = {
        "community_id": community_id,
        "pay_min": "26",
        "pay_max": "30",
        "pay_unit": "hourly",
        "unionized": "no",
    }
    for day, start, end in blocks:
        data[f"start_{day}"], data[f"end_{day}"] = start, end
    data.update(overrides)
    return data


def share_of(db, job, agency) -> JobShare | None:
    db.session.expire_all()
    return db.session.scalar(
        select(JobShare).where(JobShare.job_id == job.id, JobShare.agency_id == agency.id)
    )


def facet_count(page: str, label: str) -> int | None:
    found = re.search(
        rf'{re.escape(label)}\s*<span class="badge rounded-pill text-bg-light">'
        r"(\d+)</span>",
        page,
    )
    return int(found.group(1)) if found else None


def agency_facet(page: str) -> list[str]:
    section = re.search(r'<h2 class="h6">Agency</h2>(.*?)</section>', page, re.DOTALL)
    if section is None:
        return []
    return re.findall(r'aria-hidden="true">[☐☑]</span> ([^\n<]+?)\s*<span', section.group(1))


def apply(client, job):
    response = client.post_form(f"/jobs/{job.id}/apply", {"cover_note": "Keen to help."})
    assert response.status_code == 302, text(response)[:2000]
    return response


def mails(mailbox, address: str) -> list[tuple[str, str, str]]:
    """(subject, plain text, HTML text) of every email to ``address``, oldest first."""
    return [
        (
            m["Subject"],
            m.get_body(("plain",)).get_content().replace("\r\n", "\n"),
            html.unescape(m.get_body(("html",)).get_content()),
        )
        for m in mailbox.to(address)
    ]


def decision_of(db, application, agency) -> ApplicationDecision:
    db.session.expire_all()
    return db.session.scalar(
        select(ApplicationDecision).where(
            ApplicationDecision.application_id == application.id,
            ApplicationDecision.agency_id == agency.id,
        )
    )


# --- fixtures ----------------------------------------------------------------------------


@pytest.fixture
def clients(app, login):
    """One signed-in test client per user (several people act in one test)."""
    cache = {}

    def get(user):
        if user.id not in cache:
            cache[user.id] = app.test_client()
            login(cache[user.id], user)
        return cache[user.id]

    return get


@pytest.fixture
def lead(make_agency, make_user):
    return make_agency(owner=make_user(role="agency", name="Lena Lead"), name="Lakeside Living")


@pytest.fixture
def partner(db, make_agency, make_user):
    return make_agency(
        owner=make_user(role="agency", name="Pat Partner"),
        name="Partner Place",
        community_id=community(db, "Nanaimo").id,
    )


@pytest.fixture
def third(make_agency, make_user):
    return make_agency(
        owner=make_user(role="agency", name="Theo Third"), name="Third Harbour Society"
    )


@pytest.fixture
def outsider(make_agency, make_user):
    return make_agency(owner=make_user(role="agency", name="Otto Outsider"), name="Outside Options")


@pytest.fixture
def make_seeker(db, make_user):
    """A confirmed seeker with a résumé (needed to apply)."""
    import io

    from werkzeug.datastructures import FileStorage

    from portal.seekers.services import attach_resume

    def make(name: str):
        user = make_user(role="seeker", name=name)
        attach_resume(
            user,
            FileStorage(
                io.BytesIO(b"%PDF-1.4 resume"), filename="cv.pdf", content_type="application/pdf"
            ),
        )
        db.session.commit()
        return user

    return make


@pytest.fixture
def make_pool(db, clients):
    """A pooled job built through the pages: the lead creates it, invites ``partners``,
    who accept; each agency sets its schedule (``blocks``: lead first); then publish."""

    def make(
        lead, partners, blocks, title: str = TITLE, publish: bool = True, extra: dict | None = None
    ) -> Job:
        lead_client = clients(lead.owner)
        response = lead_client.post_form("/agency/jobs/new", job_form(db, title=title))
        assert response.status_code == 302, text(response)[:3000]
        job = db.session.scalar(select(Job).where(Job.title == title))
        for each in partners:
            response = lead_client.post_form(
                f"/agency/jobs/{job.id}/partners/invite", {"agency_id": each.id}
            )
            assert "is invited" in flashed(lead_client, response)
            share = share_of(db, job, each)
            response = clients(each.owner).post_form(f"/agency/shares/{share.id}/accept")
            assert "You joined the pooled position" in flashed(clients(each.owner), response)
        for agency, agency_blocks in zip([lead, *partners], blocks, strict=True):
            share = share_of(db, job, agency)
            data = share_form(
                agency_blocks, agency.community_id, **(extra or {}).get(agency.id, {})
            )
            response = clients(agency.owner).post_form(f"/agency/shares/{share.id}", data)
            assert response.status_code == 302, text(response)[:3000]
        if publish:
            response = lead_client.post_form(f"/agency/jobs/{job.id}/publish")
            assert "The job is published." in flashed(lead_client, response)
        return fresh(db, Job, job.id)

    return make


# --- 1. creating a pooled job, finding and inviting partners -----------------------------


def test_lead_creates_a_pooled_job_and_invites_partners(
    db, lead, make_agency, make_user, clients, mailbox
):
    nanaimo = community(db, "Nanaimo")
    assert nanaimo.region_id != lead.region_id
    partner = make_agency(name="Partner Place")
    co_owner = make_user(role="agency", name="Cora Co-owner")
    db.session.add(Membership(user=co_owner, agency=partner, role="owner"))
    db.session.commit()
    make_agency(name="Island Partners Society", community_id=nanaimo.id)
    pending = make_agency(name="Pending Partners", status="pending")
    suspended = make_agency(name="Suspended Partners", status="suspended", community_id=nanaimo.id)
    owner = clients(lead.owner)

    # the job form's checkbox makes the draft pooled; the lead has a share of its own
    assert 'name="pooled"' in text(owner.get("/agency/jobs/new"))
    response = owner.post_form("/agency/jobs/new", job_form(db))
    assert response.status_code == 302
    job = db.session.scalar(select(Job).where(Job.title == TITLE))
    assert job.pooled and job.status == "draft"
    assert [(s.agency_id, s.status) for s in job.shares] == [(lead.id, "accepted")]
    assert "Partners and shares" in text(owner.get(response.location))
    # a single-agency job has no partners page
    single = owner.post_form("/agency/jobs/new", job_form(db, title="Single", pooled=None))
    single_job = db.session.scalar(select(Job).where(Job.title == "Single"))
    assert single.status_code == 302 and not single_job.pooled
    assert owner.get(f"/agency/jobs/{single_job.id}/partners").status_code == 404

    # by name (any case): approved agencies only, not the lead itself
    page = text(owner.get(f"/agency/jobs/{job.id}/partners", query_string={"q": "PARTNER"}))
    assert "Invite Partner Place" in page and "Invite Island Partners Society" in page
    assert "Pending Partners" not in page and "Suspended Partners" not in page
    page = text(owner.get(f"/agency/jobs/{job.id}/partners", query_string={"q": "lakeside"}))
    assert "Invite Lakeside Living" not in page and "No approved agency matches." in page
    # by region
    page = text(
        owner.get(f"/agency/jobs/{job.id}/partners", query_string={"region": nanaimo.region_id})
    )
    assert "Invite Island Partners Society" in page
    assert "Partner Place" not in page and "Suspended Partners" not in page

    # a pending or suspended agency cannot be invited, even by posting its id
    for unapproved in (pending, suspended):
        response = owner.post_form(
            f"/agency/jobs/{job.id}/partners/invite", {"agency_id": unapproved.id}
        )
        assert f"{unapproved.name} is not an approved agency." in flashed(owner, response)
    response = owner.post_form(f"/agency/jobs/{job.id}/partners/invite", {"agency_id": 999999})
    assert "Choose an agency to invite." in flashed(owner, response)
    response = owner.post_form(f"/agency/jobs/{job.id}/partners/invite", {"agency_id": "x"})
    assert "Choose an agency to invite." in flashed(owner, response)
    response = owner.post_form(
        f"/agency/jobs/{single_job.id}/partners/invite", {"agency_id": partner.id}
    )
    assert "Only a pooled position takes partner agencies." in flashed(owner, response)
    assert count(db, JobShare, JobShare.agency_id.in_([pending.id, suspended.id, partner.id])) == 0

    # inviting: an invited share; every owner of the partner gets an email with a link
    response = owner.post_form(f"/agency/jobs/{job.id}/partners/invite", {"agency_id": partner.id})
    assert response.location == f"/agency/jobs/{job.id}/partners"
    assert "Partner Place is invited; its owners were emailed." in flashed(owner, response)
    share = share_of(db, job, partner)
    assert share.status == "invited" and share.invited_at is not None
    assert share.schedule_blocks == [] and share.community_id == partner.community_id
    messages = mailbox.to(partner.owner.email)
    assert [m["Subject"] for m in messages] == [f"Invitation to a pooled position: {TITLE}"]
    body = messages[0].get_body(("plain",)).get_content()
    assert "Lakeside Living invites Partner Place" in body
    assert len(mailbox.to(co_owner.email)) == 1
    link = mailbox.last_link(partner.owner.email, "/agency/shares/")
    assert path_of(link) == f"/agency/shares/{share.id}"
    invited_page = text(clients(partner.owner).get(path_of(link)))
    assert "Lakeside Living invites Partner Place" in invited_page
    assert f'action="/agency/shares/{share.id}/accept"' in invited_page
    assert "Invitation — respond" in text(clients(partner.owner).get("/agency/shares"))
    # the lead's page lists it; it is no longer offered, and a second invitation is refused
    page = text(owner.get(f"/agency/jobs/{job.id}/partners", query_string={"q": "partner"}))
    assert "Invite Partner Place" not in page and "Invite Island Partners Society" in page
    response = owner.post_form(f"/agency/jobs/{job.id}/partners/invite", {"agency_id": partner.id})
    assert "Partner Place is already a partner in this job." in flashed(owner, response)
    assert count(db, JobShare, JobShare.job_id == job.id) == 2
    assert len(mailbox.to(partner.owner.email)) == 1
    # its own agency cannot be invited
    response = owner.post_form(f"/agency/jobs/{job.id}/partners/invite", {"agency_id": lead.id})
    assert "Your own agency already has a share." in flashed(owner, response)


def test_partner_accepts_or_declines_and_can_be_reinvited(
    db, lead, partner, third, clients, mailbox
):
    owner = clients(lead.owner)
    owner.post_form("/agency/jobs/new", job_form(db))
    job = db.session.scalar(select(Job).where(Job.title == TITLE))
    for each in (partner, third):
        owner.post_form(f"/agency/jobs/{job.id}/partners/invite", {"agency_id": each.id})
    first, second = share_of(db, job, partner), share_of(db, job, third)

    response = clients(partner.owner).post_form(f"/agency/shares/{first.id}/accept")
    assert response.location == f"/agency/shares/{first.id}"
    assert "You joined the pooled position." in flashed(clients(partner.owner), response)
    response = clients(third.owner).post_form(f"/agency/shares/{second.id}/decline")
    assert "You declined the invitation." in flashed(clients(third.owner), response)
    first, second = share_of(db, job, partner), share_of(db, job, third)
    assert (first.status, second.status) == ("accepted", "declined")
    assert first.responded_at is not None and second.responded_at is not None
    assert [
        a.detail
        for a in db.session.scalars(
            select(AuditEvent)
            .where(AuditEvent.action.in_(["share.accepted", "share.declined"]))
            .order_by(AuditEvent.id)
        )
    ] == [f"agency {partner.id}", f"agency {third.id}"]
    # an answered invitation cannot be answered again
    response = clients(third.owner).post_form(f"/agency/shares/{second.id}/accept")
    assert "This invitation is no longer open (the share is declined)." in flashed(
        clients(third.owner), response
    )
    assert share_of(db, job, third).status == "declined"

    # the declined agency is offered again and can be re-invited
    page = text(owner.get(f"/agency/jobs/{job.id}/partners", query_string={"q": "third"}))
    assert "Invite Third Harbour Society" in page
    response = owner.post_form(f"/agency/jobs/{job.id}/partners/invite", {"agency_id": third.id})
    assert "Third Harbour Society is invited" in flashed(owner, response)
    again = share_of(db, job, third)
    assert again.id == second.id and again.status == "invited" and again.responded_at is None
    assert len(mailbox.to(third.owner.email)) == 2
    response = clients(third.owner).post_form(f"/agency/shares/{again.id}/accept")
    assert share_of(db, job, third).status == "accepted"

    # a partner that withdrew can be re-invited too
    response = clients(partner.owner).post_form(f"/agency/shares/{first.id}/withdraw")
    assert "The share is withdrawn" in flashed(clients(partner.owner), response)
    assert share_of(db, job, partner).status == "withdrawn"
    response = owner.post_form(f"/agency/jobs/{job.id}/partners/invite", {"agency_id": partner.id})
    assert "Partner Place is invited" in flashed(owner, response)
    assert share_of(db, job, partner).status == "invited"
    # the lead cancels an invitation from its partners page
    response = owner.post_form(f"/agency/shares/{first.id}/withdraw")
    assert response.location == f"/agency/jobs/{job.id}/partners"
    assert "The share is withdrawn" in flashed(owner, response)
    assert share_of(db, job, partner).status == "withdrawn"
    assert count(db, JobShare, JobShare.job_id == job.id) == 3  # one row per agency


# --- 2. each partner edits only its own share -----------------------------------------------


def test_each_partner_edits_only_its_own_share(
    db, lead, partner, third, outsider, make_recruiter, clients, make_pool
):
    job = make_pool(lead, [partner, third], [MORNINGS, AFTERNOONS, SATURDAY], publish=False)
    lead_share, first, second = (share_of(db, job, a) for a in (lead, partner, third))
    # hours follow from the schedule blocks; the job's hours are the shares' sum
    assert (lead_share.hours_per_week, first.hours_per_week, second.hours_per_week) == (
        18.75,
        18.75,
        4.5,
    )
    assert first.schedule_blocks == AFTERNOONS and second.schedule_blocks == SATURDAY
    assert job.hours_per_week == 42.0

    # a partner (any of its staff) edits its own share
    recruiter = make_recruiter(partner)
    response = clients(recruiter).post_form(
        f"/agency/shares/{first.id}",
        share_form(
            [[0, "13:00", "17:00"], [2, "13:00", "16:30"]],
            partner.community_id,
            pay_min="28",
            pay_max="32.50",
        ),
    )
    assert "Your share is saved." in flashed(clients(recruiter), response)
    first = share_of(db, job, partner)
    assert first.hours_per_week == 7.5 and (first.pay_min_cents, first.pay_max_cents) == (
        2800,
        3250,
    )
    assert fresh(db, Job, job.id).hours_per_week == 30.75
    before = (first.schedule_blocks, first.pay_min_cents)

    # another partner's share: 404 on POST, nothing changes
    data = share_form([[6, "08:00", "20:00"]], third.community_id, pay_min="40", pay_max="45")
    assert clients(third.owner).post_form(f"/agency/shares/{first.id}", data).status_code == 404
    for action in ("accept", "decline"):
        assert (
            clients(third.owner).post_form(f"/agency/shares/{first.id}/{action}").status_code == 404
        )
    # an agency outside the job: 404 for everything
    intruder = clients(outsider.owner)
    assert intruder.get(f"/agency/shares/{first.id}").status_code == 404
    assert intruder.post_form(f"/agency/shares/{first.id}", data).status_code == 404
    for action in ("accept", "decline", "withdraw"):
        assert intruder.post_form(f"/agency/shares/{first.id}/{action}").status_code == 404
    assert intruder.get(f"/agency/jobs/{job.id}/partners").status_code == 404
    assert TITLE not in text(intruder.get("/agency/shares"))
    # the lead sees a partner's share but cannot edit it
    lead_client = clients(lead.owner)
    page = text(lead_client.get(f"/agency/shares/{first.id}"))
    assert "Partner Place" in page and "Mon 13:00–17:00, Wed 13:00–16:30" in page
    assert "Save our share" not in page
    assert lead_client.post_form(f"/agency/shares/{first.id}", data).status_code == 404
    for action in ("accept", "decline"):
        assert lead_client.post_form(f"/agency/shares/{first.id}/{action}").status_code == 404
    first = share_of(db, job, partner)
    assert (first.schedule_blocks, first.pay_min_cents, first.status) == (*before, "accepted")
    assert (
        count(
            db,
            AuditEvent,
            AuditEvent.action == "share.updated",
            AuditEvent.detail == f"agency {partner.id}",
        )
        == 2
    )

    # the lead edits the common text on the job form; a partner cannot open it
    partner_client = clients(partner.owner)
    assert partner_client.get(f"/agency/jobs/{job.id}/edit").status_code == 404
    response = partner_client.post_form(
        f"/agency/jobs/{job.id}/edit", job_form(db, title="Hijacked", version_id=job.version_id)
    )
    assert response.status_code == 404
    assert partner_client.post_form(f"/agency/jobs/{job.id}/publish").status_code == 404
    response = lead_client.post_form(
        f"/agency/jobs/{job.id}/edit",
        job_form(
            db,
            title="Pooled Youth Worker",
            description="New common text.",
            version_id=fresh(db, Job, job.id).version_id,
        ),
    )
    assert "Saved." in flashed(lead_client, response)
    job = fresh(db, Job, job.id)
    assert (job.title, job.description, job.pooled) == (
        "Pooled Youth Worker",
        "New common text.",
        True,
    )
    assert job.hours_per_week == 30.75  # from the shares, not the form's 18.75
    first = share_of(db, job, partner)
    assert (first.schedule_blocks, first.pay_min_cents) == before


def test_lead_edits_the_common_text_of_a_published_pool(app, db, lead, partner, clients, make_pool):
    job = make_pool(lead, [partner], [MORNINGS, AFTERNOONS])
    owner = clients(lead.owner)
    page = text(owner.get(f"/agency/jobs/{job.id}/edit"))
    # the checkbox is only on a draft's form: a browser sends no "pooled" field now
    assert 'name="pooled"' not in page and "This is a pooled position." in page
    version = re.search(r'name="version_id" type="hidden" value="(\d+)"', page).group(1)
    response = owner.post_form(
        f"/agency/jobs/{job.id}/edit",
        job_form(
            db,
            title="Pooled Outreach Worker",
            description="Updated common text.",
            pooled=None,
            version_id=version,
        ),
    )
    assert "Saved." in flashed(owner, response)
    job = fresh(db, Job, job.id)
    assert (job.title, job.pooled, job.status, job.hours_per_week) == (
        "Pooled Outreach Worker",
        True,
        "published",
        37.5,
    )
    page = text(app.test_client().get(f"/jobs/{job.id}"))
    assert "Updated common text." in page and "2 agencies · 37.5 h/week · 1.0 FTE" in page
    assert search_ids(app.test_client(), q="outreach") == [job.id]


def test_a_full_time_pool_of_three_agencies(db, lead, partner, third, clients):
    """The lead enters the job's full 37.5 h on the form; partners invited before any
    schedule is set must still be able to join (their hours come from their schedules)."""
    owner = clients(lead.owner)
    owner.post_form("/agency/jobs/new", job_form(db, hours_per_week="37.5"))
    job = db.session.scalar(select(Job).where(Job.title == TITLE))
    for each in (partner, third):
        owner.post_form(f"/agency/jobs/{job.id}/partners/invite", {"agency_id": each.id})
    for each in (partner, third):
        share = share_of(db, job, each)
        response = clients(each.owner).post_form(f"/agency/shares/{share.id}/accept")
        assert "You joined the pooled position" in flashed(clients(each.owner), response)
    assert [s.status for s in fresh(db, Job, job.id).shares] == ["accepted"] * 3
    blocks = {
        lead: [[d, "09:00", "12:00"] for d in range(5)],
        partner: [[d, "13:00", "15:30"] for d in range(5)],
        third: [[d, "16:00", "18:00"] for d in range(5)],
    }
    for agency, agency_blocks in blocks.items():
        response = clients(agency.owner).post_form(
            f"/agency/shares/{share_of(db, job, agency).id}",
            share_form(agency_blocks, agency.community_id),
        )
        assert response.status_code == 302, text(response)[:3000]
    response = owner.post_form(f"/agency/jobs/{job.id}/publish")
    assert "The job is published." in flashed(owner, response)
    assert fresh(db, Job, job.id).hours_per_week == 37.5
    assert "3 agencies · 37.5 h/week · 1.0 FTE" in text(owner.get(f"/jobs/{job.id}"))


BAD_SHARES = [
    # (what, form changes, message)
    (
        "end before start",
        {"start_0": "13:00", "end_0": "09:00"},
        "On Monday, the end (09:00) must be after the start (13:00).",
    ),
    (
        "a start without an end",
        {"start_2": "13:00", "end_2": ""},
        "Give both the start and the end on Wednesday.",
    ),
    (
        "an end without a start",
        {"start_3": "", "end_3": "16:45"},
        "Give both the start and the end on Thursday.",
    ),
    ("not HH:MM", {"start_1": "1pm"}, "Use the 24-hour clock, e.g. 09:00."),
    ("not a time", {"end_4": "25:00"}, "Use the 24-hour clock, e.g. 09:00."),
    (
        "no schedule",
        {f"{edge}_{day}": "" for day in range(5) for edge in ("start", "end")},
        "Add at least one block to the schedule (day, start and end).",
    ),
    (
        "below minimum wage",
        {"pay_min": "15", "pay_max": "16"},
        "Hourly pay cannot be below BC's minimum wage ($17.85).",
    ),
    (
        "pay range reversed",
        {"pay_min": "31", "pay_max": "27"},
        "The minimum pay cannot be more than the maximum.",
    ),
    (
        "union share of a non-union agency",
        {"unionized": "yes"},
        "Partner Place is not unionized: its share cannot be a union position.",
    ),
    (
        "overlap with the lead's share",
        {"start_0": "12:00", "end_0": "17:00"},
        "This schedule overlaps Lakeside Living's share on Monday 12:00–12:45. Shares offered "
        "as one job must not overlap.",
    ),
]


@pytest.mark.parametrize(
    ("what", "changes", "message"), BAD_SHARES, ids=[case[0] for case in BAD_SHARES]
)
def test_bad_share_input_is_refused_and_kept(
    db, lead, partner, clients, make_pool, what, changes, message
):
    job = make_pool(lead, [partner], [MORNINGS, AFTERNOONS], publish=False)
    share = share_of(db, job, partner)
    before = (
        share.schedule_blocks,
        share.hours_per_week,
        share.pay_min_cents,
        share.pay_max_cents,
        share.unionized,
    )
    updates = count(db, AuditEvent, AuditEvent.action == "share.updated")
    data = share_form(AFTERNOONS, partner.community_id)
    data.update(changes)
    response = clients(partner.owner).post_form(f"/agency/shares/{share.id}", data)
    assert response.status_code == 400
    page = text(response)
    assert message in page and "Please fix the following:" in page
    # what was typed is kept
    for name, value in changes.items():
        if value and name.startswith(("start_", "end_")):
            assert f'name="{name}" type="time" value="{value}"' in page, name
    pay_min = changes.get("pay_min", "26")
    assert re.search(rf'id="pay_min" name="pay_min"[^>]*value="{pay_min}"', page)
    union = changes.get("unionized", "no")
    assert re.search(rf'<input checked [^>]*name="unionized"[^>]*value="{union}">', page)
    # nothing is saved
    share = share_of(db, job, partner)
    assert (
        share.schedule_blocks,
        share.hours_per_week,
        share.pay_min_cents,
        share.pay_max_cents,
        share.unionized,
    ) == before
    assert count(db, AuditEvent, AuditEvent.action == "share.updated") == updates
    assert fresh(db, Job, job.id).hours_per_week == 37.5


def test_a_unionized_agency_may_offer_a_union_share(db, lead, make_agency, clients, make_pool):
    union = make_agency(name="Union Works", unionized=True)
    job = make_pool(
        lead, [union], [MORNINGS, AFTERNOONS], publish=False, extra={union.id: {"unionized": "yes"}}
    )
    assert share_of(db, job, union).unionized is True
    assert share_of(db, job, lead).unionized is False


# --- 3. publishing ---------------------------------------------------------------------------


def test_publishing_needs_two_accepted_scheduled_shares(db, lead, partner, clients):
    owner, partner_client = clients(lead.owner), clients(partner.owner)
    owner.post_form("/agency/jobs/new", job_form(db))
    job = db.session.scalar(select(Job).where(Job.title == TITLE))
    needs_two = (
        "A pooled position needs at least two accepted shares to publish: invite "
        "partner agencies and wait for them to accept."
    )

    def publish() -> str:
        return flashed(owner, owner.post_form(f"/agency/jobs/{job.id}/publish"))

    assert needs_two in publish()
    # "Save and publish" on the form is refused the same way; the draft is kept
    response = owner.post_form(
        f"/agency/jobs/{job.id}/edit",
        job_form(db, version_id=job.version_id, save=None, publish="Save and publish"),
    )
    assert needs_two in flashed(owner, response)
    owner.post_form(f"/agency/jobs/{job.id}/partners/invite", {"agency_id": partner.id})
    share = share_of(db, job, partner)
    assert needs_two in publish()  # invited is not accepted
    partner_client.post_form(f"/agency/shares/{share.id}/accept")
    assert "Lakeside Living has not set the schedule of its share yet." in publish()
    lead_share = share_of(db, job, lead)
    owner.post_form(f"/agency/shares/{lead_share.id}", share_form(MORNINGS, lead.community_id))
    assert "Partner Place has not set the schedule of its share yet." in publish()
    assert fresh(db, Job, job.id).status == "draft"
    assert count(db, AuditEvent, AuditEvent.action == "job.published") == 0

    partner_client.post_form(
        f"/agency/shares/{share.id}", share_form(AFTERNOONS, partner.community_id)
    )
    assert "The job is published." in publish()
    job = fresh(db, Job, job.id)
    assert job.status == "published" and job.hours_per_week == 37.5


def test_publishing_clashing_schedules_is_refused(db, lead, partner, clients, make_pool):
    job = make_pool(lead, [partner], [MORNINGS, AFTERNOONS], publish=False)
    share = share_of(db, job, partner)
    share.schedule_blocks = [[0, "12:00", "14:00"]]  # the form refuses this; force it
    db.session.commit()
    owner = clients(lead.owner)
    page = flashed(owner, owner.post_form(f"/agency/jobs/{job.id}/publish"))
    assert (
        "The schedules of Lakeside Living and Partner Place overlap on Monday 12:00–12:45."
    ) in page
    assert fresh(db, Job, job.id).status == "draft"
    assert search_ids(owner, pooled=1) == []


def test_accepting_an_invitation_cannot_make_schedules_clash(
    db, lead, partner, third, clients, make_pool
):
    """A partner may set its schedule before accepting; accepting must not create an
    overlap with an accepted share, nor add an unscheduled share to a published job."""
    job = make_pool(lead, [partner], [MORNINGS, AFTERNOONS])
    owner, third_client = clients(lead.owner), clients(third.owner)
    owner.post_form(f"/agency/jobs/{job.id}/partners/invite", {"agency_id": third.id})
    share = share_of(db, job, third)
    response = third_client.post_form(f"/agency/shares/{share.id}/accept")
    assert "set the schedule of your share before accepting" in flashed(third_client, response)
    assert share_of(db, job, third).status == "invited"
    assert fresh(db, Job, job.id).hours_per_week == 37.5
    # its schedule set while invited, then the lead's share changed to overlap it
    response = third_client.post_form(
        f"/agency/shares/{share.id}", share_form(SATURDAY, third.community_id)
    )
    assert response.status_code == 302
    lead_share = share_of(db, job, lead)
    response = owner.post_form(
        f"/agency/shares/{lead_share.id}",
        share_form([*MORNINGS, [5, "09:00", "11:00"]], lead.community_id),
    )
    assert response.status_code == 302
    response = third_client.post_form(f"/agency/shares/{share.id}/accept")
    assert "This schedule overlaps Lakeside Living's share on Saturday 10:00–11:00." in flashed(
        third_client, response
    )
    assert share_of(db, job, third).status == "invited"
    # without the overlap it joins, and the posting shows three employers
    owner.post_form(f"/agency/shares/{lead_share.id}", share_form(MORNINGS, lead.community_id))
    response = third_client.post_form(f"/agency/shares/{share.id}/accept")
    assert "You joined the pooled position" in flashed(third_client, response)
    assert fresh(db, Job, job.id).hours_per_week == 42.0
    assert "3 agencies · 42 h/week · 1.1 FTE" in text(third_client.get(f"/jobs/{job.id}"))


# --- 4. what seekers see ---------------------------------------------------------------------


def test_seekers_see_one_posting_with_combined_hours(app, db, lead, partner, make_job, make_pool):
    job = make_pool(
        lead,
        [partner],
        [MORNINGS, AFTERNOONS],
        extra={partner.id: {"pay_min": "27.50", "pay_max": "31"}},
    )
    single = make_job(title="Single Agency Support Worker", hours_per_week=20)
    anon = app.test_client()

    page = text(anon.get(f"/jobs/{job.id}"))
    assert "2 agencies · 37.5 h/week · 1.0 FTE" in page
    # each employer's name links to its page
    assert "Lakeside Living · Partner Place — Nelson" in re.sub(r"<[^>]+>", "", page)
    rows = re.findall(
        r"<tr>\s*<td>(.*?)</td><td>(.*?)</td><td class=\"small\">(.*?)</td>\s*"
        r"<td>(.*?)</td><td>(.*?)</td><td>(.*?)</td></tr>",
        page,
    )
    assert rows == [
        (
            "Lakeside Living",
            "18.75 h",
            "Mon 09:00–12:45, Tue 09:00–12:45, Wed 09:00–12:45, Thu 09:00–12:45, Fri 09:00–12:45",
            lead.community.name,
            "$26–$30 an hour",
            "No",
        ),
        (
            "Partner Place",
            "18.75 h",
            "Mon 13:00–16:45, Tue 13:00–16:45, Wed 13:00–16:45, Thu 13:00–16:45, Fri 13:00–16:45",
            "Nanaimo",
            "$27.50–$31 an hour",
            "No",
        ),
    ]
    assert "Pooled position" not in text(anon.get(f"/jobs/{single.id}"))

    # search: one result with the combined hours, the pooled filter and its count
    results = text(anon.get("/jobs"))
    assert "Pooled · 2 agencies · 37.5 h/week · 1.0 FTE" in results
    assert results.count(f'<a href="/jobs/{job.id}">') == 1
    assert facet_count(results, "Pooled positions only") == 1
    assert sorted(search_ids(anon)) == sorted([job.id, single.id])
    assert search_ids(anon, pooled=1) == [job.id]
    assert (
        facet_count(text(anon.get("/jobs", query_string={"pooled": 1})), "Pooled positions only")
        == 1
    )
    assert {"Lakeside Living", "Partner Place"} <= set(agency_facet(results))
    assert search_ids(anon, agency=partner.id) == [job.id]
    # hours filters use the combined hours (each share alone is 18.75 h)
    assert search_ids(anon, hmin=30) == [job.id]
    assert search_ids(anon, hmax=25) == [single.id]
    assert search_ids(anon, hours="30-plus") == [job.id]

    # the full-time week is a setting
    app.config["FULL_TIME_HOURS"] = 35
    assert "2 agencies · 37.5 h/week · 1.1 FTE" in text(anon.get(f"/jobs/{job.id}"))
    assert "Pooled · 2 agencies · 37.5 h/week · 1.1 FTE" in text(anon.get("/jobs"))


# --- 5. one application reaches every partner ------------------------------------------------


def test_one_application_reaches_every_partner(
    db, lead, partner, third, outsider, make_seeker, clients, make_pool, mailbox
):
    job = make_pool(lead, [partner, third], [MORNINGS, AFTERNOONS, SATURDAY])
    seeker = make_seeker("Nadia Seeker")
    apply(clients(seeker), job)

    assert count(db, Application) == 1
    application = application_of(db, job, seeker)
    decisions = sorted((d.agency_id, d.share.agency_id, d.status) for d in application.decisions)
    assert decisions == sorted((a.id, a.id, "new") for a in (lead, partner, third))
    assert len({d.share_id for d in application.decisions}) == 3
    # one email to the seeker for the whole position (its employers: see below)
    assert [m["Subject"] for m in mailbox.to(seeker.email)] == [f"Application received: {TITLE}"]
    # and each agency's staff hear of the applicant
    for agency in (lead, partner, third):
        assert [
            m["Subject"]
            for m in mailbox.to(agency.owner.email)
            if "New application" in m["Subject"]
        ] == [f"New application: {TITLE}"], agency.name

    # each partner sees the applicant in its own pipeline and decides on its own share
    for agency in (lead, partner, third):
        page = text(clients(agency.owner).get(f"/agency/jobs/{job.id}/applicants"))
        assert applicant_names(page) == ["Nadia Seeker"], agency.name
    response = set_status(clients(partner.owner), application, "interview")
    assert "Nadia Seeker moved to “Interview”." in flashed(clients(partner.owner), response)
    set_status(clients(third.owner), application, "declined")
    assert {a.id: decision_of(db, application, a).status for a in (lead, partner, third)} == {
        lead.id: "new",
        partner.id: "interview",
        third.id: "declined",
    }
    assert application_of(db, job, seeker).status == "interview"
    page = text(clients(lead.owner).get(f"/agency/jobs/{job.id}/applicants?status=new"))
    assert applicant_names(page) == ["Nadia Seeker"]
    page = text(clients(partner.owner).get(f"/agency/jobs/{job.id}/applicants?status=new"))
    assert applicant_names(page) == []

    # partners see each other's decisions on the review page
    review = f"/agency/applications/{application.id}"
    page = text(clients(lead.owner).get(review))
    assert "Partners' decisions on this pooled position" in page
    assert 'Partner Place (18.75 h): <span class="badge status-interview">Interview</span>' in page
    assert 'Third Harbour Society (4.5 h): <span class="badge status-declined">' in page
    page = text(clients(partner.owner).get(review))
    assert 'Lakeside Living (18.75 h): <span class="badge status-new">New</span>' in page
    assert "Partner Place (18.75 h)" not in page  # its own decision is the main status
    assert 'Status: <span class="badge status-interview fs-6">Interview</span>' in page

    # notes stay private to each partner
    clients(lead.owner).post_form(f"{review}/notes", {"body": "Lead's private note."})
    clients(partner.owner).post_form(f"{review}/notes", {"body": "Partner's private note."})
    assert count(db, ApplicationNote) == 2
    lead_page, partner_page, third_page = (
        text(clients(a.owner).get(review)) for a in (lead, partner, third)
    )
    assert "Lead's private note." in lead_page and "Partner's private note." not in lead_page
    assert "Partner's private note." in partner_page and "Lead's private note." not in partner_page
    assert "private note" not in third_page
    assert "private note" not in text(clients(seeker).get(f"/applications/{application.id}"))

    # an agency outside the job sees neither the applicants nor the shares
    intruder = clients(outsider.owner)
    for url in (
        f"/agency/jobs/{job.id}/applicants",
        review,
        f"{review}/resume",
        f"/agency/shares/{share_of(db, job, partner).id}",
        f"/agency/jobs/{job.id}/partners",
    ):
        assert intruder.get(url).status_code == 404, url
    assert set_status(intruder, application, "hired").status_code == 404
    assert intruder.post_form(f"{review}/notes", {"body": "x"}).status_code == 404
    assert count(db, ApplicationNote) == 2
    assert decision_of(db, application, lead).status == "new"


# what the seeker is sent: one email naming every employer with its share (issue 16)
WEEKDAY_MORNINGS = ", ".join(f"{d} 09:00–12:45" for d in ("Mon", "Tue", "Wed", "Thu", "Fri"))
WEEKDAY_AFTERNOONS = ", ".join(f"{d} 13:00–16:45" for d in ("Mon", "Tue", "Wed", "Thu", "Fri"))
SHARE_LINES = [  # (hours and schedule, as the email lists each share)
    f"18.75 h/week — {WEEKDAY_MORNINGS}",
    f"18.75 h/week — {WEEKDAY_AFTERNOONS}",
    "4.5 h/week — Sat 10:00–14:30",
]


def employer_items(html_: str) -> list[str]:
    """The employers listed in the HTML part, one line of text each."""
    items = re.findall(r"<li>(.*?)</li>", html_, re.DOTALL)
    return [
        re.sub(r"\s+", " ", re.sub(r"<(?!br)[^>]+>", "", item).replace("<br>", " ")).strip()
        for item in items
    ]


@pytest.mark.parametrize(
    ("size", "totals"),
    [(2, "2 agencies · 37.5 h/week · 1.0 FTE"), (3, "3 agencies · 42 h/week · 1.1 FTE")],
)
def test_a_pooled_application_sends_the_seeker_one_email(
    db, lead, partner, third, make_seeker, clients, make_pool, mailbox, size, totals
):
    partners = [partner, third][: size - 1]
    employers = [lead, *partners]
    job = make_pool(lead, partners, [MORNINGS, AFTERNOONS, SATURDAY][:size])
    seeker = make_seeker("Nadia Seeker")
    apply(clients(seeker), job)
    application = application_of(db, job, seeker)
    assert len(application.decisions) == size

    [(subject, plain, html_)] = mails(mailbox, seeker.email)  # one, not one per employer
    assert subject == f"Application received: {TITLE}"
    welcome = (
        f"Thank you for applying for {TITLE}. This is a pooled position: one job made of "
        f"part-time shares with {size} employers, and your one application has reached each "
        "of them. Each employer reviews it for its own share and will contact you itself if "
        "it would like to meet you. You can be hired into every share or only some."
    )
    names = " · ".join(a.name for a in employers)
    for body in (plain, html_):
        assert body.startswith("Hello Nadia Seeker,") or "<p>Hello Nadia Seeker,</p>" in body
        assert welcome in body
        assert f"Employers and their shares ({totals})" in re.sub(r"<[^>]+>", "", body)
        assert f"Job: {TITLE} — {names}" in re.sub(r"<[^>]+>", "", body)
        # the portal's single-employer wording is not repeated for each employer
        assert "We have received your application" not in body
        assert "Message from" not in body
    # each employer with its share: hours, schedule, site and pay; the lead first
    for agency, share_line in zip(employers, SHARE_LINES, strict=False):
        lead_mark = " (lead agency)" if agency is lead else ""
        where = f"{agency.community.name} · $26–$30 an hour"
        assert f"- {agency.name}{lead_mark}: {share_line}\n  {where}\n" in plain, agency.name
    assert employer_items(html_) == [
        f"{a.name}{' (lead agency)' if a is lead else ''}: {line} {a.community.name} · "
        "$26–$30 an hour"
        for a, line in zip(employers, SHARE_LINES, strict=False)
    ]
    assert path_of(mailbox.last_link(seeker.email, "/applications/")) == (
        f"/applications/{application.id}"
    )
    # every employer's staff still hear of the applicant, once each
    for agency in employers:
        assert [
            m["Subject"] for m in mailbox.to(agency.owner.email) if "application" in m["Subject"]
        ] == [f"New application: {TITLE}"], agency.name
    if size == 2:  # an agency outside the position is not named
        assert third.name not in plain and third.name not in html_


def test_a_pooled_email_keeps_each_agency_wording_and_one_knockout_email(
    db, lead, partner, make_seeker, clients, make_pool, mailbox
):
    response = clients(partner.owner).post_form(
        "/agency/messages",
        {
            "received": "Hi {name}, {agency} received your application for {job}.",
            "declined": "Sorry {name}, {agency} chose another applicant for {job}.",
        },
    )
    assert response.status_code == 302
    job = make_pool(lead, [partner], [MORNINGS, AFTERNOONS])
    response = clients(lead.owner).post_form(
        f"/agency/jobs/{job.id}/questions",
        {
            "text": "Do you hold a driver's licence?",
            "kind": "yes_no",
            "required": "y",
            "knockout_answer": "yes",
        },
    )
    assert response.status_code == 302, text(response)[:2000]
    question = db.session.scalar(
        select(ScreeningQuestion).where(ScreeningQuestion.job_id == job.id)
    )
    kept, out = make_seeker("Amelia Kept"), make_seeker("Bruno Out")
    for seeker, answer in ((kept, "yes"), (out, "no")):
        response = clients(seeker).post_form(
            f"/jobs/{job.id}/apply", {"cover_note": "Keen.", f"q_{question.id}": answer}
        )
        assert response.status_code == 302, text(response)[:2000]

    # the partner's own wording goes under its name, once; the lead's default is not added
    [(subject, plain, html_)] = mails(mailbox, kept.email)
    assert subject == f"Application received: {TITLE}"
    own = (
        "Message from Partner Place: Hi Amelia Kept, Partner Place received your "
        f"application for {TITLE}."
    )
    for body in (plain, html_):
        assert re.sub(r"<[^>]+>", "", body).count(own) == 1
        assert body.count("Message from") == 1
    assert employer_items(html_)[1].endswith(own)

    # knocked out: declined by every share, told once that it is received and once that it is not
    application = application_of(db, job, out)
    assert {d.agency_id: d.status for d in application.decisions} == {
        lead.id: "declined",
        partner.id: "declined",
    }
    sent = mails(mailbox, out.email)
    assert [s for s, _p, _h in sent] == [
        f"Application received: {TITLE}",
        f"Your application for {TITLE}",
    ]
    _s, plain, html_ = sent[1]
    for body in (plain, html_):
        assert (
            "After careful consideration, the employers of this pooled position have decided "
            "not to go forward with your application." in body
        )
        assert "Lakeside Living" in body and "Partner Place" in body
        assert (
            re.sub(r"<[^>]+>", "", body).count(
                f"Message from Partner Place: Sorry Bruno Out, Partner Place chose another "
                f"applicant for {TITLE}."
            )
            == 1
        )


def test_a_single_agency_application_keeps_its_email(
    db, lead, make_job, make_seeker, clients, mailbox
):
    job = make_job(agency=lead, title="Single Agency Support Worker")
    seeker = make_seeker("Nadia Seeker")
    apply(clients(seeker), job)
    [(subject, plain, html_)] = mails(mailbox, seeker.email)
    assert subject == "Application received: Single Agency Support Worker"
    for body in (plain, html_):
        assert (
            "Thank you for applying for Single Agency Support Worker with Lakeside Living. We "
            "have received your application and will review it carefully." in body
        )
        assert "pooled" not in body and "Employers and their shares" not in body
    assert "Job: Single Agency Support Worker — Lakeside Living" in plain


# --- 6. hiring ---------------------------------------------------------------------------------


def test_hired_into_both_shares_fills_the_job(
    app, db, lead, partner, make_seeker, clients, make_pool
):
    job = make_pool(lead, [partner], [MORNINGS, AFTERNOONS])
    seeker, other = make_seeker("Amelia Zhang"), make_seeker("Bruno Ortiz")
    apply(clients(seeker), job)
    apply(clients(other), job)
    application = application_of(db, job, seeker)
    anon = app.test_client()

    response = set_status(clients(lead.owner), application, "hired")
    page = flashed(clients(lead.owner), response)
    assert "Amelia Zhang moved to “Hired”. The position is filled." in page
    job = fresh(db, Job, job.id)
    assert share_of(db, job, lead).filled_at is not None
    assert share_of(db, job, partner).filled_at is None
    assert job.status == "published"  # hired into only one share: still open
    assert search_ids(anon, pooled=1) == [job.id]

    response = set_status(clients(partner.owner), application, "hired")
    assert response.status_code == 302
    job = fresh(db, Job, job.id)
    assert job.status == "filled" and job.ended_at is not None
    assert all(s.filled_at is not None for s in job.shares)
    assert {d.status for d in application_of(db, job, seeker).decisions} == {"hired"}
    assert search_ids(anon, pooled=1) == [] and search_ids(anon) == []
    assert "This job is no longer open" in text(anon.get(f"/jobs/{job.id}"))
    # nobody else can be hired into a filled share
    second = application_of(db, job, other)
    response = set_status(clients(partner.owner), second, "hired")
    assert FILLED in flashed(clients(partner.owner), response)
    assert decision_of(db, second, partner).status == "new"


def test_hired_into_one_share_the_job_stays_published(
    app, db, lead, partner, make_seeker, clients, make_pool
):
    job = make_pool(lead, [partner], [MORNINGS, AFTERNOONS])
    amelia, bruno = make_seeker("Amelia Zhang"), make_seeker("Bruno Ortiz")
    apply(clients(amelia), job)
    apply(clients(bruno), job)
    assert {s.agency_id for s in openshares.newest_first()} == {lead.id, partner.id}
    set_status(clients(partner.owner), application_of(db, job, amelia), "hired")
    job = fresh(db, Job, job.id)
    assert job.status == "published"
    assert search_ids(app.test_client(), pooled=1) == [job.id]
    # the filled share leaves matching, the other stays
    assert {s.agency_id for s in openshares.newest_first()} == {lead.id}
    # the other share is filled by another candidate: now the job is filled
    set_status(clients(lead.owner), application_of(db, job, bruno), "hired")
    assert fresh(db, Job, job.id).status == "filled"
    assert search_ids(app.test_client(), pooled=1) == []


def test_hiring_into_an_overlapping_share_is_refused(
    db, lead, partner, make_seeker, clients, make_pool
):
    job = make_pool(lead, [partner], [MORNINGS, AFTERNOONS])
    share = share_of(db, job, partner)
    share.schedule_blocks = [[0, "12:00", "14:00"], [1, "13:00", "16:45"]]  # forced overlap
    db.session.commit()
    seeker = make_seeker("Amelia Zhang")
    apply(clients(seeker), job)
    application = application_of(db, job, seeker)
    set_status(clients(lead.owner), application, "hired")
    assert decision_of(db, application, lead).status == "hired"

    events = count(db, ApplicationEvent)
    response = set_status(clients(partner.owner), application, "hired")
    assert (
        "Amelia Zhang is already hired into Lakeside Living's share, which overlaps this "
        "one on Monday 12:00–12:45."
    ) in flashed(clients(partner.owner), response)
    assert decision_of(db, application, partner).status == "new"
    assert share_of(db, job, partner).filled_at is None
    assert count(db, ApplicationEvent) == events
    assert fresh(db, Job, job.id).status == "published"
    # other moves are still allowed
    set_status(clients(partner.owner), application, "interview")
    assert decision_of(db, application, partner).status == "interview"


# --- 7. two hires into the last open share at once (PostgreSQL) -------------------------------


# SQLite serialises writers: the row-lock race needs PostgreSQL. The SQLite variants are
# deselected at collection (conftest), not skipped, so CI's "nothing skipped" check holds.
@pytest.mark.postgresql_only
def test_concurrent_hires_take_the_last_share_once(
    app, db, lead, partner, make_seeker, make_recruiter, login, clients, make_pool
):
    job = make_pool(lead, [partner], [MORNINGS, AFTERNOONS])
    first_hire, amelia, bruno = (
        make_seeker(n) for n in ("Chloe First", "Amelia Zhang", "Bruno Ortiz")
    )
    for seeker in (first_hire, amelia, bruno):
        apply(clients(seeker), job)
    set_status(clients(lead.owner), application_of(db, job, first_hire), "hired")
    assert share_of(db, job, lead).filled_at is not None  # the partner's share is the last

    staff = [partner.owner, make_recruiter(partner)]
    applications = [application_of(db, job, amelia), application_of(db, job, bruno)]
    urls = [f"/agency/applications/{a.id}/status" for a in applications]
    barrier = threading.Barrier(2)
    results: list = [None, None]

    def hire(i: int, client, token: str) -> None:
        try:
            barrier.wait(timeout=10)
            results[i] = client.post(
                urls[i], data={"status": "hired", "message": "", "csrf_token": token}
            )
        except Exception as exc:  # reported by the main thread
            results[i] = exc

    threads = []
    for i, user in enumerate(staff):
        client = app.test_client()
        login(client, user)
        threads.append(
            (threading.Thread(target=hire, args=(i, client, client.csrf_token())), client)
        )
    for thread, _ in threads:
        thread.start()
    for thread, _ in threads:
        thread.join(timeout=30)
    for result in results:
        assert not isinstance(result, Exception), result
        assert result is not None and result.status_code == 302
    pages = [
        text(client.get(result.location))
        for result, (_, client) in zip(results, threads, strict=True)
    ]

    statuses = [decision_of(db, a, partner).status for a in applications]
    assert sorted(statuses) == ["hired", "new"]
    winner, loser = (0, 1) if statuses[0] == "hired" else (1, 0)
    assert "moved to “Hired”. The position is filled." in pages[winner]
    assert FILLED in pages[loser]
    assert (
        count(
            db,
            ApplicationEvent,
            ApplicationEvent.to_status == "hired",
            ApplicationEvent.agency_id == partner.id,
        )
        == 1
    )
    assert share_of(db, job, partner).filled_at is not None
    assert fresh(db, Job, job.id).status == "filled"


def waiting_for_a_lock(db) -> int:
    """The number of connections to the test's database waiting for a lock (PostgreSQL)."""
    with db.engine.connect() as conn:
        return conn.scalar(
            sql(
                "SELECT count(*) FROM pg_stat_activity "
                "WHERE datname = current_database() AND wait_event_type = 'Lock'"
            )
        )


@pytest.mark.postgresql_only
def test_the_share_claim_waits_for_a_concurrent_hire(
    app, db, lead, partner, make_seeker, clients, make_pool
):
    """The conditional UPDATE, in two transactions: the second blocks on the row until the
    first commits, then finds the share filled (no update) and refuses."""
    from portal.applications import services
    from portal.errors import PortalError
    from portal.extensions import db as _db
    from portal.models import User

    job = make_pool(lead, [partner], [MORNINGS, AFTERNOONS])
    amelia, bruno = make_seeker("Amelia Zhang"), make_seeker("Bruno Ortiz")
    apply(clients(amelia), job)
    apply(clients(bruno), job)
    decision_ids = [
        decision_of(db, application_of(db, job, s), partner).id for s in (amelia, bruno)
    ]
    owner_id = partner.owner.id
    db.session.commit()  # the test's own session holds no transaction open meanwhile
    claimed, may_commit = threading.Event(), threading.Event()
    started = threading.Event()
    outcome: dict = {}

    def hire(key: str, decision_id: int, hold: bool) -> None:
        try:
            with app.app_context():
                decision = _db.session.get(ApplicationDecision, decision_id)
                by = _db.session.get(User, owner_id)
                if not hold:
                    started.set()
                try:
                    services.change_status(decision, "hired", by)
                except PortalError as exc:
                    _db.session.rollback()
                    outcome[key] = str(exc)
                    return
                if hold:
                    claimed.set()
                    may_commit.wait(timeout=20)
                _db.session.commit()
                outcome[key] = "hired"
        except Exception as exc:  # reported by the main thread
            outcome[key] = exc
            claimed.set()

    first = threading.Thread(target=hire, args=("first", decision_ids[0], True))
    second = threading.Thread(target=hire, args=("second", decision_ids[1], False))
    first.start()
    assert claimed.wait(timeout=20) and "first" not in outcome, outcome
    second.start()
    assert started.wait(timeout=20)
    wait_until(lambda: waiting_for_a_lock(db) == 1, 20, "the second hire does not wait")
    assert second.is_alive() and "second" not in outcome  # waiting for the row lock
    may_commit.set()
    first.join(timeout=20)
    second.join(timeout=20)
    assert outcome == {"first": "hired", "second": FILLED}
    statuses = [fresh(db, ApplicationDecision, i).status for i in decision_ids]
    assert statuses == ["hired", "new"]
    assert share_of(db, job, partner).filled_at is not None
    assert fresh(db, Job, job.id).status == "published"  # the lead's share is still open


# --- 8. withdrawing a share ----------------------------------------------------------------------


def test_partner_withdraws_before_publishing(db, lead, partner, third, clients, make_pool):
    job = make_pool(lead, [partner, third], [MORNINGS, AFTERNOONS, SATURDAY], publish=False)
    assert job.hours_per_week == 42.0
    share = share_of(db, job, third)
    response = clients(third.owner).post_form(f"/agency/shares/{share.id}/withdraw")
    assert response.location == f"/agency/shares/{share.id}"
    assert "The share is withdrawn; the posting is updated." in flashed(
        clients(third.owner), response
    )
    share = share_of(db, job, third)
    assert share.status == "withdrawn" and share.responded_at is not None
    assert fresh(db, Job, job.id).hours_per_week == 37.5
    page = text(clients(lead.owner).get(f"/agency/jobs/{job.id}/partners"))
    assert "Combined: 2 agencies · 37.5 h/week · 1.00 FTE" in page
    # a withdrawn share can no longer be changed or withdrawn again
    response = clients(third.owner).post_form(
        f"/agency/shares/{share.id}", share_form(SATURDAY, third.community_id)
    )
    assert "This share is withdrawn; it cannot be changed." in text(response)
    response = clients(third.owner).post_form(f"/agency/shares/{share.id}/withdraw")
    assert "This share is already withdrawn." in flashed(clients(third.owner), response)

    # the lead cannot withdraw its own share
    lead_share = share_of(db, job, lead)
    owner = clients(lead.owner)
    response = owner.post_form(f"/agency/shares/{lead_share.id}/withdraw")
    assert "The lead agency cannot leave its own job; close the job instead." in flashed(
        owner, response
    )
    assert share_of(db, job, lead).status == "accepted"
    assert "Withdraw our share" not in text(owner.get(f"/agency/shares/{lead_share.id}"))


def test_partner_withdraws_after_publishing(
    app, db, lead, partner, third, make_seeker, clients, make_pool, mailbox
):
    job = make_pool(lead, [partner, third], [MORNINGS, AFTERNOONS, SATURDAY])
    anon = app.test_client()
    assert "Third Harbour Society" in agency_facet(text(anon.get("/jobs")))
    nadia, omar, lucy = (make_seeker(n) for n in ("Nadia Open", "Omar Declined", "Lucy Later"))
    for seeker in (nadia, omar, lucy):
        apply(clients(seeker), job)
    set_status(clients(third.owner), application_of(db, job, nadia), "interview")
    set_status(clients(third.owner), application_of(db, job, omar), "declined")
    clients(lucy).post_form(f"/applications/{application_of(db, job, lucy).id}/withdraw")
    mailbox.deliver()
    mailbox.messages.clear()

    share = share_of(db, job, third)
    response = clients(third.owner).post_form(f"/agency/shares/{share.id}/withdraw")
    assert "The share is withdrawn" in flashed(clients(third.owner), response)
    assert share_of(db, job, third).status == "withdrawn"
    job = fresh(db, Job, job.id)
    assert job.status == "published" and job.hours_per_week == 37.5

    # the posting and search are updated
    page = text(anon.get(f"/jobs/{job.id}"))
    assert "Third Harbour Society" not in page
    assert "2 agencies · 37.5 h/week · 1.0 FTE" in page
    results = text(anon.get("/jobs"))
    assert "Third Harbour Society" not in agency_facet(results)
    assert {"Lakeside Living", "Partner Place"} <= set(agency_facet(results))
    assert search_ids(anon, agency=third.id) == []
    assert search_ids(anon, hmin=40) == [] and search_ids(anon, hmin=37) == [job.id]

    # the share's open applicants are declined with the message and emailed
    message = "Third Harbour Society withdrew its share of this pooled position."
    nadia_app = application_of(db, job, nadia)
    assert decision_of(db, nadia_app, third).status == "declined"
    assert decision_of(db, nadia_app, lead).status == "new"  # the other shares go on
    event = db.session.scalar(
        select(ApplicationEvent)
        .where(
            ApplicationEvent.application_id == nadia_app.id, ApplicationEvent.agency_id == third.id
        )
        .order_by(ApplicationEvent.id.desc())
    )
    assert (event.from_status, event.to_status, event.message) == ("interview", "declined", message)
    mails = mailbox.to(nadia.email)
    assert [m["Subject"] for m in mails] == [f"Change to a pooled position: {TITLE}"]
    body = mails[0].get_body(("plain",)).get_content()
    assert "Third Harbour Society has withdrawn its share" in body
    assert (
        path_of(mailbox.last_link(nadia.email, "/applications/")) == f"/applications/{nadia_app.id}"
    )
    assert message in text(clients(nadia).get(f"/applications/{nadia_app.id}"))
    # not those whose decision was already closed
    assert mailbox.to(omar.email) == [] and mailbox.to(lucy.email) == []
    assert decision_of(db, application_of(db, job, lucy), third).status == "withdrawn"
    # the partner still sees its (closed) applicants; new applicants do not reach it
    late = make_seeker("Kim Late")
    apply(clients(late), job)
    assert {d.agency_id for d in application_of(db, job, late).decisions} == {lead.id, partner.id}


def test_lead_removes_a_partner_after_publishing(
    app, db, lead, partner, third, make_seeker, clients, make_pool, mailbox
):
    job = make_pool(lead, [partner, third], [MORNINGS, AFTERNOONS, SATURDAY])
    seeker = make_seeker("Nadia Open")
    apply(clients(seeker), job)
    mailbox.deliver()
    mailbox.messages.clear()
    owner = clients(lead.owner)
    page = text(owner.get(f"/agency/jobs/{job.id}/partners"))
    share = share_of(db, job, partner)
    assert f'action="/agency/shares/{share.id}/withdraw"' in page and "Remove partner" in page
    response = owner.post_form(f"/agency/shares/{share.id}/withdraw")
    assert response.location == f"/agency/jobs/{job.id}/partners"
    assert share_of(db, job, partner).status == "withdrawn"
    assert decision_of(db, application_of(db, job, seeker), partner).status == "declined"
    assert [m["Subject"] for m in mailbox.to(seeker.email)] == [
        f"Change to a pooled position: {TITLE}"
    ]
    assert "Partner Place" not in text(app.test_client().get(f"/jobs/{job.id}"))
