"""Recruitment figures the portal itself knows, by the fiscal year a posting was published
(Pacific time): postings, median applicants per posting, median days to fill (publication
to the first hire, "offer accepted"), offers made, hires and the offer acceptance rate.

An offer is made when an agency's decision on an application reaches ``offer`` (or
``hired`` directly: a hire implies an offer); it is accepted when the decision reaches
``hired``. Postings are public, so their count is always shown; the other measures follow
the confidentiality rule (at least 5 posting agencies, complementary suppression).
"""

from dataclasses import dataclass, field
from statistics import median

from sqlalchemy import distinct, func, select

from portal.extensions import db
from portal.lmi import confidentiality as conf
from portal.lmi.confidentiality import TOTAL, CellStats
from portal.models import Application, ApplicationEvent, Job, Occupation, Region
from portal.timeutil import PACIFIC

DIMENSIONS = {"region": ("Region", "All regions"), "occupation": ("Occupation", "All occupations")}


def fiscal_year(moment) -> int:
    day = moment.astimezone(PACIFIC).date()
    return day.year if day.month >= 4 else day.year - 1


@dataclass
class PortalCell:
    key: object
    label: str
    postings: int = 0
    agencies: set = field(default_factory=set)
    applicants: list = field(default_factory=list)  # per posting
    days_to_fill: list = field(default_factory=list)  # per filled posting
    offers: int = 0
    hires: int = 0
    hidden: bool = False

    @property
    def is_total(self) -> bool:
        return self.key is TOTAL

    @property
    def median_applicants(self) -> float | None:
        return median(self.applicants) if self.applicants else None

    @property
    def median_days_to_fill(self) -> float | None:
        return round(median(self.days_to_fill), 1) if self.days_to_fill else None

    @property
    def filled(self) -> int:
        return len(self.days_to_fill)

    @property
    def acceptance_rate(self) -> float | None:
        return 100 * self.hires / self.offers if self.offers else None


def _jobs() -> list[dict]:
    """Every posting ever published, with its applicants, offers, hires and first hire."""
    applicants = dict(
        db.session.execute(
            select(Application.job_id, func.count()).group_by(Application.job_id)
        ).all()
    )
    offers = dict(
        db.session.execute(
            select(Application.job_id, func.count(distinct(ApplicationEvent.decision_id)))
            .join(ApplicationEvent, ApplicationEvent.application_id == Application.id)
            .where(
                ApplicationEvent.to_status.in_(("offer", "hired")),
                ApplicationEvent.decision_id.is_not(None),
            )
            .group_by(Application.job_id)
        ).all()
    )
    hires = {
        job_id: (n, first)
        for job_id, n, first in db.session.execute(
            select(
                Application.job_id,
                func.count(distinct(ApplicationEvent.decision_id)),
                func.min(ApplicationEvent.created_at),
            )
            .join(ApplicationEvent, ApplicationEvent.application_id == Application.id)
            .where(ApplicationEvent.to_status == "hired", ApplicationEvent.decision_id.is_not(None))
            .group_by(Application.job_id)
        )
    }
    jobs = []
    for job_id, agency_id, published, region_id, occupation_id in db.session.execute(
        select(Job.id, Job.agency_id, Job.published_at, Job.region_id, Job.occupation_id).where(
            Job.published_at.is_not(None)
        )
    ):
        n_hires, first_hire = hires.get(job_id, (0, None))
        days = None
        if first_hire is not None and first_hire >= published:
            days = (first_hire - published).total_seconds() / 86400
        jobs.append(
            {
                "year": fiscal_year(published),
                "agency": agency_id,
                "region": region_id,
                "occupation": occupation_id,
                "applicants": applicants.get(job_id, 0),
                "offers": offers.get(job_id, 0),
                "hires": n_hires,
                "days": days,
            }
        )
    return jobs


def _labels(dim: str) -> dict:
    if dim == "region":
        return dict(db.session.execute(select(Region.id, Region.name).order_by(Region.name)).all())
    return {
        k: f"{code} {title}"
        for k, code, title in db.session.execute(
            select(Occupation.id, Occupation.noc_code, Occupation.title).order_by(
                Occupation.noc_code
            )
        )
    }


def _add(cell: PortalCell, job: dict) -> None:
    cell.postings += 1
    cell.agencies.add(job["agency"])
    cell.applicants.append(job["applicants"])
    if job["days"] is not None:
        cell.days_to_fill.append(job["days"])
    cell.offers += job["offers"]
    cell.hires += job["hires"]


def _suppress(cells: dict) -> None:
    stats = {k: CellStats(len(c.agencies)) for k, c in cells.items()}
    hidden = conf.suppress_one_way(stats)
    for key, cell in cells.items():
        cell.hidden = key in hidden


@dataclass
class PortalFigures:
    years: list[int]
    by_year: dict  # year → PortalCell (the whole portal)
    tables: dict  # dim → year → [PortalCell ...] categories then the total


def portal_figures(dims=("region", "occupation")) -> PortalFigures:
    jobs = _jobs()
    years = sorted({j["year"] for j in jobs})
    by_year = {y: PortalCell(y, f"{y}/{(y + 1) % 100:02d}") for y in years}
    for job in jobs:
        _add(by_year[job["year"]], job)
    for cell in by_year.values():  # the trend: no total across years, primary rule only
        cell.hidden = conf.fails_primary(CellStats(len(cell.agencies)))
    tables: dict = {}
    for dim in dims:
        labels = _labels(dim)
        tables[dim] = {}
        for year in years:
            cells = {TOTAL: PortalCell(TOTAL, DIMENSIONS[dim][1])}
            for job in jobs:
                if job["year"] != year:
                    continue
                key = job[dim]
                if key not in cells:
                    cells[key] = PortalCell(key, labels.get(key, str(key)))
                _add(cells[key], job)
                _add(cells[TOTAL], job)
            _suppress(cells)
            order = [k for k in labels if k in cells] + [TOTAL]
            tables[dim][year] = [cells[k] for k in order]
    return PortalFigures(years, by_year, tables)
