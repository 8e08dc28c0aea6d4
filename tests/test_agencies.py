"""Agencies: registration, details, switching, staff invitations, removal, ownership."""

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from portal.agencies.permissions import can_publish
from portal.models import (
    Agency,
    AgencyInvitation,
    Membership,
    User,
)
from portal.models.types import utcnow
from tests.support import CSRF_RE, PASSWORD, count, field_error, path_of, text
from tests.support.agencies import account_fields, agency_fields
from tests.support.reference import community

NAV_AGENCY_RE = re.compile(r'<a class="nav-link" href="/agency">([^<]+)</a>')


def nav_agency(page: str) -> str | None:
    found = NAV_AGENCY_RE.search(page)
    return found.group(1) if found else None


def agency_named(db, name: str) -> Agency | None:
    return db.session.scalar(select(Agency).where(Agency.name == name))


def membership_of(db, user, agency) -> Membership | None:
    return db.session.scalar(
        select(Membership).where(Membership.user_id == user.id, Membership.agency_id == agency.id)
    )


# --- registration ----------------------------------------------------------------------


def test_visitor_registers_agency_with_account(client, db, mailbox, login):
    response = client.post_form("/agencies/register", {**account_fields(), **agency_fields(db)})
    assert response.status_code == 302
    assert response.location.startswith("/register/check-email")

    user = db.session.scalar(select(User).where(User.email == "lena@riverbank.example"))
    assert user is not None and user.name == "Lena Ortiz"
    assert user.role == "agency" and not user.email_confirmed
    agency = agency_named(db, "Riverbank Family Services")
    nelson = community(db, "Nelson")
    assert agency.status == "pending"
    assert agency.legal_name == "Riverbank Family Services Society"
    assert agency.community_id == nelson.id
    assert agency.region_id == nelson.region_id and agency.region.code == "kootenay"
    assert agency.subsector.code == "child-family"
    assert agency.cssea_member and agency.cssea_division.code == "general"
    assert agency.unionized
    assert (agency.website, agency.phone) == ("https://riverbank.example.org", "250-555-0100")
    assert [(m.user_id, m.role) for m in agency.memberships] == [(user.id, "owner")]

    link = mailbox.last_link("lena@riverbank.example", "/confirm/")
    assert client.get(path_of(link)).status_code == 302
    db.session.expire_all()
    assert user.email_confirmed

    login(client, "lena@riverbank.example")
    assert client.get("/dashboard").location == "/agency"
    page = text(client.get("/agency"))
    assert "Waiting for approval" in page
    assert "Riverbank Family Services" in page and "Kootenay" in page
    # the primary action first: drafts can be prepared while approval waits
    assert '<a class="btn btn-primary" href="/agency/jobs/new">Post a job</a>' in page
    assert "Yes — General Services" in page


def test_agency_user_registers_second_agency_and_switches(
    client, db, make_user, make_agency, login
):
    owner = make_user(role="agency", name="Ada Owner")
    first = make_agency(owner=owner, name="Alder Street Society")
    stranger = make_agency(name="Cedar Lodge")
    login(client, owner)
    assert nav_agency(text(client.get("/agency"))) == "Alder Street Society"

    # a signed-in staff member fills in the agency fields only
    form = text(client.get("/agencies/register"))
    assert 'name="legal_name"' in form and 'name="password"' not in form
    response = client.post_form("/agencies/register", agency_fields(db, name="Birch House"))
    assert response.status_code == 302 and response.location == "/agency"

    db.session.expire_all()
    second = agency_named(db, "Birch House")
    assert second.status == "pending"
    assert {m.agency_id: m.role for m in owner.memberships} == {
        first.id: "owner",
        second.id: "owner",
    }
    assert owner.role == "agency"

    page = text(client.get("/agency"))  # the new agency is the one in use
    assert nav_agency(page) == "Birch House" and "Waiting for approval" in page
    assert "Switch agency" in page

    response = client.post_form(f"/agency/switch/{first.id}")
    assert response.status_code == 302
    page = text(client.get("/agency"))
    assert nav_agency(page) == "Alder Street Society"
    assert "Waiting for approval" not in page

    # an agency the user does not belong to
    assert client.post_form(f"/agency/switch/{stranger.id}").status_code == 404
    assert nav_agency(text(client.get("/agency"))) == "Alder Street Society"

    response = client.post_form(f"/agency/switch/{second.id}")
    assert response.status_code == 302
    assert nav_agency(text(client.get("/agency"))) == "Birch House"


def test_seeker_cannot_register_agency(client, db, make_user, login):
    login(client, make_user(role="seeker"))
    response = client.get("/agencies/register")
    assert response.status_code == 403
    assert "job-seeker account" in text(response)

    response = client.post_form("/agencies/register", agency_fields(db))
    assert response.status_code == 403
    assert "Agencies are registered from a staff account" in text(response)
    assert count(db, Agency) == 0
    assert count(db, Membership) == 0


@pytest.mark.parametrize(
    ("field", "value", "error_field", "message"),
    [
        ("legal_name", "", "legal_name", "Enter the agency's legal name."),
        ("community_id", 0, "community_id", "Choose the community of the head office."),
        ("cssea_division_id", 0, "cssea_division_id", "Choose the agency's CSSEA division."),
        ("cssea_member", "no", "cssea_division_id", "Only CSSEA members have a division"),
        # a member whose request leaves the division out entirely (not sent by a browser)
        ("cssea_division_id", None, "cssea_division_id", "Choose the agency's CSSEA division."),
        ("website", "not a url", "website", "Enter a full address, like https://www.example.org."),
        ("phone", "abc", "phone", "Enter a phone number, like 250-555-0100."),
        # a registered email is not refused here: see test_register_with_a_registered_email_*
    ],
)
def test_register_bad_input_keeps_values(client, db, make_user, field, value, error_field, message):
    make_user(role="agency", email="taken@example.org", name="Already Here")
    users_before = count(db, User)
    data = {**account_fields(email="new.owner@example.org"), **agency_fields(db)}
    data[field] = value  # cssea_member "yes" with division 0, or "no" with a division
    if value is None:
        del data[field]

    response = client.post_form("/agencies/register", data)
    page = text(response)
    assert response.status_code == 200
    assert message in (field_error(page, error_field) or "")
    assert "Please fix the following" in page
    # what was typed is still there
    assert 'value="Riverbank Family Services"' in page
    if field != "legal_name":
        assert 'value="Riverbank Family Services Society"' in page
    if field != "email":
        assert 'value="new.owner@example.org"' in page
    # nothing saved
    assert count(db, Agency) == 0
    assert count(db, User) == users_before
    assert (
        db.session.scalar(
            select(User).where(
                User.email.in_(["new.owner@example.org", "taken@example.org"]),
                User.name != "Already Here",
            )
        )
        is None
    )


def test_register_with_a_registered_email_looks_the_same_and_tells_its_owner(
    app, db, mailbox, make_user
):
    """Issue 12 §3: the answer does not reveal that the address is registered; no agency or
    account is made, and the account's owner is told by email, with a sign-in and a reset
    link."""
    make_user(role="seeker", email="taken@example.org", name="Already Here")
    users_before = count(db, User)

    def register(email: str):
        client = app.test_client()
        data = {**account_fields(email=email), **agency_fields(db)}
        response = client.post_form("/agencies/register", data)
        assert response.status_code == 302
        page = client.get(response.location)
        return page.status_code, CSRF_RE.sub("", text(page)).replace(email, "EMAIL")

    taken = register("Taken@Example.org")
    assert count(db, Agency) == 0 and count(db, User) == users_before
    assert taken == register("fresh.owner@example.org")
    assert count(db, Agency) == 1  # the new address's agency, waiting for confirmation

    notice = mailbox.to("taken@example.org")
    assert [m["Subject"] for m in notice] == ["Someone tried to register with your email address"]
    body = notice[0].get_body(("plain",)).get_content()
    assert "Hello Already Here" in body and "no new one was made" in body
    assert "http://localhost/login" in body
    reset = mailbox.last_link("taken@example.org", "/reset/")
    assert app.test_client().get(path_of(reset)).status_code == 200
    assert PASSWORD not in body


# --- details ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "after"),
    [
        ("pending", "pending"),
        ("approved", "approved"),
        ("rejected", "pending"),
        ("suspended", "suspended"),
    ],
)
def test_owner_edits_details(client, db, make_agency, login, status, after):
    agency = make_agency(status=status, name="Old Name")
    owner = agency.owner
    login(client, owner)

    form = text(client.get("/agency/edit"))
    assert 'value="Old Name"' in form and 'value="Old Name Society"' in form
    assert ("sends the agency back to the administrators" in form) == (status == "rejected")

    response = client.post_form(
        "/agency/edit",
        agency_fields(
            db,
            name="New Name",
            legal_name="New Name Society",
            community_id=community(db, "Victoria").id,
            cssea_member="no",
            cssea_division_id=0,
            unionized="no",
            website="",
            phone="",
        ),
    )
    assert response.status_code == 302 and response.location == "/agency"
    db.session.expire_all()
    assert agency.name == "New Name" and agency.legal_name == "New Name Society"
    assert agency.community.name == "Victoria"
    assert agency.region.code == "vancouver-island-coast"
    assert not agency.cssea_member and agency.cssea_division_id is None
    assert agency.website is None and agency.phone is None
    assert agency.status == after
    page = text(client.get("/agency"))
    assert "Agency details saved." in page and "New Name" in page


def test_edit_bad_input_saves_nothing(client, db, make_agency, login):
    agency = make_agency(status="rejected", name="Keep Me")
    login(client, agency.owner)
    response = client.post_form("/agency/edit", agency_fields(db, name="Changed", phone="abc"))
    assert response.status_code == 200
    assert "Enter a phone number" in (field_error(text(response), "phone") or "")
    db.session.expire_all()
    assert agency.name == "Keep Me" and agency.status == "rejected"


def test_recruiter_cannot_edit_details(client, db, make_agency, make_recruiter, login):
    agency = make_agency(name="Owner Only")
    login(client, make_recruiter(agency))
    page = text(client.get("/agency"))
    assert "Owner Only" in page and "Edit agency details" not in page
    assert client.get("/agency/edit").status_code == 403
    response = client.post_form("/agency/edit", agency_fields(db, name="Hijacked"))
    assert response.status_code == 403
    db.session.expire_all()
    assert agency.name == "Owner Only"


# --- invitations -----------------------------------------------------------------------


def invite(client, email: str):
    return client.post_form("/agency/staff/invite", {"email": email})


def invitation_for(db, email: str) -> AgencyInvitation:
    return db.session.scalar(
        select(AgencyInvitation)
        .where(AgencyInvitation.email == email)
        .order_by(AgencyInvitation.id.desc())
    )


def test_invited_visitor_creates_account_and_joins(app, client, db, make_agency, login, mailbox):
    agency = make_agency(name="Juniper Community Services")
    login(client, agency.owner)
    response = invite(client, "Rita@Example.org")
    assert response.status_code == 302
    page = text(client.get("/agency"))
    assert "Invitation sent to Rita@Example.org." in page
    assert "Invitations waiting" in page and "rita@example.org" in page

    link = mailbox.last_link("rita@example.org", "/invitations/")
    message = mailbox.to("rita@example.org")[-1]
    assert "Juniper Community Services" in message["Subject"]

    visitor = app.test_client()
    page = text(visitor.get(path_of(link)))
    assert "Join Juniper Community Services" in page
    assert 'value="rita@example.org" readonly' in page

    # a mismatched password re-displays the form and creates nothing
    response = visitor.post_form(
        path_of(link),
        {"full_name": "Rita Gomez", "password": PASSWORD, "confirm": "something else entirely"},
    )
    assert response.status_code == 200
    assert "The two passwords do not match." in text(response)
    assert db.session.scalar(select(User).where(User.email == "rita@example.org")) is None

    # the address cannot be changed: the account gets the invited one
    response = visitor.post_form(
        path_of(link),
        {
            "full_name": "Rita Gomez",
            "email": "someone.else@example.org",
            "password": PASSWORD,
            "confirm": PASSWORD,
        },
    )
    assert response.status_code == 302 and response.location == "/agency"
    assert db.session.scalar(select(User).where(User.email == "someone.else@example.org")) is None
    rita = db.session.scalar(select(User).where(User.email == "rita@example.org"))
    assert rita.name == "Rita Gomez" and rita.role == "agency" and rita.email_confirmed
    assert membership_of(db, rita, agency).role == "recruiter"
    assert invitation_for(db, "rita@example.org").accepted_at is not None

    # signed in straight away
    page = text(visitor.get("/agency"))
    assert "Welcome to Juniper Community Services." in page
    assert nav_agency(page) == "Juniper Community Services"
    assert "Recruiter" in page and "Edit agency details" not in page


def test_existing_agency_user_signs_in_and_accepts(
    app, client, db, make_user, make_agency, login, mailbox
):
    agency = make_agency(name="Larch Youth Services")
    sam = make_user(role="agency", email="sam@example.org", name="Sam Lee")
    other = make_agency(owner=sam, name="Sam's Own Agency")
    login(client, agency.owner)
    assert invite(client, "sam@example.org").status_code == 302
    link = path_of(mailbox.last_link("sam@example.org", "/invitations/"))

    visitor = app.test_client()
    page = text(visitor.get(link))
    assert "You already have an account with this address." in page
    assert 'name="password"' not in page
    sign_in = re.search(r'<a href="([^"]+)">Sign in</a> to accept', page).group(1)
    response = visitor.post_form(sign_in, {"email": "sam@example.org", "password": PASSWORD})
    assert response.status_code == 302 and response.location == link

    page = text(visitor.get(link))
    assert "Accept invitation" in page
    assert membership_of(db, sam, agency) is None
    response = visitor.post_form(link)
    assert response.status_code == 302 and response.location == "/agency"
    db.session.expire_all()
    assert membership_of(db, sam, agency).role == "recruiter"
    assert membership_of(db, sam, other).role == "owner"
    assert nav_agency(text(visitor.get("/agency"))) == "Larch Youth Services"


@pytest.mark.parametrize(
    ("who", "message"),
    [
        (
            "other agency user",
            "This invitation was sent to sam@example.org. Sign in with that address to accept it.",
        ),
        ("seeker with that email", "This email belongs to a job-seeker account."),
    ],
)
def test_invitation_refused_for_wrong_user(
    app, client, db, make_user, make_agency, login, mailbox, who, message
):
    agency = make_agency(name="Maple Services")
    if who == "other agency user":
        user = make_user(role="agency", email="tom@example.org")
    else:
        user = make_user(role="seeker", email="sam@example.org")
    login(client, agency.owner)
    assert invite(client, "sam@example.org").status_code == 302
    link = path_of(mailbox.last_link("sam@example.org", "/invitations/"))

    visitor = app.test_client()
    login(visitor, user)
    response = visitor.post_form(link)
    assert response.status_code == 200
    assert message in text(response)
    assert membership_of(db, user, agency) is None
    db.session.expire_all()
    assert user.role == ("agency" if who == "other agency user" else "seeker")
    assert invitation_for(db, "sam@example.org").accepted_at is None


@pytest.mark.parametrize("how", ["expired", "revoked", "used"])
def test_invitation_no_longer_valid(app, client, db, make_agency, login, mailbox, how):
    agency = make_agency(name="Spruce Society")
    login(client, agency.owner)
    assert invite(client, "nina@example.org").status_code == 302
    link = path_of(mailbox.last_link("nina@example.org", "/invitations/"))
    invitation = invitation_for(db, "nina@example.org")
    visitor = app.test_client()
    assert visitor.get(link).status_code == 200  # valid until now

    account = {"full_name": "Nina Park", "password": PASSWORD, "confirm": PASSWORD}
    if how == "expired":
        invitation.expires_at = utcnow() - timedelta(minutes=1)
        db.session.commit()
    elif how == "revoked":
        response = client.post_form(f"/agency/invitations/{invitation.id}/revoke")
        assert response.status_code == 302
        page = text(client.get("/agency"))
        assert "Invitation to nina@example.org withdrawn." in page
        assert "Invitations waiting" not in page
    else:
        assert visitor.post_form(link, account).status_code == 302
        visitor = app.test_client()
    users_before, members_before = count(db, User), count(db, Membership)

    response = visitor.get(link)
    assert response.status_code == 404
    assert "This invitation is no longer valid" in text(response)
    response = visitor.post_form(link, {**account, "full_name": "Second Try"})
    assert response.status_code == 404
    assert (count(db, User), count(db, Membership)) == (users_before, members_before)
    assert db.session.scalar(select(User).where(User.name == "Second Try")) is None


def test_cannot_revoke_other_agencys_invitation(app, client, db, make_agency, login, mailbox):
    mine, theirs = make_agency(name="Mine"), make_agency(name="Theirs")
    other_owner = app.test_client()
    login(other_owner, theirs.owner)
    assert invite(other_owner, "x@example.org").status_code == 302
    invitation = invitation_for(db, "x@example.org")

    login(client, mine.owner)
    response = client.post_form(f"/agency/invitations/{invitation.id}/revoke")
    assert response.status_code == 404
    db.session.expire_all()
    assert invitation.revoked_at is None


@pytest.mark.parametrize("who", ["recruiter", "owner"])
def test_invite_someone_already_on_staff(
    client, db, make_user, make_agency, make_recruiter, login, mailbox, who
):
    agency = make_agency(name="Poplar Place")
    recruiter = make_recruiter(agency, make_user(role="agency", email="rob@example.org"))
    target = recruiter if who == "recruiter" else agency.owner
    login(client, agency.owner)
    response = invite(client, target.email.upper())
    assert response.status_code == 400
    assert (
        field_error(text(response), "email") == f"{target.email} is already on this agency's staff."
    )
    assert count(db, AgencyInvitation) == 0
    assert mailbox.to(target.email) == []


def test_recruiter_cannot_invite(client, db, make_agency, make_recruiter, login, mailbox):
    agency = make_agency()
    login(client, make_recruiter(agency))
    response = invite(client, "friend@example.org")
    assert response.status_code == 403
    assert count(db, AgencyInvitation) == 0
    assert mailbox.to("friend@example.org") == []


# --- removing staff and transferring ownership ------------------------------------------


def test_owner_removes_recruiter(app, client, db, make_agency, make_recruiter, login):
    agency = make_agency(name="Willow House")
    recruiter = make_recruiter(agency)
    member_id = membership_of(db, recruiter, agency).id
    recruiter_client = app.test_client()
    login(recruiter_client, recruiter)
    assert recruiter_client.get("/agency").status_code == 200

    login(client, agency.owner)
    response = client.post_form(f"/agency/staff/{member_id}/remove")
    assert response.status_code == 302
    assert f"{recruiter.name} no longer has access to this agency." in text(client.get("/agency"))
    db.session.expire_all()
    assert db.session.get(Membership, member_id) is None
    assert db.session.get(User, recruiter.id) is not None  # the account itself stays
    # their sessions ended with the removal; signed in again, the agency is closed to them
    response = recruiter_client.get("/agency")
    assert response.status_code == 302 and response.location.startswith("/login")
    login(recruiter_client, recruiter)
    assert recruiter_client.get("/agency").status_code == 403


def test_owner_cannot_be_removed(client, db, make_agency, login):
    agency = make_agency()
    owner = agency.owner
    member_id = membership_of(db, owner, agency).id
    login(client, owner)
    response = client.post_form(f"/agency/staff/{member_id}/remove", follow_redirects=True)
    assert "The owner cannot be removed. Transfer ownership first." in text(response)
    db.session.expire_all()
    assert db.session.get(Membership, member_id).role == "owner"


@pytest.mark.parametrize("action", ["remove", "make-owner"])
def test_owner_cannot_touch_other_agencys_staff(
    client, db, make_agency, make_recruiter, login, action
):
    mine, theirs = make_agency(name="Agency A"), make_agency(name="Agency B")
    outsider = make_recruiter(theirs)
    target_id = membership_of(db, outsider, theirs).id
    login(client, mine.owner)
    response = client.post_form(f"/agency/staff/{target_id}/{action}")
    assert response.status_code == 404
    db.session.expire_all()
    target = db.session.get(Membership, target_id)
    assert target is not None and target.role == "recruiter"
    assert membership_of(db, mine.owner, mine).role == "owner"


@pytest.mark.parametrize("action", ["remove", "make-owner"])
def test_recruiter_cannot_manage_staff(client, db, make_agency, make_recruiter, login, action):
    agency = make_agency()
    first, second = make_recruiter(agency), make_recruiter(agency)
    target_id = membership_of(db, second, agency).id
    login(client, first)
    assert client.post_form(f"/agency/staff/{target_id}/{action}").status_code == 403
    db.session.expire_all()
    assert db.session.get(Membership, target_id).role == "recruiter"


def test_transfer_ownership(app, client, db, make_agency, make_recruiter, login):
    agency = make_agency(name="Hemlock Society")
    old_owner = agency.owner
    heir = make_recruiter(agency)
    login(client, old_owner)
    assert client.get("/agency/edit").status_code == 200

    response = client.post_form(f"/agency/staff/{membership_of(db, heir, agency).id}/make-owner")
    assert response.status_code == 302
    page = text(client.get("/agency"))
    assert f"{heir.name} is now the owner. You remain a recruiter." in page
    db.session.expire_all()
    assert membership_of(db, heir, agency).role == "owner"
    assert membership_of(db, old_owner, agency).role == "recruiter"
    assert agency.owner.id == heir.id
    assert client.get("/agency/edit").status_code == 403

    heir_client = app.test_client()
    login(heir_client, heir)
    assert heir_client.get("/agency/edit").status_code == 200


# --- permissions -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "allowed"),
    [
        ("pending", False),
        ("approved", True),
        ("rejected", False),
        ("suspended", False),
    ],
)
def test_can_publish_only_when_approved(make_agency, status, allowed):
    assert can_publish(make_agency(status=status)) is allowed
