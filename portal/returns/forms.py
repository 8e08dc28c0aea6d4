"""Workforce return forms: a line, the CSV upload, submission, periods and the review."""

from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from sqlalchemy import select
from wtforms import (
    BooleanField,
    DateField,
    HiddenField,
    SelectChoice,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange

from portal.extensions import db
from portal.forms import Conditional, Needed, WholeNumberField
from portal.models import Occupation, Region
from portal.models.lmi import BARGAINING_STATUSES, EMPLOYMENT_STATUSES
from portal.returns import validation
from portal.returns.columns import COLUMNS, KEY_COLUMNS


class LineForm(FlaskForm):
    """One line; numbers are text fields parsed by ``validation.parse_line`` (the CSV's
    rules), so a bad value is shown back as typed with a plain message."""

    submit = SubmitField("Save line")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        occupations = db.session.scalars(select(Occupation).order_by(Occupation.noc_code)).all()
        regions = db.session.scalars(select(Region).order_by(Region.name)).all()
        self.occupation.choices = [SelectChoice("", "Choose an occupation…")] + [
            SelectChoice(o.noc_code, o.label) for o in occupations
        ]
        self.region.choices = [SelectChoice("", "Choose a region…")] + [
            SelectChoice(r.code, r.name) for r in regions
        ]
        self.codes = validation.Codes(
            frozenset(o.noc_code for o in occupations), frozenset(r.code for r in regions)
        )
        self.values: dict = {}

    def validate(self, extra_validators=None) -> bool:
        ok = super().validate(extra_validators)
        raw = {name: self[name].data for name in (c.name for c in COLUMNS)}
        self.values, errors = validation.parse_line(raw, self.codes)
        for name, message in errors.items():
            self[name].errors = [*self[name].errors, message]
        return ok and not errors

    def load(self, values: dict) -> None:
        for name, text in validation.as_text(values).items():
            self[name].data = text


def _number_field(column) -> StringField:
    """A figure of the line: a count or the FTE is needed to submit the return (a blank is
    not a zero, though a draft may keep it), pay is all three percentiles or none."""
    step = {"count": "1", "fte": "0.01", "pay": "0.01"}[column.kind]
    return StringField(
        column.label,
        validators=[Conditional() if column.kind == "pay" else Needed()],
        render_kw={
            "type": "number",
            "min": "0",
            "step": step,
            "inputmode": "numeric" if column.kind == "count" else "decimal",
        },
    )


# the key of the line: ``validation.parse_line`` refuses a blank
LineForm.occupation = SelectField(
    "Occupation (NOC 2021)", validate_choice=False, validators=[Needed()]
)
LineForm.region = SelectField("Region", validate_choice=False, validators=[Needed()])
LineForm.employment_status = SelectField(
    "Employment status",
    validate_choice=False,
    validators=[Needed()],
    choices=[SelectChoice("", "Choose…")]
    + [SelectChoice(k, v) for k, v in EMPLOYMENT_STATUSES.items()],
)
LineForm.bargaining_status = SelectField(
    "Bargaining status",
    validate_choice=False,
    validators=[Needed()],
    choices=[SelectChoice("", "Choose…")]
    + [SelectChoice(k, v) for k, v in BARGAINING_STATUSES.items()],
)
for _column in COLUMNS:
    if _column.name not in KEY_COLUMNS:
        setattr(LineForm, _column.name, _number_field(_column))


class UploadForm(FlaskForm):
    file = FileField(
        "CSV file",
        validators=[Needed()],  # the view says so when none is sent
        render_kw={"accept": ".csv,text/csv"},
    )
    submit = SubmitField("Upload and replace the lines")


class SubmitForm(FlaskForm):
    confirm_warnings = BooleanField("I checked the warnings above: the numbers are right")
    warnings_seen = HiddenField()  # validation.fingerprint of the warnings on the page
    submit = SubmitField("Submit the return")


class PeriodForm(FlaskForm):
    fiscal_year = WholeNumberField(
        "Fiscal year (April 1 to March 31), by the year it starts",
        message="Enter a year such as 2025.",
        validators=[
            InputRequired("Enter the year the fiscal year starts, e.g. 2025."),
            NumberRange(min=2000, max=2100, message="Enter a year such as 2025."),
        ],
    )
    due_on = DateField("Returns due on", validators=[DataRequired("Enter the due date.")])
    submit = SubmitField("Open the period")


class DueDateForm(FlaskForm):
    due_on = DateField("Due on", validators=[DataRequired("Enter the due date.")])
    submit = SubmitField("Change")


class SendBackForm(FlaskForm):
    comment = TextAreaField(
        "What should the agency change? (emailed to its owners)",
        validators=[DataRequired("Say what the agency should change."), Length(max=5000)],
        render_kw={"rows": 3},
    )
    submit = SubmitField("Return for changes")
