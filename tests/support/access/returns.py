"""Access-table rows for the workforce-return routes (``portal/returns``), and the objects
they need in the access test's world. ``tests/test_access.py`` adds ``ROWS`` to its table
and calls ``build`` when it builds its world.

Ids: {period} an open reporting period; {wreturn} the target agency's submitted version 1;
{rdraft} its draft (version 2) and {rline} a line of that draft. Agency routes act for the
user's own agency: "other" gets 404 on the target agency's ids (and 302 when it starts its
own draft). Drafts are the agency's own: the champion sees submitted versions only (404).
Empty POSTs: a line or the periods form fails validation (400), an upload without a file is
refused (400), a send-back without a comment (400); the one-click actions act (302)."""

MISSING = 999999

# fmt: off
ROWS = [
    # method  url template                               anon   seek owner recr other champ admin
    ("GET",  "/agency/returns",                          "login", 403, 200, 200, 200, 403, 403),
    ("POST", "/agency/returns/periods/{period}/draft",   "login", 403, 302, 302, 302, 403, 403),
    ("POST", f"/agency/returns/periods/{MISSING}/draft", "login", 403, 404, 404, 404, 403, 403),
    ("GET",  "/agency/returns/{wreturn}",                "login", 403, 200, 200, 404, 403, 403),
    ("GET",  "/agency/returns/{rdraft}",                 "login", 403, 200, 200, 404, 403, 403),
    ("GET",  f"/agency/returns/{MISSING}",               "login", 403, 404, 404, 404, 403, 403),
    ("GET",  "/agency/returns/{rdraft}/lines/new",       "login", 403, 200, 200, 404, 403, 403),
    ("POST", "/agency/returns/{rdraft}/lines/new",       "login", 403, 400, 400, 404, 403, 403),
    ("GET",  "/agency/returns/{wreturn}/lines/new",      "login", 403, 302, 302, 404, 403, 403),
    ("GET",  "/agency/returns/{rdraft}/lines/{rline}",   "login", 403, 200, 200, 404, 403, 403),
    ("POST", "/agency/returns/{rdraft}/lines/{rline}",   "login", 403, 400, 400, 404, 403, 403),
    ("GET",  "/agency/returns/{wreturn}/lines/{rline}",  "login", 403, 404, 404, 404, 403, 403),
    ("POST", "/agency/returns/{rdraft}/lines/{rline}/delete", "login", 403, 302, 302, 404, 403,
     403),
    ("POST", "/agency/returns/{rdraft}/upload",          "login", 403, 400, 400, 404, 403, 403),
    ("POST", "/agency/returns/{rdraft}/submit",          "login", 403, 302, 302, 404, 403, 403),
    ("POST", "/agency/returns/{rdraft}/discard",         "login", 403, 302, 302, 404, 403, 403),
    # the CSV template, example and column guide: agency staff, the champion, admins
    ("GET",  "/returns/template.csv",                    "login", 403, 200, 200, 200, 200, 200),
    ("GET",  "/returns/example.csv",                     "login", 403, 200, 200, 200, 200, 200),
    ("GET",  "/returns/columns",                         "login", 403, 200, 200, 200, 200, 200),
    # the champion's (and admins') periods and review
    ("GET",  "/returns/periods",                         "login", 403, 403, 403, 403, 200, 200),
    ("POST", "/returns/periods",                         "login", 403, 403, 403, 403, 400, 400),
    ("POST", "/returns/periods/{period}/due",            "login", 403, 403, 403, 403, 302, 302),
    ("POST", "/returns/periods/{period}/close",          "login", 403, 403, 403, 403, 302, 302),
    ("POST", "/returns/periods/{period}/reopen",         "login", 403, 403, 403, 403, 302, 302),
    ("POST", "/returns/periods/{period}/remind",         "login", 403, 403, 403, 403, 302, 302),
    ("GET",  "/returns/periods/{period}",                "login", 403, 403, 403, 403, 200, 200),
    ("GET",  f"/returns/periods/{MISSING}",              "login", 403, 403, 403, 403, 404, 404),
    ("GET",  "/returns/{wreturn}",                       "login", 403, 403, 403, 403, 200, 200),
    ("GET",  "/returns/{rdraft}",                        "login", 403, 403, 403, 403, 404, 404),
    ("POST", "/returns/{wreturn}/accept",                "login", 403, 403, 403, 403, 302, 302),
    ("POST", "/returns/{wreturn}/send-back",             "login", 403, 403, 403, 403, 400, 400),
]
# fmt: on

# ids used by ROWS' url templates, for the route-coverage check
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


def build(db, users: dict, agency, other_agency) -> dict:
    """Create what ROWS need in the world; return their ids by template name."""
    from datetime import date

    from portal.returns import drafts, periods

    owner = users["owner"]
    period = periods.open_period(2025, date(2026, 6, 30), users["champion"])
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
