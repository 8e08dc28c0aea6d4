"""The match score between a profile and one share of a job, explained criterion by
criterion. Pure: it sees only ``ProfileFacts`` and ``ShareFacts`` (see ``weights``
for what that is and is not) and the names it needs for its words."""

from dataclasses import dataclass, field

from portal.matching import schedule
from portal.matching.facts import ProfileFacts, ShareFacts, noc_group
from portal.matching.weights import (
    CAPPED_BY,
    PAY_SHORTFALL_PER_DOLLAR,
    STAR_STEPS,
    WEIGHTS,
)

OUTCOMES = {"met": "Met", "partly": "Partly", "missing": "Missing"}
LABELS = {
    "occupation": "Occupation",
    "place": "Place",
    "required": "Required credentials",
    "pay": "Pay",
    "hours": "Hours",
    "schedule": "Shifts and availability",
    "preferred": "Preferred credentials",
    "employment_type": "Type of work",
    "start": "Start date",
    "text": "Headline and summary",
}


@dataclass(frozen=True, slots=True)
class Criterion:
    key: str
    value: float  # 0–1
    outcome: str  # met | partly | missing
    words: str

    @property
    def label(self) -> str:
        return LABELS[self.key]

    @property
    def outcome_label(self) -> str:
        return OUTCOMES[self.outcome]


@dataclass(slots=True)
class Match:
    share_id: int
    job_id: int
    score: float
    stars: int
    chart: list[Criterion] = field(default_factory=list)

    @property
    def met(self) -> int:
        return sum(1 for c in self.chart if c.outcome == "met")


# The chart speaks to the seeker ("your occupations"); on an agency's candidate pages the
# same words are said about the candidate. Whole phrases, replaced in this order.
AGENCY_WORDS = (
    (
        "Add your availability to your profile to compare it with the shifts.",
        "The candidate has not given their availability.",
    ),
    (
        "Add a headline and summary to compare with the posting.",
        "The candidate has no headline or summary to compare with the posting.",
    ),
    ("You have not", "The candidate has not"),
    ("You did not give", "The candidate did not give"),
    ("You hold", "The candidate holds"),
    ("You can start", "The candidate can start"),
    ("you are willing", "they are willing"),
    ("you asked", "they asked"),
    ("you want", "they want"),
    ("you chose", "they chose"),
    ("Your ", "Their "),
    ("your ", "their "),
)


@dataclass(slots=True)
class Names:
    """Names the chart's words use: credentials, communities, regions, full-time hours;
    ``audience`` "seeker" (the words speak to them) or "agency" (about the candidate)."""

    credentials: dict[int, str] = field(default_factory=dict)
    communities: dict[int, str] = field(default_factory=dict)
    regions: dict[int, str] = field(default_factory=dict)
    full_time: float = 37.5
    audience: str = "seeker"

    def voice(self, words: str) -> str:
        if self.audience == "agency":
            for seeker, agency in AGENCY_WORDS:
                words = words.replace(seeker, agency)
        return words


def stars_for(score: float) -> int:
    for threshold, stars in STAR_STEPS:
        if score >= threshold:
            return stars
    return 1


def _ceiling(stars: int) -> float:
    """The highest score that still gives ``stars`` (or fewer)."""
    above = [threshold for threshold, s in STAR_STEPS if s == stars + 1]
    return above[0] - 1e-6 if above else 1.0


def _outcome(value: float) -> str:
    return "met" if value >= 0.999 else ("partly" if value > 0 else "missing")


def _dollars(cents: int) -> str:
    return f"${cents / 100:,.0f}" if cents % 100 == 0 else f"${cents / 100:,.2f}"


def _hours(value: float) -> str:
    return f"{value:g}"


def _list(names: list[str]) -> str:
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


# --- the criteria: each returns (value, words); words only when explaining ---------------


def occupation(p: ProfileFacts, s: ShareFacts, n: Names | None):
    if not p.occupations:
        return 0.5, n and "You have not chosen occupations in your profile."
    if s.noc in p.occupations:
        return 1.0, n and f"NOC {s.noc} is one of your occupations."
    if noc_group(s.noc) in p.groups:
        return 0.5, n and f"NOC {s.noc} is related to your occupations (same NOC group)."
    return 0.0, n and f"NOC {s.noc} is not one of your occupations."


def place(p: ProfileFacts, s: ShareFacts, n: Names | None):
    where = n and f"{n.communities.get(s.community_id, 'the site')}"
    if s.community_id in p.communities:
        return 1.0, n and f"In {where}, one of your communities."
    if s.region_id in p.regions:
        return (
            0.85,
            n and f"In {where}, in {n.regions.get(s.region_id, 'a region')} — one of your regions.",
        )
    if not p.regions and not p.communities:
        return 0.6, n and "You have not said where you want to work."
    if p.willing_to_travel:
        return 0.5, n and f"In {where}, outside your places; you are willing to travel."
    return 0.0, n and f"In {where}, outside the places you chose."


def required(p: ProfileFacts, s: ShareFacts, n: Names | None):
    if not s.required:
        return 1.0, n and "No credentials required."
    held = s.required & p.held
    value = len(held) / len(s.required)
    if n is None:
        return value, None
    missing = sorted(s.required - p.held, key=lambda c: n.credentials.get(c, ""))
    if not missing:
        return value, "You hold every required credential."
    parts = []
    waiting = [n.credentials.get(c, "a credential") for c in missing if c in p.in_progress]
    needed = [n.credentials.get(c, "a credential") for c in missing if c not in p.in_progress]
    if needed:
        parts.append(f"Needs {_list(needed)}.")
    if waiting:
        parts.append(f"{_list(waiting)}: recognition in BC in progress, not yet counted.")
    return value, " ".join(parts)


def preferred(p: ProfileFacts, s: ShareFacts, n: Names | None):
    if not s.preferred:
        return 1.0, n and "No preferred credentials."
    value = len(s.preferred & p.held) / len(s.preferred)
    if n is None:
        return value, None
    missing = sorted(n.credentials.get(c, "a credential") for c in s.preferred - p.held)
    if not missing:
        return value, "You hold every preferred credential."
    return value, f"Would prefer {_list(missing)}."


def pay(p: ProfileFacts, s: ShareFacts, n: Names | None):
    if p.pay_cents is None:
        return 1.0, n and "You did not give a pay expectation."
    if s.pay_max_cents >= p.pay_cents:
        if n is None:
            return 1.0, None
        top, asked = _dollars(s.pay_max_cents), _dollars(p.pay_cents)
        return 1.0, f"Pay up to {top}/h meets the {asked}/h you asked."
    short = p.pay_cents - s.pay_max_cents
    value = max(0.0, 1.0 - PAY_SHORTFALL_PER_DOLLAR * short / 100)
    return value, n and f"Pay {_dollars(short)}/h below what you asked."


def hours(p: ProfileFacts, s: ShareFacts, n: Names | None):
    full = n.full_time if n else FULL_TIME_DEFAULT
    h = s.hours
    if p.hours_wanted == "full_time":
        if h >= 0.9 * full:
            return 1.0, n and f"{_hours(h)} h a week: full-time, as you want."
        return h / full, n and (
            f"{_hours(h)} h a week of the {_hours(full)} you want — "
            "it can be combined with other part-time work."
        )
    if p.hours_wanted == "part_time":
        if h < 0.9 * full:
            return 1.0, n and f"{_hours(h)} h a week: part-time, as you want."
        return 0.5, n and f"{_hours(h)} h a week; you asked for part-time."
    if p.hours_wanted == "casual":
        if s.employment_type == "casual":
            return 1.0, n and "Casual hours, as you want."
        return 0.6, n and f"{_hours(h)} h a week; you asked for casual work."
    return 1.0, n and f"{_hours(h)} h a week."


FULL_TIME_DEFAULT = 37.5
TYPE_FITS = {
    "full_time": {"full_time": 1.0, "temporary": 0.5, "part_time": 0.5, "casual": 0.25},
    "part_time": {"part_time": 1.0, "casual": 0.75, "temporary": 0.5, "full_time": 0.5},
    "casual": {"casual": 1.0, "part_time": 0.75, "temporary": 0.5, "full_time": 0.25},
}
TYPE_WORDS = {
    "full_time": "full-time",
    "part_time": "part-time",
    "casual": "casual",
    "temporary": "temporary / term",
}


def employment_type(p: ProfileFacts, s: ShareFacts, n: Names | None):
    kind = TYPE_WORDS.get(s.employment_type, s.employment_type)
    if p.hours_wanted == "any":
        return 1.0, n and f"A {kind} position."
    value = TYPE_FITS.get(p.hours_wanted, {}).get(s.employment_type, 0.5)
    if value >= 1.0:
        return 1.0, n and f"A {kind} position, as you want."
    return value, n and f"A {kind} position; you asked for {TYPE_WORDS[p.hours_wanted]} work."


def schedule_fit(p: ProfileFacts, s: ShareFacts, n: Names | None):
    needed = s.cells if s.cells is not None else schedule.cells(s.blocks)
    if not needed:
        return 0.8, n and "The posting gives no weekly schedule."
    if not p.availability:
        return 0.6, n and "Add your availability to your profile to compare it with the shifts."
    missing = needed - p.availability
    value = 1 - len(missing) / len(needed)
    if not missing:
        return 1.0, n and "Every shift is in your availability."
    return value, n and f"Outside your availability: {schedule.describe_cells(missing)}."


def start(p: ProfileFacts, s: ShareFacts, n: Names | None):
    if p.earliest_start is None:
        return 1.0, n and "You did not give an earliest start date."
    if p.earliest_start <= s.closes_on:
        return 1.0, n and f"You can start before the posting closes ({s.closes_on:%-d %B})."
    return 0.0, n and (
        f"You can start on {p.earliest_start:%-d %B %Y}, after the posting closes "
        f"on {s.closes_on:%-d %B %Y}."
    )


def text(similarity: float | None, n: Names | None):
    if similarity is None:
        return 0.0, n and "Add a headline and summary to compare with the posting."
    if similarity >= 0.5:
        return similarity, n and "Many of your headline's and summary's words are in the posting."
    if similarity > 0:
        return similarity, n and "Some of your headline's and summary's words are in the posting."
    return 0.0, n and "None of your headline's and summary's words are in the posting."


CRITERIA = (
    ("occupation", occupation),
    ("place", place),
    ("required", required),
    ("pay", pay),
    ("hours", hours),
    ("schedule", schedule_fit),
    ("preferred", preferred),
    ("employment_type", employment_type),
    ("start", start),
)


def base_score(p: ProfileFacts, s: ShareFacts) -> tuple[float, int]:
    """The score without the text criterion, and the highest stars the criteria allow."""
    total = 0.0
    cap = 5
    for key, criterion in CRITERIA:
        value, _ = criterion(p, s, None)
        total += WEIGHTS[key] * value
        if value == 0 and key in CAPPED_BY:
            cap = min(cap, CAPPED_BY[key])
    return total, cap


def finish(share: ShareFacts, base: float, cap: int, similarity: float | None) -> Match:
    raw = base + WEIGHTS["text"] * (similarity or 0.0)
    stars = min(stars_for(raw), cap)
    return Match(share.share_id, share.job_id, min(raw, _ceiling(stars)), stars)


def explain(p: ProfileFacts, s: ShareFacts, similarity: float | None, names: Names) -> Match:
    """The match with its comparison chart, criterion by criterion."""
    chart = []
    for key, criterion in CRITERIA:
        value, words = criterion(p, s, names)
        chart.append(Criterion(key, value, _outcome(value), names.voice(words)))
    value, words = text(similarity, names)
    chart.append(Criterion("text", value, _outcome(value), names.voice(words)))
    base, cap = base_score(p, s)
    match = finish(s, base, cap, similarity)
    match.chart = chart
    return match
