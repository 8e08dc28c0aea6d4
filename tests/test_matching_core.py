"""The matching core below the pages: the chart's voice, stars and their caps, schedules
against availability, and how many matches each profile keeps."""

from datetime import date

from sqlalchemy import select

from portal.matching import engine, schedule, sync, tasks
from portal.matching.facts import ProfileFacts, ShareFacts
from portal.matching.score import Names, explain, stars_for
from portal.models import Job, MatchScore
from tests.support.matching_seekers import make_profile
from tests.support.reference import community_id


def _profile(**fields) -> ProfileFacts:
    values = {
        "profile_id": 1,
        "user_id": 1,
        "visible": True,
        "occupations": frozenset({"42201"}),
        "regions": frozenset({1}),
        "communities": frozenset({10}),
        "hours_wanted": "part_time",
        "pay_cents": 3000,
        "availability": frozenset({(1, "evening")}),
    }
    values.update(fields)
    return ProfileFacts(**values)


def _share(**fields) -> ShareFacts:
    values = {
        "share_id": 1,
        "job_id": 1,
        "agency_id": 1,
        "title": "Support worker",
        "noc": "42201",
        "region_id": 1,
        "community_id": 10,
        "employment_type": "part_time",
        "hours": 20.0,
        "pay_min_cents": 2600,
        "pay_max_cents": 2800,
        "blocks": [[1, "17:00", "21:00"], [3, "17:00", "21:00"]],
        "closes_on": date(2027, 1, 31),
        "pooled": False,
        "required": frozenset({7}),
    }
    values.update(fields)
    return ShareFacts(**values)


NAMES = {"credentials": {7: "Standard First Aid"}, "communities": {10: "Nanaimo"}}


def _words(match) -> dict[str, str]:
    return {c.key: c.words for c in match.chart}


def test_the_chart_speaks_to_the_seeker_and_about_the_candidate_to_agencies():
    seeker = _words(explain(_profile(), _share(), None, Names(**NAMES)))
    agency = _words(explain(_profile(), _share(), None, Names(**NAMES, audience="agency")))
    assert seeker["pay"] == "Pay $2/h below what you asked."
    assert agency["pay"] == "Pay $2/h below what they asked."
    assert seeker["required"] == "Needs Standard First Aid."
    assert seeker["schedule"] == "Outside your availability: evening shifts on Thursday."
    assert agency["schedule"] == "Outside their availability: evening shifts on Thursday."
    assert seeker["occupation"] == "NOC 42201 is one of your occupations."
    assert agency["occupation"] == "NOC 42201 is one of their occupations."
    assert not any("you" in words.lower().split() for words in agency.values())


def test_a_failed_condition_caps_the_stars():
    full = explain(_profile(), _share(required=frozenset()), 1.0, Names(**NAMES))
    unrelated = explain(_profile(), _share(required=frozenset(), noc="33102"), 1.0, Names())
    assert full.stars >= 4
    assert unrelated.stars <= 2
    assert unrelated.score < full.score
    assert stars_for(unrelated.score) == unrelated.stars  # the score is clamped to its stars


def test_schedule_cells_cover_each_day_part_a_block_touches():
    assert schedule.cells([[0, "08:00", "14:15"]]) == {(0, "morning"), (0, "day")}
    assert schedule.cells([[6, "22:00", "23:30"], [5, "05:00", "06:00"]]) == {
        (6, "night"),
        (5, "night"),
    }
    assert schedule.describe_cells({(1, "evening"), (3, "evening")}) == (
        "evening shifts on Tuesday and Thursday"
    )


def test_a_request_recomputes_at_most_its_first_jobs_and_stops_the_mark_before_the_rest():
    rows = [(1, 10), (2, 11), (3, 10), (4, 12), (5, 13)]
    assert sync._first_jobs(rows, 2) == [(1, 10), (2, 11), (3, 10)]
    assert sync._first_jobs(rows, 10) == rows


def _stored(db, profile_id: int) -> list[str]:
    return list(
        db.session.scalars(
            select(Job.title)
            .join(MatchScore, MatchScore.job_id == Job.id)
            .where(MatchScore.profile_id == profile_id)
            .order_by(MatchScore.score.desc(), Job.title)
        )
    )


def test_each_profile_keeps_about_its_best_matches(
    db, make_user, make_agency, make_job, monkeypatch
):
    """A new job's match is stored only above the lowest of a full profile's matches, and
    the worker's trim drops what newer jobs pushed out."""
    monkeypatch.setattr(engine, "MATCH_KEEP", 2)
    seeker = make_user(role="seeker")
    profile = make_profile(db, seeker)  # a community support worker in Nelson, $30/h
    agency = make_agency()
    nelson = community_id(db, "Nelson")
    for title, top in (("A meets", 3100), ("B one dollar", 2900), ("C three dollars", 2700)):
        make_job(agency, title=title, community_id=nelson, pay_min_cents=2400, pay_max_cents=top)
    assert _stored(db, profile.id) == ["A meets", "B one dollar"]  # C: below B, the floor
    make_job(agency, title="D meets", community_id=nelson, pay_min_cents=2400, pay_max_cents=3200)
    assert _stored(db, profile.id) == ["A meets", "D meets", "B one dollar"]
    assert "1 old match(es) dropped" in tasks.sync_matches()
    assert _stored(db, profile.id) == ["A meets", "D meets"]
