"""The administrator's audit log (``/admin/audit``): the filters read from the query string,
the events they select (newest first), each event as people read it, and the same rows as
a CSV file.

The filters are the page's GET form: ``person`` (name or email, contains, any case),
``agency`` (an agency's id), ``kind`` (a key of ``KINDS``), ``from`` and ``to`` (Pacific
dates, inclusive). Bad values are not ignored: ``read_filters`` returns what is wrong, and
the page says so with the form as it was typed, listing nothing."""

import csv
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from flask import Flask
from sqlalchemy import Select, and_, func, or_, select

from portal import audit, numbers
from portal.extensions import db
from portal.lmi.extracts import neutralise
from portal.models import Agency, AuditEvent, User
from portal.queries import contains
from portal.timeutil import PACIFIC

PER_PAGE = 100
PERSON_MAX = 200  # characters of the person filter
DATE_RE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
FIRST_YEAR, LAST_YEAR = 2000, 2999
ARG_NAMES = ("person", "agency", "kind", "from", "to")


@dataclass(frozen=True)
class Kind:
    label: str
    actions: tuple[str, ...] = ()  # exact action names
    prefixes: tuple[str, ...] = ()  # action names starting with these


# the "kind" select: its key in the URL -> the actions it shows ("" is every kind)
KINDS: dict[str, Kind] = {
    "sign_ins": Kind("Sign-ins and failures", ("user.login", "user.login_failed"), ("two_step.",)),
    "roles": Kind(
        "Role changes",
        ("user.role_changed", "agency.joined", "agency.ownership_transferred"),
        ("agency.member_",),
    ),
    "resume_views": Kind("Résumé views", ("resume.viewed", "candidate.viewed")),
    "extracts": Kind("Extract downloads", ("lmi.extract",)),
    "exports": Kind("Personal data exports", ("privacy.exported",)),
    "deletions": Kind("Account deletions", ("user.deleted", "user.purged")),
    "api_tokens": Kind("API tokens", prefixes=("api_token.",)),
    "audit_downloads": Kind("Audit log downloads", ("audit.downloaded",)),
}

# actions in words; any other is shown from its name ("job.closed" -> "Job closed")
ACTION_WORDS = {
    "user.login": "Signed in",
    "user.login_failed": "Sign-in failed",
    "user.registered": "Registered",
    "user.registration_attempt": "Someone tried to register with this address",
    "user.password_reset": "Password reset",
    "user.password_changed": "Password changed",
    "user.email_changed": "Email address changed",
    "user.role_changed": "Role changed",
    "user.deleted": "Account deleted",
    "user.purged": "Personal data purged",
    "two_step.enabled": "Two-step sign-in turned on",
    "two_step.disabled": "Two-step sign-in turned off",
    "two_step.reset": "Two-step sign-in reset",
    "two_step.code_failed": "Two-step code refused",
    "two_step.recovery_code_used": "Signed in with a recovery code",
    "two_step.recovery_codes_renewed": "Recovery codes renewed",
    "agency.registered": "Agency registered",
    "agency.updated": "Agency details changed",
    "agency.invited": "Recruiter invited",
    "agency.joined": "Joined the agency",
    "agency.invitation_revoked": "Invitation revoked",
    "agency.member_removed": "Removed from the agency",
    "agency.ownership_transferred": "Agency ownership transferred",
    "agency.approved": "Agency approved",
    "agency.rejected": "Agency rejected",
    "agency.suspended": "Agency suspended",
    "resume.viewed": "Résumé viewed",
    "resume.uploaded": "Résumé uploaded",
    "resume.removed": "Résumé removed",
    "candidate.viewed": "Suggested candidate's profile viewed",
    "lmi.extract": "Labour-market extract downloaded",
    "privacy.exported": "Personal data exported",
    "api_token.created": "API token created",
    "api_token.revoked": "API token revoked",
    "audit.downloaded": "Audit log downloaded",
}

CSV_HEADER = [
    "Time (Pacific)",
    "Name",
    "Email",
    "Agency",
    "Action",
    "Action code",
    "Object",
    "Detail",
    "IP address",
]


@dataclass
class Filters:
    """The filters as typed (``typed``, for the form and links) and as read."""

    typed: dict[str, str] = field(default_factory=dict)
    person: str = ""
    agency_id: int | None = None
    agency_name: str = ""
    kind: str = ""
    start: date | None = None
    end: date | None = None

    def args(self) -> dict[str, str]:
        """The query-string arguments that give these filters again (the ones typed)."""
        return {name: value for name, value in self.typed.items() if value}

    def describe(self) -> str:
        """The filters in words, for the audit event of a download."""
        parts = []
        if self.person:
            parts.append(f"person contains {self.person!r}")
        if self.agency_id is not None:
            parts.append(f"agency {self.agency_id} ({self.agency_name})")
        if self.kind:
            parts.append(f"kind {KINDS[self.kind].label}")
        if self.start is not None:
            parts.append(f"from {self.start.isoformat()}")
        if self.end is not None:
            parts.append(f"to {self.end.isoformat()}")
        return "; ".join(parts) or "every event"


def action_words(action: str) -> str:
    if action in ACTION_WORDS:
        return ACTION_WORDS[action]
    return action.replace(".", " ").replace("_", " ").capitalize()


def _read_date(text: str, label: str, problems: list[str]) -> date | None:
    if not text:
        return None
    found = None
    if DATE_RE.fullmatch(text):
        try:
            found = date.fromisoformat(text)
        except ValueError:
            found = None
    if found is None or not FIRST_YEAR <= found.year <= LAST_YEAR:
        problems.append(f"“{label}” is not a date: enter it as YYYY-MM-DD, e.g. 2025-04-30.")
        return None
    return found


def read_filters(args) -> tuple[Filters, list[str]]:
    """The filters of a query string, and what is wrong with them (an empty list when
    nothing is). Never raises: every value a browser (or anyone) sends is judged."""
    typed = {name: args.get(name, "") for name in ARG_NAMES}
    filters, problems = Filters(typed=typed), []

    person = typed["person"].strip()
    if len(person) > PERSON_MAX:
        problems.append(f"The name or email to look for is too long (at most {PERSON_MAX}).")
    else:
        filters.person = person

    if typed["agency"]:
        agency_id = numbers.to_id(typed["agency"])
        found = db.session.get(Agency, agency_id) if agency_id is not None else None
        if found is None:
            problems.append("There is no such agency: choose one from the list.")
        else:
            filters.agency_id, filters.agency_name = found.id, found.name

    if typed["kind"] in KINDS:
        filters.kind = typed["kind"]
    elif typed["kind"]:
        problems.append("There is no such kind of event: choose one from the list.")

    filters.start = _read_date(typed["from"].strip(), "From", problems)
    filters.end = _read_date(typed["to"].strip(), "To", problems)
    if filters.start and filters.end and filters.start > filters.end:
        problems.append("“From” is after “To”: the first day must come before the last.")
    return filters, problems


def _start_of(day: date) -> datetime:
    """The first moment of a Pacific day, in UTC (as the database keeps times)."""
    return datetime.combine(day, time.min, tzinfo=PACIFIC).astimezone(UTC)


def event_query(filters: Filters) -> Select:
    """The events the filters select, with their person and agency, newest first."""
    query = (
        select(AuditEvent, User, Agency.name)
        .outerjoin(User, AuditEvent.user_id == User.id)
        .outerjoin(Agency, AuditEvent.agency_id == Agency.id)
        .order_by(AuditEvent.created_at.desc(), AuditEvent.id.desc())
    )
    if filters.person:
        query = query.where(
            or_(contains(User.email, filters.person), contains(User.name, filters.person))
        )
    if filters.agency_id is not None:
        query = query.where(AuditEvent.agency_id == filters.agency_id)
    if filters.kind:
        kind = KINDS[filters.kind]
        wanted = [AuditEvent.action.in_(kind.actions)] if kind.actions else []
        wanted += [AuditEvent.action.startswith(p, autoescape=True) for p in kind.prefixes]
        query = query.where(or_(*wanted))
    if filters.start is not None:
        query = query.where(AuditEvent.created_at >= _start_of(filters.start))
    if filters.end is not None:
        query = query.where(AuditEvent.created_at < _start_of(filters.end + timedelta(days=1)))
    return query


@dataclass
class Row:
    """An event as the page and the CSV file show it."""

    id: int
    time: str
    name: str  # "" when nobody (the command line, an unknown address)
    email: str
    agency: str
    action: str
    code: str
    object: str
    detail: str
    ip: str

    def cells(self) -> list[str]:
        values = [
            self.time,
            self.name,
            self.email,
            self.agency,
            self.action,
            self.code,
            self.object,
            self.detail,
            self.ip,
        ]
        return [neutralise(v) for v in values]


def _person(user: User | None) -> tuple[str, str]:
    if user is None:
        return "", ""
    if user.purged_at is not None:
        return "Deleted account", ""
    if user.deleted_at is not None:
        return f"{user.name} (account deleted)", user.email
    return user.name, user.email


def row(event: AuditEvent, user: User | None, agency_name: str | None) -> Row:
    name, email = _person(user)
    return Row(
        id=event.id,
        time=event.created_at.astimezone(PACIFIC).strftime("%Y-%m-%d %H:%M:%S %Z"),
        name=name,
        email=email,
        agency=agency_name or "",
        action=action_words(event.action),
        code=event.action,
        object=f"{event.object_type} {event.object_id}".strip() if event.object_type else "",
        detail=event.detail or "",
        ip=event.ip or "",
    )


@dataclass
class Page:
    number: int
    total: int
    items: list[Row]

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // PER_PAGE))

    @property
    def has_prev(self) -> bool:
        return self.number > 1

    @property
    def has_next(self) -> bool:
        return self.number < self.pages


def count(filters: Filters, last_id: int | None = None) -> int:
    query = event_query(filters).order_by(None)
    if last_id is not None:
        query = query.where(AuditEvent.id <= last_id)
    return db.session.scalar(select(func.count()).select_from(query.subquery()))


def page_of(filters: Filters, number: int) -> Page:
    """Page ``number`` of the rows (``PER_PAGE`` a page; past the last: no rows)."""
    query = event_query(filters).limit(PER_PAGE).offset((number - 1) * PER_PAGE)
    items = [row(*found) for found in db.session.execute(query)]
    return Page(number, count(filters), items)


def agencies() -> list[Agency]:
    """The agencies of the "agency" select, by name."""
    return list(db.session.scalars(select(Agency).order_by(Agency.name, Agency.id)))


def last_event_id() -> int:
    return db.session.scalar(select(func.max(AuditEvent.id))) or 0


def record_download(filters: Filters, by: User) -> int:
    """Audit a download of the log (before it is written) and return the last event id it
    covers, so the file holds the events as they were when it was asked for and not its
    own "audit.downloaded" event."""
    last = last_event_id()
    events = count(filters, last)
    audit.record("audit.downloaded", by, None, detail=f"{filters.describe()}; {events} events")
    return last


def csv_chunks(app: Flask, filters: Filters, last_id: int, per_chunk: int = 500) -> Iterator[bytes]:
    """The events the filters select, up to ``last_id``, as UTF-8 CSV (with a BOM, for
    Excel), ``per_chunk`` rows at a time; every cell a spreadsheet would run as a formula
    is neutralised.

    The response is sent after the view has returned: each chunk is read in an app context
    (and database session) of its own, opened and closed before it is sent, the next one
    starting after the last event sent (newest first, as on the page)."""
    text = io.StringIO()
    csv.writer(text).writerow(CSV_HEADER)
    yield text.getvalue().encode("utf-8-sig")
    after: tuple[datetime, int] | None = None
    while True:
        with app.app_context():
            query = event_query(filters).where(AuditEvent.id <= last_id)
            if after is not None:
                query = query.where(
                    or_(
                        AuditEvent.created_at < after[0],
                        and_(AuditEvent.created_at == after[0], AuditEvent.id < after[1]),
                    )
                )
            found = db.session.execute(query.limit(per_chunk)).all()
            text = io.StringIO()
            writer = csv.writer(text)
            for event, user, agency_name in found:
                writer.writerow(row(event, user, agency_name).cells())
            if found:
                after = (found[-1][0].created_at, found[-1][0].id)
        if not found:
            return
        yield text.getvalue().encode("utf-8")
        if len(found) < per_chunk:
            return
