"""Labour-market figures from current returns: each formula against hand-computed values,
ratios of sums (not averages of ratios), weighted pay medians, which returns count, the
suppression of real tables, and the portal's own recruitment figures.
"""

from datetime import UTC, datetime, timedelta

import pytest

from portal.lmi import figures, portal_figures
from portal.lmi.confidentiality import TOTAL
from portal.models import (
    Application,
    ApplicationDecision,
    ApplicationEvent,
    Resume,
)
from tests.support.lmi import FIVE, Sector, add_return, build_five, line


@pytest.fixture
def five(db, make_agency):
    return build_five(db, make_agency)


def test_each_formula_against_hand_computed_values(five):
    """Only the current versions count (not the older version, not the draft)."""
    cell = figures.group_totals([2025])[2025]
    assert not cell.hidden and not cell.pay_hidden
    assert cell.agencies == 5
    assert cell.sums["opening_headcount"] == 70 and cell.sums["closing_headcount"] == 72
    expected = {
        "average_headcount": 71,
        "hires": 22,
        "separations": 20,
        "turnover_rate": 100 * 20 / 71,
        "voluntary_turnover_rate": 100 * 11 / 71,
        "retirement_turnover_rate": 100 * 3 / 71,
        "involuntary_turnover_rate": 100 * 4 / 71,
        "other_turnover_rate": 100 * 2 / 71,
        "hire_rate": 100 * 22 / 71,
        "early_leaver_rate": 100 * 4 / 22,
        "vacancy_rate": 100 * 10 / (72 + 10),
        "long_term_vacancy_share": 100 * 4 / 10,
        # closing-headcount-weighted medians of the lines' values (72 employees: the
        # value at which the running headcount reaches 36)
        "pay_p25": 25.50,  # 2400×17, 2500×12 (29), 2550×14 (43)
        "pay_median": 29.00,  # 2700×17, 2800×12 (29), 2900×14 (43)
        "pay_p75": 32.00,  # 2900×17, 3100×12 (29), 3200×14 (43)
    }
    for key, value in expected.items():
        assert cell.value(key) == pytest.approx(value), key

    # ratios of sums, not averages of the agencies' ratios
    per_agency = [c[3] / ((c[0] + c[1]) / 2) for c, _ in FIVE]
    average_of_ratios = 100 * sum(per_agency) / len(per_agency)
    assert cell.value("turnover_rate") == pytest.approx(100 * 20 / 71)
    assert cell.value("turnover_rate") != pytest.approx(average_of_ratios, abs=0.01)


def test_tables_suppress_small_cells_and_keep_totals(db, five):
    [region] = figures.tables([2025], [("region",)])
    sector = Sector.of(db)
    assert region.cells[(sector.region,)].agencies == 3
    assert region.cells[(sector.region,)].hidden  # 3 agencies
    assert region.cells[(sector.other_region,)].hidden  # 2 agencies
    assert not region.total.hidden
    assert region.total.value("turnover_rate") == pytest.approx(100 * 20 / 71)
    assert region.cells[(sector.region,)].value("turnover_rate") == "x"
    assert region.cells[(sector.region,)].value("pay_median") == "x"
    # every dimension's table has the same total
    for table in figures.tables([2025], [(d,) for d in figures.DIMENSIONS]):
        assert table.total.sums == region.total.sums


def test_dominance_and_small_pay_groups(db, make_agency):
    """Six agencies on regular full-time lines, one of them above 25 % (hidden, with its
    line's next-smallest cell: term, 5 agencies); six casual lines of 1 employee each:
    published, but pay from 6 employees is x. The total (1,612) is not dominated."""
    sector = Sector.of(db)
    for i in range(6):
        agency = make_agency(name=f"Dom {i}", community_id=sector.community)
        big = 200 if i == 0 else 20
        lines = [
            line((big, big, 1, 1, 1, 0, 0, 0, 0, 0, 1, 0)),
            line((1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0), employment_status="casual"),
        ]
        if i > 0:  # not the big agency
            lines.append(line((100, 100, 2, 2, 2, 0, 0, 0, 0, 0, 0, 0), employment_status="term"))
        add_return(db, agency, 2025, lines)
    [table] = figures.tables([2025], [("employment_status",)])
    cells = {k[0]: c for k, c in table.cells.items()}
    assert cells["regular_full_time"].agencies == 6
    assert cells["regular_full_time"].hidden  # one agency: 400 of 600 (> 25 %)
    casual = cells["casual"]
    assert casual.agencies == 6 and casual.pay_employees == 6
    assert casual.pay_hidden and casual.value("pay_median") == "x"
    # complementary: the line had one hidden cell, so the next-smallest (term, 5 agencies)
    assert cells["term"].hidden
    assert not casual.hidden and casual.value("turnover_rate") == 0
    assert not cells[TOTAL].hidden


# --- the portal's own figures ------------------------------------------------------------


def _application(db, job, seeker, statuses: list[tuple[str, datetime]]):
    resume = Resume(
        user_id=seeker.id,
        filename="cv.pdf",
        stored_name=f"r{seeker.id}",
        kind="pdf",
        size=10,
        sha256="0" * 64,
    )
    db.session.add(resume)
    db.session.flush()
    application = Application(job_id=job.id, seeker_id=seeker.id, resume_id=resume.id)
    db.session.add(application)
    db.session.flush()
    share = job.shares[0]
    decision = ApplicationDecision(
        application_id=application.id, share_id=share.id, agency_id=share.agency_id, status="new"
    )
    db.session.add(decision)
    db.session.flush()
    previous = "new"
    for status, when in statuses:
        db.session.add(
            ApplicationEvent(
                application_id=application.id,
                decision_id=decision.id,
                agency_id=share.agency_id,
                from_status=previous,
                to_status=status,
                created_at=when,
            )
        )
        previous = status
    decision.status = previous
    db.session.commit()


def test_portal_figures(db, make_job, make_agency, make_user):
    """Six agencies post in fiscal 2025 (published in May 2025, Pacific); one posting gets
    three applicants: an offer declined, an offer accepted 10 days after publication, a
    direct hire 20 days after; a posting of March 2025 belongs to fiscal 2024."""
    published = datetime(2025, 5, 1, 16, tzinfo=UTC)
    jobs = []
    for i in range(6):
        job = make_job(agency=make_agency(name=f"Poster {i}"))
        job.published_at = published
        jobs.append(job)
    old = make_job(agency=make_agency(name="Poster old"))
    old.published_at = datetime(2025, 4, 1, 5, tzinfo=UTC)  # March 31 in Vancouver
    db.session.commit()
    day = timedelta(days=1)
    _application(
        db,
        jobs[0],
        make_user(),
        [("offer", published + 5 * day), ("declined", published + 6 * day)],
    )
    _application(
        db,
        jobs[0],
        make_user(),
        [
            ("interview", published + 3 * day),
            ("offer", published + 8 * day),
            ("hired", published + 10 * day),
        ],
    )
    _application(db, jobs[0], make_user(), [("hired", published + 20 * day)])

    data = portal_figures.portal_figures()
    assert data.years == [2024, 2025]
    year = data.by_year[2025]
    assert year.postings == 6 and len(year.agencies) == 6 and not year.hidden
    assert year.median_applicants == 0  # 3, 0, 0, 0, 0, 0
    assert year.filled == 1 and year.median_days_to_fill == 10.0  # the first hire
    assert year.offers == 3 and year.hires == 2
    assert year.acceptance_rate == pytest.approx(100 * 2 / 3)
    assert data.by_year[2024].postings == 1 and data.by_year[2024].hidden
    by_region = data.tables["region"][2025]
    assert by_region[-1].key is TOTAL and by_region[-1].postings == 6


def test_cross_table_and_one_way_tables_hide_the_same_margins(db, make_agency):
    """A region × employment-status table where a 3-agency cell (r0, full-time) could be
    worked out as r0's total − casual's total if the one-way tables published those margins
    while the cross-table hid them (r1 has no casual line, so casual's total = (r0, casual)).
    Every margin the cross-table hides is hidden in the one-way tables of the same extract,
    and the small cell cannot be derived from what is published."""
    sector = Sector.of(db)
    shape = [
        (sector.region, "regular_full_time", 3),
        (sector.other_region, "regular_full_time", 5),
        (sector.region, "casual", 10),
    ]
    counts = (10, 10, 2, 2, 2, 0, 0, 0, 0, 1, 1, 0)
    n = 0
    for region, status, agencies in shape:
        for _ in range(agencies):
            n += 1
            agency = make_agency(name=f"Shape {n}")
            add_return(db, agency, 2025, [line(counts, region_id=region, employment_status=status)])
    breakdowns = [("region",), ("employment_status",), ("region", "employment_status")]
    by_region, by_status, cross = figures.tables([2025], breakdowns)
    assert cross.cells[(sector.region, "regular_full_time")].hidden
    for (r, c), cell in cross.cells.items():
        if c is TOTAL and r is not TOTAL:
            assert cell.hidden == by_region.cells[(r,)].hidden, r
        if r is TOTAL and c is not TOTAL:
            assert cell.hidden == by_status.cells[(c,)].hidden, c
    r0_total = by_region.cells[(sector.region,)]
    casual_total = by_status.cells[("casual",)]
    casual_r0 = cross.cells[(sector.region, "casual")]
    # the attack: r0's total − the casual total (= (r0, casual)) gives the small cell
    assert r0_total.hidden or (casual_total.hidden and casual_r0.hidden)
