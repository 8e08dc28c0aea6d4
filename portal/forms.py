"""Forms and form fields shared by every feature's forms: numbers read the one way of
``portal.numbers`` (ASCII digits, within the column's range, finite), checkboxes, a
form that is nothing but its CSRF token, and how the ``field`` macro marks a field required
or optional (``requirement``).

A value that is not such a number leaves the field's ``data`` as None and puts a plain
message next to the field; the page shows the value as typed (``raw_data``).
"""

from decimal import Decimal

from flask_wtf import FlaskForm
from sqlalchemy import select
from wtforms import (
    BooleanField,
    DecimalField,
    Field,
    HiddenField,
    IntegerField,
    RadioField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
)
from wtforms.validators import DataRequired, Optional, Regexp, StopValidation
from wtforms.widgets import CheckboxInput, ListWidget

from portal import numbers
from portal.extensions import db
from portal.models import Community, Credential, Occupation, Region
from portal.schedules import WEEKDAYS

# pay is stored in integer cents: the largest amount in dollars an INTEGER column holds
MAX_DOLLARS = Decimal(numbers.INT_MAX) / 100
YES_NO = [SelectChoice("yes", "Yes"), SelectChoice("no", "No")]


def occupation_choices() -> list[SelectChoice]:
    """Occupations in NOC code order."""
    occupations = db.session.scalars(select(Occupation).order_by(Occupation.noc_code))
    return [SelectChoice(o.id, o.label) for o in occupations]


def region_choices() -> list[SelectChoice]:
    return [
        SelectChoice(r.id, r.name) for r in db.session.scalars(select(Region).order_by(Region.name))
    ]


def credential_choices() -> list[SelectChoice]:
    return [
        SelectChoice(c.id, c.name)
        for c in db.session.scalars(select(Credential).order_by(Credential.name))
    ]


def community_choices() -> list[SelectChoice]:
    """Communities grouped by development region (rendered as <optgroup>s)."""
    rows = db.session.execute(
        select(Community.id, Community.name, Region.name)
        .join(Community.region)
        .order_by(Region.name, Community.name)
    )
    return [
        SelectChoice(community_id, name, optgroup=region) for community_id, name, region in rows
    ]


class Needed:
    """Marks a field the person must fill in when no validator of its own refuses a blank
    (a check of the whole form does, e.g. ``validation.parse_line``): the ``field`` macro
    gives it ``aria-required``, the widget ``required``. Checks nothing itself."""

    field_flags = {"required": True}

    def __call__(self, form, field) -> None:
        return None


class Conditional:
    """Marks a field that is needed or not depending on another answer (a CSSEA division
    only for members, the hours only without a weekly schedule): the ``field`` macro marks
    it neither required nor optional, so its label or description must say when it is
    needed. Checks nothing itself: the form's own check does."""

    field_flags = {"conditional": True}

    def __call__(self, form, field) -> None:
        return None


def requirement(field: Field) -> str | None:
    """How the ``field`` macro marks ``field``: "required" (``aria-required="true"``),
    "optional" ("(optional)" after its label) or None (neither).

    Required: a ``DataRequired``, ``InputRequired`` (or ``FileRequired``) validator, or
    ``Needed``. Neither: hidden fields and buttons; a ``Conditional`` field; a lone tick box
    (on or off: there is nothing to leave out); a radio group that always has an answer (one
    is ticked by default); and the fields of a form whose ``Meta`` says
    ``mark_optional = False`` (a search or filter form: every filter is optional). Optional:
    every other field."""
    if getattr(field.widget, "input_type", None) in ("hidden", "submit"):
        return None
    if field.flags.conditional:
        return None
    if field.flags.required:
        return "required"
    if isinstance(field, BooleanField):
        return None
    if isinstance(field, RadioField) and field.default is not None:
        return None
    if not getattr(field.meta, "mark_optional", True):
        return None
    return "optional"


class _TypedNumber:
    """How the number fields read what was typed: a blank is "no value" (for
    ``InputRequired`` or ``Optional`` to judge), anything else goes to the field's ``read``
    (None: not a number, and ``refusal`` says why next to the field)."""

    def refusal(self, text: str) -> str:
        return self.message

    def process_formdata(self, valuelist):
        if not valuelist:
            return
        text = valuelist[0] if isinstance(valuelist[0], str) else ""
        if not text.strip():
            self.data = None
            return
        self.data = self.read(text)
        if self.data is None:
            raise ValueError(self.refusal(text))

    def pre_validate(self, form):
        if self.process_errors:  # not a number: its message alone, not the range's as well
            raise StopValidation()


class NumberField(_TypedNumber, DecimalField):
    """A finite decimal number (e.g. hours per week) typed as plain digits with an optional
    sign and point, no larger than ``high`` either way; a blank is "no value". Validators
    judge the range the form needs (``NumberRange``, "above zero"...): the field only keeps
    out what is not a number."""

    def __init__(
        self,
        label=None,
        validators=None,
        high: Decimal | int = numbers.INT_MAX,
        message: str = "Enter a number, e.g. 37.5.",
        **kwargs,
    ):
        super().__init__(label, validators, **kwargs)
        self.high, self.message = Decimal(high), message

    def read(self, text: str) -> Decimal | None:
        return numbers.decimal(text, -self.high, self.high)

    def refusal(self, text: str) -> str:
        too_large = numbers.decimal(text, Decimal("-1e30"), Decimal("1e30")) is not None
        return f"Enter at most {self.high:,f}." if too_large else self.message


class AmountField(NumberField):
    """A dollar amount (pay), no larger either way than integer cents can hold (the form's
    own checks refuse a negative or implausible amount with their message)."""

    def __init__(
        self,
        label=None,
        validators=None,
        message: str = "Enter the amount as a number, e.g. 28.50 or 62000.",
        high: Decimal | int = MAX_DOLLARS,
        **kwargs,
    ):
        super().__init__(label, validators, high=high, message=message, **kwargs)


class WholeNumberField(_TypedNumber, IntegerField):
    """A whole number in ``low``..``high`` (ASCII digits); a blank is "no value"."""

    def __init__(
        self,
        label=None,
        validators=None,
        low: int = 0,
        high: int = numbers.INT_MAX,
        message: str = "Enter a whole number.",
        **kwargs,
    ):
        super().__init__(label, validators, **kwargs)
        self.low, self.high, self.message = low, high, message

    def read(self, text: str) -> int | None:
        return numbers.whole(text, self.low, self.high)


class IdField(HiddenField):
    """A hidden field holding an id (1..2147483647); anything else is a field error."""

    def __init__(self, label=None, validators=None, message: str = "Choose one.", **kwargs):
        super().__init__(label, validators, **kwargs)
        self.message = message

    def process_formdata(self, valuelist):
        if not valuelist:
            return
        self.data = numbers.to_id(valuelist[0])
        if self.data is None:
            raise ValueError(self.message)


class RowSelectField(SelectField):
    """A drop-down choosing one row by its id; ``required`` is the message shown when none
    is chosen (a placeholder choice 0 counts as none)."""

    def __init__(self, label=None, validators=None, required: str | None = None, **kwargs):
        if required:
            validators = [DataRequired(required), *(validators or [])]
        super().__init__(label, validators, coerce=numbers.coerce_whole, **kwargs)


class CheckboxesField(SelectMultipleField):
    """A multiple choice shown as a list of checkboxes."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class ConfirmForm(FlaskForm):
    """A form with nothing but its CSRF token (logout, one-click actions)."""

    submit = SubmitField("Confirm")


SCHEDULE_TIME = Regexp(
    r"^([01][0-9]|2[0-3]):[0-5][0-9]\Z", message="Use the 24-hour clock, e.g. 09:00."
)


class WeeklySchedule:
    """A form part for a weekly schedule: one block per weekday, fields ``start_<day>`` and
    ``end_<day>`` (day 0 = Monday) added by ``weekly_schedule``. ``portal.schedules`` judges
    the blocks; ``check_days`` only refuses a day with a start but no end (or the reverse)."""

    def blocks(self) -> list:
        return [
            [day, self[f"start_{day}"].data, self[f"end_{day}"].data]
            for day in range(7)
            if self[f"start_{day}"].data or self[f"end_{day}"].data
        ]

    def check_days(self) -> bool:
        ok = True
        for day in range(7):
            start, end = self[f"start_{day}"], self[f"end_{day}"]
            if bool(start.data) != bool(end.data):
                (end if start.data else start).errors.append(
                    f"Give both the start and the end on {WEEKDAYS[day]}."
                )
                ok = False
        return ok

    def load_blocks(self, blocks: list | None) -> None:
        for day, start, end in blocks or []:
            self[f"start_{day}"].data, self[f"end_{day}"].data = start, end


def weekly_schedule(form_class):
    """Class decorator: give a ``WeeklySchedule`` form its 14 time fields."""
    for day, name in enumerate(WEEKDAYS):
        for prefix, word in (("start", "from"), ("end", "to")):
            setattr(
                form_class,
                f"{prefix}_{day}",
                StringField(
                    f"{name} {word}",
                    # the fieldset says the schedule is optional; a day needs both times
                    validators=[Optional(), Conditional(), SCHEDULE_TIME],
                    render_kw={"type": "time"},
                ),
            )
    return form_class
