"""Administration: agency decisions, searching users and agencies, the HR champion role,
and ``flask users create-admin``."""

import re

import pytest
from sqlalchemy import func, select

from portal.models import AuditEvent, Membership, User
from portal.models.users import ROLE_LABELS
from tests.support import PASSWORD, field_error, path_of, set_up_two_step, text


@pytest.fixture
def admin(make_user):
    return make_user(role="admin", name="Root Admin", email="root@example.org", two_step=True)


@pytest.fixture
def admin_client(app, admin, login):
    client = app.test_client()
    login(client, admin)
    return client


def linked_names(page: str) -> set[str]:
    """The link texts of the result table rows (agency or user names)."""
    body = page.split("<tbody>", 1)[1].split("</tbody>", 1)[0] if "<tbody>" in page else ""
    return set(re.findall(r'<a href="/admin/(?:agencies|users)/\d+">([^<]+)</a>', body))


def events(db, action: str, obj=None) -> list[AuditEvent]:
    query = select(AuditEvent).where(AuditEvent.action == action)
    if obj is not None:
        query = query.where(
            AuditEvent.object_type == type(obj).__name__, AuditEvent.object_id == obj.id
        )
    return list(db.session.scalars(query))


def decide(client, agency, action: str, reason: str = ""):
    label = {"approve": "Approve", "reject": "Reject", "suspend": "Suspend"}[action]
    return client.post_form(f"/admin/agencies/{agency.id}", {action: label, "reason": reason})


# --- agency decisions ------------------------------------------------------------------


def test_admin_sees_pending_and_approves(db, admin, admin_client, make_user, make_agency, mailbox):
    owner = make_user(role="agency", email="owner@pending.example", name="Olga Owner")
    pending = make_agency(owner=owner, status="pending", name="Pending Place")
    make_agency(status="approved", name="Already Approved")

    index = text(admin_client.get("/admin/"))
    assert "Waiting for approval" in index
    assert linked_names(index) == {"Pending Place"}

    page = text(admin_client.get(f"/admin/agencies/{pending.id}"))
    assert "Pending Place Society" in page and "Olga Owner" in page
    assert 'name="approve"' in page and 'name="reject"' in page
    assert 'name="suspend"' not in page

    response = decide(admin_client, pending, "approve")
    assert response.status_code == 302
    assert response.location == f"/admin/agencies/{pending.id}"
    assert "Pending Place is now approved." in text(admin_client.get(response.location))
    db.session.expire_all()
    assert pending.status == "approved" and pending.status_changed_at is not None
    assert pending.status_reason is None

    [event] = events(db, "agency.approved", pending)
    assert event.user_id == admin.id
    [message] = mailbox.to("owner@pending.example")
    assert message["Subject"] == "Pending Place: registration approved"
    assert path_of(mailbox.last_link("owner@pending.example")) == "/agency"

    assert linked_names(text(admin_client.get("/admin/"))) == set()


@pytest.mark.parametrize(
    ("action", "start", "reason", "status", "owner_sees"),
    [
        (
            "reject",
            "pending",
            "We could not verify the society number.",
            "rejected",
            "The registration was not approved.",
        ),
        (
            "suspend",
            "approved",
            "Postings broke the portal's terms.",
            "suspended",
            "The agency is suspended.",
        ),
        ("approve", "rejected", "", "approved", None),
        ("approve", "suspended", "", "approved", None),
    ],
)
def test_decision_is_shown_to_owner(
    app,
    db,
    admin,
    admin_client,
    make_agency,
    login,
    mailbox,
    action,
    start,
    reason,
    status,
    owner_sees,
):
    agency = make_agency(status=start, name="Decided Agency")
    owner = agency.owner
    response = decide(admin_client, agency, action, reason)
    assert response.status_code == 302

    db.session.expire_all()
    assert agency.status == status
    assert agency.status_reason == (reason or None)
    [event] = events(db, f"agency.{status}", agency)
    assert event.user_id == admin.id and event.detail == (reason or None)
    [message] = mailbox.to(owner.email)
    assert message["Subject"] == f"Decided Agency: registration {status}"
    if reason:
        assert reason in message.get_body(("plain",)).get_content()

    owner_client = app.test_client()
    login(owner_client, owner)
    page = text(owner_client.get("/agency"))
    assert f"status-{status}" in page
    if owner_sees:
        assert owner_sees in page and reason in page
    else:
        for warning in ("not approved", "suspended", "Waiting for approval"):
            assert warning not in page


@pytest.mark.parametrize(
    ("action", "start", "reason", "message", "button_shown"),
    [
        ("reject", "pending", "", "Give a reason: the agency will see it.", True),
        ("reject", "pending", "   ", "Give a reason: the agency will see it.", True),
        ("suspend", "approved", "", "Give a reason: the agency will see it.", True),
        ("suspend", "pending", "Because.", "cannot be suspended", False),
        ("suspend", "rejected", "Because.", "cannot be suspended", False),
        ("reject", "approved", "Because.", "cannot be rejected", False),
        ("reject", "suspended", "Because.", "cannot be rejected", False),
        ("approve", "approved", "", "cannot be approved", False),
    ],
)
def test_invalid_decision_changes_nothing(
    db, admin_client, make_agency, mailbox, action, start, reason, message, button_shown
):
    agency = make_agency(status=start, name="Unchanged Agency")
    page = text(admin_client.get(f"/admin/agencies/{agency.id}"))
    assert (f'name="{action}"' in page) == button_shown

    response = decide(admin_client, agency, action, reason)
    page = text(response)
    assert response.status_code == 200
    assert message in (field_error(page, "reason") or "")
    db.session.expire_all()
    assert agency.status == start and agency.status_reason is None
    assert (
        db.session.scalar(
            select(func.count(AuditEvent.id)).where(
                AuditEvent.action.like("agency.%"), AuditEvent.action != "agency.registered"
            )
        )
        == 0
    )
    assert mailbox.to(agency.owner.email) == []


# --- searching -------------------------------------------------------------------------


@pytest.fixture
def agencies(make_agency):
    make_agency(name="Harbour Youth Services", status="approved")
    make_agency(name="Harbourside Family Place", status="pending")
    make_agency(name="Mountain View", status="pending", legal_name="Mountain View Society")
    make_agency(name="Cedar Lodge", status="suspended", legal_name="Old Harbour Lodge Society")


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        (
            "",
            {"Harbour Youth Services", "Harbourside Family Place", "Mountain View", "Cedar Lodge"},
        ),
        ("q=HARBOUR", {"Harbour Youth Services", "Harbourside Family Place", "Cedar Lodge"}),
        ("q=family+place", {"Harbourside Family Place"}),
        ("q=old+harbour", {"Cedar Lodge"}),  # legal name
        ("status=pending", {"Harbourside Family Place", "Mountain View"}),
        ("q=harbour&status=pending", {"Harbourside Family Place"}),
        ("q=harbour&status=approved", {"Harbour Youth Services"}),
        ("status=rejected", set()),
        ("q=nothing+like+this", set()),
        (
            "status=bogus",
            {"Harbour Youth Services", "Harbourside Family Place", "Mountain View", "Cedar Lodge"},
        ),
    ],
)
def test_search_agencies(admin_client, agencies, query, expected):
    response = admin_client.get(f"/admin/agencies?{query}")
    assert response.status_code == 200
    page = text(response)
    assert linked_names(page) == expected
    assert f"{len(expected)} agencies" in page


@pytest.fixture
def people(make_user, make_agency):
    make_user(role="seeker", name="Alice Moreau", email="alice@northshore.example")
    bob = make_user(role="agency", name="Bob Alder", email="bob.m@example.org")
    make_agency(owner=bob, name="Bob's Agency")
    make_user(role="champion", name="Carla Northcott", email="carla@example.org")
    make_user(role="seeker", name="Dev Patel", email="dev@example.org")


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("q=north", {"Alice Moreau", "Carla Northcott"}),  # email, then name
        ("q=NORTH", {"Alice Moreau", "Carla Northcott"}),
        ("q=bob.m@", {"Bob Alder"}),
        ("q=patel", {"Dev Patel"}),
        ("role=seeker", {"Alice Moreau", "Dev Patel"}),
        ("role=agency", {"Bob Alder"}),
        ("role=admin", {"Root Admin"}),
        ("q=north&role=seeker", {"Alice Moreau"}),
        ("q=north&role=champion", {"Carla Northcott"}),
        ("q=north&role=agency", set()),
        ("role=bogus", {"Alice Moreau", "Bob Alder", "Carla Northcott", "Dev Patel", "Root Admin"}),
    ],
)
def test_search_users(admin_client, people, query, expected):
    response = admin_client.get(f"/admin/users?{query}")
    assert response.status_code == 200
    page = text(response)
    assert linked_names(page) == expected
    assert f"{len(expected)} users" in page


def test_role_filter_names_roles_as_the_table_does(admin_client):
    html = admin_client.get("/admin/users?role=seeker").get_data(as_text=True)
    options = dict(re.findall(r'<option value="(\w+)" (?:selected)?>([^<]+)</option>', html))
    assert options == ROLE_LABELS
    assert re.search(r'<option value="seeker" selected>Job seeker</option>', html)


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("q=%25", {"Ada 100% Sure"}),  # "%" itself, not "anything"
        ("q=_", {"Ben Snake_Case"}),  # "_" itself, not "any one character"
        ("q=e_c", {"Ben Snake_Case"}),  # not "SnakeXCase"
    ],
)
def test_search_users_for_wildcard_characters(admin_client, make_user, query, expected):
    make_user(role="seeker", name="Ada 100% Sure", email="ada@example.org")
    make_user(role="seeker", name="Ada 100 Sure", email="ada.b@example.org")
    make_user(role="seeker", name="Ben Snake_Case", email="ben@example.org")
    make_user(role="seeker", name="Ben SnakeXCase", email="ben.b@example.org")
    page = text(admin_client.get(f"/admin/users?{query}"))
    assert linked_names(page) == expected


# --- the HR champion role --------------------------------------------------------------


@pytest.mark.parametrize(("with_membership", "back_to"), [(False, "seeker"), (True, "agency")])
def test_grant_and_remove_champion(
    app,
    db,
    admin,
    admin_client,
    make_user,
    make_agency,
    make_recruiter,
    login,
    with_membership,
    back_to,
):
    person = make_user(role=back_to, name="Chris Champion")
    if with_membership:
        make_recruiter(make_agency(name="Chris's Employer"), person)
    make_agency(status="approved", name="Counted Agency", cssea_member=True)
    person_client = app.test_client()
    login(person_client, person)
    assert person_client.get("/account").status_code == 200
    old_version = person.session_version

    page = text(admin_client.get(f"/admin/users/{person.id}"))
    assert "Make HR champion" in page and "Remove HR champion role" not in page
    response = admin_client.post_form(f"/admin/users/{person.id}/champion/grant")
    assert response.status_code == 302 and response.location == f"/admin/users/{person.id}"
    page = text(admin_client.get(response.location))
    assert "Chris Champion is now: HR champion." in page
    assert "Remove HR champion role" in page

    db.session.expire_all()
    assert person.role == "champion"
    assert person.session_version > old_version
    [event] = events(db, "user.role_changed", person)
    assert event.user_id == admin.id and event.detail == "champion"

    # the old session has ended
    response = person_client.get("/dashboard")
    assert response.status_code == 302 and response.location.startswith("/login")
    login(person_client, person)
    page = text(person_client.get("/dashboard"))
    assert "HR champion dashboard" in page
    assert "Approved agencies by region" in page

    response = admin_client.post_form(f"/admin/users/{person.id}/champion/remove")
    assert response.status_code == 302
    db.session.expire_all()
    assert person.role == back_to
    assert [e.detail for e in events(db, "user.role_changed", person)] == ["champion", back_to]
    assert person_client.get("/dashboard").status_code == 302  # signed out again
    assert db.session.scalar(
        select(func.count(Membership.id)).where(Membership.user_id == person.id)
    ) == (1 if with_membership else 0)


@pytest.mark.parametrize(
    ("role", "action", "message"),
    [
        ("admin", "grant", "Administrators keep their role"),
        ("admin", "remove", "Administrators keep their role"),
        ("champion", "grant", "is already the HR champion"),
        ("seeker", "remove", "is not an HR champion"),
    ],
)
def test_champion_change_refused(db, admin_client, make_user, role, action, message):
    person = make_user(role=role, name="Other Person")
    version = person.session_version
    if role == "admin":
        page = text(admin_client.get(f"/admin/users/{person.id}"))
        assert "HR champion" not in page.split("</dl>", 1)[1]

    response = admin_client.post_form(
        f"/admin/users/{person.id}/champion/{action}", follow_redirects=True
    )
    assert message in text(response)
    db.session.expire_all()
    assert person.role == role and person.session_version == version
    assert events(db, "user.role_changed", person) == []


@pytest.mark.parametrize("role", ["seeker", "agency", "champion"])
@pytest.mark.parametrize("action", ["grant", "remove"])
def test_only_admins_change_roles(client, db, make_user, login, role, action):
    target = make_user(role="seeker" if action == "grant" else "champion")
    start = target.role
    login(client, make_user(role=role))
    assert client.post_form(f"/admin/users/{target.id}/champion/{action}").status_code == 403
    assert client.get(f"/admin/users/{target.id}").status_code == 403
    assert client.get("/admin/").status_code == 403
    db.session.expire_all()
    assert target.role == start
    assert events(db, "user.role_changed", target) == []


def test_anonymous_is_sent_to_sign_in(client, db, make_user):
    target = make_user()
    response = client.post_form(f"/admin/users/{target.id}/champion/grant")
    assert response.status_code == 302 and response.location.startswith("/login")
    assert client.get("/admin/").location.startswith("/login")
    db.session.expire_all()
    assert target.role == "seeker"


# --- flask users create-admin ----------------------------------------------------------


def test_create_admin_command(client, db, runner, login):
    result = runner.invoke(
        args=["users", "create-admin", "Boss@Example.org", "--password", PASSWORD]
    )
    assert result.exit_code == 0, result.output
    assert "Created administrator boss@example.org" in result.output
    user = db.session.scalar(select(User).where(User.email == "boss@example.org"))
    assert user.role == "admin" and user.email_confirmed
    assert len(events(db, "user.role_changed", user)) == 1

    login(client, "boss@example.org")
    assert client.get("/dashboard").location == "/admin/"
    # a new administrator sets up two-step sign-in first, then returns to the page
    response = client.get("/admin/")
    assert response.status_code == 302 and response.location.startswith("/account/two-step/setup")
    set_up_two_step(client, "/admin/")
    response = client.get("/admin/")
    assert response.status_code == 200 and "Administration" in text(response)


@pytest.mark.parametrize("password", ["short", "x" * 11, "x" * 129])
def test_create_admin_rejects_bad_password(db, runner, password):
    result = runner.invoke(
        args=["users", "create-admin", "boss@example.org", "--password", password]
    )
    assert result.exit_code != 0
    assert "The password must have 12 to 128 characters." in result.output
    assert db.session.scalar(select(func.count(User.id))) == 0


def test_create_admin_promotes_existing_user(client, db, runner, make_user, login):
    user = make_user(role="seeker", email="pat@example.org", name="Pat Existing")
    result = runner.invoke(
        args=["users", "create-admin", "pat@example.org", "--password", PASSWORD]
    )
    assert result.exit_code == 0, result.output
    assert "pat@example.org is now an administrator" in result.output
    db.session.expire_all()
    assert user.role == "admin" and user.name == "Pat Existing"
    assert db.session.scalar(select(func.count(User.id))) == 1
    login(client, user)
    assert client.get("/admin/").status_code == 302  # to set up two-step sign-in
    set_up_two_step(client)
    assert client.get("/admin/").status_code == 200
