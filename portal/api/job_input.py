"""A job as the API takes it: the fields of ``jobs.intake.FIELDS`` in a JSON object, judged
by the job form's rules (``intake.check``), documented by ``JobInputSchema``.

``read_body()`` gives the request's JSON object or a problem; ``shape_errors`` refuses
values of the wrong JSON type (an object where text belongs, a list for a title...) before
the form reads them; ``current_values(job)`` is a saved job as these fields (as the edit
page fills its form, ``JobForm.load``), so a PATCH overlays its fields on them."""

import json
from decimal import Decimal

import marshmallow as ma
from flask import Response, request

from portal.errors import problem
from portal.jobs import intake
from portal.models import Job
from portal.models.jobs import EMPLOYMENT_TYPES, PAY_UNITS

INVALID = "The job breaks a rule: the errors list says which field and why."
TEXT = {"title", "description", "employment_type", "schedule", "pay_unit", "how_to_apply"}
TEXT |= {"closes_on", "reference"}
NUMBERS = {"occupation_id", "community_id", "hours_per_week", "pay_min", "pay_max"}
FLAGS = {"union_position", "pooled"}
LISTS = {"required_credentials", "preferred_credentials"}
REQUIRED = (
    "title",
    "description",
    "occupation_id",
    "community_id",
    "employment_type",
    "hours_per_week",
    "pay_min",
    "pay_max",
    "union_position",
    "closes_on",
)
MAX_DIGITS = 30  # a number longer than this is no id, hours or pay

_KINDS = {
    "occupation_id": ma.fields.Integer,
    "community_id": ma.fields.Integer,
    "hours_per_week": ma.fields.Float,
    "pay_min": ma.fields.Float,
    "pay_max": ma.fields.Float,
    "union_position": ma.fields.Boolean,
    "pooled": ma.fields.Boolean,
    "closes_on": ma.fields.Date,
}
_ENUMS = {"employment_type": list(EMPLOYMENT_TYPES), "pay_unit": list(PAY_UNITS)}


def _field(name: str, required: bool) -> ma.fields.Field:
    metadata = {"description": intake.FIELDS[name]}
    if name in _ENUMS:
        metadata["enum"] = _ENUMS[name]
    options = {"required": required, "metadata": metadata}
    if name == "reference":
        options["allow_none"] = True
    if name in LISTS:
        return ma.fields.List(ma.fields.Integer(), **options)
    return _KINDS.get(name, ma.fields.String)(**options)


JobInputSchema = ma.Schema.from_dict(
    {name: _field(name, name in REQUIRED) for name in intake.FIELDS}, name="JobInputSchema"
)
JobChangesSchema = ma.Schema.from_dict(
    {name: _field(name, False) for name in intake.FIELDS}, name="JobChangesSchema"
)


def read_body() -> tuple[dict | None, Response | None]:
    """The request's JSON object, or the problem to answer: 415 (not JSON), 400 (not
    parseable), 422 (not an object, or a value of the wrong type)."""
    if not request.is_json:
        return None, problem(415, "Send the job as JSON (Content-Type: application/json).")
    try:
        body = json.loads(request.get_data())
    except (ValueError, RecursionError):  # not JSON, not UTF-8, nested past all reason
        return None, problem(400, "The body is not valid JSON.")
    if not isinstance(body, dict):
        return None, problem(422, INVALID, errors=[{"field": None, "detail": OBJECT}])
    errors = shape_errors(body)
    if errors:
        return None, problem(422, INVALID, errors=errors)
    return body, None


OBJECT = "The body is a JSON object of the job's fields."


def shape_errors(values: dict) -> list[dict]:
    """A problem per field whose value has the wrong JSON type, or is not text."""
    found = []
    for name, value in values.items():
        if name not in intake.FIELDS:
            detail = "Not a field of a job."
        else:
            detail = _wrong_type(name, value)
        if detail:
            found.append({"field": name, "detail": detail})
    return found


def _wrong_type(name: str, value) -> str | None:
    if value is None:
        return None
    if name in LISTS:
        if not isinstance(value, list) or len(value) > 100:
            return "A list of credential ids (at most 100)."
        if not all(_is_number(item) or _is_text(item) for item in value):
            return "A list of credential ids (whole numbers)."
        return None
    if name in FLAGS:
        return None if isinstance(value, bool) or _is_text(value) else "true or false."
    if name in NUMBERS:
        if _is_number(value) or _is_text(value):
            return None
        return "A number."
    if not isinstance(value, str):
        return "Text (a JSON string)."
    if not _is_text(value):
        return "Text without NUL characters or lone surrogates."
    return None


def _is_number(value) -> bool:
    if isinstance(value, bool):
        return False
    if isinstance(value, int):
        return len(str(abs(value))) <= MAX_DIGITS
    return isinstance(value, float)


def _is_text(value) -> bool:
    if not isinstance(value, str) or "\x00" in value:
        return False
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate ("\ud800"): no database stores it
        return False
    return True


def errors_of(checked: intake.Checked) -> list[dict]:
    """``intake.check``'s messages as the problem's ``errors`` list."""
    return [
        {"field": name, "detail": message}
        for name, messages in checked.errors.items()
        for message in messages
    ]


def current_values(job: Job) -> dict:
    """The saved job as ``intake.FIELDS`` values (what ``JobForm.load`` shows)."""
    return {
        "title": job.title,
        "description": job.description,
        "occupation_id": job.occupation_id,
        "community_id": job.community_id,
        "employment_type": job.employment_type,
        "hours_per_week": str(Decimal(str(job.hours_per_week))),
        "schedule": job.schedule or "",
        "pay_min": str(Decimal(job.pay_min_cents) / 100),
        "pay_max": str(Decimal(job.pay_max_cents) / 100),
        "pay_unit": job.pay_unit,
        "union_position": job.union_position,
        "pooled": job.pooled,
        "required_credentials": [c.credential_id for c in job.credentials if c.required],
        "preferred_credentials": [c.credential_id for c in job.credentials if not c.required],
        "how_to_apply": job.how_to_apply or "",
        "closes_on": job.closes_on.isoformat(),
        "reference": job.reference,
    }


def weekly_blocks(job: Job) -> list:
    """A single-agency job's weekly schedule (its lead share's blocks), which the API's
    fields do not carry: an update keeps it, as the edit page's form does."""
    if job.pooled:
        return []
    lead = next((s for s in job.shares if s.agency_id == job.agency_id), None)
    return [list(block) for block in (lead.schedule_blocks or [])] if lead else []
