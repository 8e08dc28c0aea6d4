"""The weights of the match score, in one place. Each criterion scores 0–1; the match
score is the weighted sum (the weights add up to 1). Change a weight here and the
labelled pairs in ``tests/test_matching_ranking.py`` say whether the ranking still holds.

What the score uses is listed here and nowhere else: the profile's occupations, places,
willingness to travel, hours wanted, pay expectation, credentials (with recognition
status), availability and earliest start, and the words of its headline and summary. It
never uses a name, email, age, gender, photo, or anything else the BC Human Rights Code
protects — the profile holds none of those for matching, and ``facts.ProfileFacts`` is
all the score ever sees.
"""

WEIGHTS = {
    # Doing the work at all: the posting's NOC occupation, or a related one (same group).
    "occupation": 0.20,
    # Where the work is: most of the sector's jobs are paid by the hour in one place.
    "place": 0.15,
    # Required credentials are usually conditions of funding or licensing: no hire without.
    "required": 0.18,
    # Pay below what the seeker asked for is the most common reason an offer is refused.
    "pay": 0.12,
    # Hours wanted vs offered: full-time seekers can still combine part-time shares.
    "hours": 0.09,
    # The shifts against the seeker's weekly availability.
    "schedule": 0.09,
    # Preferred credentials help but are not conditions.
    "preferred": 0.04,
    # Permanent, part-time, casual, term: a weaker signal than hours.
    "employment_type": 0.04,
    # Can start before the posting closes.
    "start": 0.03,
    # Words the profile shares with the posting (Whoosh's inverse document frequency):
    # a small tie-breaker, never enough to lift a job in another occupation.
    "text": 0.06,
}

# The score at which each number of stars begins (1 star below the first).
STAR_STEPS = ((0.85, 5), (0.70, 4), (0.55, 3), (0.40, 2))

# A criterion that fails outright caps the stars: an unrelated occupation, a place the
# seeker cannot reach or a missing required credential is never a 4- or 5-star match.
CAPPED_BY = {"occupation": 2, "place": 2, "required": 3}

# Pay: each dollar an hour below the seeker's expectation costs this share of the
# criterion (so $5/h below scores 0).
PAY_SHORTFALL_PER_DOLLAR = 0.2

# How many of each profile's best shares are kept in ``match_scores``.
MATCH_KEEP = 200

# A job or share under this share of the full-time week counts as part-time (pooling
# partners, full-time-week combinations).
PART_TIME_BELOW = 0.9
