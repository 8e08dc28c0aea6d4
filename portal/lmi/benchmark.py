"""An agency's own figures beside its peers': the other agencies of its region, of its
subsector, and of the whole sector — never including itself. A peer group is a cell like
any other: published only with 5+ agencies and no dominant agency, pay only from 10+
employees (``confidentiality``). The agency's own figures are its own to see."""

from dataclasses import dataclass

from sqlalchemy import select

from portal.extensions import db
from portal.lmi import figures
from portal.lmi.figures import Cell
from portal.models import Agency, ReportingPeriod, WorkforceReturn

MEASURE_KEYS = (
    "turnover_rate",
    "voluntary_turnover_rate",
    "retirement_turnover_rate",
    "involuntary_turnover_rate",
    "hire_rate",
    "early_leaver_rate",
    "vacancy_rate",
    "long_term_vacancy_share",
    "pay_p25",
    "pay_median",
    "pay_p75",
)


@dataclass
class Group:
    label: str
    cell: Cell | None  # None: no agency in the group reported

    @property
    def agencies(self) -> int:
        return self.cell.agencies if self.cell else 0

    @property
    def hidden(self) -> bool:
        return self.cell is None or self.cell.hidden

    def value(self, key: str):
        """The measure's value, "x" when suppressed, None when it does not apply."""
        return None if self.cell is None else self.cell.value(key)


def reported_years(agency: Agency) -> list[int]:
    """The fiscal years in which the agency has a current (counted) return, oldest first."""
    return list(
        db.session.scalars(
            select(ReportingPeriod.fiscal_year)
            .join(WorkforceReturn, WorkforceReturn.period_id == ReportingPeriod.id)
            .where(WorkforceReturn.agency_id == agency.id, WorkforceReturn.is_current.is_(True))
            .order_by(ReportingPeriod.fiscal_year)
        )
    )


def compare(agency: Agency, year: int) -> list[Group]:
    """The agency itself, then its region's, its subsector's and the sector's other
    agencies, for ``year``."""
    others = Agency.id != agency.id
    specs = [
        ("Your agency", [Agency.id == agency.id]),
        (f"Other agencies in {agency.region.name}", [others, Agency.region_id == agency.region_id]),
        (
            f"Other {agency.subsector.name.lower()} agencies",
            [others, Agency.subsector_id == agency.subsector_id],
        ),
        ("All other agencies", [others]),
    ]
    groups = []
    for i, (label, where) in enumerate(specs):
        cell = figures.group_totals([year], where).get(year)
        if cell is not None and i == 0:  # its own figures: nothing to hide from itself
            cell.hidden = cell.pay_hidden = False
        groups.append(Group(label, cell))
    return groups
