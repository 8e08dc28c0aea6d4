"""An agency's workforce return for a period: its lines as plain dicts and their checks,
the versions, the draft it edits and submits, and ``is_current``. Services flush; the
caller commits."""

from flask import current_app
from sqlalchemy import func, select

from portal import audit
from portal.errors import PortalError
from portal.extensions import db
from portal.models import Agency, Occupation, Region, User
from portal.models.lmi import (
    COUNT_FIELDS,
    COUNTED_STATUSES,
    PAY_FIELDS,
    ReportingPeriod,
    ReturnLine,
    WorkforceReturn,
)
from portal.models.types import utcnow
from portal.returns import validation
from portal.returns.periods import require_open

VALUE_FIELDS = ("fte", *COUNT_FIELDS, *PAY_FIELDS)


def codes() -> validation.Codes:
    return validation.Codes(
        occupations=frozenset(db.session.scalars(select(Occupation.noc_code))),
        regions=frozenset(db.session.scalars(select(Region.code))),
    )


def code_ids() -> tuple[dict, dict]:
    return (
        dict(db.session.execute(select(Occupation.noc_code, Occupation.id)).all()),
        dict(db.session.execute(select(Region.code, Region.id)).all()),
    )


def line_values(line: ReturnLine) -> dict:
    values = {
        "occupation": line.occupation.noc_code,
        "region": line.region.code,
        "employment_status": line.employment_status,
        "bargaining_status": line.bargaining_status,
    }
    values.update({name: getattr(line, name) for name in VALUE_FIELDS})
    return values


def fill_line(line: ReturnLine, values: dict, ids: tuple[dict, dict]) -> None:
    occupations, regions = ids
    line.occupation_id = occupations[values["occupation"]]
    line.region_id = regions[values["region"]]
    line.employment_status = values["employment_status"]
    line.bargaining_status = values["bargaining_status"]
    for name in VALUE_FIELDS:
        setattr(line, name, values.get(name))


def previous_closing(agency_id: int, period: ReportingPeriod) -> dict:
    """Last fiscal year's closing headcount per line key, from the agency's counted return."""
    last = db.session.scalar(
        select(WorkforceReturn)
        .join(WorkforceReturn.period)
        .where(
            WorkforceReturn.agency_id == agency_id,
            WorkforceReturn.is_current.is_(True),
            ReportingPeriod.fiscal_year == period.fiscal_year - 1,
        )
    )
    if last is None:
        return {}
    return {
        validation.key_of(values): values["closing_headcount"]
        for values in map(line_values, last.lines)
    }


def check_lines(
    agency: Agency, period: ReportingPeriod, lines: list[dict], rows: list[int] | None = None
):
    """``rows``: the lines' spreadsheet row numbers (default: a draft's, from row 2)."""
    return validation.check_return(
        lines,
        unionized=agency.unionized,
        minimum_wage_cents=current_app.config["MINIMUM_WAGE_CENTS"],
        previous_closing=previous_closing(agency.id, period),
        rows=rows,
    )


def check(wreturn: WorkforceReturn):
    """(errors, warnings) of a return's lines as they are now."""
    return check_lines(
        wreturn.agency, wreturn.period, [line_values(line) for line in wreturn.lines]
    )


def versions_of(agency_id: int, period_id: int) -> list[WorkforceReturn]:
    """Newest first, the draft (if any) included."""
    return list(
        db.session.scalars(
            select(WorkforceReturn)
            .where(WorkforceReturn.agency_id == agency_id, WorkforceReturn.period_id == period_id)
            .order_by(WorkforceReturn.version.desc())
        )
    )


def draft_of(agency_id: int, period_id: int) -> WorkforceReturn | None:
    return db.session.scalar(
        select(WorkforceReturn).where(
            WorkforceReturn.agency_id == agency_id,
            WorkforceReturn.period_id == period_id,
            WorkforceReturn.status == "draft",
        )
    )


def latest_version(agency_id: int, period_id: int) -> WorkforceReturn | None:
    """The newest version that is not a draft."""
    return next((v for v in versions_of(agency_id, period_id) if v.status != "draft"), None)


def start_draft(agency: Agency, period: ReportingPeriod, by: User) -> WorkforceReturn:
    """The agency's draft for the period: the existing one, or a new version copied from
    the latest version (empty for a first return)."""
    require_open(period)
    draft = draft_of(agency.id, period.id)
    if draft is not None:
        return draft
    latest = latest_version(agency.id, period.id)
    top = db.session.scalar(
        select(func.max(WorkforceReturn.version)).where(
            WorkforceReturn.agency_id == agency.id, WorkforceReturn.period_id == period.id
        )
    )
    draft = WorkforceReturn(
        agency=agency,
        period=period,
        version=(top or 0) + 1,
        status="draft",
        source="form",
        warnings=[],
    )
    db.session.add(draft)
    if latest is not None:
        draft.source = latest.source if latest.source != "import" else "form"
        for line in latest.lines:
            copy = ReturnLine(
                occupation_id=line.occupation_id,
                region_id=line.region_id,
                employment_status=line.employment_status,
                bargaining_status=line.bargaining_status,
            )
            for name in VALUE_FIELDS:
                setattr(copy, name, getattr(line, name))
            draft.lines.append(copy)
    db.session.flush()
    audit.record(
        "return.draft_started",
        by,
        draft,
        detail=f"version {draft.version}" + (f" from {latest.version}" if latest else ""),
    )
    return draft


def _require_draft(wreturn: WorkforceReturn) -> None:
    require_open(wreturn.period)
    if wreturn.status != "draft":
        raise PortalError(
            "This version is submitted and read-only; choose “Change this "
            "return” to start a new version."
        )


def _same_key(wreturn: WorkforceReturn, values: dict, ids, except_id: int | None = None):
    """The row of the draft's line with these keys (other than ``except_id``), or None."""
    occupations, regions = ids
    key = (
        occupations[values["occupation"]],
        regions[values["region"]],
        values["employment_status"],
        values["bargaining_status"],
    )
    return next(
        (
            n
            for n, line in enumerate(wreturn.lines, start=validation.FIRST_ROW)
            if line.key == key and line.id != except_id
        ),
        None,
    )


def add_line(wreturn: WorkforceReturn, values: dict, by: User) -> ReturnLine:
    _require_draft(wreturn)
    ids = code_ids()
    clash = _same_key(wreturn, values, ids)
    if clash:
        raise PortalError(
            f"{validation.row_place(clash)} already has this occupation, region, "
            "employment status and bargaining status: edit that line instead."
        )
    line = ReturnLine()
    fill_line(line, values, ids)
    wreturn.lines.append(line)
    wreturn.updated_at = utcnow()
    db.session.flush()
    return line


def update_line(line: ReturnLine, values: dict, by: User) -> None:
    wreturn = line.workforce_return
    _require_draft(wreturn)
    ids = code_ids()
    clash = _same_key(wreturn, values, ids, except_id=line.id)
    if clash:
        raise PortalError(
            f"{validation.row_place(clash)} already has this occupation, region, "
            "employment status and bargaining status: edit that line instead."
        )
    fill_line(line, values, ids)
    wreturn.updated_at = utcnow()
    db.session.flush()


def delete_line(line: ReturnLine, by: User) -> None:
    wreturn = line.workforce_return
    _require_draft(wreturn)
    wreturn.lines.remove(line)
    wreturn.updated_at = utcnow()
    db.session.flush()


def replace_lines(
    wreturn: WorkforceReturn, lines: list[dict], by: User, rows: list[int] | None = None
) -> None:
    """The uploaded CSV's lines replace the draft's (the file parsed as a whole). ``rows``
    are the lines' row numbers in the file, as a spreadsheet shows them (default 2, 3, ...)."""
    _require_draft(wreturn)
    rows = (
        rows
        if rows is not None
        else list(range(validation.FIRST_ROW, validation.FIRST_ROW + len(lines)))
    )
    seen: dict = {}
    for row, values in zip(rows, lines, strict=True):
        key = validation.key_of(values)
        if key in seen:
            raise PortalError(
                f"{validation.rows_place(seen[key], row)} of the file have the same "
                "occupation, region, employment status and bargaining "
                "status: combine them into one line. Nothing was saved."
            )
        seen[key] = row
    wreturn.lines.clear()
    db.session.flush()  # delete the old lines before the new ones take their keys
    ids = code_ids()
    for values in lines:
        line = ReturnLine()
        fill_line(line, values, ids)
        wreturn.lines.append(line)
    wreturn.source = "csv"
    wreturn.updated_at = utcnow()
    db.session.flush()
    audit.record("return.csv_uploaded", by, wreturn, detail=f"{len(lines)} lines")


def discard(wreturn: WorkforceReturn, by: User) -> None:
    _require_draft(wreturn)
    audit.record("return.draft_discarded", by, wreturn, detail=f"version {wreturn.version}")
    db.session.delete(wreturn)
    db.session.flush()


def submit(
    wreturn: WorkforceReturn, by: User, confirmed: bool, seen: str | None = None
) -> WorkforceReturn:
    """Freeze the draft as a version. ``confirmed`` covers the warnings; from a page,
    ``seen`` is the fingerprint of the warnings it showed, which must still be the same."""
    _require_draft(wreturn)
    if wreturn.agency.status != "approved":
        raise PortalError(
            "Your agency can submit its return once an administrator approves "
            "its registration. You can prepare the draft meanwhile."
        )
    errors, warnings = check(wreturn)
    if errors:
        raise PortalError(
            f"The return has {len(errors)} error{'s' if len(errors) > 1 else ''}"
            " to fix before it can be submitted (listed on this page)."
        )
    if warnings and not confirmed:
        raise PortalError(
            "Check the warnings listed on this page, then tick the box to "
            "confirm the numbers are right."
        )
    if warnings and seen is not None and seen != validation.fingerprint(warnings):
        raise PortalError(
            "The warnings changed since this page was opened (the draft was "
            "edited meanwhile): check the warnings listed now and confirm again."
        )
    held = validation.holds_for_review(warnings)
    finish(wreturn, "held" if held else "submitted", warnings, by)
    audit.record(
        "return.submitted", by, wreturn, detail=f"version {wreturn.version}, {wreturn.status}"
    )
    return wreturn


def finish(wreturn: WorkforceReturn, status: str, warnings, by: User | None) -> None:
    """Freeze a version with its (confirmed) warnings and refresh ``is_current``."""
    wreturn.status = status
    wreturn.warnings = [w.as_dict() for w in warnings]
    wreturn.submitted_at = wreturn.updated_at = utcnow()
    wreturn.submitted_by_id = by.id if by else None
    if status == "accepted":
        wreturn.reviewed_at, wreturn.reviewed_by_id = wreturn.submitted_at, wreturn.submitted_by_id
    db.session.flush()
    refresh_current(wreturn.agency_id, wreturn.period_id)


def refresh_current(agency_id: int, period_id: int) -> None:
    """The newest version in a counted status (submitted, accepted) is current; no other."""
    found = False
    for version in versions_of(agency_id, period_id):
        current = not found and version.status in COUNTED_STATUSES
        found = found or current
        if version.is_current != current:
            version.is_current = current
    db.session.flush()
