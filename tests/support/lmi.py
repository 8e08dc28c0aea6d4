"""Workforce returns made directly in the database, for the labour-market figures: a line
from its counts, a sector's reference ids, the hand-computed sector of five agencies."""

from sqlalchemy import select

from portal.models import (
    Community,
    Occupation,
    ReportingPeriod,
    ReturnLine,
    Subsector,
    WorkforceReturn,
)
from portal.models.lmi import COUNT_FIELDS

COUNTS = COUNT_FIELDS  # a line's 12 counts, in the model's (form and CSV) order


def line(counts: tuple, pay: tuple | None = (2500, 2800, 3100), **key) -> dict:
    """A line from its 12 counts in ``COUNTS`` order and (P25, median, P75) cents."""
    values = dict(zip(COUNTS, counts, strict=True))
    values["fte"] = float(values["closing_headcount"])
    if pay is not None:
        values.update(zip(("pay_p25_cents", "pay_median_cents", "pay_p75_cents"), pay, strict=True))
    values.update(key)
    return values


def period(db, year: int) -> ReportingPeriod:
    found = db.session.scalar(select(ReportingPeriod).where(ReportingPeriod.fiscal_year == year))
    if found is None:
        from datetime import date

        found = ReportingPeriod(fiscal_year=year, status="open", due_on=date(year + 1, 6, 30))
        db.session.add(found)
        db.session.flush()
    return found


def add_return(
    db,
    agency,
    year: int,
    lines: list[dict],
    status: str = "accepted",
    current: bool = True,
    version: int = 1,
) -> WorkforceReturn:
    sector = Sector.of(db)
    wreturn = WorkforceReturn(
        agency_id=agency.id,
        period_id=period(db, year).id,
        version=version,
        status=status,
        is_current=current,
    )
    db.session.add(wreturn)
    db.session.flush()
    for values in lines:
        values = {
            "occupation_id": sector.occupation,
            "region_id": agency.region_id,
            "employment_status": "regular_full_time",
            "bargaining_status": "union",
            **values,
        }
        db.session.add(ReturnLine(return_id=wreturn.id, **values))
    db.session.commit()
    return wreturn


class Sector:
    """Reference ids the tests use: two communities in two regions, two subsectors, an
    occupation."""

    def __init__(self, db):
        communities = list(db.session.scalars(select(Community).order_by(Community.id)))
        self.community = communities[0].id
        self.region = communities[0].region_id
        other = next(c for c in communities if c.region_id != self.region)
        self.other_community, self.other_region = other.id, other.region_id
        subsectors = list(db.session.scalars(select(Subsector).order_by(Subsector.id)))
        self.subsector, self.other_subsector = subsectors[0].id, subsectors[1].id
        self.occupation = db.session.scalar(
            select(Occupation.id).where(Occupation.noc_code == "42201")
        )

    @classmethod
    def of(cls, db) -> "Sector":
        return cls(db)


# the hand-computed sector of 2025: five agencies, one line each
# (open, close, hires, sep, vol, ret, invol, other, ≤90 d, ≤1 yr, vac, vac 90+), pay
FIVE = [
    ((10, 12, 6, 4, 2, 1, 1, 0, 1, 2, 3, 1), (2500, 2800, 3100)),
    ((17, 15, 4, 6, 3, 1, 1, 1, 2, 3, 2, 2), (2600, 3000, 3300)),
    ((15, 17, 5, 3, 3, 0, 0, 0, 0, 1, 0, 0), (2400, 2700, 2900)),
    ((12, 14, 5, 3, 1, 1, 1, 0, 1, 1, 4, 1), (2700, 3100, 3500)),
    ((16, 14, 2, 4, 2, 0, 1, 1, 0, 0, 1, 0), (2550, 2900, 3200)),
]


def build_five(db, make_agency) -> list:
    """Five agencies (three in one region, two in another) with accepted current returns
    for 2025, plus returns that must not count: an older version and a draft."""
    sector = Sector.of(db)
    agencies = []
    for i, (counts, pay) in enumerate(FIVE):
        community = sector.community if i < 3 else sector.other_community
        agency = make_agency(
            name=f"Five {i}",
            community_id=community,
            subsector_id=sector.subsector,
            cssea_member=i % 2 == 0,
        )
        add_return(db, agency, 2025, [line(counts, pay)], version=2)
        agencies.append(agency)
    huge = line((1000,) * 4 + (250,) * 4 + (0, 0, 0, 0))
    add_return(db, agencies[0], 2025, [huge], status="submitted", current=False, version=1)
    add_return(db, agencies[1], 2025, [huge], status="draft", current=False, version=3)
    return agencies
