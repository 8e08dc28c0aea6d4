"""The open shares each process keeps in memory for ranking (``matching.openshares``):
brought up to date from the search outbox, never holding what a transaction has not
committed, reloaded on a new day."""

from datetime import timedelta

from portal.agencies import services as agencies
from portal.jobs import services as jobs
from portal.matching import engine, openshares
from portal.models import JobShare
from portal.timeutil import today_pacific
from tests.support import count
from tests.support.factories import job_fields
from tests.support.matching_seekers import make_profile
from tests.support.reference import community_id


def _titles(profile) -> set[str]:
    from portal.matching.facts import profile_facts

    return {share.title for share in openshares.shares_for_profile(profile_facts(profile.id))}


def _copied(db, job) -> bool:
    return any(share.job_id == job.id for share in openshares._copy().shares.values())


def test_the_copy_follows_publishing_closing_and_suspension(db, make_user, make_agency, make_job):
    seeker = make_user(role="seeker")
    profile = make_profile(db, seeker)  # a community support worker in Nelson
    nelson = community_id(db, "Nelson")
    agency, other = make_agency(), make_agency()
    make_job(agency, title="Support worker A", community_id=nelson)
    assert _titles(profile) == {"Support worker A"}
    loaded_at = openshares._copy().loaded_at

    b = make_job(other, title="Support worker B", community_id=nelson)
    make_job(agency, title="Far away C")  # another community, outside the seeker's region
    assert _titles(profile) == {"Support worker A", "Support worker B"}
    assert openshares._copy().loaded_at == loaded_at  # brought up to date, not reloaded

    jobs.close(b, b.agency.owner)
    db.session.commit()
    assert _titles(profile) == {"Support worker A"}

    admin = make_user(role="admin")
    agencies.change_status(agency, "suspend", "Checking its postings.", admin)
    db.session.commit()
    assert _titles(profile) == set()
    assert openshares._copy().loaded_at == loaded_at
    # and the stored matches follow the same shares
    assert engine.recompute_profile(profile.id) == 0


def test_uncommitted_job_changes_never_enter_the_copy(db, make_user, make_agency, make_job):
    seeker = make_user(role="seeker")
    profile = make_profile(db, seeker)
    nelson = community_id(db, "Nelson")
    agency = make_agency()
    make_job(agency, title="Support worker A", community_id=nelson)
    assert _titles(profile) == {"Support worker A"}

    draft = jobs.create_draft(
        agency, job_fields(db, title="Not committed", community_id=nelson), agency.owner
    )
    jobs.publish(draft, agency.owner)
    db.session.flush()
    # this transaction sees its own job (read from the database), the shared copy does not
    assert _titles(profile) == {"Support worker A", "Not committed"}
    assert not _copied(db, draft)
    db.session.rollback()
    db.session.info.clear()
    assert count(db, JobShare) == 1
    assert _titles(profile) == {"Support worker A"}


def test_a_new_day_reloads_the_copy_and_drops_jobs_that_closed(
    db, make_user, make_agency, make_job, monkeypatch
):
    seeker = make_user(role="seeker")
    profile = make_profile(db, seeker)
    nelson = community_id(db, "Nelson")
    agency = make_agency()
    today = today_pacific()
    make_job(agency, title="Closes today", community_id=nelson, closes_on=today)
    make_job(agency, title="Closes later", community_id=nelson, closes_on=today + timedelta(3))
    assert _titles(profile) == {"Closes today", "Closes later"}

    tomorrow = today + timedelta(days=1)
    monkeypatch.setattr("portal.matching.openshares.today_pacific", lambda: tomorrow)
    monkeypatch.setattr("portal.matching.facts.today_pacific", lambda: tomorrow)
    assert _titles(profile) == {"Closes later"}  # no outbox row: the day changed
