"""Jobs that arrive as plain values rather than through the job form — the JSON API and
the bulk CSV import — are judged by the same ``JobForm``, so a posting has one set of rules
whichever way it comes in. ``check(values)`` gives the service's job data, or the problems
field by field (named as the values were)."""

from dataclasses import dataclass, field

from werkzeug.datastructures import MultiDict

from portal.jobs.forms import JobChoices, JobForm

# the values a job is given as: name -> what it holds (the docs of the API and the CSV)
FIELDS = {
    "title": "Job title (up to 200 characters)",
    "description": "Description, Markdown (up to 20,000 characters)",
    "occupation_id": "Occupation id (/api/v1/occupations)",
    "community_id": "Community id (/api/v1/communities)",
    "employment_type": "full_time, part_time, casual or temporary",
    "hours_per_week": "Hours per week, 1 to 80",
    "schedule": "Schedule in words (up to 300 characters)",
    "pay_min": "Lowest pay, dollars (e.g. 26.50 or 52000)",
    "pay_max": "Highest pay, dollars",
    "pay_unit": "hourly or annual",
    "union_position": "true or false",
    "pooled": "true or false: partner agencies add their own shares",
    "required_credentials": "Credential ids the job requires (/api/v1/credentials)",
    "preferred_credentials": "Credential ids preferred",
    "how_to_apply": "How to apply (up to 5,000 characters)",
    "closes_on": "Closing date, YYYY-MM-DD",
    "reference": "Your own reference, e.g. the requisition number (up to 60 characters)",
}
_TRUE = {"true", "yes", "1", "y"}
_FALSE = {"false", "no", "0", "n", ""}


@dataclass
class Checked:
    data: dict | None  # the job data for jobs.services, when there were no problems
    errors: dict[str, list[str]] = field(default_factory=dict)  # field -> messages


def check(values: dict, choices: JobChoices | None = None) -> Checked:
    """Judge a job given as ``FIELDS`` values (strings, numbers, booleans or lists).
    ``choices``: the form's reference lists, loaded once for a batch of jobs."""
    unknown = sorted(set(values) - set(FIELDS))
    if unknown:
        return Checked(None, {name: ["Not a field of a job."] for name in unknown})
    with_nul = sorted(name for name, value in values.items() if _has_nul(value))
    if with_nul:  # never typed text, and PostgreSQL cannot store it
        return Checked(
            None, {name: ["A NUL character (\\u0000) is not text."] for name in with_nul}
        )
    form = JobForm(formdata=_formdata(values), meta={"csrf": False}, choices=choices)
    if not form.validate():
        return Checked(None, _errors(form))
    return Checked(form.job_data())  # with the form's reference (stripped, or None)


def _has_nul(value) -> bool:
    if isinstance(value, list | tuple):
        return any(_has_nul(item) for item in value)
    return isinstance(value, str) and "\x00" in value


def _formdata(values: dict) -> MultiDict:
    pairs: list[tuple[str, str]] = []
    for name, value in values.items():
        if name in ("union_position", "pooled"):
            pairs.extend(_flag(name, value))
        elif isinstance(value, list | tuple):
            pairs.extend((name, str(item)) for item in value)
        elif value is not None:
            pairs.append((name, str(value)))
    return MultiDict(pairs)


def _flag(name: str, value) -> list[tuple[str, str]]:
    text = str(value).strip().lower() if value is not None else ""
    if name == "union_position":  # a yes/no question: a missing answer is an error
        answer = "yes" if text in _TRUE else "no" if text in _FALSE - {""} else text
        return [(name, answer)] if answer else []
    return [(name, "y")] if text in _TRUE else []


def _errors(form: JobForm) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for name, messages in form.errors.items():
        if name is None:  # form-wide (the weekly schedule)
            found.setdefault("schedule", []).extend(messages)
        elif name.startswith(("start_", "end_")):
            found.setdefault("schedule", []).extend(messages)
        else:
            found[name] = list(messages)
    return found
