"""The columns of the jobs' CSV file (``portal.jobs.imports``) and how a row's cells become
the intake's values: ``intake.FIELDS``, except that people name the occupation by its NOC
code (``occupation_noc``), the community by its name (``community``), credentials by their
names or codes, and write yes/no, labels ("Part-time") and pay as a spreadsheet does
("$52,000"). The reference data the cells name is loaded once per file (``References``)."""

import re
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from portal.extensions import db
from portal.jobs import intake
from portal.jobs.forms import JobChoices
from portal.models import Community, Credential, Occupation, Region
from portal.models.jobs import EMPLOYMENT_TYPES


@dataclass(frozen=True)
class Column:
    name: str
    meaning: str
    required: bool = True  # the header row must have it (its cells may still be blank)


def _column(name: str, required: bool = True, meaning: str | None = None) -> Column:
    return Column(name, meaning or intake.FIELDS[name], required)


COLUMNS = (
    _column("title"),
    _column("description"),
    _column(
        "occupation_noc",
        meaning="The occupation's NOC 2021 code, 5 digits (e.g. 42201): see the list below",
    ),
    _column(
        "community",
        meaning="The community's name as in the list below (any case, e.g. Kamloops), or its id",
    ),
    _column("employment_type"),
    _column("hours_per_week"),
    _column("schedule", required=False),
    _column("pay_min"),
    _column("pay_max"),
    _column("pay_unit"),
    _column("union_position", meaning="yes or no"),
    _column(
        "pooled",
        required=False,
        meaning="yes or no (blank: no): a pooled position, partner agencies add their shares "
        "once it is saved",
    ),
    _column(
        "required_credentials",
        required=False,
        meaning="Credentials the job requires, separated by semicolons (;): their names, "
        "codes or ids as in the list below",
    ),
    _column("preferred_credentials", required=False, meaning="Preferred credentials, the same way"),
    _column("how_to_apply", required=False),
    _column("closes_on", meaning="Closing date, YYYY-MM-DD, at most 180 days ahead"),
    _column("reference", required=False),
)
COLUMN_NAMES = tuple(c.name for c in COLUMNS)
REQUIRED = tuple(c.name for c in COLUMNS if c.required)
# the file's columns that are not the intake's field of the same name
AS_FIELD = {"occupation_noc": "occupation_id", "community": "community_id"}
AS_COLUMN = {value: key for key, value in AS_FIELD.items()}


class References:
    """The reference data a file's rows name, loaded once for the whole file."""

    def __init__(self):
        self.choices = JobChoices.load()
        self.occupations = {
            code: occupation_id
            for code, occupation_id in db.session.execute(
                select(Occupation.noc_code, Occupation.id)
            )
        }
        self.communities: dict[str, list[int]] = {}
        self.community_ids = set()
        for community_id, name in db.session.execute(select(Community.id, Community.name)):
            self.communities.setdefault(folded(name), []).append(community_id)
            self.community_ids.add(community_id)
        self.credentials: dict[str, list[int]] = {}
        self.credential_ids = set()
        for credential in db.session.scalars(select(Credential)):
            self.credential_ids.add(credential.id)
            for key in {folded(credential.code), folded(credential.name)}:
                self.credentials.setdefault(key, []).append(credential.id)

    def values(self, raw: dict[str, str]) -> tuple[dict, dict[str, str]]:
        """A row's cells as intake values, and the problems of the cells that name
        something (column -> message)."""
        values: dict = {}
        problems: dict[str, str] = {}
        for name, text in raw.items():
            text = text.strip()
            try:
                if name == "occupation_noc":
                    values["occupation_id"] = self._occupation(text)
                elif name == "community":
                    values["community_id"] = self._community(text)
                elif name.endswith("_credentials"):
                    values[name] = self._credentials(text)
                elif name in ("union_position", "pooled"):
                    values[name] = _yes_no(text, name == "pooled")
                elif name == "employment_type":
                    values[name] = _employment_type(text)
                elif name in ("pay_min", "pay_max"):
                    values[name] = _amount(text)
                elif name == "pay_unit":
                    values[name] = text.lower()
                elif name == "closes_on":
                    values[name] = _date(text)
                else:
                    values[name] = text
            except ValueError as exc:
                problems[name] = str(exc)
        return values, problems

    def _occupation(self, text: str) -> int | None:
        if not text:
            raise ValueError("Enter the occupation's NOC code, e.g. 42201.")
        code = text.zfill(5) if text.isascii() and text.isdigit() else text
        if code not in self.occupations:
            raise ValueError(f"No occupation has the NOC code “{text}”: see the list of codes.")
        return self.occupations[code]

    def _community(self, text: str) -> int:
        if not text:
            raise ValueError("Enter the community's name, e.g. Kamloops.")
        if text.isascii() and text.isdigit():
            if int(text) in self.community_ids:
                return int(text)
            raise ValueError(f"No community has the id {text}.")
        found = self.communities.get(folded(text), [])
        if len(found) > 1:
            raise ValueError(
                f"More than one community is called “{text}”: give its id from the list."
            )
        if not found:
            raise ValueError(
                f"No community in BC is called “{text}”: use a name from the list "
                "(the nearest town if yours is not there)."
            )
        return found[0]

    def _credentials(self, text: str) -> list[int]:
        ids, unknown, several = [], [], []
        for item in (part.strip() for part in text.split(";")):
            if not item:
                continue
            if item.isascii() and item.isdigit() and int(item) in self.credential_ids:
                ids.append(int(item))
                continue
            found = self.credentials.get(folded(item), [])
            if len(found) == 1:
                ids.append(found[0])
            else:
                (several if found else unknown).append(f"“{item}”")
        if unknown:
            raise ValueError(
                f"Unknown credential{'s' if len(unknown) > 1 else ''}: {', '.join(unknown)}. "
                "Use the names or codes in the list, separated by semicolons (;)."
            )
        if several:
            raise ValueError(f"{', '.join(several)} names several credentials: use its code.")
        return list(dict.fromkeys(ids))


def folded(text: str) -> str:
    return " ".join(text.split()).casefold()


def _yes_no(text: str, blank_is_no: bool) -> str:
    answer = text.lower()
    if answer in ("yes", "y", "true", "1") or (answer in ("no", "n", "false", "0")):
        return answer
    if not answer and blank_is_no:
        return "no"
    if not answer:
        return ""  # the form says what it needs
    raise ValueError("Enter yes or no.")


def _employment_type(text: str) -> str:
    code = re.sub(r"[\s-]+", "_", text.lower())
    labels = {label.lower(): key for key, label in EMPLOYMENT_TYPES.items()}
    code = labels.get(text.lower(), code)
    if text and code not in EMPLOYMENT_TYPES:
        raise ValueError(f"Use one of: {', '.join(EMPLOYMENT_TYPES)}.")
    return code


_THOUSANDS = re.compile(r"\$?\s*\d{1,3}(,\d{3})+(\.\d+)?\Z")


def _amount(text: str) -> str:
    """Pay as a spreadsheet may write it: ``$26.50``, ``52,000``."""
    if _THOUSANDS.match(text) or text.startswith("$"):
        return text.lstrip("$").strip().replace(",", "")
    return text


def _date(text: str) -> str:
    if not text:
        return ""
    try:
        datetime.strptime(text, "%Y-%m-%d")  # noqa: DTZ007  (a calendar date, no time)
    except ValueError:
        raise ValueError(
            f"“{text}” is not a date as YYYY-MM-DD, e.g. 2026-03-31 (a spreadsheet may have "
            "changed it: format the column as text)."
        ) from None
    return text


def guide() -> dict:
    """The reference lists a file's rows name: occupations, BC's regions with their
    communities, credentials."""
    return {
        "occupations": db.session.scalars(select(Occupation).order_by(Occupation.noc_code)),
        "regions": db.session.scalars(
            select(Region).options(selectinload(Region.communities)).order_by(Region.name)
        ),
        "credentials": db.session.scalars(select(Credential).order_by(Credential.name)),
    }


EXAMPLE = {
    "title": "Community Support Worker",
    "description": "Support adults with developmental disabilities to live well in their "
    "own home and community.\n\n- Personal care and daily living skills\n- Community outings",
    "occupation_noc": "42201",
    "community": "Kamloops",
    "employment_type": "part_time",
    "hours_per_week": "24",
    "schedule": "Monday to Wednesday, 8:00 am – 4:30 pm",
    "pay_min": "26.50",
    "pay_max": "29.75",
    "pay_unit": "hourly",
    "union_position": "yes",
    "pooled": "no",
    "required_credentials": "criminal-record-check; first-aid-cpr-c",
    "preferred_credentials": "class-5-licence",
    "how_to_apply": "Apply on the portal with your résumé.",
    "reference": "REQ-2025-014",
}
