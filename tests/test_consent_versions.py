"""Versions of the visibility consent statement (issue 18): a new version hides the
profiles made visible under an older one until their owners answer; the seeker is asked at
sign-in and on every page (sign-out, the privacy page and the answer page excepted);
agreeing stores a new consent record and makes the profile visible again, "keep hidden"
withdraws the old consent; private profiles are not asked; old records stay as history.
Everything through HTTP, checked in the database and on the agencies' pages."""

import re
from datetime import date
from types import SimpleNamespace

import pytest
from sqlalchemy import select

from portal.models import AuditEvent, ConsentRecord, SeekerProfile
from portal.seekers import consent, signals
from portal.seekers.permissions import agency_can_view_seeker
from tests.support import count, text
from tests.support.matching_agencies import listed, profile_form, ref_of, save_profile

PEOPLE_RE = re.compile(r'<a href="/agency/people/(\d+)">')
NEW_TEXT = (
    "I agree that staff of approved agencies may find my profile, see my name, email "
    "address, profile and current résumé, and contact me about jobs — version three."
)
NEW_CHANGES = "Agencies may now also phone you about jobs."


def publish_new_version(monkeypatch) -> consent.Version:
    """Publish a version after the current one (``consent.VERSIONS``, for this test)."""
    new = consent.Version(
        id="2099-01", published=date(2099, 1, 15), text=NEW_TEXT, changes=NEW_CHANGES
    )
    monkeypatch.setattr(consent, "VERSIONS", [*consent.VERSIONS, new])
    return new


def profile_of(db, user) -> SeekerProfile:
    db.session.expire_all()
    return db.session.scalar(select(SeekerProfile).where(SeekerProfile.user_id == user.id))


def records(db, user) -> list[ConsentRecord]:
    db.session.expire_all()
    return list(
        db.session.scalars(
            select(ConsentRecord).where(ConsentRecord.user_id == user.id).order_by(ConsentRecord.id)
        )
    )


def actions(db, user) -> list[str]:
    db.session.expire_all()
    return list(
        db.session.scalars(
            select(AuditEvent.action).where(AuditEvent.user_id == user.id).order_by(AuditEvent.id)
        )
    )


@pytest.fixture
def world(db, make_agency, make_job, make_user, signed_in):
    """An approved agency (owner signed in) with a published job, and a helper that makes
    seekers with profiles matching it, visible or not, signed in (``seeker(name, ...)``)."""
    agency = make_agency(name="Island Community Living")
    job = make_job(agency, title="Residential Support Worker")
    owner = signed_in(agency.owner)

    def seeker(name, visible=True):
        user = make_user(role="seeker", name=name, email=f"{name.split()[0].lower()}@example.org")
        client = signed_in(user)
        save_profile(client, profile_form(db, job), visible=visible)
        client.user = user
        client.ref = ref_of(agency, job, profile_of(db, user).id)
        return client

    return SimpleNamespace(agency=agency, job=job, owner=owner, seeker=seeker)


def agency_sees(db, world, seeker) -> dict[str, bool]:
    """Where the agency finds the seeker: profile search, the profile page, suggested
    candidates, and ``agency_can_view_seeker``."""
    db.session.expire_all()
    return {
        "search": str(seeker.user.id) in PEOPLE_RE.findall(text(world.owner.get("/agency/people"))),
        "page": world.owner.get(f"/agency/people/{seeker.user.id}").status_code == 200,
        "suggested": seeker.ref in [ref for ref, _ in listed(world.owner, world.job)],
        "can_view": agency_can_view_seeker(world.agency, seeker.user.id),
    }


SEEN = {"search": True, "page": True, "suggested": True, "can_view": True}
UNSEEN = dict.fromkeys(SEEN, False)


def test_a_new_version_asks_at_sign_in_and_on_every_page_and_hides_until_agreed(
    db, world, monkeypatch, signed_in, app
):
    vera = world.seeker("Vera Visible")
    old = records(db, vera.user)
    assert [r.version for r in old] == [consent.current().id]
    assert agency_sees(db, world, vera) == SEEN

    new = publish_new_version(monkeypatch)

    # hidden from agencies at once: search, profile page, suggestions, can_view
    assert agency_sees(db, world, vera) == UNSEEN
    assert consent.is_visible(profile_of(db, vera.user)) is False
    assert consent.needs_renewal(profile_of(db, vera.user)) is True

    # asked on any page while signed in, and sent back there after answering
    for path in ("/dashboard", "/saved-jobs", "/profile", "/account", "/jobs"):
        response = vera.get(path)
        assert response.status_code == 302, path
        assert response.location == f"/profile/consent?next={path}"
    response = vera.post_form("/profile", profile_form(db, world.job))
    assert response.location == "/profile/consent"  # a form sent: no way back with its data
    # ... but not on the answer page, the privacy page, or for static files
    assert vera.get("/privacy").status_code == 200
    static = vera.get("/static/favicon.svg")
    static.close()
    assert static.status_code == 200

    # and asked at the next sign-in
    again = signed_in(vera.user)
    assert again.get("/dashboard").location == "/profile/consent?next=/dashboard"

    page = text(vera.get("/profile/consent?next=%2Fsaved-jobs"))
    assert NEW_TEXT in page and NEW_CHANGES in page
    assert f"Version {new.id} (Jan 15, 2099)" in page
    assert f"version {old[0].version} of the consent statement" in page
    assert "Agree and keep my profile visible" in page and "Keep my profile hidden" in page
    assert 'action="/profile/consent?next=/saved-jobs"' in page

    # no button: the page again, with a message
    response = vera.post_form("/profile/consent")
    assert response.status_code == 400
    assert "Choose one of the two buttons." in text(response)

    changed: list[int] = []

    def spy(profile, **_):
        changed.append(profile.id)

    signals.profile_changed.connect(spy)
    try:
        response = vera.post_form(
            "/profile/consent?next=%2Fsaved-jobs", {"agree": "Agree and keep my profile visible"}
        )
    finally:
        signals.profile_changed.disconnect(spy)
    assert response.status_code == 302 and response.location == "/saved-jobs"
    assert changed == [profile_of(db, vera.user).id]  # matching recomputes the profile

    # a new record of the new version with its text; the old one kept, as it was
    first, second = records(db, vera.user)
    assert (first.id, first.version, first.text) == (old[0].id, old[0].version, old[0].text)
    assert first.withdrawn_at is None
    assert (second.version, second.text, second.purpose) == (new.id, NEW_TEXT, consent.PURPOSE)
    assert second.withdrawn_at is None and second.granted_at >= first.granted_at
    profile = profile_of(db, vera.user)
    assert profile.consent_id == second.id and profile.visibility == "agencies"
    assert consent.is_visible(profile) and not consent.needs_renewal(profile)
    assert actions(db, vera.user)[-1] == "consent.renewed"

    # visible again to agencies; no more questions
    assert agency_sees(db, world, vera) == SEEN
    assert vera.get("/dashboard").status_code == 200
    assert again.get("/saved-jobs").status_code == 200
    assert vera.get("/profile/consent").location == "/dashboard"  # nothing to answer


def test_keep_hidden_withdraws_the_old_consent(db, world, monkeypatch):
    hana = world.seeker("Hana Hidden")
    (old,) = records(db, hana.user)
    publish_new_version(monkeypatch)

    response = hana.post_form("/profile/consent", {"hide": "Keep my profile hidden"})
    assert response.status_code == 302 and response.location == "/dashboard"
    assert "Your profile is hidden" in text(hana.get(response.location))

    (record,) = records(db, hana.user)  # no new record; the old one withdrawn, kept
    assert record.id == old.id and record.version == old.version
    assert record.withdrawn_at is not None
    profile = profile_of(db, hana.user)
    assert (profile.visibility, profile.consent_id) == ("private", None)
    assert actions(db, hana.user)[-1] == "profile.private"
    assert agency_sees(db, world, hana) == UNSEEN
    assert hana.get("/saved-jobs").status_code == 200  # not asked any more

    # making the profile visible again later: the new version
    response = hana.post_form("/profile/visibility", {"visibility": "agencies", "consent": "y"})
    assert response.status_code == 302
    assert [r.version for r in records(db, hana.user)] == [old.version, "2099-01"]
    assert agency_sees(db, world, hana) == SEEN


def test_private_profiles_and_current_consents_are_not_asked(
    db, world, monkeypatch, make_user, signed_in
):
    pat = world.seeker("Pat Private", visible=False)
    nobody = signed_in(make_user(role="seeker", name="Noel Newcomer"))  # no profile at all
    publish_new_version(monkeypatch)
    cora = world.seeker("Cora Current")  # agreed to the new version

    for client in (pat, nobody, cora):
        assert client.get("/dashboard").status_code == 200
        assert client.get("/profile").status_code == 200
        assert client.get("/profile/consent").location == "/dashboard"
        response = client.post_form("/profile/consent", {"agree": "Agree"})
        assert response.location == "/dashboard"
    assert [r.version for r in records(db, cora.user)] == ["2099-01"]
    assert records(db, pat.user) == []
    assert count(db, ConsentRecord) == 1
    assert agency_sees(db, world, cora) == SEEN
    assert agency_sees(db, world, pat) == UNSEEN


def test_asked_seekers_can_still_sign_out_and_agencies_they_applied_to_see_them(
    db, world, monkeypatch
):
    from portal.applications import services as applications
    from portal.seekers.services import attach_resume

    ali = world.seeker("Ali Applicant")
    attach_resume(ali.user, _pdf())
    applications.apply(world.job, ali.user, "Hello", {})
    db.session.commit()
    publish_new_version(monkeypatch)

    assert agency_can_view_seeker(world.agency, ali.user.id)  # an applicant, still
    assert str(ali.user.id) not in PEOPLE_RE.findall(text(world.owner.get("/agency/people")))

    response = ali.post_form("/logout")
    assert response.status_code == 302 and response.location == "/"
    assert ali.get("/saved-jobs").location.startswith("/login")


def _pdf():
    import io

    from werkzeug.datastructures import FileStorage

    return FileStorage(io.BytesIO(b"%PDF-1.4\n% a resume\n"), filename="cv.pdf")
