"""Workforce returns through HTTP: an agency's draft (lines added, edited and deleted through
the form, saved at once, errors and warnings on the page), CSV upload (good files, Excel's
byte-order mark, and every malformed file leaving the draft unchanged), submission with
confirmed warnings, versions ("Change this return"), held returns, the champion's periods
and review (accept, return with an emailed comment), ``is_current``, reminders (worker task
under freezegun and the "Send reminders now" button), pending agencies, and
``flask lmi import``. Checked in the database and on the page."""

import re
from datetime import date

import pytest
from freezegun import freeze_time
from sqlalchemy import func, select

from portal.models import Membership, OutboxMessage
from portal.models.lmi import ReportingPeriod, ReturnLine, WorkforceReturn
from portal.returns import drafts, periods, validation
from portal.returns.columns import COLUMN_NAMES, IMPORT_COLUMNS
from tests.support import field_error, fresh, text
from tests.support.returns import LINE, csv_file, upload

CASUAL = {**LINE, "employment_status": "casual"}
# turnover 8 ÷ 4 = 200 %: held for review
HIGH_TURNOVER = {
    **LINE,
    "employment_status": "term",
    "opening_headcount": "4",
    "closing_headcount": "4",
    "fte": "4",
    "hires": "8",
    "separations": "8",
    "sep_voluntary": "8",
    "sep_retirement": "0",
    "sep_involuntary": "0",
}


FIRST = "Row 2 (the first line of data)"
TERM = {**LINE, "employment_status": "term"}
PART_TIME = {**LINE, "employment_status": "regular_part_time"}


def row_cells(page: str) -> list[tuple[str, bool]]:
    """The lines table's row numbers, each with whether the row is marked as having errors."""
    return [
        (number, "table-danger" in attrs)
        for attrs, number in re.findall(
            r'<tr id="line-\d+"([^>]*)>\s*<th scope="row" class="text-nowrap">(\d+)', page
        )
    ]


def values(line: dict) -> dict:
    parsed, errors = validation.parse_line(line, drafts.codes())
    assert errors == {}
    return parsed


def lines_of(db, return_id: int) -> list[tuple]:
    db.session.expire_all()
    return [
        (line.employment_status, line.hires)
        for line in db.session.scalars(
            select(ReturnLine).where(ReturnLine.return_id == return_id).order_by(ReturnLine.id)
        )
    ]


def outbox(db, recipient: str) -> list[OutboxMessage]:
    return list(
        db.session.scalars(
            select(OutboxMessage)
            .where(OutboxMessage.recipient == recipient)
            .order_by(OutboxMessage.id)
        )
    )


@pytest.fixture
def champion(make_user):
    return make_user(role="champion", name="Harper Champion")


@pytest.fixture
def period(db, champion):
    period = periods.open_period(2025, date(2026, 6, 30), champion)
    db.session.commit()
    return period


@pytest.fixture
def agency(make_agency):
    return make_agency(name="Harbour Community Services")


def start(client, period) -> int:
    response = client.post_form(f"/agency/returns/periods/{period.id}/draft")
    assert response.status_code == 302, text(response)[:1000]
    return int(re.search(r"/agency/returns/(\d+)$", response.location).group(1))


def add(client, return_id: int, line: dict):
    response = client.post_form(f"/agency/returns/{return_id}/lines/new", line)
    assert response.status_code == 302, text(response)[:3000]
    return response


def submit(client, return_id: int, confirm: bool = False):
    """Submit as the page does: with the fingerprint of the warnings it shows."""
    page = client.get(f"/agency/returns/{return_id}").get_data(as_text=True)
    seen = re.search(r'name="warnings_seen" type="hidden" value="([^"]*)"', page)
    data = {"warnings_seen": seen.group(1) if seen else ""}
    if confirm:
        data["confirm_warnings"] = "y"
    return client.post_form(f"/agency/returns/{return_id}/submit", data)


# --- the draft: lines through the form ---------------------------------------------------


def test_draft_lines_are_saved_as_they_go(db, client, login, agency, period, make_recruiter):
    recruiter = make_recruiter(agency)
    login(client, recruiter)  # any staff member may prepare the return
    page = text(client.get("/agency/returns"))
    assert "Fiscal year 2025/26" in page and "Not started." in page
    draft_id = start(client, period)
    draft = fresh(db, WorkforceReturn, draft_id)
    assert (draft.agency_id, draft.version, draft.status) == (agency.id, 1, "draft")
    assert "The return has no lines" in text(client.get(f"/agency/returns/{draft_id}"))

    # bad input: shown back as typed with a plain message; nothing saved
    bad = {**LINE, "hires": "abc", "separations": "-2", "occupation": ""}
    response = client.post_form(f"/agency/returns/{draft_id}/lines/new", bad)
    page = text(response)
    assert response.status_code == 400
    assert field_error(page, "hires") == "“abc” is not a number."
    assert field_error(page, "separations") == "-2 is negative — counts are 0 or more."
    assert field_error(page, "occupation").startswith("missing")
    assert 'value="abc"' in page and 'value="18.5"' in page
    assert lines_of(db, draft_id) == []

    # a line with a rule error is saved, and the draft shows the error in plain words
    add(client, draft_id, {**LINE, "sep_voluntary": "3", "hires": ""})
    assert lines_of(db, draft_id) == [("regular_full_time", None)]
    page = text(client.get(f"/agency/returns/{draft_id}"))
    assert (
        f"{FIRST}, Separations — total: voluntary + retirement + involuntary + other = 5, "
        "but the total is 4." in page
    )
    assert "Row 2 (the first line of data), Hires: blank — enter 0 if there were none." in page
    assert "Fix the 2 errors listed above to submit." in page

    # the same four keys twice: refused, the form keeps what was typed
    response = client.post_form(f"/agency/returns/{draft_id}/lines/new", {**LINE, "hires": "9"})
    assert response.status_code == 400
    assert "Row 2 (the first line of data) already has this occupation, region" in text(response)
    assert 'value="9"' in text(response)

    line_id = fresh(db, WorkforceReturn, draft_id).lines[0].id
    edit = client.get(f"/agency/returns/{draft_id}/lines/{line_id}")
    assert 'value="26.00"' in text(edit) and "Edit row 2 (the first line of data)" in text(edit)
    client.post_form(f"/agency/returns/{draft_id}/lines/{line_id}", LINE)
    add(client, draft_id, CASUAL)
    assert lines_of(db, draft_id) == [("regular_full_time", 4), ("casual", 4)]
    page = text(client.get(f"/agency/returns/{draft_id}"))
    assert "No errors or warnings: the return is ready to submit." in page
    line = fresh(db, ReturnLine, line_id)
    assert (line.pay_median_cents, line.fte, line.occupation.noc_code) == (2800, 18.5, "42201")

    client.post_form(f"/agency/returns/{draft_id}/lines/{line_id}/delete")
    assert lines_of(db, draft_id) == [("casual", 4)]


def test_union_lines_only_from_unionized_agencies(db, client, login, make_agency, period):
    non_union = make_agency(name="Small Non-Union Society")
    login(client, non_union.owner)
    draft_id = start(client, period)
    add(client, draft_id, {**LINE, "bargaining_status": "union"})
    assert f"{FIRST}, Bargaining status: a union line, but your agency is not unionized" in text(
        client.get(f"/agency/returns/{draft_id}")
    )
    assert submit(client, draft_id).status_code == 302
    assert fresh(db, WorkforceReturn, draft_id).status == "draft"


# --- submission, versions, review ---------------------------------------------------------


def test_submit_versions_and_current(db, client, login, agency, period):
    login(client, agency.owner)
    draft_id = start(client, period)
    add(client, draft_id, {**LINE, "closing_headcount": "23", "fte": "20"})  # flow warning
    page = text(client.get(f"/agency/returns/{draft_id}"))
    assert "opening 20 + hires 4 − separations 4 = 20, but the closing headcount is 23" in page
    assert "I checked the warnings above" in page

    response = submit(client, draft_id)  # warnings not confirmed: refused
    assert "tick the box to confirm" in text(client.get(response.location))
    assert fresh(db, WorkforceReturn, draft_id).status == "draft"

    # a confirmation covers only the warnings the page showed: a colleague's edit that
    # adds one (a second line with its own flow warning) makes it stale
    page = client.get(f"/agency/returns/{draft_id}").get_data(as_text=True)
    seen = re.search(r'name="warnings_seen" type="hidden" value="([^"]*)"', page).group(1)
    add(
        client,
        draft_id,
        {**LINE, "closing_headcount": "25", "fte": "20", "employment_status": "casual"},
    )
    response = client.post_form(
        f"/agency/returns/{draft_id}/submit", {"confirm_warnings": "y", "warnings_seen": seen}
    )
    assert "The warnings changed since this page was opened" in text(client.get(response.location))
    assert fresh(db, WorkforceReturn, draft_id).status == "draft"
    casual = next(
        ln for ln in fresh(db, WorkforceReturn, draft_id).lines if ln.employment_status == "casual"
    )
    client.post_form(f"/agency/returns/{draft_id}/lines/{casual.id}/delete")

    submit(client, draft_id, confirm=True)
    v1 = fresh(db, WorkforceReturn, draft_id)
    assert (v1.status, v1.is_current, v1.submitted_by_id) == ("submitted", True, agency.owner.id)
    assert "closing headcount is 23" in v1.warnings[0]["text"]
    page = text(client.get(f"/agency/returns/{draft_id}"))
    assert "Warnings confirmed when submitted" in page and "Add a line" not in page
    # a submitted version is read-only
    assert client.post_form(f"/agency/returns/{draft_id}/lines/new", LINE).status_code == 302
    assert len(lines_of(db, draft_id)) == 1

    # "Change this return": a new draft copied from version 1, which stays
    v2_id = start(client, period)
    assert v2_id != draft_id and start(client, period) == v2_id  # one draft at a time
    assert lines_of(db, v2_id) == lines_of(db, draft_id)
    line_id = fresh(db, WorkforceReturn, v2_id).lines[0].id
    client.post_form(f"/agency/returns/{v2_id}/lines/{line_id}", LINE)
    assert submit(client, v2_id).status_code == 302
    v1, v2 = fresh(db, WorkforceReturn, draft_id), fresh(db, WorkforceReturn, v2_id)
    assert (v1.status, v1.is_current, v2.version, v2.status, v2.is_current, v2.warnings) == (
        "submitted",
        False,
        2,
        "submitted",
        True,
        [],
    )
    page = text(client.get("/agency/returns"))
    assert "Version 2" in page and "Version 1" in page and "counted in the figures" in page
    # version 1 stays viewable, read-only, with its warnings
    assert "A newer version replaces it." in text(client.get(f"/agency/returns/{draft_id}"))


def test_held_accepted_and_returned(
    db, signed_in, agency, make_agency, make_user, period, champion
):
    client = signed_in(agency.owner)
    draft_id = start(client, period)
    add(client, draft_id, HIGH_TURNOVER)
    assert "turnover of 200%" in text(client.get(f"/agency/returns/{draft_id}"))
    response = submit(client, draft_id, confirm=True)
    assert "held for review" in text(client.get(response.location))
    held = fresh(db, WorkforceReturn, draft_id)
    assert (held.status, held.is_current) == ("held", False)

    other = make_agency(name="Alder Family Services")
    co_owner = make_user(role="agency")
    db.session.add(Membership(user=co_owner, agency=other, role="owner"))
    db.session.commit()
    client = signed_in(other.owner)
    other_id = start(client, period)
    add(client, other_id, LINE)
    submit(client, other_id)

    client = signed_in(champion)
    page = text(client.get(f"/returns/periods/{period.id}"))
    assert page.index("Harbour Community Services") < page.index("Alder Family Services")
    assert "Held for review (1)" in page and "Submitted (1)" in page
    assert "Alder" not in text(client.get(f"/returns/periods/{period.id}?status=held"))
    review = text(client.get(f"/returns/{draft_id}"))
    assert "Warnings the agency confirmed (1)" in review and "turnover of 200%" in review
    # the confirmed warning and the champion's lines table number the line as a spreadsheet
    assert "Row 2 (the first line of data), Separations — total: turnover of 200%" in review
    assert '<th scope="col">Row</th>' in review and row_cells(review) == [("2", False)]

    client.post_form(f"/returns/{draft_id}/accept")
    held = fresh(db, WorkforceReturn, draft_id)
    assert (held.status, held.is_current, held.reviewed_by_id) == ("accepted", True, champion.id)
    assert "is already" not in text(client.get(f"/returns/{draft_id}"))

    # returning needs a comment, kept when missing; the owners get it by email
    response = client.post_form(f"/returns/{other_id}/send-back", {"comment": " "})
    assert response.status_code == 400
    assert fresh(db, WorkforceReturn, other_id).status == "submitted"
    client.post_form(
        f"/returns/{other_id}/send-back", {"comment": "Casual staff are missing from your return."}
    )
    returned = fresh(db, WorkforceReturn, other_id)
    assert (returned.status, returned.is_current) == ("returned", False)
    for owner in (other.owner, co_owner):
        [message] = outbox(db, owner.email)
        assert "Casual staff are missing from your return." in message.body_text
        assert f"/agency/returns/{other_id}" in message.body_text
    # a return already reviewed cannot be reviewed again
    client.post_form(f"/returns/{other_id}/accept")
    assert fresh(db, WorkforceReturn, other_id).status == "returned"

    client = signed_in(other.owner)
    assert "Casual staff are missing" in text(client.get(f"/agency/returns/{other_id}"))
    v2_id = start(client, period)
    assert "The HR champion returned version 1 for changes" in text(
        client.get(f"/agency/returns/{v2_id}")
    )


def test_refresh_current(db, agency, period):
    """The newest submitted or accepted version is current; held, returned never are."""
    versions = []
    for status in ("submitted", "accepted", "held", "returned"):
        wreturn = WorkforceReturn(
            agency=agency, period=period, version=len(versions) + 1, status=status, is_current=True
        )
        db.session.add(wreturn)
        versions.append(wreturn)
    db.session.flush()
    drafts.refresh_current(agency.id, period.id)
    assert [v.is_current for v in versions] == [False, True, False, False]
    versions[1].status = "returned"
    drafts.refresh_current(agency.id, period.id)
    assert [v.is_current for v in versions] == [True, False, False, False]


def test_previous_year_closing_warning(db, client, login, agency, period, champion):
    last_year = periods.open_period(2024, date(2025, 6, 30), champion)
    old = drafts.start_draft(agency, last_year, agency.owner)
    drafts.add_line(
        old,
        {**values(LINE), "closing_headcount": 18, "opening_headcount": 18, "fte": 17.0},
        agency.owner,
    )
    drafts.submit(old, agency.owner, confirmed=True)
    db.session.commit()
    login(client, agency.owner)
    draft_id = start(client, period)
    add(client, draft_id, LINE)
    assert (
        f"{FIRST}, Opening headcount: 20, but last year's return gave a closing headcount "
        "of 18 for this line." in text(client.get(f"/agency/returns/{draft_id}"))
    )


# --- CSV upload ---------------------------------------------------------------------------


def test_csv_upload(db, client, login, agency, period):
    login(client, agency.owner)
    draft_id = start(client, period)
    add(client, draft_id, LINE)
    before = lines_of(db, draft_id)

    malformed = {
        "empty": (b"", "The file is empty."),
        "header only": (csv_file([]), "The file has a header row but no lines."),
        "xlsx": (b"PK\x03\x04\x14\x00\x06\x00rest", "This is an Excel workbook (.xlsx)"),
        "xls": (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1rest", "This is an Excel workbook in the old"),
        "cp1252": (
            csv_file([{**LINE, "region": "Région"}]).decode().encode("cp1252"),
            "The file is not in UTF-8",
        ),
        "semicolons": (csv_file([LINE]).replace(b",", b";"), "separated by semicolons"),
        "columns": (csv_file([LINE], header=COLUMN_NAMES[1:]), "Missing column: occupation."),
        "50,000 rows": (csv_file([LINE] * 50_000), "The file has more than 5,000 lines"),
        "bad cells": (
            csv_file([LINE, {**CASUAL, "hires": "2.5", "region": "mars"}]),
            "Row 3, Hires: 2.5 is not a whole number.",
        ),
        "duplicates": (
            csv_file([LINE, LINE]),
            "Row 2 (the first line of data) and row 3 of the file have the same",
        ),
    }
    for name, (data, message) in malformed.items():
        response = upload(client, draft_id, data)
        page = text(response)
        assert response.status_code == 400, name
        assert "The file was not loaded — nothing was changed" in page, name
        assert message in page, (name, page[:3000])
        assert lines_of(db, draft_id) == before, name
    assert "Row 3, Region: unknown code “mars”" in text(
        upload(client, draft_id, malformed["bad cells"][0])
    )

    # Excel's "CSV UTF-8" starts with a byte-order mark: read transparently; rule errors
    # (a sum that does not add up) are loaded and shown like the form's
    response = upload(
        client, draft_id, csv_file([CASUAL, {**HIGH_TURNOVER, "sep_other": "1"}], prefix="\ufeff")
    )
    assert response.status_code == 302
    assert lines_of(db, draft_id) == [("casual", 4), ("term", 8)]
    assert fresh(db, WorkforceReturn, draft_id).source == "csv"
    page = text(client.get(response.location))
    assert (
        "Row 3, Separations — total: voluntary + retirement + involuntary + other = 9, "
        "but the total is 8." in page
    )


def test_upload_messages_name_the_rows_a_spreadsheet_shows(db, client, login, agency, period):
    """One numbering everywhere: the header is row 1, the first line of data row 2; blank
    rows count (a spreadsheet shows them), a quoted cell with a line break does not add a row;
    the upload's messages, the draft's errors, its lines table and its forms all agree."""
    login(client, agency.owner)
    draft_id = start(client, period)

    def refused(data: bytes) -> str:
        response = upload(client, draft_id, data)
        assert response.status_code == 400
        assert lines_of(db, draft_id) == []
        return text(response)

    # an error in the first line of data
    page = refused(csv_file([{**LINE, "hires": "x"}, CASUAL]))
    assert f"{FIRST}, Hires: “x” is not a number." in page
    assert "Row 3" not in page
    # a later row: blank rows (of commas, or empty lines) are counted as Excel shows them
    page = refused(csv_file([LINE, {}, None, {**CASUAL, "fte": "lots"}], prefix="\ufeff"))
    assert "Row 5, FTE: “lots” is not a number." in page
    assert FIRST not in page
    # a cell with a line break stays in its row: the next line is row 3, not 4
    page = refused(csv_file([{**LINE, "region": "mainland\nsouthwest"}, {**CASUAL, "hires": "x"}]))
    assert f"{FIRST}, Region: unknown code “mainland\nsouthwest”" in page
    assert "Row 3, Hires: “x” is not a number." in page
    # a row with too few values
    page = refused(csv_file([LINE]) + b"\r\n42201,kootenay,casual\r\n")
    assert "Row 4 has 3 values but the header has 20 columns." in page
    # duplicates name both rows of the file, blank rows counted
    page = refused(csv_file([CASUAL, LINE, {}, LINE]))
    assert "Rows 3 and 5 of the file have the same occupation, region, employment status" in page
    page = refused(csv_file([LINE, CASUAL, LINE]))
    assert f"{FIRST} and row 4 of the file have the same occupation" in page

    # loaded: the draft's errors use the file's rows, and so does its lines table
    bad_sum = {**PART_TIME, "sep_voluntary": "3"}
    response = upload(client, draft_id, csv_file([LINE, CASUAL, TERM, bad_sum]))
    assert response.status_code == 302
    page = text(client.get(response.location))
    assert "blank rows" not in page
    assert "Row 5, Separations — total: voluntary + retirement + involuntary + other = 5" in page
    assert '<th scope="col">Row</th>' in page
    assert row_cells(page) == [("2", False), ("3", False), ("4", False), ("5", True)]
    assert 'Edit<span class="visually-hidden"> row 5</span>' in page

    # blank rows between the lines are left out of the draft: the page says how it numbers
    response = upload(client, draft_id, csv_file([{**LINE, "hires": ""}, {}, {}, CASUAL]))
    assert response.status_code == 302
    assert lines_of(db, draft_id) == [("regular_full_time", None), ("casual", 4)]
    page = text(client.get(response.location))
    assert "The file's blank rows were left out: here the lines are rows 2 to 3." in page
    assert f"{FIRST}, Hires: blank — enter 0 if there were none." in page
    assert row_cells(page) == [("2", True), ("3", False)]

    # lines typed in the form are numbered the same way
    add(client, draft_id, TERM)
    response = client.post_form(f"/agency/returns/{draft_id}/lines/new", CASUAL)
    assert response.status_code == 400
    assert "Row 3 already has this occupation, region, employment status" in text(response)
    response = client.post_form(f"/agency/returns/{draft_id}/lines/new", LINE)
    assert f"{FIRST} already has this occupation, region" in text(response)
    lines = fresh(db, WorkforceReturn, draft_id).lines
    page = text(client.get(f"/agency/returns/{draft_id}/lines/{lines[2].id}"))
    assert "Edit row 4" in page and "<title>Row 4 ·" in page
    page = text(client.get(f"/agency/returns/{draft_id}/lines/{lines[0].id}"))
    assert "Edit row 2 (the first line of data)" in page
    page = text(client.get(f"/agency/returns/{draft_id}"))
    assert row_cells(page) == [("2", True), ("3", False), ("4", False)]


def test_example_file_round_trip_and_column_guide(db, client, login, agency, period):
    login(client, agency.owner)
    example = client.get("/returns/example.csv")
    assert example.mimetype == "text/csv"
    assert client.get("/returns/template.csv").get_data(as_text=True).strip() == ",".join(
        COLUMN_NAMES
    )
    guide = text(client.get("/returns/columns"))
    for code in (
        "00013",
        "42201",
        "73201",
        "northeast",
        "vancouver-island-coast",
        "regular_part_time",
        "excluded",
        "sep_within_90_days",
    ):
        assert code in guide
    draft_id = start(client, period)
    assert upload(client, draft_id, example.get_data()).status_code == 302
    page = text(client.get(f"/agency/returns/{draft_id}"))
    assert "No errors or warnings: the return is ready to submit." in page
    assert len(lines_of(db, draft_id)) == 5


# --- periods, closed periods, pending agencies ---------------------------------------------


def test_champion_runs_periods(db, signed_in, champion, agency):
    client = signed_in(champion)
    page = text(client.get("/returns/periods"))
    assert "No reporting period yet." in page
    response = client.post_form("/returns/periods", {"fiscal_year": "2025", "due_on": "2025-03-01"})
    assert response.status_code == 400
    assert "The due date must be after the fiscal year starts" in text(response)
    client.post_form("/returns/periods", {"fiscal_year": "2025", "due_on": "2026-06-30"})
    period = db.session.scalar(select(ReportingPeriod))
    assert (period.label, period.status, period.due_on) == ("2025/26", "open", date(2026, 6, 30))
    assert "already has a reporting period" in text(
        client.post_form("/returns/periods", {"fiscal_year": "2025", "due_on": "2026-06-30"})
    )

    client.post_form(f"/returns/periods/{period.id}/due", {"due_on": "2026-07-15"})
    client.post_form(f"/returns/periods/{period.id}/close")
    period = fresh(db, ReportingPeriod, period.id)
    assert (period.due_on, period.status) == (date(2026, 7, 15), "closed")

    # a closed period is read-only for the agency
    client = signed_in(agency.owner)
    page = text(client.get("/agency/returns"))
    assert "Start the return" not in page
    response = client.post_form(f"/agency/returns/periods/{period.id}/draft")
    assert "is closed: its returns are read-only" in text(client.get(response.location))
    assert db.session.scalar(select(func.count(WorkforceReturn.id))) == 0

    client = signed_in(champion)
    client.post_form(f"/returns/periods/{period.id}/reopen")
    assert fresh(db, ReportingPeriod, period.id).status == "open"


def test_closed_period_drafts_are_read_only(db, client, login, agency, period, champion):
    login(client, agency.owner)
    draft_id = start(client, period)
    add(client, draft_id, LINE)
    periods.close_period(fresh(db, ReportingPeriod, period.id), champion)
    db.session.commit()
    page = text(client.get(f"/agency/returns/{draft_id}"))
    assert "is closed: its returns are read-only" in page and "Add a line" not in page
    client.post_form(f"/agency/returns/{draft_id}/lines/new", CASUAL)
    assert upload(client, draft_id, csv_file([CASUAL])).status_code == 400
    submit(client, draft_id)
    assert lines_of(db, draft_id) == [("regular_full_time", 4)]
    assert fresh(db, WorkforceReturn, draft_id).status == "draft"


def test_pending_agency_prepares_but_cannot_submit(db, client, login, make_agency, period):
    pending = make_agency(status="pending", name="New Horizons Society")
    login(client, pending.owner)
    assert "only approved agencies can submit" in text(client.get("/agency/returns"))
    draft_id = start(client, period)
    add(client, draft_id, LINE)
    response = submit(client, draft_id)
    assert "once an administrator approves" in text(client.get(response.location))
    assert fresh(db, WorkforceReturn, draft_id).status == "draft"


# --- reminders ----------------------------------------------------------------------------


def test_reminders(db, client, login, make_agency, make_recruiter, period, champion):
    from portal.worker import TASKS

    task = dict(TASKS)["return-reminders"]
    late = make_agency(name="Late Agency")
    recruiter = make_recruiter(late)
    pending = make_agency(status="pending", name="Pending Agency")
    done = make_agency(name="Done Agency")
    wreturn = drafts.start_draft(done, period, done.owner)
    drafts.add_line(wreturn, values(LINE), done.owner)
    drafts.submit(wreturn, done.owner, confirmed=True)
    db.session.commit()

    def sent(user) -> int:
        return len(outbox(db, user.email))

    with freeze_time("2026-05-30 19:00:00"):  # 31 days before June 30 (Pacific)
        assert task() == "reminder rounds: 0, emails: 0"
    with freeze_time("2026-06-01 19:00:00"):
        assert task() == "reminder rounds: 1, emails: 1"
        assert task().startswith("reminder rounds: 0")  # at most one round per 7 days
    assert (sent(late.owner), sent(recruiter), sent(pending.owner), sent(done.owner)) == (
        1,
        0,
        0,
        0,
    )
    assert "due on June 30, 2026" in outbox(db, late.owner.email)[0].body_text
    assert fresh(db, ReportingPeriod, period.id).reminded_on == date(2026, 6, 1)
    with freeze_time("2026-06-07 19:00:00"):
        assert task().startswith("reminder rounds: 0")
    with freeze_time("2026-07-20 19:00:00"):  # overdue: still reminded
        assert task().startswith("reminder rounds: 1")
    assert "was due on June 30, 2026" in outbox(db, late.owner.email)[-1].body_text

    login(client, champion)
    response = client.post_form(f"/returns/periods/{period.id}/remind")
    assert "Reminders sent: 1 email" in text(client.get(response.location))
    assert sent(late.owner) == 3
    periods.close_period(fresh(db, ReportingPeriod, period.id), champion)
    db.session.commit()
    with freeze_time("2026-08-20 19:00:00"):
        assert task().startswith("reminder rounds: 0")


# --- flask lmi import ---------------------------------------------------------------------


def test_import_command(db, runner, make_agency, period):
    first = make_agency(name="Import One")
    second = make_agency(name="Import Two")
    pending = make_agency(status="pending", name="Import Pending")

    def rows(*specs):
        return csv_file(
            [{"agency": slug, "fiscal_year": year, **line} for slug, year, line in specs],
            header=IMPORT_COLUMNS,
        )

    bad = rows(
        (first.slug, "2025", {**LINE, "sep_voluntary": "5"}),
        (first.slug, "2025", {**LINE, "hires": "x"}),
        ("no-such-agency", "2025", LINE),
        (pending.slug, "2025", LINE),
        (second.slug, "2019", LINE),
    )
    result = runner.invoke(args=["lmi", "import", "-"], input=bad)
    assert result.exit_code == 1
    for message in (
        "Row 3, Hires: “x” is not a number.",
        "Row 4: no agency with the slug “no-such-agency”",
        f"Row 5: the agency “{pending.slug}” is not approved",
        "Row 6: no reporting period for the fiscal year 2019",
    ):
        assert message in result.output, result.output
    assert "nothing was imported" in result.output
    # the rules run once every row parses
    result = runner.invoke(
        args=["lmi", "import", "-"],
        input=rows(
            (first.slug, "2025", {**LINE, "sep_voluntary": "5"}), (first.slug, "2025", LINE)
        ),
    )
    assert (
        f"{FIRST}, Separations — total: voluntary + retirement + involuntary + other = 7"
        in result.output
    )
    assert (
        "Row 3: the same occupation, region, employment status and bargaining status as "
        "row 2 (the first line of data): combine them into one line." in result.output
    )
    assert db.session.scalar(select(func.count(WorkforceReturn.id))) == 0

    # an agency's draft in progress stays the newest version
    draft = drafts.start_draft(second, period, second.owner)
    db.session.commit()
    good = rows(
        (first.slug, "2025", LINE),
        (first.slug, "2025", CASUAL),
        (second.slug, "2025", HIGH_TURNOVER),
    )
    result = runner.invoke(args=["lmi", "import", "-"], input=good)
    assert result.exit_code == 0, result.output
    assert "Imported 2 returns (3 lines): 1 held, 1 submitted; 1 warning." in result.output
    result = runner.invoke(args=["lmi", "import", "--accept", "-"], input=good)
    assert "Imported 2 returns (3 lines): 2 accepted" in result.output
    db.session.expire_all()
    found = db.session.execute(
        select(
            WorkforceReturn.agency_id,
            WorkforceReturn.version,
            WorkforceReturn.status,
            WorkforceReturn.source,
            WorkforceReturn.is_current,
        ).order_by(WorkforceReturn.agency_id, WorkforceReturn.version)
    ).all()
    assert [tuple(row) for row in found] == [
        (first.id, 1, "submitted", "import", False),
        (first.id, 2, "accepted", "import", True),
        (second.id, 1, "held", "import", False),
        (second.id, 2, "accepted", "import", True),
        (second.id, 3, "draft", "form", False),
    ]
    assert fresh(db, WorkforceReturn, draft.id).version == 3
