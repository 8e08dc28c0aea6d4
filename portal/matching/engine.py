"""Ranking with the match score, both ways, and keeping ``match_scores`` up to date.

Precomputed: each profile's best ``MATCH_KEEP`` shares in ``match_scores`` — rewritten when
the profile changes (``recompute_profile``, through ``seekers.signals.profile_changed``) and
for every profile a job could match when the job is published, edited, closed, filled or
expires (``recompute_job``, from the search outbox after the commit and by the worker).
Computed when asked: the comparison charts of the 20 shown, and an agency's suggested
candidates (a job has far fewer candidates than a seeker has jobs).

Text similarity needs each posting's and profile's words; the other criteria are cheap, so
they rank everything first and the words are compared only where they could change the
top of the list (the text criterion adds at most ``WEIGHTS["text"]``).
"""

from collections import OrderedDict

from flask import current_app
from sqlalchemy import delete, func, insert, select, tuple_, update

from portal import search
from portal.extensions import db
from portal.matching import openshares
from portal.matching.facts import (
    SHARES_PER_PROFILE,
    ProfileFacts,
    ShareFacts,
    credential_names,
    load_profiles,
    load_shares,
    noc_group,
    profile_facts,
    profiles_for_share,
)
from portal.matching.score import Match, Names, base_score, explain, finish
from portal.matching.weights import MATCH_KEEP, STAR_STEPS, WEIGHTS
from portal.models import (
    Community,
    Job,
    JobShare,
    MatchScore,
    Occupation,
    Region,
    SeekerProfile,
)
from portal.models.types import utcnow

KEEP_MIN_SCORE = STAR_STEPS[-1][0]  # matches below 2 stars are not stored
_JOB_TERMS: OrderedDict = OrderedDict()  # (job id, version) -> terms; a small LRU
_JOB_TERMS_SIZE = 20_000  # about 30 MB; a profile reaches a few thousand postings


# --- text similarity ----------------------------------------------------------------------


def job_terms(job_ids) -> dict[int, frozenset[str]]:
    """The index terms of each job's title, occupation and description (cached by version)."""
    job_ids = set(job_ids)
    if not job_ids:
        return {}
    rows = db.session.execute(
        select(Job.id, Job.version_id, Job.title, Job.description, Occupation.title)
        .join(Occupation, Occupation.id == Job.occupation_id)
        .where(Job.id.in_(job_ids))
    ).all()
    found = {}
    for job_id, version, title, description, occupation in rows:
        key = (job_id, version)
        terms = _JOB_TERMS.get(key)
        if terms is None:
            terms = search.text_terms(f"{title} {occupation} {search.plain_text(description)}")
            _JOB_TERMS[key] = terms
            if len(_JOB_TERMS) > _JOB_TERMS_SIZE:
                _JOB_TERMS.popitem(last=False)
        found[job_id] = terms
    return found


def similarity(
    profile_terms: frozenset[str], posting_terms: frozenset[str], idf: dict | None = None
) -> float | None:
    """The share of the profile's words (weighted by how telling each is in the index)
    that the posting uses; None when the profile has no words. ``idf``: the
    ``search.term_idf`` of (at least) the profile's terms, when comparing many."""
    if not profile_terms:
        return None
    if idf is None:
        idf = search.term_idf(profile_terms)
    total = sum(idf[t] for t in profile_terms)
    if total <= 0:
        return None
    return sum(idf[t] for t in profile_terms & posting_terms) / total


_PROFILE_TERMS: dict[str, frozenset[str]] = {}  # a profile's text -> its terms
_PROFILE_TERMS_SIZE = 50_000


def profile_terms(profile: ProfileFacts) -> frozenset[str]:
    if not profile.terms and profile.text.strip():
        terms = _PROFILE_TERMS.get(profile.text)
        if terms is None:
            if len(_PROFILE_TERMS) >= _PROFILE_TERMS_SIZE:
                _PROFILE_TERMS.clear()
            terms = _PROFILE_TERMS[profile.text] = search.text_terms(profile.text)
        profile.terms = terms
    return profile.terms


# --- ranking ------------------------------------------------------------------------------


def _top(pairs: list, limit: int, text_of) -> list[tuple[Match, object]]:
    """``pairs`` of (base, cap, share, other) → the best ``limit`` matches after the text
    criterion, computing text only where it can reach the top ``limit``."""
    if not pairs:
        return []
    pairs.sort(key=lambda pair: pair[0], reverse=True)
    floor = pairs[min(limit, len(pairs)) - 1][0]
    reach = [pair for pair in pairs if pair[0] + WEIGHTS["text"] >= floor]
    ranked = []
    for base, cap, share, other in reach:
        ranked.append((finish(share, base, cap, text_of(share, other)), other))
    ranked.sort(key=lambda item: (item[0].score, -item[0].share_id), reverse=True)
    return ranked[:limit]


def rank_shares(profile: ProfileFacts, shares, limit: int) -> list[Match]:
    """The profile's best ``limit`` shares."""
    terms = profile_terms(profile)
    postings = {}
    idf = search.term_idf(terms) if terms else None  # once for every posting

    def text_of(share, _):
        if not terms:
            return None
        if share.job_id not in postings:
            postings.update(job_terms([share.job_id]))
        return similarity(terms, postings.get(share.job_id, frozenset()), idf)

    pairs = [(*base_score(profile, share), share, None) for share in shares]
    # preload the words of every posting within reach in one query
    if terms and pairs:
        pairs.sort(key=lambda pair: pair[0], reverse=True)
        floor = pairs[min(limit, len(pairs)) - 1][0]
        postings.update(job_terms({p[2].job_id for p in pairs if p[0] + WEIGHTS["text"] >= floor}))
    return [match for match, _ in _top(pairs, limit, text_of)]


def rank_profiles(share: ShareFacts, profiles, limit: int) -> list[tuple[Match, ProfileFacts]]:
    """The best ``limit`` profiles for a share."""
    posting = job_terms([share.job_id]).get(share.job_id, frozenset())
    pairs = [(*base_score(profile, share), share, profile) for profile in profiles]
    idf = _idf_within_reach(pairs, limit)

    def text_of(_, profile):
        terms = profile_terms(profile)
        return similarity(terms, posting, idf) if terms else None

    return _top(pairs, limit, text_of)


def _idf_within_reach(pairs: list, limit: int) -> dict:
    """The IDF of every word of the profiles whose text could lift them into the top
    ``limit`` (one look-up in the index instead of one per profile)."""
    if not pairs:
        return {}
    floor = sorted((pair[0] for pair in pairs), reverse=True)[min(limit, len(pairs)) - 1]
    words = set()
    for base, _, _, profile in pairs:
        if base + WEIGHTS["text"] >= floor:
            words |= profile_terms(profile)
    return search.term_idf(words) if words else {}


def names_for(shares, audience: str = "seeker") -> Names:
    """The names a chart's words use, for these shares; ``audience`` "agency" words the
    chart about the candidate instead of to the seeker."""
    credentials = set()
    for share in shares:
        credentials |= share.required | share.preferred
    return Names(
        credentials=credential_names(credentials),
        communities=dict(db.session.execute(select(Community.id, Community.name)).all()),
        regions=dict(db.session.execute(select(Region.id, Region.name)).all()),
        full_time=float(current_app.config["FULL_TIME_HOURS"]),
        audience=audience,
    )


def charts(profile: ProfileFacts, shares: list[ShareFacts]) -> dict[int, Match]:
    """Each share's match with its comparison chart, by share id."""
    names = names_for(shares)
    terms = profile_terms(profile)
    postings = job_terms({s.job_id for s in shares}) if terms else {}
    idf = search.term_idf(terms) if terms else None
    return {
        share.share_id: explain(
            profile,
            share,
            similarity(terms, postings.get(share.job_id, frozenset()), idf) if terms else None,
            names,
        )
        for share in shares
    }


def chart_for(profile_id: int, share_id: int) -> Match | None:
    """One profile's match with one share (None when the share is not open)."""
    profile = profile_facts(profile_id)
    shares = load_shares(ShareFactsFilter.share(share_id))
    if profile is None or share_id not in shares:
        return None
    return charts(profile, [shares[share_id]])[share_id]


class ShareFactsFilter:
    """Conditions for ``load_shares``."""

    @staticmethod
    def share(share_id: int):
        return JobShare.id == share_id

    @staticmethod
    def job(job_id: int):
        return JobShare.job_id == job_id


# --- keeping match_scores up to date -------------------------------------------------------


def _rows(profile_id: int, matches) -> list[dict]:
    now = utcnow()
    return [
        {
            "profile_id": profile_id,
            "share_id": m.share_id,
            "job_id": m.job_id,
            "score": round(m.score, 6),
            "stars": m.stars,
            "computed_at": now,
        }
        for m in matches
        if m.score >= KEEP_MIN_SCORE
    ]


def recompute_profile(profile_id: int) -> int:
    """Rewrite one profile's stored matches; returns how many it has."""
    db.session.flush()
    db.session.execute(delete(MatchScore).where(MatchScore.profile_id == profile_id))
    _stamp(SeekerProfile.id == profile_id)
    profile = profile_facts(profile_id)
    if profile is None:
        return 0
    matches = rank_shares(profile, openshares.shares_for_profile(profile), MATCH_KEEP)
    rows = _rows(profile_id, matches)
    if rows:
        db.session.execute(insert(MatchScore), rows)
    return len(rows)


def _stamp(where) -> None:
    db.session.execute(
        update(SeekerProfile)
        .where(where)
        .values(matched_at=utcnow())
        .execution_options(synchronize_session=False)
    )


def ensure_profile(profile) -> None:
    """Store a profile's matches if they never were (e.g. a profile older than matching,
    before ``flask matching rebuild``); the caller commits."""
    if profile.matched_at is None:
        recompute_profile(profile.id)
        db.session.refresh(profile)


def recompute_job(job_id: int) -> int:
    """Rewrite the stored matches of one job's shares (none unless it is open); returns
    the number of profiles it now matches."""
    db.session.flush()
    db.session.execute(delete(MatchScore).where(MatchScore.job_id == job_id))
    stored = 0
    for share in load_shares(ShareFactsFilter.job(job_id)).values():
        profiles = profiles_for_share(share)
        if not profiles:
            continue
        posting = job_terms([job_id]).get(job_id, frozenset())
        kept = []
        for profile in profiles.values():
            base, cap = base_score(profile, share)
            if base + WEIGHTS["text"] >= KEEP_MIN_SCORE:
                kept.append((base, cap, profile))
        words = set()
        for _, _, profile in kept:
            words |= profile_terms(profile)
        idf = search.term_idf(words) if words else {}  # one look-up for every profile
        floors = _floors([profile.profile_id for _, _, profile in kept])
        rows = []
        for base, cap, profile in kept:
            terms = profile.terms
            match = finish(share, base, cap, similarity(terms, posting, idf) if terms else None)
            if match.score > floors.get(profile.profile_id, 0.0):
                rows.extend(_rows(profile.profile_id, [match]))
        if rows:
            db.session.execute(insert(MatchScore), rows)
            stored += len(rows)
    return stored


def _floors(profile_ids: list[int]) -> dict[int, float]:
    """For profiles that already keep ``MATCH_KEEP`` matches: the lowest kept score (a
    job's match is added only above it, so each profile keeps about its best)."""
    floors = {}
    for start in range(0, len(profile_ids), 5000):
        chunk = profile_ids[start : start + 5000]
        floors.update(
            db.session.execute(
                select(MatchScore.profile_id, func.min(MatchScore.score))
                .where(MatchScore.profile_id.in_(chunk))
                .group_by(MatchScore.profile_id)
                .having(func.count() >= MATCH_KEEP)
            ).all()
        )
    return floors


def trim() -> int:
    """Drop each profile's matches beyond its best ``MATCH_KEEP`` (jobs published since the
    profile was last computed can push older matches out); returns how many."""
    ranked = select(
        MatchScore.profile_id,
        MatchScore.share_id,
        func.row_number()
        .over(
            partition_by=MatchScore.profile_id,
            order_by=(MatchScore.score.desc(), MatchScore.share_id),
        )
        .label("rank"),
    ).subquery()
    doomed = select(ranked.c.profile_id, ranked.c.share_id).where(ranked.c.rank > MATCH_KEEP)
    result = db.session.execute(
        delete(MatchScore)
        .where(tuple_(MatchScore.profile_id, MatchScore.share_id).in_(doomed))
        .execution_options(synchronize_session=False)
    )
    return result.rowcount


def recompute_all(progress=None, batch: int = 500) -> int:
    """Every profile's matches from scratch (``flask matching rebuild``). The open shares
    are loaded once and bucketed by NOC group and region, the profiles ``batch`` at a
    time: the same matches as ``recompute_profile`` for each, without reloading every
    share for every profile."""
    db.session.flush()
    ids = list(db.session.scalars(select(SeekerProfile.id).order_by(SeekerProfile.id)))
    db.session.execute(delete(MatchScore))
    _stamp(SeekerProfile.id.in_(ids))
    shares = openshares.newest_first()  # newest first, as shares_for_profile
    if shares is None:
        shares = list(load_shares().values())
    buckets: dict[tuple[str, int], list[int]] = {}
    for position, share in enumerate(shares):
        buckets.setdefault((noc_group(share.noc), share.region_id), []).append(position)
    groups = sorted({group for group, _ in buckets})
    regions = sorted({region for _, region in buckets})
    total = 0
    pending: list[int] = []

    def run(chunk: list[int]) -> int:
        stored = 0
        for profile in load_profiles(SeekerProfile.id.in_(chunk)).values():
            wanted_groups = profile.groups if profile.occupations else groups
            anywhere = profile.willing_to_travel or not profile.regions
            wanted_regions = regions if anywhere else profile.regions
            positions = sorted(
                position
                for group in wanted_groups
                for region in wanted_regions
                for position in buckets.get((group, region), ())
            )[:SHARES_PER_PROFILE]
            matches = rank_shares(profile, [shares[i] for i in positions], MATCH_KEEP)
            rows = _rows(profile.profile_id, matches)
            if rows:
                db.session.execute(insert(MatchScore), rows)
                stored += len(rows)
        return stored

    for profile_id in progress(ids) if progress else ids:
        pending.append(profile_id)
        if len(pending) >= batch:
            total += run(pending)
            pending = []
    if pending:
        total += run(pending)
    return total
