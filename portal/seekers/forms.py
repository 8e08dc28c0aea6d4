"""Seeker forms: the profile, its visibility, the résumé upload."""

from decimal import Decimal

from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    BooleanField,
    DateField,
    RadioField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import Length, Optional, ValidationError

from portal import numbers
from portal.forms import (
    AmountField,
    CheckboxesField,
    Conditional,
    community_choices,
    credential_choices,
    occupation_choices,
    region_choices,
)
from portal.jobs.services import HOURLY_MAX_CENTS
from portal.models import SeekerProfile
from portal.models.jobs import PAY_UNITS
from portal.models.seekers import DAY_PARTS, HOURS_WANTED, RECOGNITION_STATUSES, VISIBILITIES
from portal.seekers.services import foreign_credentials, listed_credential_ids

WEEKDAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
DAY_PART_LABELS = {"morning": "Morning", "day": "Day", "evening": "Evening", "night": "Night"}
FOREIGN_ROWS = 3
# hourly expectations above this are almost surely annual amounts typed as hourly
MAX_HOURLY = Decimal(HOURLY_MAX_CENTS) / 100  # the most a job may post an hour
MAX_ANNUAL = Decimal(400000)


class PlainDateField(DateField):
    def process_formdata(self, valuelist):
        try:
            super().process_formdata(valuelist)
        except ValueError as exc:
            raise ValueError("Enter the date as YYYY-MM-DD, e.g. 2026-09-01.") from exc


def slot_value(weekday: int, part: str) -> str:
    return f"{weekday}-{part}"


class ProfileForm(FlaskForm):
    headline = StringField(
        "Headline",
        validators=[Length(max=200, message="Keep the headline under 200 characters.")],
        description="One line agencies see first, e.g. “Community support worker, 5 years in "
        "group homes”.",
    )
    summary = TextAreaField(
        "About you",
        validators=[Length(max=5000, message="Keep this under 5,000 characters.")],
        render_kw={"rows": 6},
    )
    occupations = CheckboxesField("Occupations you want", coerce=numbers.coerce_whole)
    regions = CheckboxesField("Regions where you want to work", coerce=numbers.coerce_whole)
    communities = SelectMultipleField(
        "Communities where you want to work",
        coerce=numbers.coerce_whole,
        description="Hold Ctrl (Cmd on a Mac) to choose several.",
        render_kw={"size": 10},
    )
    hours_wanted = RadioField(
        "Hours wanted", choices=[SelectChoice(k, v) for k, v in HOURS_WANTED.items()], default="any"
    )
    pay_expectation = AmountField(
        "Pay expectation ($)",
        places=2,
        validators=[Optional()],
        description="Agencies see it; leave it empty to discuss later.",
    )
    pay_unit = RadioField(
        "Pay is", choices=[SelectChoice(k, v) for k, v in PAY_UNITS.items()], default="hourly"
    )
    willing_to_travel = BooleanField("I am willing to travel for work")
    languages = StringField(
        "Languages you speak",
        validators=[Length(max=300, message="Keep this under 300 characters.")],
        description="e.g. English, Punjabi, some French",
    )
    availability = SelectMultipleField(
        "When you can work",
        choices=[
            SelectChoice(slot_value(day, part), f"{name} {part}")
            for day, name in enumerate(WEEKDAY_NAMES)
            for part in DAY_PARTS
        ],
    )
    earliest_start = PlainDateField(
        "Earliest start date",
        validators=[Optional()],
        description="Leave empty if you can start now.",
    )
    credentials = CheckboxesField("Credentials you hold", coerce=numbers.coerce_whole)
    submit = SubmitField("Save profile")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.occupations.choices = occupation_choices()
        self.regions.choices = region_choices()
        self.communities.choices = community_choices()
        self.credentials.choices = credential_choices()
        for _name, _country, _recognition, listed in self.foreign_rows(with_listed=True):
            listed.choices = [SelectChoice(0, "Not on the list")] + self.credentials.choices

    def foreign_rows(self, with_listed: bool = False) -> list[tuple]:
        """(name, country, recognition) fields of each "earned outside Canada" row, and
        with ``with_listed`` the credential of the portal's list it is."""
        return [
            (
                self[f"foreign_{n}_name"],
                self[f"foreign_{n}_country"],
                self[f"foreign_{n}_recognition"],
            )
            + ((self[f"foreign_{n}_credential"],) if with_listed else ())
            for n in range(1, FOREIGN_ROWS + 1)
        ]

    def validate_pay_expectation(self, field) -> None:
        amount = field.data
        if amount is None:  # not a number: AmountField already says so
            return
        if not amount.is_finite() or amount <= 0:
            raise ValidationError("Enter an amount above zero, or leave it empty.")
        if self.pay_unit.data == "hourly" and amount > MAX_HOURLY:
            raise ValidationError(
                f"That is more than ${MAX_HOURLY:,.0f} an hour: if it is a yearly amount, "
                "choose “Annual”."
            )
        if amount > MAX_ANNUAL:
            raise ValidationError("Enter a pay expectation of at most $400,000 a year.")

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        for name, country, recognition in self.foreign_rows():
            if not any(f.data for f in (name, country, recognition)):
                continue
            if not (name.data or "").strip():
                name.errors.append("Enter the name of the credential.")
            if not (country.data or "").strip():
                country.errors.append("Enter the country where you earned it.")
            if not recognition.data:
                recognition.errors.append("Choose where its recognition in BC stands.")
            valid = valid and not (name.errors or country.errors or recognition.errors)
        return valid

    def profile_data(self) -> dict:
        pay = self.pay_expectation.data
        return {
            "headline": (self.headline.data or "").strip(),
            "summary": (self.summary.data or "").strip(),
            "occupation_ids": list(self.occupations.data or []),
            "region_ids": list(self.regions.data or []),
            "community_ids": list(self.communities.data or []),
            "hours_wanted": self.hours_wanted.data,
            "pay_expectation_cents": int(pay * 100) if pay is not None else None,
            "pay_unit": self.pay_unit.data,
            "willing_to_travel": bool(self.willing_to_travel.data),
            "languages": (self.languages.data or "").strip(),
            "availability": [
                (int(day), part)
                for day, part in (value.split("-") for value in self.availability.data or [])
            ],
            "earliest_start": self.earliest_start.data,
            "credential_ids": list(self.credentials.data or []),
            "foreign_credentials": [
                {
                    "name": (name.data or "").strip(),
                    "country": (country.data or "").strip(),
                    "recognition": recognition.data,
                    "credential_id": listed.data or None,
                }
                for name, country, recognition, listed in self.foreign_rows(with_listed=True)
                if (name.data or "").strip()
            ],
        }

    def load(self, profile: SeekerProfile) -> None:
        """Fill the form from the saved profile (a GET)."""
        for name in (
            "headline",
            "summary",
            "hours_wanted",
            "pay_unit",
            "willing_to_travel",
            "languages",
            "earliest_start",
        ):
            getattr(self, name).data = getattr(profile, name)
        self.occupations.data = [o.id for o in profile.occupations]
        self.regions.data = [r.id for r in profile.regions]
        self.communities.data = [c.id for c in profile.communities]
        self.pay_expectation.data = (
            Decimal(profile.pay_expectation_cents) / 100
            if profile.pay_expectation_cents is not None
            else None
        )
        self.availability.data = [slot_value(day, part) for day, part in profile.availability or []]
        self.credentials.data = listed_credential_ids(profile)
        for (name, country, recognition, listed), held in zip(
            self.foreign_rows(with_listed=True), foreign_credentials(profile), strict=False
        ):
            name.data, country.data = held.name, held.country
            recognition.data = held.recognition or ""
            listed.data = held.credential_id or 0


RECOGNITION_CHOICES = [SelectChoice("", "Choose…")] + [
    SelectChoice(k, v) for k, v in RECOGNITION_STATUSES.items()
]
for _n in range(1, FOREIGN_ROWS + 1):
    setattr(
        ProfileForm,
        f"foreign_{_n}_name",
        StringField(f"Credential {_n} earned outside Canada: name", validators=[Length(max=200)]),
    )
    setattr(
        ProfileForm,
        f"foreign_{_n}_country",
        # needed once the row's name is given (see validate)
        StringField(f"Credential {_n}: country", validators=[Conditional(), Length(max=100)]),
    )
    setattr(
        ProfileForm,
        f"foreign_{_n}_recognition",
        SelectField(
            f"Credential {_n}: recognition in BC",
            choices=RECOGNITION_CHOICES,
            default="",
            validators=[Conditional()],
        ),
    )
    setattr(
        ProfileForm,
        f"foreign_{_n}_credential",
        SelectField(
            f"Credential {_n}: which credential of our list it is",
            coerce=numbers.coerce_whole,
            default=0,
            description="Once recognised in BC, it counts as that credential.",
        ),
    )


class VisibilityForm(FlaskForm):
    visibility = RadioField(
        "Who can see your profile",
        choices=[SelectChoice(k, v) for k, v in VISIBILITIES.items()],
        default="private",
    )
    consent = BooleanField("I have read the statement above and I agree to it")
    submit = SubmitField("Save visibility")

    def validate_visibility(self, field) -> None:
        if field.data not in VISIBILITIES:
            raise ValidationError("Choose private or visible to approved agencies.")

    def validate_consent(self, field) -> None:
        if self.visibility.data == "agencies" and not field.data:
            raise ValidationError("Tick the box to agree, or keep your profile private.")


class ResumeForm(FlaskForm):
    file = FileField(
        "Résumé file (PDF or Word .docx, up to 5 MB)",
        validators=[FileRequired("Choose your résumé file.")],
        render_kw={
            "accept": ".pdf,.docx,application/pdf,application/"
            "vnd.openxmlformats-officedocument."
            "wordprocessingml.document"
        },
    )
    submit = SubmitField("Upload résumé")


class ConsentRenewalForm(FlaskForm):
    """The answer to a new version of the consent statement: one of two buttons."""

    agree = SubmitField("Agree and keep my profile visible")
    hide = SubmitField("Keep my profile hidden")

    def validate(self, extra_validators=None) -> bool:
        if not super().validate(extra_validators):
            return False
        if not (self.agree.data or self.hide.data):
            self.form_errors.append("Choose one of the two buttons.")
            return False
        return True
