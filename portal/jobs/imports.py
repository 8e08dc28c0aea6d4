"""Bulk import of jobs: a CSV file made from the template (the agency's import page) or a
list of job values (``POST /api/v1/jobs:batch``). Every job is judged by ``intake.check``,
the job form's own rules, and the batch as a whole (the same job twice, publishing allowed);
``create`` then makes every job, as drafts or published, in the caller's one transaction,
or refuses and makes none.

The file's columns are the intake's ``FIELDS`` in people's words (``import_columns``).
Rows are named as a spreadsheet shows them ("Row 2
(the first line of data)"), the API's jobs by their index (``jobs[3]``).

Text is stored as typed: a title such as ``=cmd|...`` is plain text on every page (they
escape it), as it would be from the job form. A spreadsheet runs such a cell as a formula,
so any CSV the portal ever exports with agencies' text must neutralise cells starting with
``=``, ``+``, ``-`` or ``@``.
"""

import csv
import io
from dataclasses import dataclass, field
from datetime import timedelta

from portal import audit, csvfiles
from portal.agencies.permissions import can_publish
from portal.csvfiles import CsvFileError
from portal.errors import PortalError
from portal.jobs import intake, services
from portal.jobs.forms import JobChoices
from portal.jobs.import_columns import (
    AS_COLUMN,
    COLUMN_NAMES,
    EXAMPLE,
    REQUIRED,
    References,
    folded,
)
from portal.models import Agency, Job, User
from portal.timeutil import today_pacific

MAX_JOBS = 500  # jobs in one file or one API request
MAX_BYTES = 2 * 1024 * 1024  # an uploaded file


NOT_APPROVED = (
    "Your agency can publish once an administrator approves it: create the jobs as drafts."
)
POOLED = (
    "A pooled position is published once partner agencies have accepted their shares: "
    "create it as a draft."
)


@dataclass
class Row:
    """One job of a file or request: where it is, what the report shows of it, and its job
    data (for ``jobs.services``) or its problems as (column or field, message)."""

    number: int  # the spreadsheet row, or the index in the request
    place: str  # "Row 2 (the first line of data)", or "jobs[0]"
    title: str = ""
    community: str = ""
    data: dict | None = None
    problems: list[tuple[str, str]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.data is not None and not self.problems


@dataclass
class Report:
    publish: bool
    rows: list[Row] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)  # about the whole file or request

    @property
    def ready(self) -> bool:
        return bool(self.rows) and not self.problems and all(row.ok for row in self.rows)

    @property
    def ready_count(self) -> int:
        return sum(row.ok for row in self.rows)

    @property
    def problem_count(self) -> int:
        return len(self.rows) - self.ready_count


# --- reading a file ---------------------------------------------------------------------


def read(data: bytes) -> list[tuple[int, dict[str, str]]]:
    """The rows of an uploaded file: UTF-8 (with or without a byte-order mark) or Excel's
    plain "CSV (Comma delimited)" (Windows-1252). Raises ``CsvFileError``."""
    if len(data) > MAX_BYTES:
        raise CsvFileError(
            f"The file is larger than {MAX_BYTES // (1024 * 1024)} MB. A file takes at most "
            f"{MAX_JOBS} jobs: split it into several files."
        )
    return csvfiles.read_rows(
        data,
        COLUMN_NAMES,
        required=REQUIRED,
        max_rows=MAX_JOBS,
        too_many="a file takes at most {max_rows:,} jobs. Split it into several files.",
        no_rows="Add one job a row below it (see the template's example).",
        windows_1252=True,
    )


# --- judging ----------------------------------------------------------------------------


def check_file(agency: Agency, data: bytes, publish: bool) -> Report:
    """The report of an uploaded file: the file's problem, or each row's."""
    report = Report(publish)
    try:
        raw_rows = read(data)
    except CsvFileError as exc:
        report.problems.append(str(exc))
        return report
    references = References()
    for number, raw in raw_rows:
        values, problems = references.values(raw)
        row = Row(
            number,
            csvfiles.row_place(number),
            title=raw.get("title", "").strip(),
            community=raw.get("community", "").strip(),
        )
        _judge(row, values, references.choices, problems, names=AS_COLUMN)
        report.rows.append(row)
    _check_batch(agency, report, lambda row: csvfiles.row_place(row.number).lower())
    return report


def check_jobs(agency: Agency, jobs: list, publish: bool) -> Report:
    """The report of the API's list of jobs (``intake.FIELDS`` values each)."""
    report = Report(publish)
    if len(jobs) > MAX_JOBS:
        report.problems.append(
            f"At most {MAX_JOBS} jobs in one request ({len(jobs)} sent): send several."
        )
        return report
    if not jobs:
        report.problems.append("Send at least one job.")
        return report
    choices = JobChoices.load()
    for index, values in enumerate(jobs):
        row = Row(index, f"jobs[{index}]")
        if not isinstance(values, dict):
            row.problems.append(("", "A job is an object of job fields."))
        else:
            row.title = str(values.get("title") or "")
            _judge(row, values, choices, {})
        report.rows.append(row)
    _check_batch(agency, report, lambda row: row.place)
    return report


def _judge(row: Row, values: dict, choices, problems: dict, names: dict | None = None) -> None:
    """Run the intake's check; ``problems`` (of the cells naming something) replace its
    messages for those columns; ``names``: intake field -> the column it came from."""
    checked = intake.check(values, choices)
    row.data = checked.data
    for name, messages in checked.errors.items():
        column = (names or {}).get(name, name)
        if column not in problems:
            row.problems.extend((column, message) for message in messages)
    row.problems.extend(problems.items())
    if problems:
        row.data = None


def _check_batch(agency: Agency, report: Report, place_of) -> None:
    """The rules of the batch: the same job twice, and publishing allowed."""
    if report.publish and not can_publish(agency):
        report.problems.append(NOT_APPROVED)
    seen: dict[tuple, Row] = {}
    today = today_pacific()
    for row in report.rows:
        if not row.ok:
            continue
        data = row.data
        key = (folded(data["title"]), data["community_id"], data["closes_on"])
        if key in seen:
            row.problems.append(
                (
                    "title",
                    f"The same title, community and closing date as {place_of(seen[key])}: "
                    "remove one, or tell them apart in the title (e.g. by site or shift).",
                )
            )
        seen.setdefault(key, row)
        if report.publish and data["pooled"]:
            row.problems.append(("pooled", POOLED))
        if report.publish and data["closes_on"] < today:
            row.problems.append(("closes_on", "To publish, the closing date is today or later."))


# --- creating ---------------------------------------------------------------------------


def create(agency: Agency, report: Report, by: User) -> list[Job]:
    """Every job of a checked batch, published if asked; a refusal of any job refuses
    them all (the caller's transaction is rolled back: nothing is created)."""
    if not report.ready:
        raise PortalError("Nothing was created: fix the problems listed and try again.")
    if report.publish and not can_publish(agency):
        raise PortalError(NOT_APPROVED + " Nothing was created.")
    jobs = []
    for row in report.rows:
        try:
            job = services.create_draft(agency, row.data, by)
            if report.publish:
                services.publish(job, by)
        except PortalError as exc:
            raise PortalError(f"{row.place}: {exc} Nothing was created.") from None
        jobs.append(job)
    audit.record(
        "jobs.imported",
        by,
        agency,
        detail=f"{len(jobs)} {'published' if report.publish else 'draft'} jobs",
    )
    return jobs


# --- the template ----------------------------------------------------------------------


def template() -> str:
    """The header row and one example job (closing 30 days from today), UTF-8 with a
    byte-order mark so that Excel reads its accents."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(COLUMN_NAMES)
    example = {**EXAMPLE, "closes_on": (today_pacific() + timedelta(days=30)).isoformat()}
    writer.writerow([example[name] for name in COLUMN_NAMES])
    return "\ufeff" + out.getvalue()
