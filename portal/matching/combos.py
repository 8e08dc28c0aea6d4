"""A full-time week from part-time work: combinations of two or three part-time shares of
different jobs whose weekly schedules never overlap and whose hours add up to the
full-time week the seeker wants (within 10 %), and "apply to all" for one combination.

How it stays fast: the candidates are the seeker's part-time shares with a weekly
schedule that score at least ``MIN_SCORE`` (without the text criterion) on an occupation
that is not missing — only the best ``POOL`` of them. Each candidate's week is turned once
into a bit mask of its minutes (7 × 1,440 bits), so "do these overlap?" is one ``&``;
hours are checked before schedules, and triples only grow from pairs that do not overlap
and still leave room for more hours. At most POOL³ / 6 (about 34,000) triples are looked
at, whatever the number of jobs.
"""

from dataclasses import dataclass, field
from itertools import combinations as pairs_of

from sqlalchemy import select

from portal.applications import services as applications
from portal.errors import PortalError
from portal.extensions import db
from portal.matching import openshares, schedule
from portal.matching.facts import ProfileFacts, ShareFacts, load_shares, profile_facts
from portal.matching.score import base_score, occupation, stars_for
from portal.matching.weights import PART_TIME_BELOW
from portal.models import Agency, Community, Job, JobShare, MatchDismissal, User
from portal.pools.services import full_time_hours
from portal.schedules import WEEKDAYS, clashes, minutes

MIN_SCORE = 0.40
POOL = 60  # candidate shares kept, best first
BANDS = 5  # bands of part-time hours the pool draws from evenly
SAME_SCHEDULE = 4  # shares with the very same weekly schedule kept in the pool, at most
LOAD_LIMIT = 800  # the most recently published part-time shares in reach looked at
SPREAD = 0.10  # the combined hours: within 10 % of the full-time week
DAY_MINUTES = 1440
KEYS = "ABC"  # the parts' short names in a combination's timetable


@dataclass(slots=True)
class Part:
    """One share of a combination, with what the page shows of it: ``key`` is the short
    name ("A", "B", "C") the combination's timetable gives it, its legend spelling it out."""

    share: ShareFacts
    score: float
    stars: int
    agency: str
    community: str
    key: str = ""


@dataclass(slots=True)
class Combination:
    parts: list[Part]
    hours: float
    score: float  # the mean of the parts' scores
    stars: int  # the mean of the parts' stars, rounded
    travel: list[str] = field(default_factory=list)
    grid: list[dict] = field(default_factory=list)  # the parts' blocks, labelled by key

    @property
    def by_key(self) -> dict[str, Part]:
        return {part.key: part for part in self.parts}

    @property
    def shares(self) -> list[ShareFacts]:
        return [part.share for part in self.parts]

    @property
    def share_ids(self) -> str:
        return ",".join(str(part.share.share_id) for part in self.parts)


@dataclass(slots=True)
class _Candidate:
    share: ShareFacts
    score: float
    stars: int
    mask: int  # one bit per minute of the week the share works
    days: dict  # weekday -> [(start, end) in minutes]


def _days(blocks: list) -> dict[int, list[tuple[int, int]]] | None:
    """The blocks as minutes per weekday; None when they are not a usable schedule."""
    days: dict[int, list[tuple[int, int]]] = {}
    try:
        for day, start, end in blocks:
            s, e = minutes(start), minutes(end)
            if day not in range(7) or s >= e:
                return None
            days.setdefault(day, []).append((s, e))
    except (TypeError, ValueError):
        return None
    return days or None


def _mask(days: dict[int, list[tuple[int, int]]]) -> int:
    mask = 0
    for day, spans in days.items():
        for start, end in spans:
            mask |= ((1 << (end - start)) - 1) << (day * DAY_MINUTES + start)
    return mask


def _band(hours: float, target: float) -> int:
    """Which fifth of the part-time range the hours fall in."""
    return min(BANDS - 1, int(hours / (PART_TIME_BELOW * target) * BANDS))


def candidates(
    profile: ProfileFacts, shares, target: float, dismissed=frozenset()
) -> list[_Candidate]:
    """The best ``POOL`` part-time shares with a schedule the profile could combine (not
    of the ``dismissed`` jobs: "not interested"). The best by score alone would mostly be
    the longest part-time shares, which add up to too much together: the pool keeps the
    best of each band of hours first, then the best of the rest, and only the best few
    of any one weekly schedule."""
    found = []
    for share in shares:
        if (
            share.hours >= PART_TIME_BELOW * target
            or share.hours <= 0
            or share.job_id in dismissed
            or not share.blocks
            or occupation(profile, share, None)[0] == 0
        ):
            continue
        days = _days(share.blocks)
        if days is None:
            continue
        mask = _mask(days)
        if mask.bit_count() != sum(e - s for spans in days.values() for s, e in spans):
            continue  # the share's own blocks overlap: not a schedule to build on
        score, cap = base_score(profile, share)
        if score < MIN_SCORE:
            continue
        found.append(_Candidate(share, score, min(stars_for(score), cap), mask, days))
    found.sort(key=lambda c: (-c.score, c.share.share_id))
    per_band = POOL // BANDS
    taken: dict[int, int] = {}
    same: dict[int, int] = {}
    pool, rest = [], []
    for candidate in found:
        same[candidate.mask] = same.get(candidate.mask, 0) + 1
        if same[candidate.mask] > SAME_SCHEDULE:
            continue  # the best few of one weekly schedule are enough to combine it
        band = _band(candidate.share.hours, target)
        if taken.get(band, 0) < per_band:
            taken[band] = taken.get(band, 0) + 1
            pool.append(candidate)
        else:
            rest.append(candidate)
    pool.extend(rest[: POOL - len(pool)])
    pool.sort(key=lambda c: (-c.score, c.share.share_id))
    return pool


def _dismissed(user_id: int) -> set[int]:
    query = select(MatchDismissal.job_id).where(MatchDismissal.user_id == user_id)
    return set(db.session.scalars(query))


def _travel(chosen: list[_Candidate], names: dict[int, str]) -> list[str]:
    """Same-day moves between shifts in different communities, in weekday order."""
    flags = []
    for day in range(7):
        spans = sorted(
            (start, end, c.share.community_id) for c in chosen for start, end in c.days.get(day, ())
        )
        for (_, end, here), (start, _, there) in zip(spans, spans[1:], strict=False):
            if here != there:
                gap = start - end
                flags.append(
                    f"{names.get(here, 'one site')} → {names.get(there, 'another site')} on "
                    f"{WEEKDAYS[day]}, {_duration(gap)} between shifts"
                )
    places = sorted({c.share.community_id for c in chosen}, key=lambda c: names.get(c, ""))
    if len(places) > 1 and not flags:  # different communities, never on the same day
        where = " and ".join(names.get(c, "another site") for c in places)
        flags.append(f"Work in {where}, on different days")
    return flags


def _duration(gap: int) -> str:
    if gap < 60:
        return f"{gap} min"
    hours, rest = divmod(gap, 60)
    return f"{hours} h {rest:02d} min" if rest else f"{hours} h"


def find(
    profile: ProfileFacts, shares, target: float, limit: int = 10, dismissed=frozenset()
) -> list[tuple]:
    """The best ``limit`` combinations as (mean score, travel moves, chosen candidates).
    Pure: ``shares`` are ShareFacts; no database (community names come later)."""
    pool = candidates(profile, shares, target, dismissed)
    low, high = target * (1 - SPREAD), target * (1 + SPREAD)
    smallest = min((c.share.hours for c in pool), default=0)
    found = []
    for i, j in pairs_of(range(len(pool)), 2):
        a, b = pool[i], pool[j]
        hours = a.share.hours + b.share.hours
        if hours > high or a.share.job_id == b.share.job_id or a.mask & b.mask:
            continue
        if hours >= low:
            found.append([a, b])
        if hours + smallest > high:
            continue
        both = a.mask | b.mask
        for k in range(j + 1, len(pool)):
            c = pool[k]
            total = hours + c.share.hours
            if (
                low <= total <= high
                and c.share.job_id not in (a.share.job_id, b.share.job_id)
                and not both & c.mask
            ):
                found.append([a, b, c])
    if not found:
        return []
    # by mean score; travel moves only break ties, so count them near the top only
    means = sorted(
        ((round(sum(c.score for c in chosen) / len(chosen), 9), chosen) for chosen in found),
        key=lambda r: r[0],
        reverse=True,
    )
    floor = means[min(limit, len(means)) - 1][0]
    ranked = [(mean, len(_travel(chosen, {})), chosen) for mean, chosen in means if mean >= floor]
    ranked.sort(key=lambda r: (-r[0], r[1], len(r[2]), [c.share.share_id for c in r[2]]))
    return ranked[:limit]


def part_time_shares(profile: ProfileFacts, target: float) -> dict[int, ShareFacts]:
    """The open part-time shares within the profile's reach, the ``LOAD_LIMIT`` most
    recently published (``openshares.shares_for_profile``)."""
    below = PART_TIME_BELOW * target
    shares = openshares.shares_for_profile(
        profile, limit=LOAD_LIMIT, keep=lambda share: share.hours < below
    )
    return {share.share_id: share for share in shares}


def combinations(profile: ProfileFacts, limit: int = 10, shares=None) -> list[Combination]:
    """The profile's best full-time weeks from part-time shares (``shares``: the open
    shares within the profile's reach, loaded when not given)."""
    target = full_time_hours()
    if shares is None:
        shares = part_time_shares(profile, target).values()
    best = find(profile, shares, target, limit, _dismissed(profile.user_id))
    if not best:
        return []
    chosen_shares = {c.share.share_id: c.share for _, _, chosen in best for c in chosen}
    agencies = _names(Agency, {s.agency_id for s in chosen_shares.values()})
    communities = _names(Community, {s.community_id for s in chosen_shares.values()})
    found = []
    for mean, _, chosen in best:
        if any(clashes(x.share.blocks, y.share.blocks) for x, y in pairs_of(chosen, 2)):
            continue  # the masks said no overlap; the slow, obvious check agrees
        parts = [
            Part(
                c.share,
                c.score,
                c.stars,
                agencies.get(c.share.agency_id, ""),
                communities.get(c.share.community_id, ""),
                KEYS[n],
            )
            for n, c in enumerate(chosen)
        ]
        found.append(
            Combination(
                parts=parts,
                hours=round(sum(c.share.hours for c in chosen), 2),
                score=mean,
                stars=max(1, min(5, int(sum(c.stars for c in chosen) / len(chosen) + 0.5))),
                travel=_travel(chosen, communities),
                grid=schedule.grid([(p.key, p.share.blocks) for p in parts]),
            )
        )
    return found


def _names(model, ids) -> dict[int, str]:
    if not ids:
        return {}
    return dict(db.session.execute(select(model.id, model.name).where(model.id.in_(ids))).all())


# --- apply to all -------------------------------------------------------------------------


@dataclass(slots=True)
class Refusal:
    """Why "apply to all" cannot go ahead; ``job``: the job that stops it, if one does."""

    message: str
    job: Job | None = None


def _chosen_jobs(share_ids: list[int]) -> tuple[list[Job], Refusal | None]:
    """The jobs of 2 or 3 open shares of different jobs whose schedules do not overlap."""
    if not 2 <= len(share_ids) <= 3 or len(set(share_ids)) != len(share_ids):
        return [], Refusal("Choose a combination of two or three jobs.")
    shares = load_shares(JobShare.id.in_(share_ids))
    if len(shares) != len(share_ids):
        return [], Refusal("One of these jobs is no longer open: look at your combinations again.")
    if len({s.job_id for s in shares.values()}) != len(shares):
        return [], Refusal("Choose shares of different jobs.")
    for x, y in pairs_of(shares.values(), 2):
        overlap = clashes(x.blocks, y.blocks)
        if overlap:
            return [], Refusal(f"These jobs overlap on {overlap[0]}.")
    order = [shares[i].job_id for i in share_ids]
    jobs = {j.id: j for j in db.session.scalars(select(Job).where(Job.id.in_(order)))}
    return [jobs[i] for i in order], None


def review(share_ids: list[int], seeker: User) -> tuple[list[Job], Refusal | None]:
    """The jobs of a combination, and why "apply to all" cannot apply for every one of
    them not yet applied for (naming the job), or None when it can."""
    jobs, refusal = _chosen_jobs(share_ids)
    if refusal is not None:
        return jobs, refusal
    waiting = [job for job in jobs if applications.application_of(job, seeker) is None]
    if not waiting:
        return jobs, Refusal("You have already applied for every job of this combination.")
    profile = applications.profile_of(seeker.id)
    if profile is None or profile.resume_id is None:
        return jobs, Refusal(
            "Upload your résumé before applying: it is sent with each application."
        )
    for job in waiting:
        if any(q.required for q in applications.questions_of(job)):
            return jobs, Refusal(
                f"“{job.title}” asks screening questions: apply for it on its own form, "
                "then come back for the others.",
                job,
            )
        reason = applications.why_cannot_apply(job, seeker)
        if reason:
            return jobs, Refusal(f"“{job.title}”: {reason}", job)
    return jobs, None


def apply_to_all(share_ids: list[int], seeker: User, cover_note: str) -> list:
    """One application for each job of the combination not yet applied for: all of them
    or none (a PortalError naming the job that stops it)."""
    jobs, refusal = review(share_ids, seeker)
    if refusal is not None:
        raise PortalError(refusal.message)
    return [
        applications.apply(job, seeker, cover_note, {})
        for job in jobs
        if applications.application_of(job, seeker) is None
    ]


@dataclass
class WeekPage:
    """What the full-time week page shows a seeker."""

    wants_full_time: bool
    has_resume: bool
    combinations: list[Combination]


def week_page(user: User) -> WeekPage:
    """Combinations for a seeker whose profile wants full-time hours (none otherwise)."""
    profile = applications.profile_of(user.id)
    wants_full_time = profile is not None and profile.hours_wanted == "full_time"
    found = []
    if wants_full_time:
        facts = profile_facts(profile.id)
        found = combinations(facts) if facts is not None else []
    return WeekPage(
        wants_full_time=wants_full_time,
        has_resume=profile is not None and profile.resume_id is not None,
        combinations=found,
    )
