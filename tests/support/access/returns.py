"""The access table and the workforce-return routes (``portal/returns``), and the objects
they need in the access test's world. The rows are in ``returns.txt``;
``tests/support/access`` calls ``build`` when it builds its world.

Ids: {period} an open reporting period; {wreturn} the target agency's submitted version 1;
{rdraft} its draft (version 2) and {rline} a line of that draft. Agency routes act for the
user's own agency: "other" gets 404 on the target agency's ids (and 302 when it starts its
own draft). Drafts are the agency's own: the champion sees submitted versions only (404).
Empty POSTs: a line or the periods form fails validation (400), an upload without a file is
refused (400), a send-back without a comment (400); the one-click actions act (302)."""

# ids used by the rows' url templates, for the route-coverage check
DUMMY_IDS: dict = {"period": 1, "wreturn": 1, "rdraft": 2, "rline": 1}

LINE = {
    "occupation": "42201",
    "region": "mainland-southwest",
    "employment_status": "regular_full_time",
    "bargaining_status": "non_union",
    "opening_headcount": 10,
    "closing_headcount": 10,
    "fte": 9.5,
    "hires": 2,
    "separations": 2,
    "sep_voluntary": 2,
    "sep_retirement": 0,
    "sep_involuntary": 0,
    "sep_other": 0,
    "sep_within_90_days": 0,
    "sep_within_1_year": 1,
    "vacancies": 1,
    "vacancies_90_days": 0,
    "pay_p25_cents": None,
    "pay_median_cents": None,
    "pay_p75_cents": None,
}


def build(db, core) -> dict:
    """Create what ROWS need in the world; return their ids by template name."""
    from datetime import date

    from portal.returns import drafts, periods

    agency, owner = core.agency, core.users["owner"]
    period = periods.open_period(2025, date(2026, 6, 30), core.users["champion"])
    submitted = drafts.start_draft(agency, period, owner)
    drafts.add_line(submitted, dict(LINE), owner)
    drafts.submit(submitted, owner, confirmed=True)
    draft = drafts.start_draft(agency, period, owner)
    db.session.commit()
    return {
        "period": period.id,
        "wreturn": submitted.id,
        "rdraft": draft.id,
        "rline": draft.lines[0].id,
    }
