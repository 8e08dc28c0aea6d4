"""The demo's sector (``portal seed-demo``): 300 agencies from 3 to 400 staff, spread over
BC's regions and subsectors as the real sector is, most of them reporting, so that the HR
champion's dashboard shows figures for most regions and subsectors and hides them where
the confidentiality rules say (a small region, a dominant agency); and the printed logins
tell the truth about which agency owner has reported."""

import re
from collections import defaultdict
from statistics import mean, median

import pytest
from sqlalchemy import select

from portal.demo.services import DEMO_PASSWORD
from portal.models import Agency, Region, ReportingPeriod, ReturnLine, WorkforceReturn
from tests.support import text

pytestmark = pytest.mark.usefixtures("demo")

CHAMPION = "champion@demo.sectorjobs.ca"
ROW = re.compile(r'<tr[^>]*>\s*<th scope="row">([^<]*)</th>\s*<td[^>]*>(.*?)</td>', re.S)


def breakdown(page: str, dim: str) -> dict[str, bool]:
    """The rows of the dashboard's table by ``dim``: label → whether its figures are shown
    (its first column, the number of agencies, is not suppressed)."""
    section = page.split(f'<section aria-labelledby="by-{dim}"')[1].split("</section>")[0]
    body = section.split("<tbody>")[1].split("</tbody>")[0]
    return {label: "lmi-x" not in first for label, first in ROW.findall(body)}


def current_lines(db, year: int, *where) -> list[tuple[int, int]]:
    """(agency, opening + closing headcount) of the current returns' lines of ``year``."""
    return db.session.execute(
        select(
            WorkforceReturn.agency_id,
            ReturnLine.opening_headcount + ReturnLine.closing_headcount,
        )
        .join(ReturnLine, ReturnLine.return_id == WorkforceReturn.id)
        .join(ReportingPeriod, ReportingPeriod.id == WorkforceReturn.period_id)
        .where(ReportingPeriod.fiscal_year == year, WorkforceReturn.is_current.is_(True), *where)
    ).all()


def by_agency(lines) -> dict[int, int]:
    totals: dict[int, int] = defaultdict(int)
    for agency, headcount in lines:
        totals[agency] += headcount
    return totals


def test_a_realistic_sector_reports(db):
    agencies = db.session.scalars(select(Agency).where(Agency.status == "approved")).all()
    assert len(agencies) >= 290
    per_region = defaultdict(int)
    for agency in agencies:
        per_region[agency.region.code] += 1
    # most agencies in the south-west, few in the north
    assert per_region["mainland-southwest"] > 3 * per_region["thompson-okanagan"] / 2
    assert per_region["mainland-southwest"] > 10 * per_region["nechako"]

    # staff at the start of the first year: from a handful to about 400, most agencies small
    sizes = by_agency(
        (agency, opening)
        for agency, opening in db.session.execute(
            select(WorkforceReturn.agency_id, ReturnLine.opening_headcount)
            .join(ReturnLine, ReturnLine.return_id == WorkforceReturn.id)
            .join(ReportingPeriod, ReportingPeriod.id == WorkforceReturn.period_id)
            .where(ReportingPeriod.fiscal_year == 2023)
        )
    )
    assert len(sizes) >= 0.75 * len(agencies)
    assert min(sizes.values()) <= 6 and 350 <= max(sizes.values()) <= 420
    assert median(sizes.values()) < mean(sizes.values()) < 100


def region_lines(db, year: int, code: str) -> dict[int, int]:
    """Agency → its opening + closing headcount in the region's lines of ``year``."""
    region_id = db.session.scalar(select(Region.id).where(Region.code == code))
    return by_agency(current_lines(db, year, ReturnLine.region_id == region_id))


def test_the_dashboard_shows_most_regions_and_subsectors(db, client, login):
    login(client, CHAMPION, DEMO_PASSWORD)
    for year in (2023, 2024, 2025):
        page = text(client.get(f"/lmi?period={year}"))
        regions = breakdown(page, "region")
        subsectors = breakdown(page, "subsector")
        assert regions.pop("All regions") and subsectors.pop("All subsectors")
        assert len(regions) == 8 and len(subsectors) == 11
        assert sum(regions.values()) >= 6, (year, regions)
        assert sum(subsectors.values()) >= 9, (year, subsectors)
        # hidden where they should be: too few agencies, one agency too large
        assert not regions["Nechako"] and not regions["Northeast"], year
        assert 0 < len(region_lines(db, year, "nechako")) < 5
        northeast = region_lines(db, year, "northeast")
        assert len(northeast) >= 5
        assert max(northeast.values()) > sum(northeast.values()) / 4


def owner_logins(output: str) -> dict[str, str]:
    """The agency owners ``portal seed-demo`` printed: label → email."""
    found = dict(re.findall(r"^ +(Agency owner .+?) {2,}(\S+@\S+)$", output, re.M))
    assert found, output
    return found


def test_the_printed_owners_have_and_have_not_reported(demo, client, login):
    owners = owner_logins(demo.output)

    login(client, owners["Agency owner (has reported)"], DEMO_PASSWORD)
    page = text(client.get("/agency/benchmark"))
    assert "Report to unlock" not in page
    assert "Your figures and your peers', fiscal year 2025/26" in page
    for measure in ("Turnover rate (%)", "Vacancy rate (%)", "Hourly pay, median ($)"):
        row = page.split(f"{measure}</th>")[1].split("</tr>")[0]
        figures = re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)
        # the agency itself, its region's, its subsector's and all other agencies
        assert len(figures) == 4 and all(re.fullmatch(r"\$?[\d.,]+( %)?", f) for f in figures)

    client.post_form("/logout")
    login(client, owners["Agency owner (has not reported yet)"], DEMO_PASSWORD)
    page = text(client.get("/agency/benchmark"))
    assert "Report to unlock the comparison" in page
