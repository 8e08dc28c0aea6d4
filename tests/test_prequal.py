"""Pre-qualified lists: an agency (alone or with partner agencies) runs a list with an
intake window, criteria and screening questions; seekers find open lists (also from job
pages and search results) and apply to join with their answers and consent; a running
agency qualifies them (a reason optional) or declines them (a reason required); qualified
members are seen by the agencies the list allows (profile, résumé, a search by region,
occupation, credential and availability), who invite them to their published jobs; members
pause, resume and leave, and memberships expire (with a reminder) through the worker.
Everything through HTTP, checked in the database and on the page."""

import re
from datetime import timedelta
from types import SimpleNamespace

import pytest
from freezegun import freeze_time
from sqlalchemy import func, select

from portal.models import (
    Community,
    Credential,
    Job,
    JobInvitation,
    ListMember,
    PrequalList,
    Region,
)
from portal.models.types import utcnow
from portal.prequal.services import CONSENT_TEXT
from portal.timeutil import today_pacific
from tests.support import field_error, flashed, fresh, text
from tests.support.prequal import (
    NAME,
    PDF,
    QUESTIONS,
    create_list,
    decide,
    join,
    list_form,
    member_of,
    qualify,
    seeker_with_profile,
)
from tests.support.reference import code_id, occupation_id

LIST_LINK_RE = re.compile(r'<h2 class="h5 mb-1"><a href="/lists/(\d+)">([^<]+)</a>')
BOX_RE = re.compile(r'<section class="card mb-3 prequal-box">(.*?)</section>', re.S)
BOX_LINK_RE = re.compile(r'<a href="/lists/(\d+)">([^<]+)</a>')
TALENT_RE = re.compile(r'<h2 class="h6 mb-1"><a href="/agency/people/(\d+)">([^<]+)</a>')
WORKER_RE = re.compile(r"lists: expired (\d+) list memberships, reminded (\d+)")


# --- helpers -----------------------------------------------------------------------------


def count(db, model, *where) -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


def community_id(db, name: str) -> int:
    return db.session.scalar(select(Community.id).where(Community.name == name))


def add_partner(lead, plist, agency) -> str:
    response = lead.post_form(f"/agency/lists/{plist.id}/partners", {"agency_id": agency.id})
    return flashed(lead, response)


def talent(client, **args) -> set[str]:
    """Names of the members found on the agency's search of qualified members."""
    response = client.get("/agency/talent", query_string=args)
    assert response.status_code == 200
    return {name for _id, name in TALENT_RE.findall(text(response))}


def open_list_names(client, **args) -> set[str]:
    response = client.get("/lists", query_string=args)
    assert response.status_code == 200
    return {name for _id, name in LIST_LINK_RE.findall(text(response))}


def box_names(page: str) -> set[str]:
    """Lists in the "Pre-qualified lists open now" box of a job page or of search results."""
    box = BOX_RE.search(page)
    assert box, "no pre-qualified lists box"
    assert "Pre-qualified lists open now" in box.group(1)
    return {name for _id, name in BOX_LINK_RE.findall(box.group(1))}


def sees_member(client, seeker) -> dict:
    """What an agency gets for a member: on the search, the profile and the résumé."""
    uid = seeker.user.id
    return {
        "talent": seeker.user.name in talent(client),
        "profile": client.get(f"/agency/people/{uid}").status_code,
        "resume": client.get(f"/agency/people/{uid}/resume").status_code,
    }


SEEN = {"talent": True, "profile": 200, "resume": 200}
UNSEEN = {"talent": False, "profile": 404, "resume": 404}


@pytest.fixture
def make_seeker(db, make_user, signed_in):
    """A seeker signed in on a client of their own (``.user``), with a profile saved through
    the profile form (private: agencies do not see it) and, by default, a résumé."""

    def make(name: str | None = None, resume: bool = True, **profile):
        user = make_user(role="seeker", name=name)
        return seeker_with_profile(db, signed_in(user), user, resume, **profile)

    return make


@pytest.fixture
def agencies(make_agency, signed_in):
    """A client signed in as the owner of each agency (``.agency``): ``lead`` and
    ``partner`` run lists, ``outsider`` is approved but runs none, ``pending`` awaits
    approval."""
    made = {}
    for key, name, status in (
        ("lead", "Island Community Living", "approved"),
        ("partner", "Harbour Family Services", "approved"),
        ("outsider", "Kootenay Youth Services", "approved"),
        ("pending", "Pending Place Services", "pending"),
    ):
        agency = make_agency(name=name, status=status)
        client = signed_in(agency.owner)
        client.agency = agency
        made[key] = client
    return SimpleNamespace(**made)


# --- 1. creating and running a list -------------------------------------------------------


@pytest.mark.parametrize("visibility", ["partners", "approved"])
def test_agency_alone_creates_a_list(db, agencies, visibility):
    lead = agencies.lead
    plist = create_list(lead, db, visibility=visibility)

    plist = fresh(db, PrequalList, plist.id)
    today = today_pacific()
    assert plist.agency_id == lead.agency.id and plist.partners == []
    assert plist.created_by_id == lead.agency.owner.id
    assert (plist.name, plist.description) == (
        NAME,
        "For people finishing a social service program in 2027.",
    )
    assert {o.noc_code for o in plist.occupations} == {"42201", "41300"}
    assert [r.code for r in plist.regions] == ["vancouver-island-coast"]
    assert {c.code for c in plist.credentials} == {"ssw-diploma", "criminal-record-check"}
    assert plist.intake_opens_on == today - timedelta(days=5)
    assert plist.intake_closes_on == today + timedelta(days=60)
    assert plist.membership_months == 18 and plist.visibility == visibility
    assert plist.questions == QUESTIONS

    page = text(lead.get(f"/agency/lists/{plist.id}"))
    assert NAME in page and "membership 18 months" in page
    assert ("the running agencies" if visibility == "partners" else "every approved agency") in page
    assert "Social workers" in page and "Vancouver Island/Coast" in page
    assert "Social service worker diploma" in page and "Edit list" in page
    assert NAME in text(lead.get("/agency/lists"))
    public = text(lead.get(f"/lists/{plist.id}"))
    assert "For people finishing a social service program in 2027." in public
    assert "18 months once qualified" in public and "Island Community Living" in public


def test_lead_adds_and_removes_partner_agencies(db, agencies):
    lead, partner, pending = agencies.lead, agencies.partner, agencies.pending
    plist = create_list(lead, db)

    # the lead finds approved agencies by name; a pending one is not offered
    page = text(lead.get(f"/agency/lists/{plist.id}", query_string={"q": "Services"}))
    assert "Add Harbour Family Services" in page and "Add Kootenay Youth Services" in page
    assert "Add Pending Place Services" not in page

    assert "Harbour Family Services now runs this list with you." in add_partner(
        lead, plist, partner.agency
    )
    assert "Pending Place Services is not an approved agency." in add_partner(
        lead, plist, pending.agency
    )
    assert "Harbour Family Services already runs this list." in add_partner(
        lead, plist, partner.agency
    )
    assert [a.name for a in fresh(db, PrequalList, plist.id).partners] == [
        "Harbour Family Services"
    ]

    # the partner screens on the list but does not edit it or change its partners
    assert NAME in text(partner.get("/agency/lists"))
    page = text(partner.get(f"/agency/lists/{plist.id}"))
    assert NAME in page and "Edit list" not in page and "Add a partner agency" not in page
    assert partner.get(f"/agency/lists/{plist.id}/edit").status_code == 404
    response = partner.post_form(f"/agency/lists/{plist.id}/edit", list_form(db, name="Taken over"))
    assert response.status_code == 404
    assert (
        partner.post_form(
            f"/agency/lists/{plist.id}/partners", {"agency_id": agencies.outsider.agency.id}
        ).status_code
        == 404
    )
    remove = f"/agency/lists/{plist.id}/partners/{partner.agency.id}/remove"
    assert partner.post_form(remove).status_code == 404
    plist = fresh(db, PrequalList, plist.id)
    assert plist.name == NAME and [a.name for a in plist.partners] == ["Harbour Family Services"]

    # the lead removes the partner: the list is no longer theirs
    assert "Harbour Family Services no longer runs this list." in flashed(
        lead, lead.post_form(remove)
    )
    assert fresh(db, PrequalList, plist.id).partners == []
    assert partner.get(f"/agency/lists/{plist.id}").status_code == 404
    assert NAME not in text(partner.get("/agency/lists"))


def test_list_with_partners_is_shown_with_every_running_agency(db, agencies):
    plist = create_list(agencies.lead, db)
    add_partner(agencies.lead, plist, agencies.partner.agency)
    add_partner(agencies.lead, plist, agencies.outsider.agency)
    running = "Island Community Living · Harbour Family Services · Kootenay Youth Services"
    assert running in text(agencies.lead.get(f"/lists/{plist.id}"))
    assert running in text(agencies.lead.get("/lists"))


@pytest.mark.parametrize(
    "changes, field, message",
    [
        (
            {"intake_closes_on": (today_pacific() - timedelta(days=6)).isoformat()},
            "intake_closes_on",
            "The intake cannot close before it opens.",
        ),
        ({"membership_months": "0"}, "membership_months", "Between 1 and 36 months."),
        ({"membership_months": "40"}, "membership_months", "Between 1 and 36 months."),
        ({"name": ""}, "name", "Name the list."),
        ({"intake_opens_on": ""}, "intake_opens_on", "Enter a date."),
    ],
    ids=["closes-before-opens", "months-0", "months-40", "no-name", "no-opening"],
)
def test_bad_list_input_keeps_values_and_saves_nothing(db, agencies, changes, field, message):
    response = agencies.lead.post_form("/agency/lists/new", list_form(db, **changes))
    assert response.status_code == 400
    page = text(response)
    assert field_error(page, field) == message
    assert count(db, PrequalList) == 0
    # what was typed is still there
    assert "For people finishing a social service program in 2027." in page
    assert f'value="{QUESTIONS[1]["text"]}"' in page
    for value in changes.values():
        if value:
            assert f'value="{value}"' in page
    if "name" not in changes:
        assert f'value="{NAME}"' in page


def test_pending_agency_cannot_create_a_list(db, agencies):
    response = agencies.pending.post_form("/agency/lists/new", list_form(db))
    assert response.status_code == 400
    assert "Your agency can run a list once an administrator approves it." in text(response)
    assert count(db, PrequalList) == 0


def test_only_the_lead_edits(db, agencies):
    lead, partner = agencies.lead, agencies.partner
    plist = create_list(lead, db)
    add_partner(lead, plist, partner.agency)

    page = text(lead.get(f"/agency/lists/{plist.id}/edit"))
    assert f'value="{NAME}"' in page and f'value="{QUESTIONS[0]["text"]}"' in page
    assert 'value="18"' in page

    # bad input changes nothing
    response = lead.post_form(
        f"/agency/lists/{plist.id}/edit", list_form(db, membership_months="40", name="Renamed")
    )
    assert response.status_code == 400
    assert field_error(text(response), "membership_months") == "Between 1 and 36 months."
    assert fresh(db, PrequalList, plist.id).name == NAME

    response = lead.post_form(
        f"/agency/lists/{plist.id}/edit",
        list_form(
            db,
            name="New graduates 2027 — Island and Coast",
            visibility="approved",
            membership_months="6",
            q1_text="",
            q1_kind=None,
            q1_required=None,
            region_ids=[
                code_id(db, Region, "vancouver-island-coast"),
                code_id(db, Region, "north-coast"),
            ],
        ),
    )
    assert "The list is saved." in flashed(lead, response)
    plist = fresh(db, PrequalList, plist.id)
    assert plist.name == "New graduates 2027 — Island and Coast"
    assert (plist.visibility, plist.membership_months) == ("approved", 6)
    assert plist.questions == [QUESTIONS[0], QUESTIONS[2]]
    assert {r.code for r in plist.regions} == {"vancouver-island-coast", "north-coast"}
    assert [a.name for a in plist.partners] == ["Harbour Family Services"]

    assert partner.get(f"/agency/lists/{plist.id}/edit").status_code == 404
    assert agencies.outsider.get(f"/agency/lists/{plist.id}/edit").status_code == 404


# --- 2. seekers find open lists and apply to join --------------------------------------------


@pytest.fixture
def four_lists(db, agencies):
    """An open list on Vancouver Island for social and community service workers, an open
    one in Mainland/Southwest for social workers, one open everywhere for any occupation,
    one whose intake opens tomorrow and one whose intake closed yesterday."""
    today = today_pacific()
    island = create_list(
        agencies.lead,
        db,
        name="Island support workers",
        occupation_ids=[occupation_id(db, "42201")],
    )
    mainland = create_list(
        agencies.partner,
        db,
        name="Mainland social workers",
        occupation_ids=[occupation_id(db, "41300")],
        region_ids=[code_id(db, Region, "mainland-southwest")],
    )
    anywhere = create_list(
        agencies.outsider, db, name="Anywhere in BC", occupation_ids=None, region_ids=None
    )
    future = create_list(
        agencies.lead,
        db,
        name="Island support workers 2028",
        occupation_ids=[occupation_id(db, "42201")],
        intake_opens_on=(today + timedelta(days=1)).isoformat(),
    )
    closed = create_list(
        agencies.lead,
        db,
        name="Island support workers 2026",
        occupation_ids=[occupation_id(db, "42201")],
        intake_opens_on=(today - timedelta(days=40)).isoformat(),
        intake_closes_on=(today - timedelta(days=1)).isoformat(),
    )
    return SimpleNamespace(
        island=island, mainland=mainland, anywhere=anywhere, future=future, closed=closed
    )


def test_seekers_find_open_lists(app, db, four_lists):
    island_id = code_id(db, Region, "vancouver-island-coast")
    visitor = app.test_client()
    assert open_list_names(visitor) == {
        "Island support workers",
        "Mainland social workers",
        "Anywhere in BC",
    }
    assert open_list_names(visitor, region=island_id) == {
        "Island support workers",
        "Anywhere in BC",
    }
    assert open_list_names(visitor, occupation=occupation_id(db, "41300")) == {
        "Mainland social workers",
        "Anywhere in BC",
    }
    assert open_list_names(
        visitor, occupation=occupation_id(db, "42202"), region=code_id(db, Region, "kootenay")
    ) == {"Anywhere in BC"}


def test_job_pages_and_search_results_show_matching_open_lists(
    app, db, agencies, make_job, four_lists
):
    job = make_job(
        agency=agencies.partner.agency,
        title="Youth Worker",
        community_id=community_id(db, "Nanaimo"),
    )
    visitor = app.test_client()
    page = text(visitor.get(f"/jobs/{job.id}"))
    assert box_names(page) == {"Island support workers", "Anywhere in BC"}
    assert f'href="/lists/{four_lists.island.id}"' in page

    def search_box(**args):
        response = visitor.get("/jobs", query_string=args)
        assert response.status_code == 200
        return box_names(text(response))

    assert search_box(
        region=code_id(db, Region, "vancouver-island-coast"), occupation=occupation_id(db, "42201")
    ) == {"Island support workers", "Anywhere in BC"}
    assert search_box(region=code_id(db, Region, "mainland-southwest")) == {
        "Mainland social workers",
        "Anywhere in BC",
    }
    assert search_box(
        occupation=occupation_id(db, "41300"), region=code_id(db, Region, "vancouver-island-coast")
    ) == {"Anywhere in BC"}


@pytest.mark.parametrize("which", ["future", "closed"])
def test_list_outside_its_intake_cannot_be_joined(db, make_seeker, four_lists, which):
    plist = getattr(four_lists, which)
    seeker = make_seeker()
    notice = (
        "The intake is closed."
        if which == "closed"
        else f"The intake opens on {plist.intake_opens_on.strftime('%B %-d, %Y')}."
    )
    page = text(seeker.get(f"/lists/{plist.id}"))
    assert notice in page and "Apply to join" not in page
    response = join(seeker, plist)
    assert response.status_code == 400
    assert notice in text(response) and "Apply to join" not in text(response)
    assert "This list is not taking applications now." in text(response)
    assert count(db, ListMember) == 0


def test_seeker_applies_to_join_with_answers_and_consent(db, agencies, make_seeker):
    plist = create_list(agencies.lead, db)
    seeker = make_seeker(name="Maya Singh")

    page = text(seeker.get(f"/lists/{plist.id}"))
    assert "Apply to join" in page and CONSENT_TEXT in page
    assert all(q["text"] in page for q in QUESTIONS)

    response = join(seeker, plist)
    assert response.location == "/my-lists"
    assert "Your application to join the list is sent." in flashed(seeker, response)
    member = member_of(db, plist, seeker)
    assert member.status == "applied" and member.consent_text == CONSENT_TEXT
    assert member.answers == [
        {"question": QUESTIONS[0]["text"], "answer": "yes"},
        {"question": QUESTIONS[1]["text"], "answer": "Vancouver Island University"},
        {"question": QUESTIONS[2]["text"], "answer": ""},
    ]
    assert member.expires_at is None and member.decided_at is None

    page = text(seeker.get("/my-lists"))
    assert NAME in page and "Waiting for screening" in page
    assert "Your membership: <strong>Waiting for screening</strong>" in text(
        seeker.get(f"/lists/{plist.id}")
    )

    # the running agency sees the application with its answers
    page = text(agencies.lead.get(f"/agency/lists/{plist.id}"))
    assert "Maya Singh" in page and "Vancouver Island University" in page
    assert f"<dt>{QUESTIONS[0]['text']}</dt><dd>Yes</dd>" in page  # as people read it
    assert f"<dt>{QUESTIONS[2]['text']}</dt><dd>—</dd>" in page

    # not twice
    response = join(seeker, plist, a_1="Camosun College")
    assert response.status_code == 400
    assert "You have already applied to join this list." in text(response)
    assert count(db, ListMember) == 1
    assert member_of(db, plist, seeker).answers[1]["answer"] == "Vancouver Island University"


@pytest.mark.parametrize(
    "changes, field, message",
    [
        ({"consent": None}, None, "Tick the consent statement"),
        ({"a_0": None}, "a_0", "Answer this question."),
        ({"a_1": ""}, "a_1", "Answer this question."),
        ({"a_1": "   "}, None, f"Answer the question “{QUESTIONS[1]['text']}”."),
        ({"resume": False}, None, "Upload your résumé before joining a list"),
    ],
    ids=["no-consent", "no-yes-no-answer", "no-text-answer", "blank-text-answer", "no-resume"],
)
def test_bad_join_saves_nothing(db, agencies, make_seeker, changes, field, message):
    plist = create_list(agencies.lead, db)
    changes = dict(changes)  # the table is shared by both backends
    seeker = make_seeker(resume=changes.pop("resume", True))
    response = join(seeker, plist, **changes)
    assert response.status_code == 400
    page = text(response)
    if field:
        assert field_error(page, field) == message
    else:
        assert message in page
    assert count(db, ListMember) == 0
    if "a_1" not in changes:  # what was typed is kept
        assert 'value="Vancouver Island University"' in page


# --- 3. screening -------------------------------------------------------------------------


@pytest.mark.parametrize("screener", ["lead", "partner"])
@pytest.mark.parametrize(
    "decision, status, label, subject",
    [
        ("qualify", "qualified", "Qualified", f"You are qualified: {NAME}"),
        ("decline", "declined", "Not qualified", f"Your application: {NAME}"),
    ],
)
def test_running_agency_decides_with_a_reason(
    db, agencies, make_seeker, mailbox, screener, decision, status, label, subject
):
    plist = create_list(agencies.lead, db)
    add_partner(agencies.lead, plist, agencies.partner.agency)
    seeker = make_seeker(name="Maya Singh")
    assert join(seeker, plist).status_code == 302
    member = member_of(db, plist, seeker)
    client = getattr(agencies, screener)

    # an agency that does not run the list cannot decide
    assert decide(agencies.outsider, member, decision).status_code == 404
    assert member_of(db, plist, seeker).status == "applied"
    assert mailbox.to(seeker.user.email) == []

    page = flashed(client, decide(client, member, decision, "Strong practicum references."))
    assert f"Maya Singh: {'qualified' if decision == 'qualify' else 'declined'}." in page
    member = member_of(db, plist, seeker)
    assert member.status == status and member.reason == "Strong practicum references."
    assert member.decided_agency_id == client.agency.id
    assert member.decided_by_id == client.agency.owner.id
    if decision == "qualify":  # 18 months of 30.44 days
        assert abs(member.expires_at - (utcnow() + timedelta(days=548))) < timedelta(minutes=5)
    else:
        assert member.expires_at is None

    messages = mailbox.to(seeker.user.email)
    assert [m["Subject"] for m in messages] == [subject]
    body = messages[0].get_body(("plain",)).get_content()
    assert "Reason: Strong practicum references." in body and "/my-lists" in body

    page = text(seeker.get("/my-lists"))
    assert f'<span class="badge text-bg-light">{label}</span>' in page
    assert f"{client.agency.name}: “Strong practicum references.”" in page


def member_form(page: str, member) -> str:
    """The card of one member on the screening page (their name, their decision form)."""
    found = re.search(
        rf'<section class="card mb-3" id="member-{member.id}">(.*?)</section>', page, re.S
    )
    assert found, f"no card for member {member.id}"
    return found.group(1)


def test_qualifying_needs_no_reason(db, agencies, make_seeker, mailbox):
    plist = create_list(agencies.lead, db)
    seeker = make_seeker(name="Sasha Lee")
    assert join(seeker, plist).status_code == 302
    member = member_of(db, plist, seeker)
    card = member_form(text(agencies.lead.get(f"/agency/lists/{plist.id}")), member)
    # the decision is required; the reason is required only to decline: said in its label
    assert '<fieldset role="radiogroup" aria-required="true">' in card
    assert "(required when declining; the applicant sees it)</label>" in card
    assert f'<textarea class="form-control" id="reason-{member.id}" name="reason" rows="2">' in card

    page = flashed(agencies.lead, decide(agencies.lead, member, "qualify", reason=""))
    assert "Sasha Lee: qualified." in page
    member = member_of(db, plist, seeker)
    assert (member.status, member.reason) == ("qualified", None)
    assert member.decided_by_id == agencies.lead.agency.owner.id
    assert member.expires_at > utcnow()

    [message] = mailbox.to(seeker.user.email)
    assert message["Subject"] == f"You are qualified: {NAME}"
    assert "Reason:" not in message.get_body(("plain",)).get_content()
    assert "Reason:" not in message.get_body(("html",)).get_content()
    page = text(seeker.get("/my-lists"))
    assert '<span class="badge text-bg-light">Qualified</span>' in page and "“" not in page


def test_declining_without_a_reason_is_refused_at_that_members_form(
    db, agencies, make_seeker, mailbox
):
    """The refusal names the member, sits beside their reason field (and in the page's
    error summary, linked to it), keeps their choice, and saves nothing; the other
    applicants' forms stay as they were."""
    plist = create_list(agencies.lead, db)
    seekers = [make_seeker(name="Maya Singh"), make_seeker(name="Sasha Lee")]
    for seeker in seekers:
        assert join(seeker, plist).status_code == 302
    maya, sasha = (member_of(db, plist, s) for s in seekers)
    url = f"/agency/lists/members/{sasha.id}/decide"
    message = "Give a reason for declining Sasha Lee: they will see it."

    for reason in ("", "   "):
        response = agencies.lead.post_form(url, {"decision": "decline", "reason": reason})
        assert response.status_code == 400
        page = text(response)
        card = member_form(page, sasha)
        assert (
            f'<div id="reason-{sasha.id}-error" class="invalid-feedback d-block">{message}</div>'
            in card
        )
        assert re.search(
            rf'<textarea class="form-control is-invalid" id="reason-{sasha.id}" name="reason" '
            rf'rows="2" aria-required="true" aria-invalid="true" '
            rf'aria-describedby="reason-{sasha.id}-error">{reason}</textarea>',
            card,
        )
        assert f'value="decline" id="d-{sasha.id}" checked>' in card
        assert f'value="qualify" id="q-{sasha.id}">' in card
        # the error summary links to the field
        assert f'<a href="#reason-{sasha.id}" class="alert-link">{message}</a>' in page
        assert page.count(message) == 2
        # the other applicant's form is untouched
        other = member_form(page, maya)
        assert "invalid" not in other and "checked" not in other
        assert (
            f'<textarea class="form-control" id="reason-{maya.id}" name="reason" rows="2">' in other
        )
        assert ">Maya Singh</a>" in other

    # no decision chosen: named, the typed reason kept
    response = agencies.lead.post_form(url, {"reason": "Strong <references>"})
    assert response.status_code == 400
    page = text(response)
    card = member_form(page, sasha)
    assert "Choose qualify or decline for Sasha Lee." in card
    assert (
        f'<a href="#q-{sasha.id}" class="alert-link">Choose qualify or decline for Sasha Lee.</a>'
        in page
    )
    assert f'aria-describedby="decision-{sasha.id}-error"' in card
    assert "checked" not in card
    assert "Strong &lt;references&gt;</textarea>" in response.get_data(as_text=True)
    assert f'id="reason-{sasha.id}" name="reason" rows="2">Strong <references></textarea>' in card
    # a form without its reason field (not from a browser): an empty box, not "None"
    card = member_form(text(agencies.lead.post_form(url, {"decision": "qualify-ish"})), sasha)
    assert f'id="reason-{sasha.id}" name="reason" rows="2"></textarea>' in card
    # too long a reason: named too, and kept to be shortened
    response = agencies.lead.post_form(url, {"decision": "decline", "reason": "x" * 2001})
    assert response.status_code == 400
    card = member_form(text(response), sasha)
    assert "Keep the reason to 2000 characters or fewer." in card  # in Sasha Lee's form
    assert "x" * 2001 + "</textarea>" in card

    # nothing saved, nobody told
    for seeker in seekers:
        member = member_of(db, plist, seeker)
        assert (member.status, member.reason, member.decided_at) == ("applied", None, None)
    assert mailbox.to(seekers[1].user.email) == []

    # with a reason, the decline is saved and the applicant sees why
    response = agencies.lead.post_form(
        url, {"decision": "decline", "reason": "Your program starts after the intake."}
    )
    assert "Sasha Lee: declined." in flashed(agencies.lead, response)
    member = member_of(db, plist, seekers[1])
    assert (member.status, member.reason) == ("declined", "Your program starts after the intake.")
    [mail] = mailbox.to(seekers[1].user.email)
    assert (
        "Reason: Your program starts after the intake." in mail.get_body(("plain",)).get_content()
    )
    page = text(seekers[1].get("/my-lists"))
    assert f"{agencies.lead.agency.name}: “Your program starts after the intake.”" in page
    assert member_of(db, plist, seekers[0]).status == "applied"


def test_a_refused_decision_on_a_member_who_left_is_summarised(db, agencies, make_seeker):
    """A refusal of the service (the member left meanwhile) is shown on the member's tab,
    in the error summary linked to their card; nothing changes."""
    plist = create_list(agencies.lead, db)
    seeker = make_seeker(name="Sasha Lee")
    assert join(seeker, plist).status_code == 302
    member = member_of(db, plist, seeker)
    seeker.post_form(f"/my-lists/{member.id}/leave")
    response = decide(agencies.lead, member, "qualify")
    assert response.status_code == 400
    page = text(response)
    assert f'<a href="#member-{member.id}" class="alert-link">This membership is left.</a>' in page
    member_form(page, member)  # on the "Left" tab
    assert member_of(db, plist, seeker).status == "left"


def test_running_agencies_open_an_applicants_profile_to_screen(db, agencies, make_seeker):
    """Joining needs a résumé "because the agencies screen it": the running agencies open
    the applicant's (private) profile and résumé from the screening page; nobody else."""
    plist = create_list(agencies.lead, db)
    add_partner(agencies.lead, plist, agencies.partner.agency)
    seeker = make_seeker(name="Maya Singh")
    assert join(seeker, plist).status_code == 302
    page = text(agencies.partner.get(f"/agency/lists/{plist.id}"))
    assert f'href="/agency/people/{seeker.user.id}"' in page
    for client in (agencies.lead, agencies.partner):
        assert client.get(f"/agency/people/{seeker.user.id}").status_code == 200
        assert client.get(f"/agency/people/{seeker.user.id}/resume").status_code == 200
    for client in (agencies.outsider, agencies.pending):
        assert sees_member(client, seeker) == UNSEEN
    # applicants are not members yet: nobody finds them on the search or invites them
    assert talent(agencies.lead) == set()


# --- 4. who sees qualified members ----------------------------------------------------------


@pytest.mark.parametrize("visibility, outsider_sees", [("partners", False), ("approved", True)])
def test_qualified_members_are_seen_by_the_agencies_the_list_allows(
    db, agencies, make_seeker, visibility, outsider_sees
):
    plist = create_list(agencies.lead, db, visibility=visibility)
    add_partner(agencies.lead, plist, agencies.partner.agency)
    seeker = make_seeker(name="Maya Singh")
    assert join(seeker, plist).status_code == 302
    assert sees_member(agencies.outsider, seeker) == UNSEEN  # not before qualified

    assert decide(agencies.partner, member_of(db, plist, seeker)).status_code == 302
    expected = {
        "lead": SEEN,
        "partner": SEEN,
        "outsider": SEEN if outsider_sees else UNSEEN,
        "pending": UNSEEN,
    }
    assert {key: sees_member(getattr(agencies, key), seeker) for key in expected} == expected

    response = agencies.lead.get(f"/agency/people/{seeker.user.id}/resume")
    assert response.data == PDF
    page = text(agencies.lead.get(f"/agency/people/{seeker.user.id}"))
    assert "Maya Singh" in page and "Community support worker, new graduate" in page

    # a partner removed from the list no longer sees its members through it
    agencies.lead.post_form(
        f"/agency/lists/{plist.id}/partners/{agencies.partner.agency.id}/remove"
    )
    assert sees_member(agencies.partner, seeker) == expected["outsider"]


def test_search_of_qualified_members_filters(db, agencies, make_seeker):
    plist = create_list(agencies.lead, db)
    other = create_list(agencies.lead, db, name="Mainland social workers")
    seekers = {
        "Ana": make_seeker(
            name="Ana",
            regions=["vancouver-island-coast"],
            nocs=["42201"],
            credentials=["first-aid-cpr-c"],
            availability=["5-morning", "0-day"],
        ),
        "Ben": make_seeker(
            name="Ben",
            regions=["mainland-southwest"],
            nocs=["41300"],
            credentials=["class-5-licence"],
            availability=["5-evening"],
        ),
        "Cleo": make_seeker(
            name="Cleo",
            regions=["vancouver-island-coast"],
            nocs=["41300", "42201"],
            availability=["2-night"],
        ),
    }
    for name, seeker in seekers.items():
        qualify(db, agencies.lead, seeker, other if name == "Ben" else plist)
    waiting = make_seeker(name="Dana")  # applied, not screened
    assert join(waiting, plist).status_code == 302
    declined = make_seeker(name="Eli")
    assert join(declined, plist).status_code == 302
    decide(agencies.lead, member_of(db, plist, declined), "decline", "Program not started.")

    island = code_id(db, Region, "vancouver-island-coast")
    table = [
        ({}, {"Ana", "Ben", "Cleo"}),
        ({"list": plist.id}, {"Ana", "Cleo"}),
        ({"list": other.id}, {"Ben"}),
        ({"region": island}, {"Ana", "Cleo"}),
        ({"occupation": occupation_id(db, "41300")}, {"Ben", "Cleo"}),
        ({"credential": code_id(db, Credential, "first-aid-cpr-c")}, {"Ana"}),
        ({"credential": code_id(db, Credential, "ssw-diploma")}, set()),
        ({"day": 5, "part": "morning"}, {"Ana"}),
        ({"day": 5, "part": "evening"}, {"Ben"}),
        ({"day": 0, "part": "day"}, {"Ana"}),
        ({"day": 2, "part": "morning"}, set()),
        ({"day": 5}, {"Ana", "Ben"}),
        ({"part": "night"}, {"Cleo"}),
        ({"region": island, "occupation": occupation_id(db, "41300")}, {"Cleo"}),
        ({"region": island, "day": 5, "part": "evening"}, set()),
    ]
    found = {str(args): talent(agencies.lead, **args) for args, _ in table}
    assert found == {str(args): names for args, names in table}
    # an agency outside the lists sees nobody, whatever it searches
    assert talent(agencies.outsider) == set()
    assert talent(agencies.outsider, region=island) == set()


# --- 5. invitations to jobs -----------------------------------------------------------------


def test_allowed_agency_invites_a_member_who_accepts_or_declines(
    app, db, agencies, make_seeker, make_job, mailbox
):
    plist = create_list(agencies.lead, db, visibility="approved")
    seeker = make_seeker(name="Maya Singh")
    member = qualify(db, agencies.lead, seeker, plist)
    outsider = agencies.outsider  # approved: sees members of an "approved" list
    job = make_job(agency=outsider.agency, title="Youth Worker")
    draft = make_job(agency=outsider.agency, status="draft", title="Draft Outreach Worker")
    theirs = make_job(agency=agencies.partner.agency, title="Family Support Worker")
    lead_job = make_job(agency=agencies.lead.agency, title="Residential Worker")
    mailbox.deliver()
    mailbox.messages.clear()

    page = text(outsider.get("/agency/talent"))
    assert "Maya Singh" in page and ">Youth Worker</option>" in page
    assert "Draft Outreach Worker" not in page and "Family Support Worker" not in page

    url = f"/agency/talent/{member.id}/invite"
    page = flashed(
        outsider, outsider.post_form(url, {"job_id": job.id, "message": "We loved your answers."})
    )
    assert "Maya Singh is invited to apply for Youth Worker." in page
    invitation = db.session.scalar(select(JobInvitation))
    assert (
        invitation.job_id,
        invitation.seeker_id,
        invitation.agency_id,
        invitation.list_id,
        invitation.status,
        invitation.message,
    ) == (job.id, seeker.user.id, outsider.agency.id, plist.id, "sent", "We loved your answers.")
    messages = mailbox.to(seeker.user.email)
    assert [m["Subject"] for m in messages] == [
        "Kootenay Youth Services invites you to apply: Youth Worker"
    ]
    body = messages[0].get_body(("plain",)).get_content()
    assert "We loved your answers." in body and "/job-invitations" in body

    # not twice; not to a draft or to another agency's job
    page = flashed(outsider, outsider.post_form(url, {"job_id": job.id}))
    assert "Maya Singh is already invited to this job." in page
    for other in (draft, theirs):
        page = flashed(outsider, outsider.post_form(url, {"job_id": other.id}))
        assert "Choose one of your published jobs." in page
    assert count(db, JobInvitation) == 1

    # the lead invites too, to its own job
    response = agencies.lead.post_form(url, {"job_id": lead_job.id})
    assert response.status_code == 302 and count(db, JobInvitation) == 2

    page = text(seeker.get("/job-invitations"))
    assert "Youth Worker" in page and "Kootenay Youth Services" in page
    assert "“We loved your answers.”" in page and f"from the list {NAME}" in page
    first = db.session.scalar(select(JobInvitation.id).where(JobInvitation.job_id == job.id))
    second = db.session.scalar(select(JobInvitation.id).where(JobInvitation.job_id == lead_job.id))

    # nobody else answers them
    stranger = make_seeker()
    assert stranger.post_form(f"/job-invitations/{first}/accept").status_code == 404

    response = seeker.post_form(f"/job-invitations/{first}/accept")
    assert response.location == f"/jobs/{job.id}/apply"
    assert "Invitation accepted: apply below." in flashed(seeker, response)
    assert fresh(db, JobInvitation, first).status == "accepted"
    assert fresh(db, JobInvitation, first).responded_at is not None
    response = seeker.post_form(f"/job-invitations/{first}/decline")
    assert "You have already answered this invitation." in flashed(seeker, response)
    assert fresh(db, JobInvitation, first).status == "accepted"

    response = seeker.post_form(f"/job-invitations/{second}/decline")
    assert response.location == "/job-invitations"
    assert "Invitation declined." in flashed(seeker, response)
    assert fresh(db, JobInvitation, second).status == "declined"
    page = text(seeker.get("/job-invitations"))
    assert "Accepted" in page and "Declined" in page and "Accept and apply" not in page


def test_an_invitation_to_a_closed_job_can_only_be_declined(db, agencies, make_seeker, make_job):
    plist = create_list(agencies.lead, db, visibility="approved")
    seeker = make_seeker(name="Cleo Closed")
    member = qualify(db, agencies.lead, seeker, plist)
    job = make_job(agency=agencies.lead.agency, title="Closed Soon Worker")
    url = f"/agency/talent/{member.id}/invite"
    assert agencies.lead.post_form(url, {"job_id": job.id}).status_code == 302
    invitation = db.session.scalar(select(JobInvitation))
    agencies.lead.post_form(f"/agency/jobs/{job.id}/close")
    assert fresh(db, Job, job.id).status == "closed"

    response = seeker.post_form(f"/job-invitations/{invitation.id}/accept")
    assert response.location == "/job-invitations"
    page = flashed(seeker, response)
    assert "“Closed Soon Worker” is no longer open for applications" in page
    assert fresh(db, JobInvitation, invitation.id).status == "sent"
    # a decline may say why, within 500 characters
    response = seeker.post_form(f"/job-invitations/{invitation.id}/decline", {"reason": "x" * 501})
    assert "Keep the reason to 500 characters (it has 501)." in flashed(seeker, response)
    assert fresh(db, JobInvitation, invitation.id).status == "sent"
    seeker.post_form(f"/job-invitations/{invitation.id}/decline", {"reason": "Found a job."})
    found = fresh(db, JobInvitation, invitation.id)
    assert (found.status, found.decline_reason) == ("declined", "Found a job.")


@pytest.mark.parametrize("who", ["outsider", "pending"])
def test_agency_not_allowed_cannot_invite(db, agencies, make_seeker, make_job, who):
    plist = create_list(agencies.lead, db, visibility="partners")
    seeker = make_seeker()
    member = qualify(db, agencies.lead, seeker, plist)
    client = getattr(agencies, who)
    job = make_job(agency=client.agency, title="Youth Worker") if who == "outsider" else None
    response = client.post_form(
        f"/agency/talent/{member.id}/invite", {"job_id": job.id if job else 1}
    )
    assert response.status_code == 404
    assert count(db, JobInvitation) == 0


def test_invitation_goes_through_a_membership_the_agency_may_see(
    db, agencies, make_seeker, make_job
):
    """An agency that sees a member through one list cannot invite through another list's
    membership of the same person (one it may not see)."""
    seen = create_list(agencies.lead, db, name="Seen by every agency", visibility="approved")
    hidden = create_list(agencies.partner, db, name="Partners only", visibility="partners")
    seeker = make_seeker(name="Maya Singh")
    qualify(db, agencies.lead, seeker, seen)
    hidden_member = qualify(db, agencies.partner, seeker, hidden)
    job = make_job(agency=agencies.outsider.agency, title="Youth Worker")
    response = agencies.outsider.post_form(
        f"/agency/talent/{hidden_member.id}/invite", {"job_id": job.id}
    )
    assert response.status_code == 404
    assert count(db, JobInvitation) == 0


# --- 6. pausing, leaving, expiry ------------------------------------------------------------


def test_member_pauses_resumes_and_leaves(db, agencies, make_seeker, make_job):
    plist = create_list(agencies.lead, db)
    seeker = make_seeker(name="Maya Singh")
    assert join(seeker, plist).status_code == 302
    member = member_of(db, plist, seeker)

    # an application waiting for screening cannot be paused
    page = flashed(seeker, seeker.post_form(f"/my-lists/{member.id}/pause"))
    assert "You cannot pause a membership that is waiting for screening." in page
    assert decide(agencies.lead, member).status_code == 302
    job = make_job(agency=agencies.lead.agency, title="Youth Worker")
    lead = agencies.lead
    assert sees_member(lead, seeker) == SEEN

    page = flashed(seeker, seeker.post_form(f"/my-lists/{member.id}/pause"))
    assert "Paused: agencies no longer see you on this list." in page
    assert member_of(db, plist, seeker).status == "paused"
    assert "Paused" in page and ">Resume</button>" in page
    assert sees_member(lead, seeker) == UNSEEN
    response = lead.post_form(f"/agency/talent/{member.id}/invite", {"job_id": job.id})
    assert response.status_code == 404 and count(db, JobInvitation) == 0
    assert "Maya Singh" in text(lead.get(f"/agency/lists/{plist.id}?status=paused"))

    page = flashed(seeker, seeker.post_form(f"/my-lists/{member.id}/resume"))
    assert "Welcome back: agencies see you on this list again." in page
    assert member_of(db, plist, seeker).status == "qualified"
    assert sees_member(lead, seeker) == SEEN

    page = flashed(seeker, seeker.post_form(f"/my-lists/{member.id}/leave"))
    assert "You left the list; agencies no longer see you on it." in page
    assert member_of(db, plist, seeker).status == "left"
    assert sees_member(lead, seeker) == UNSEEN
    page = flashed(seeker, seeker.post_form(f"/my-lists/{member.id}/resume"))
    assert "You cannot resume a membership that is left." in page
    assert member_of(db, plist, seeker).status == "left"
    # someone else's membership is not there
    assert make_seeker().post_form(f"/my-lists/{member.id}/leave").status_code == 404


def worker(runner) -> tuple[int, int]:
    result = runner.invoke(args=["portal", "worker", "--once"])
    assert result.exit_code == 0, (result.output, result.exception)
    found = WORKER_RE.search(result.output)
    assert found, result.output
    return int(found.group(1)), int(found.group(2))


def test_membership_expires_with_one_reminder(
    db, signed_in, agencies, make_seeker, runner, mailbox
):
    plist = create_list(agencies.lead, db, membership_months="2")  # 61 days
    seeker = make_seeker(name="Maya Singh")
    paused = make_seeker(name="Paul Paused")
    member = qualify(db, agencies.lead, seeker, plist)
    member_id, seeker_id, list_id = member.id, member.seeker_id, plist.id
    paused_id = qualify(db, agencies.lead, paused, plist).id
    assert paused.post_form(f"/my-lists/{paused_id}/pause").status_code == 302
    # the worker ends the database session: keep what is needed after it
    email, paused_email = seeker.user.email, paused.user.email
    lead_owner = agencies.lead.agency.owner.email
    ends = member.expires_at
    assert abs(ends - (utcnow() + timedelta(days=61))) < timedelta(minutes=5)
    mailbox.deliver()
    mailbox.messages.clear()

    def reminders():
        return [
            m for m in mailbox.messages if m["Subject"] == f"Your membership of {NAME} ends soon"
        ]

    with freeze_time(ends - timedelta(days=31)):
        assert worker(runner) == (0, 0)
    assert reminders() == []

    with freeze_time(ends - timedelta(days=29)):
        assert worker(runner) == (0, 2)  # the paused member is reminded too
        assert worker(runner) == (0, 0)  # once only
        lead = signed_in(lead_owner)  # sessions last 14 days
        assert talent(lead) == {"Maya Singh"}  # still a member until the end
    assert sorted(m["To"] for m in reminders()) == sorted([email, paused_email])
    body = [m for m in reminders() if m["To"] == email][0].get_body(("plain",)).get_content()
    assert "/my-lists" in body
    assert fresh(db, ListMember, member_id).reminder_sent_at is not None
    assert fresh(db, ListMember, member_id).status == "qualified"

    with freeze_time(ends + timedelta(minutes=1)):
        lead = signed_in(lead_owner)
        # past its end a membership is hidden at once, before the worker runs
        assert talent(lead) == set()
        assert lead.get(f"/agency/people/{seeker_id}").status_code == 404
        assert worker(runner) == (2, 0)
        assert worker(runner) == (0, 0)
        member = fresh(db, ListMember, member_id)
        assert member.status == "expired"
        assert fresh(db, ListMember, paused_id).status == "expired"
        assert talent(lead) == set()
        assert "Maya Singh" in text(lead.get(f"/agency/lists/{list_id}?status=expired"))
        again = signed_in(email)
        page = text(again.get("/my-lists"))
        assert "Expired" in page and ">Pause</button>" not in page
    assert len(reminders()) == 2


# --- 7. demo data ---------------------------------------------------------------------------


def test_seed_demo_creates_the_example_lists(demo, db, app):
    lists = {p.name: p for p in db.session.scalars(select(PrequalList))}
    assert set(lists) == {
        "New graduates 2027 — Vancouver Island",
        "Internationally trained social service workers — Mainland/Southwest",
    }
    for plist in lists.values():
        members = db.session.scalars(select(ListMember).where(ListMember.list_id == plist.id)).all()
        assert len(members) >= 5
        assert {m.status for m in members} >= {"applied", "qualified", "declined"}
        assert all(m.expires_at for m in members if m.status == "qualified")
        assert plist.partners and plist.questions
        assert plist.intake_open(today_pacific())
    assert (
        lists["New graduates 2027 — Vancouver Island"].regions[0].code == "vancouver-island-coast"
    )
    assert (
        lists["Internationally trained social service workers — Mainland/Southwest"].visibility
        == "approved"
    )
    assert open_list_names(app.test_client()) == set(lists)


def test_member_who_left_can_join_again_while_the_intake_is_open(db, agencies, make_seeker):
    plist = create_list(agencies.lead, db)
    seeker = make_seeker(name="Rejoining Ravi")
    join(seeker, plist)
    member = member_of(db, plist, seeker)
    seeker.post_form(f"/my-lists/{member.id}/leave")
    assert fresh(db, ListMember, member.id).status == "left"
    assert "Apply to join" in text(seeker.get(f"/lists/{plist.id}"))

    response = join(seeker, plist, a_1="Camosun College")
    assert response.status_code == 302
    again = fresh(db, ListMember, member.id)
    assert again.status == "applied" and again.answers[1]["answer"] == "Camosun College"
    assert count(db, ListMember) == 1


@pytest.mark.parametrize(
    ("q", "found", "not_found"),
    [
        ("%", "100% Care", "100 Care"),  # "%" itself, not "anything"
        ("_", "Snake_Case Society", "SnakeXCase Society"),  # "_" itself, not any character
        ("e_c", "Snake_Case Society", "SnakeXCase Society"),
    ],
)
def test_partner_search_for_wildcard_characters(db, agencies, make_agency, q, found, not_found):
    for name in ("100% Care", "100 Care", "Snake_Case Society", "SnakeXCase Society"):
        make_agency(name=name)
    plist = create_list(agencies.lead, db)
    page = text(agencies.lead.get(f"/agency/lists/{plist.id}", query_string={"q": q}))
    assert f"Add {found}" in page
    assert f"Add {not_found}" not in page and "Add Harbour Family Services" not in page
