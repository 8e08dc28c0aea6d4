"""Job forms."""

from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    DateField,
    HiddenField,
    RadioField,
    SelectChoice,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    ValidationError,
)

from portal import numbers, schedules
from portal.forms import (
    YES_NO,
    AmountField,
    CheckboxesField,
    Conditional,
    Needed,
    NumberField,
    RowSelectField,
    WeeklySchedule,
    community_choices,
    credential_choices,
    occupation_choices,
    weekly_schedule,
)
from portal.jobs.services import MAX_OPEN_DAYS, check_pay
from portal.models.jobs import EMPLOYMENT_TYPES, PAY_UNITS
from portal.timeutil import today_pacific


def cents(value: Decimal | None) -> int:
    return int((value or Decimal(0)) * 100)


@dataclass(frozen=True)
class JobChoices:
    """The reference lists a job form chooses from (three queries). A form built for each
    job of a batch (``portal.jobs.intake``) shares one load instead of repeating them."""

    occupations: tuple[SelectChoice, ...]
    communities: tuple[SelectChoice, ...]
    credentials: tuple[SelectChoice, ...]

    @classmethod
    def load(cls) -> "JobChoices":
        return cls(
            tuple(occupation_choices()), tuple(community_choices()), tuple(credential_choices())
        )


@weekly_schedule
class JobForm(WeeklySchedule, FlaskForm):
    """A job posting. A single-agency job may give a weekly schedule (``start_<day>``,
    ``end_<day>``: one block per weekday); then the hours per week must agree with it, or,
    left empty, are taken from it. A pooled job's shares have their own schedules."""

    title = StringField(
        "Job title", validators=[DataRequired("Enter the job title."), Length(max=200)]
    )
    occupation_id = RowSelectField("Occupation (NOC 2021)", required="Choose the occupation.")
    community_id = RowSelectField("Community", required="Choose where the work is.")
    employment_type = SelectField(
        "Employment type",
        choices=[SelectChoice(k, v) for k, v in EMPLOYMENT_TYPES.items()],
        validators=[DataRequired("Choose the employment type.")],
    )
    hours_per_week = NumberField(
        "Hours per week",
        places=1,
        message="Enter the hours as a number, e.g. 37.5.",
        validators=[
            Optional(),  # may come from the weekly schedule: see validate()
            Conditional(),
            NumberRange(min=1, max=80, message="Enter between 1 and 80 hours."),
        ],
        description="Leave empty to count them from the weekly schedule.",
    )
    schedule = StringField(
        "Schedule",
        validators=[Length(max=300)],
        description="e.g. Monday to Friday, 8:30 am – 4:30 pm; or rotating "
        "shifts including weekends.",
    )
    pay_min = AmountField(
        "Pay from ($)", places=2, validators=[InputRequired("Enter the lowest pay of the range.")]
    )
    pay_max = AmountField(
        "Pay to ($)",
        places=2,
        validators=[InputRequired("Enter the highest pay of the range.")],
        description="BC's pay-transparency law requires a pay range on every posting.",
    )
    pay_unit = RadioField(
        "Pay is",
        choices=[SelectChoice(k, v) for k, v in PAY_UNITS.items()],
        default="hourly",
        validators=[DataRequired("Choose hourly or annual.")],
    )
    pooled = BooleanField(
        "Pooled position: partner agencies add their own part-time shares",
        description="Each partner sets its own hours, schedule, site and pay; seekers see one "
        "job with the combined hours. Invite partners after saving the draft.",
    )
    union_position = RadioField(
        "Is this a union position?",
        choices=YES_NO,
        validators=[DataRequired("Say whether the position is unionized.")],
    )
    required_credentials = CheckboxesField(
        "Credentials the job requires", coerce=numbers.coerce_whole
    )
    preferred_credentials = CheckboxesField("Preferred credentials", coerce=numbers.coerce_whole)
    description = TextAreaField(
        "Description",
        validators=[DataRequired("Describe the job."), Length(max=20000)],
        description="Markdown: **bold**, *italic*, lists starting with “- ”, headings with “## ”. "
        "HTML is removed.",
        render_kw={"rows": 12},
    )
    how_to_apply = TextAreaField(
        "How to apply", validators=[Length(max=5000)], render_kw={"rows": 3}
    )
    closes_on = DateField(
        "Closing date", validators=[DataRequired("Enter a closing date (YYYY-MM-DD).")]
    )
    reference = StringField(
        "Your reference",
        validators=[Optional(), Length(max=60)],
        description="Your own requisition number, shown in feeds for your HR system",
    )
    version_id = HiddenField()
    save = SubmitField("Save draft")
    preview = SubmitField("Save and preview")
    publish = SubmitField("Save and publish")

    def __init__(self, *args, choices: "JobChoices | None" = None, **kwargs):
        """``choices``: the lists of a batch of jobs, loaded once (``JobChoices.load``);
        a page's form loads them itself."""
        super().__init__(*args, **kwargs)
        choices = choices or JobChoices.load()
        self.occupation_id.choices = [
            SelectChoice(0, "Choose an occupation…"),
            *choices.occupations,
        ]
        self.community_id.choices = [SelectChoice(0, "Choose a community…"), *choices.communities]
        self.required_credentials.choices = list(choices.credentials)
        self.preferred_credentials.choices = list(choices.credentials)

    def validate(self, extra_validators=None) -> bool:
        ok = super().validate(extra_validators)
        times = [self[f"{part}_{day}"] for day in range(7) for part in ("start", "end")]
        if not self.check_days() or any(f.errors for f in times):
            return False
        blocks = self.blocks()
        hours = self.hours_per_week
        if blocks:
            for block in blocks:  # a day's own problem goes next to that day
                problem = schedules.check_blocks([block])
                if problem:
                    self[f"end_{block[0]}"].errors.append(problem)
                    return False
            problem = schedules.check_blocks(blocks)
            if problem:
                self.form_errors.append(problem)
                return False
            if not hours.errors:
                counted = schedules.hours(blocks)
                typed = None if hours.data is None else float(hours.data)
                problem = schedules.check_hours(blocks, typed)
                if problem:
                    hours.errors.append(problem)
                    return False
                if typed is None and not 1 <= counted <= 80:
                    hours.errors.append(
                        f"The weekly schedule adds up to {counted:g} hours; "
                        "a job has between 1 and 80 hours a week."
                    )
                    return False
        elif hours.data is None and not hours.errors:
            hours.errors.append("Enter the hours per week (or fill in the weekly schedule).")
            return False
        return ok

    def validate_pay_max(self, field) -> None:
        if self.pay_min.data is None or field.data is None or not self.pay_unit.data:
            return
        problem = check_pay(cents(self.pay_min.data), cents(field.data), self.pay_unit.data)
        if problem:
            raise ValidationError(problem)

    def validate_closes_on(self, field) -> None:
        if field.data and field.data > today_pacific() + timedelta(days=MAX_OPEN_DAYS):
            raise ValidationError(f"A posting can stay open at most {MAX_OPEN_DAYS} days.")

    def validate_preferred_credentials(self, field) -> None:
        both = set(field.data or []) & set(self.required_credentials.data or [])
        if both:
            raise ValidationError("A credential cannot be both required and preferred.")

    def job_data(self) -> dict:
        return {
            "title": self.title.data.strip(),
            "description": self.description.data.strip(),
            "occupation_id": self.occupation_id.data,
            "community_id": self.community_id.data,
            "employment_type": self.employment_type.data,
            "hours_per_week": (
                schedules.hours(self.blocks())
                if self.hours_per_week.data is None
                else float(self.hours_per_week.data)
            ),
            "schedule": (self.schedule.data or "").strip(),
            "schedule_blocks": self.blocks(),
            "pay_min_cents": cents(self.pay_min.data),
            "pay_max_cents": cents(self.pay_max.data),
            "pay_unit": self.pay_unit.data,
            "union_position": self.union_position.data == "yes",
            "pooled": bool(self.pooled.data),
            "how_to_apply": (self.how_to_apply.data or "").strip(),
            "closes_on": self.closes_on.data,
            "reference": (self.reference.data or "").strip() or None,
            "required_credentials": list(self.required_credentials.data or []),
            "preferred_credentials": list(self.preferred_credentials.data or []),
        }

    def load(self, job) -> None:
        """Fill the form from a saved job (first GET of the edit page)."""
        for name in (
            "title",
            "description",
            "occupation_id",
            "community_id",
            "employment_type",
            "schedule",
            "pay_unit",
            "how_to_apply",
            "closes_on",
            "version_id",
            "pooled",
            "reference",
        ):
            getattr(self, name).data = getattr(job, name)
        self.hours_per_week.data = Decimal(str(job.hours_per_week))
        self.pay_min.data = Decimal(job.pay_min_cents) / 100
        self.pay_max.data = Decimal(job.pay_max_cents) / 100
        self.union_position.data = "yes" if job.union_position else "no"
        lead = next((s for s in job.shares if s.agency_id == job.agency_id), None)
        if lead and not job.pooled:
            self.load_blocks(lead.schedule_blocks)
        self.required_credentials.data = [c.credential_id for c in job.credentials if c.required]
        self.preferred_credentials.data = [
            c.credential_id for c in job.credentials if not c.required
        ]


class ExtendForm(FlaskForm):
    closes_on = DateField(
        "New closing date", validators=[DataRequired("Enter the new closing date.")]
    )
    submit = SubmitField("Extend")


class UnpublishForm(FlaskForm):
    reason = TextAreaField(
        "Reason (the agency sees it)",
        validators=[DataRequired("Give a reason: the agency will see it."), Length(max=2000)],
    )
    submit = SubmitField("Unpublish")


class ImportForm(FlaskForm):
    """A CSV file of jobs (``portal.jobs.imports``), checked before anything is created."""

    file = FileField(
        "CSV file",
        validators=[Needed()],  # the view says so when none is sent
        render_kw={"accept": ".csv,text/csv"},
    )
    publish = RadioField(
        "Once the file is checked, create the jobs as",
        choices=[
            SelectChoice("draft", "Drafts: check each one and publish it later"),
            SelectChoice("publish", "Published jobs: in search at once"),
        ],
        default="draft",
        validators=[DataRequired("Choose drafts or published jobs.")],
    )
    submit = SubmitField("Upload and check")
