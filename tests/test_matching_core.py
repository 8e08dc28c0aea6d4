"""The matching core without the pages: the chart's voice, stars and their caps, schedules
against availability, and the text similarity on an empty index."""

from datetime import date

from portal.matching import schedule
from portal.matching.facts import ProfileFacts, ShareFacts
from portal.matching.score import Names, explain, stars_for


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
