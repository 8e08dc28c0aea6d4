"""What the score sees of a profile and of one share of a job, loaded in bulk with plain
column queries (no ORM objects) so thousands can be scored quickly."""

import json
from dataclasses import dataclass, field
from datetime import date

from flask import current_app
from sqlalchemy import Text, and_, cast, or_, select
from sqlalchemy.orm import aliased

from portal.extensions import db
from portal.matching.schedule import cells as schedule_cells
from portal.models import (
    Agency,
    Community,
    Credential,
    Job,
    JobCredential,
    JobShare,
    Occupation,
    SeekerCredential,
    SeekerProfile,
    User,
)
from portal.models.seekers import profile_communities, profile_occupations, profile_regions
from portal.seekers import consent
from portal.timeutil import today_pacific


def hourly_cents(cents: int | None, unit: str) -> int | None:
    if cents is None:
        return None
    if unit == "hourly":
        return cents
    return round(cents / (52 * current_app.config["FULL_TIME_HOURS"]))


def noc_group(code: str) -> str:
    """NOC 2021 minor group: the first three digits (42201 and 42202 are related)."""
    return code[:3]


@dataclass(slots=True)
class ProfileFacts:
    profile_id: int
    user_id: int
    visible: bool
    occupations: frozenset[str] = frozenset()  # NOC codes
    regions: frozenset[int] = frozenset()  # chosen regions and the regions of communities
    communities: frozenset[int] = frozenset()
    willing_to_travel: bool = False
    hours_wanted: str = "any"
    pay_cents: int | None = None  # hourly
    availability: frozenset[tuple[int, str]] = frozenset()
    held: frozenset[int] = frozenset()  # credential ids held or recognised in BC
    in_progress: frozenset[int] = frozenset()  # earned abroad, recognition not finished
    earliest_start: date | None = None
    text: str = ""
    terms: frozenset[str] = field(default=frozenset())

    @property
    def groups(self) -> frozenset[str]:
        found = _GROUPS.get(self.occupations)
        if found is None:
            if len(_GROUPS) > 10_000:
                _GROUPS.clear()
            found = _GROUPS[self.occupations] = frozenset(map(noc_group, self.occupations))
        return found


_GROUPS: dict[frozenset, frozenset] = {}  # the NOC groups of each set of occupations


@dataclass(slots=True)
class ShareFacts:
    share_id: int
    job_id: int
    agency_id: int
    title: str
    noc: str
    region_id: int
    community_id: int
    employment_type: str
    hours: float
    pay_min_cents: int  # hourly
    pay_max_cents: int
    blocks: list
    closes_on: date
    pooled: bool
    required: frozenset[int] = frozenset()
    preferred: frozenset[int] = frozenset()
    terms: frozenset[str] = field(default=frozenset())
    cells: frozenset | None = None  # the (weekday, day part) cells of ``blocks``, once
    published: float = 0.0  # when the job was published (a timestamp: newest first)


# --- profiles -----------------------------------------------------------------------------


def _profile_rows(where) -> list:
    return db.session.execute(
        select(
            SeekerProfile.id,
            SeekerProfile.user_id,
            consent.visible_condition(),
            SeekerProfile.willing_to_travel,
            SeekerProfile.hours_wanted,
            SeekerProfile.pay_expectation_cents,
            SeekerProfile.pay_unit,
            cast(SeekerProfile.availability, Text),  # decoded once per distinct grid
            SeekerProfile.earliest_start,
            SeekerProfile.headline,
            SeekerProfile.summary,
        )
        .join(User, User.id == SeekerProfile.user_id)
        .where(User.active.is_(True), User.role == "seeker", where)
    ).all()


def load_profiles(where) -> dict[int, ProfileFacts]:
    """Facts of the active seekers' profiles matching ``where`` (a condition on
    SeekerProfile), by profile id."""
    rows = _profile_rows(where)
    if not rows:
        return {}
    occupations: dict[int, set] = {}
    titles: dict[int, list] = {}
    regions: dict[int, set] = {}
    communities: dict[int, set] = {}
    held: dict[int, set] = {}
    in_progress: dict[int, set] = {}
    all_ids = [row[0] for row in rows]
    for start in range(0, len(all_ids), ID_CHUNK):
        ids = all_ids[start : start + ID_CHUNK]
        _places_and_occupations(ids, occupations, titles, regions, communities)
        _credentials(ids, held, in_progress)
    found = {}
    for row in rows:
        (pid, user_id, visible, travel, hours, pay, unit, avail, start) = row[:9]
        headline, summary = row[9], row[10]
        found[pid] = ProfileFacts(
            profile_id=pid,
            user_id=user_id,
            visible=bool(visible),
            occupations=frozenset(occupations.get(pid, ())),
            regions=frozenset(regions.get(pid, ())),
            communities=frozenset(communities.get(pid, ())),
            willing_to_travel=bool(travel),
            hours_wanted=hours,
            pay_cents=hourly_cents(pay, unit),
            availability=_availability(avail),
            held=frozenset(held.get(pid, ())),
            in_progress=frozenset(in_progress.get(pid, set()) - held.get(pid, set())),
            earliest_start=start,
            text=" ".join([headline or "", summary or "", *titles.get(pid, [])]),
        )
    return found


ID_CHUNK = 5000  # ids per IN list (PostgreSQL takes at most 65,535 parameters)
_AVAILABILITY: dict[str | None, frozenset] = {}  # grids repeat: each decoded once


def _availability(raw: str | None) -> frozenset[tuple[int, str]]:
    found = _AVAILABILITY.get(raw)
    if found is None:
        if len(_AVAILABILITY) > 50_000:
            _AVAILABILITY.clear()
        grid = json.loads(raw) if raw else []
        found = _AVAILABILITY[raw] = frozenset((int(d), p) for d, p in (grid or []))
    return found


def _places_and_occupations(ids, occupations, titles, regions, communities) -> None:
    for pid, code, title in db.session.execute(
        select(profile_occupations.c.profile_id, Occupation.noc_code, Occupation.title)
        .join(Occupation, Occupation.id == profile_occupations.c.occupation_id)
        .where(profile_occupations.c.profile_id.in_(ids))
    ):
        occupations.setdefault(pid, set()).add(code)
        titles.setdefault(pid, []).append(title)
    for pid, region_id in db.session.execute(
        select(profile_regions.c.profile_id, profile_regions.c.region_id).where(
            profile_regions.c.profile_id.in_(ids)
        )
    ):
        regions.setdefault(pid, set()).add(region_id)
    for pid, community_id, region_id in db.session.execute(
        select(profile_communities.c.profile_id, Community.id, Community.region_id)
        .join(Community, Community.id == profile_communities.c.community_id)
        .where(profile_communities.c.profile_id.in_(ids))
    ):
        communities.setdefault(pid, set()).add(community_id)
        regions.setdefault(pid, set()).add(region_id)


def _credentials(ids, held, in_progress) -> None:
    known = None  # credential ids by normalised name and code, loaded when first needed
    for pid, credential_id, name, outside, recognition in db.session.execute(
        select(
            SeekerCredential.profile_id,
            SeekerCredential.credential_id,
            SeekerCredential.name,
            SeekerCredential.outside_canada,
            SeekerCredential.recognition,
        ).where(
            SeekerCredential.profile_id.in_(ids),
            or_(SeekerCredential.credential_id.is_not(None), SeekerCredential.outside_canada),
        )
    ):
        if credential_id is None:  # earned abroad, named freely: the listed one it names
            if known is None:
                known = _credential_ids_by_name()
            credential_id = known.get(_normal(name))
            if credential_id is None:
                continue
        if not outside or recognition == "recognised":
            held.setdefault(pid, set()).add(credential_id)
        else:
            in_progress.setdefault(pid, set()).add(credential_id)


def profile_facts(profile_id: int) -> ProfileFacts | None:
    return load_profiles(SeekerProfile.id == profile_id).get(profile_id)


# --- shares -------------------------------------------------------------------------------


def open_share_condition():
    """Shares that may be matched: accepted, not filled, of a published job that has not
    closed, led by an approved agency, the share's own agency approved too."""
    share_agency = aliased(Agency)
    return and_(
        Job.status == "published",
        Job.closes_on >= today_pacific(),
        JobShare.status == "accepted",
        JobShare.filled_at.is_(None),
        Agency.status == "approved",
        select(share_agency.id)
        .where(share_agency.id == JobShare.agency_id, share_agency.status == "approved")
        .exists(),
    )


def load_shares(where=None, limit: int | None = None) -> dict[int, ShareFacts]:
    """Facts of the open shares matching ``where`` (conditions on Job, JobShare,
    Occupation or the share's Community), by share id."""
    condition = open_share_condition() if where is None else and_(open_share_condition(), where)
    query = (
        select(
            JobShare.id,
            JobShare.job_id,
            JobShare.agency_id,
            Job.title,
            Occupation.noc_code,
            Community.region_id,
            JobShare.community_id,
            Job.employment_type,
            JobShare.hours_per_week,
            JobShare.pay_min_cents,
            JobShare.pay_max_cents,
            JobShare.pay_unit,
            cast(JobShare.schedule_blocks, Text),  # decoded once per distinct schedule
            Job.closes_on,
            Job.pooled,
            Job.published_at,
        )
        .join(Job, Job.id == JobShare.job_id)
        .join(Agency, Agency.id == Job.agency_id)
        .join(Occupation, Occupation.id == Job.occupation_id)
        .join(Community, Community.id == JobShare.community_id)
        .where(condition)
        .order_by(Job.published_at.desc(), JobShare.id)
    )
    if limit:
        query = query.limit(limit)
    rows = db.session.execute(query).all()
    if not rows:
        return {}
    job_ids = sorted({row[1] for row in rows})
    required: dict[int, set] = {}
    preferred: dict[int, set] = {}
    for start in range(0, len(job_ids), ID_CHUNK):
        for job_id, credential_id, is_required in db.session.execute(
            select(JobCredential.job_id, JobCredential.credential_id, JobCredential.required).where(
                JobCredential.job_id.in_(job_ids[start : start + ID_CHUNK])
            )
        ):
            (required if is_required else preferred).setdefault(job_id, set()).add(credential_id)
    found = {}
    for row in rows:
        (sid, job_id, agency_id, title, noc, region_id, community_id, kind, hours) = row[:9]
        pay_min, pay_max, unit, blocks, closes_on, pooled, published_at = row[9:]
        schedule = _schedule(blocks)
        found[sid] = ShareFacts(
            share_id=sid,
            job_id=job_id,
            agency_id=agency_id,
            title=_shared(title),
            noc=_shared(noc),
            region_id=region_id,
            community_id=community_id,
            employment_type=_shared(kind),
            hours=float(hours),
            pay_min_cents=hourly_cents(pay_min, unit),
            pay_max_cents=hourly_cents(pay_max, unit),
            blocks=schedule[0],
            cells=schedule[1],
            closes_on=_shared(closes_on),
            pooled=bool(pooled),
            published=published_at.timestamp() if published_at else 0.0,
            required=_shared(frozenset(required.get(job_id, ()))),
            preferred=_shared(frozenset(preferred.get(job_id, ()))),
        )
    return found


_SHARED: dict = {}  # equal titles, codes, dates and credential sets: one object each


def _shared(value):
    """One object for equal values (100,000 shares repeat a few thousand of each)."""
    found = _SHARED.get(value)
    if found is None:
        if len(_SHARED) > 200_000:
            _SHARED.clear()
        found = _SHARED[value] = value
    return found


_SCHEDULES: dict[str | None, tuple[list, frozenset]] = {}  # schedules repeat


def _schedule(raw: str | None) -> tuple[list, frozenset]:
    """A share's weekly schedule (stored as JSON) and the (weekday, day part) cells it
    covers, worked out once per distinct schedule; the list is shared: never change it."""
    found = _SCHEDULES.get(raw)
    if found is None:
        if len(_SCHEDULES) > 50_000:
            _SCHEDULES.clear()
        blocks = (json.loads(raw) if raw else None) or []
        found = _SCHEDULES[raw] = (blocks, frozenset(schedule_cells(blocks)))
    return found


SHARES_PER_PROFILE = 20000  # the newest open shares a profile is ranked against


def shares_for_profile(
    profile: ProfileFacts, limit: int | None = SHARES_PER_PROFILE
) -> dict[int, ShareFacts]:
    """The open shares a profile could match, read from the database: an occupation in
    one of its NOC groups (any occupation when it gave none) and a place it can reach
    (anywhere when willing to travel or no place given). Ranking reads them from
    ``openshares`` instead, the same shares kept in memory."""
    conditions = []
    if profile.occupations:
        conditions.append(
            or_(*(Occupation.noc_code.startswith(group) for group in sorted(profile.groups)))
        )
    if profile.regions and not profile.willing_to_travel:
        conditions.append(Community.region_id.in_(sorted(profile.regions)))
    return load_shares(and_(*conditions) if conditions else None, limit=limit)


def profiles_for_share(share: ShareFacts, where=None) -> dict[int, ProfileFacts]:
    """Profiles that could match a share: an occupation in its NOC group (or none given),
    and the share's region among their places, or willing to travel, or no place."""
    group = noc_group(share.noc)
    has_occupation = select(profile_occupations.c.profile_id).join(
        Occupation, Occupation.id == profile_occupations.c.occupation_id
    )
    in_group = SeekerProfile.id.in_(has_occupation.where(Occupation.noc_code.startswith(group)))
    no_occupation = SeekerProfile.id.not_in(has_occupation)
    in_region = SeekerProfile.id.in_(
        select(profile_regions.c.profile_id).where(profile_regions.c.region_id == share.region_id)
    )
    in_community_region = SeekerProfile.id.in_(
        select(profile_communities.c.profile_id)
        .join(Community, Community.id == profile_communities.c.community_id)
        .where(Community.region_id == share.region_id)
    )
    no_place = and_(
        SeekerProfile.id.not_in(select(profile_regions.c.profile_id)),
        SeekerProfile.id.not_in(select(profile_communities.c.profile_id)),
    )
    condition = and_(
        or_(in_group, no_occupation),
        or_(SeekerProfile.willing_to_travel.is_(True), in_region, in_community_region, no_place),
    )
    if where is not None:
        condition = and_(condition, where)
    return load_profiles(condition)


def _normal(name: str | None) -> str:
    return " ".join((name or "").lower().split())


def _credential_ids_by_name() -> dict[str, int]:
    """A credential earned abroad is named freely on the profile form: it stands for the
    listed credential whose name (with or without its parenthesised notes, e.g. "Bachelor
    of Social Work") or code (e.g. "bsw") it gives."""
    found: dict[str, int] = {}
    for cid, code, name in db.session.execute(
        select(Credential.id, Credential.code, Credential.name).order_by(Credential.id)
    ):
        short = name.split(" (")[0]
        for key in (name, short, code):
            found.setdefault(_normal(key), cid)
    return found


def credential_names(ids) -> dict[int, str]:
    ids = set(ids)
    if not ids:
        return {}
    return dict(
        db.session.execute(
            select(Credential.id, Credential.name).where(Credential.id.in_(ids))
        ).all()
    )
