"""Bulk import of workforce returns (e.g. an association's survey): the agency CSV's
columns plus leading ``agency`` (slug) and ``fiscal_year``. Every group (agency × fiscal
year) is checked with the returns' own rules before anything is saved."""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from sqlalchemy import func, select

from portal import audit, numbers
from portal.extensions import db
from portal.models import Agency
from portal.models.lmi import ReportingPeriod, ReturnLine, WorkforceReturn
from portal.returns import drafts, validation


@dataclass
class Group:
    agency: Agency
    period: ReportingPeriod
    rows: list[int] = field(default_factory=list)
    lines: list[dict] = field(default_factory=list)
    warnings: list[validation.Problem] = field(default_factory=list)


def plan(rows: Iterable[tuple[int, Mapping]]) -> tuple[list[Group], list[validation.Problem]]:
    """The groups to save, or every problem (by row) that stops the import."""
    agencies = {a.slug: a for a in db.session.scalars(select(Agency))}
    periods = {p.fiscal_year: p for p in db.session.scalars(select(ReportingPeriod))}
    codes = drafts.codes()
    problems: list[validation.Problem] = []
    groups: dict[tuple, Group] = {}
    for number, raw in rows:
        where = validation.row_place(number)
        slug = (raw.get("agency") or "").strip().lower()
        year_text = (raw.get("fiscal_year") or "").strip()
        agency, period = agencies.get(slug), None
        if agency is None:
            problems.append(
                validation.Problem(
                    where, None, f"no agency with the slug “{slug}” (agency column)."
                )
            )
        elif agency.status != "approved":
            problems.append(
                validation.Problem(
                    where, None, f"the agency “{slug}” is not approved (it is {agency.status})."
                )
            )
        year = numbers.whole(year_text, 1900, 2999)
        if year is None:
            problems.append(
                validation.Problem(
                    where, None, f"fiscal_year “{year_text}” is not a year such as 2025."
                )
            )
        else:
            period = periods.get(year)
            if period is None:
                problems.append(
                    validation.Problem(
                        where,
                        None,
                        f"no reporting period for the fiscal year {year_text}: open it first.",
                    )
                )
            elif not period.is_open:
                problems.append(
                    validation.Problem(
                        where,
                        None,
                        f"the reporting period {period.label} is closed: reopen it first.",
                    )
                )
        line, errors = validation.parse_line(raw, codes)
        problems.extend(
            validation.Problem(where, column, message) for column, message in errors.items()
        )
        if (
            agency is not None
            and period is not None
            and agency.status == "approved"
            and period.is_open
        ):
            group = groups.setdefault((agency.id, period.id), Group(agency, period))
            group.rows.append(number)
            group.lines.append(line)
    if problems:
        return [], problems
    for group in groups.values():
        errors, group.warnings = drafts.check_lines(
            group.agency, group.period, group.lines, group.rows
        )
        problems.extend(errors)
    return ([], problems) if problems else (list(groups.values()), [])


def save(group: Group, accept: bool) -> WorkforceReturn:
    """A new version with source ``import``: accepted, or submitted (held when its
    turnover needs review)."""
    top = (
        db.session.scalar(
            select(func.max(WorkforceReturn.version)).where(
                WorkforceReturn.agency_id == group.agency.id,
                WorkforceReturn.period_id == group.period.id,
            )
        )
        or 0
    )
    version = top + 1
    draft = drafts.draft_of(group.agency.id, group.period.id)
    if draft is not None:  # an agency's draft in progress stays the newest version
        version, draft.version = draft.version, top + 1
        db.session.flush()
    status = (
        "accepted"
        if accept
        else ("held" if validation.holds_for_review(group.warnings) else "submitted")
    )
    wreturn = WorkforceReturn(
        agency=group.agency, period=group.period, version=version, status=status, source="import"
    )
    db.session.add(wreturn)
    ids = drafts.code_ids()
    for values in group.lines:
        line = ReturnLine()
        drafts.fill_line(line, values, ids)
        wreturn.lines.append(line)
    db.session.flush()
    drafts.finish(wreturn, status, group.warnings, None)
    audit.record(
        "return.imported",
        None,
        wreturn,
        detail=f"{group.agency.slug} {group.period.label} version {wreturn.version} {status}",
    )
    return wreturn
