"""Pre-qualified list forms."""

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
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

from portal import numbers
from portal.forms import (
    YES_NO,
    CheckboxesField,
    IdField,
    RowSelectField,
    WholeNumberField,
    credential_choices,
    occupation_choices,
    region_choices,
)
from portal.models.applications import QUESTION_KINDS
from portal.models.prequal import LIST_VISIBILITIES
from portal.prequal import services
from portal.prequal.services import LIST_FIELDS

MAX_QUESTIONS = 5
MAX_REASON = 2000


class ListForm(FlaskForm):
    name = StringField(
        "Name of the list",
        validators=[DataRequired("Name the list."), Length(max=200)],
        description="e.g. New graduates 2027 — Vancouver Island",
    )
    description = TextAreaField(
        "Who it is for and how screening works",
        validators=[Length(max=5000)],
        render_kw={"rows": 4},
    )
    occupation_ids = CheckboxesField("Occupations", coerce=numbers.coerce_whole)
    region_ids = CheckboxesField("Regions", coerce=numbers.coerce_whole)
    credential_ids = CheckboxesField("Credentials members must hold", coerce=numbers.coerce_whole)
    intake_opens_on = DateField("Intake opens", validators=[DataRequired("Enter a date.")])
    intake_closes_on = DateField("Intake closes", validators=[DataRequired("Enter a date.")])
    membership_months = WholeNumberField(
        "Membership lasts (months)",
        default=12,
        message="Enter a number of months, e.g. 12.",
        validators=[
            InputRequired("Enter a number of months."),
            NumberRange(min=1, max=36, message="Between 1 and 36 months."),
        ],
    )
    visibility = RadioField(
        "Who may see qualified members",
        choices=[SelectChoice(k, v) for k, v in LIST_VISIBILITIES.items()],
        default="partners",
        validators=[DataRequired("Choose who may see members.")],
    )
    submit = SubmitField("Save list")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.occupation_ids.choices = occupation_choices()
        self.region_ids.choices = region_choices()
        self.credential_ids.choices = credential_choices()

    def validate(self, extra_validators=None) -> bool:
        ok = super().validate(extra_validators)
        opens, closes = self.intake_opens_on.data, self.intake_closes_on.data
        if opens and closes and closes < opens:
            self.intake_closes_on.errors.append("The intake cannot close before it opens.")
            ok = False
        return ok

    def questions(self) -> list:
        found = []
        for n in range(MAX_QUESTIONS):
            text = (self[f"q{n}_text"].data or "").strip()
            if text:
                found.append(
                    {
                        "text": text,
                        "kind": self[f"q{n}_kind"].data or "yes_no",
                        "required": bool(self[f"q{n}_required"].data),
                    }
                )
        return found

    def list_data(self) -> dict:
        return {
            "name": self.name.data.strip(),
            "description": (self.description.data or "").strip(),
            "occupation_ids": self.occupation_ids.data or [],
            "region_ids": self.region_ids.data or [],
            "credential_ids": self.credential_ids.data or [],
            "intake_opens_on": self.intake_opens_on.data,
            "intake_closes_on": self.intake_closes_on.data,
            "membership_months": self.membership_months.data,
            "visibility": self.visibility.data,
            "questions": self.questions(),
        }

    def load(self, plist) -> None:
        for name in LIST_FIELDS:
            self[name].data = getattr(plist, name)
        self.occupation_ids.data = [o.id for o in plist.occupations]
        self.region_ids.data = [r.id for r in plist.regions]
        self.credential_ids.data = [c.id for c in plist.credentials]
        for n, question in enumerate(plist.questions[:MAX_QUESTIONS]):
            self[f"q{n}_text"].data = question["text"]
            self[f"q{n}_kind"].data = question["kind"]
            self[f"q{n}_required"].data = question["required"]


for _n in range(MAX_QUESTIONS):
    setattr(
        ListForm,
        f"q{_n}_text",
        StringField(f"Question {_n + 1}", validators=[Optional(), Length(max=300)]),
    )
    setattr(
        ListForm,
        f"q{_n}_kind",
        SelectField(
            f"Question {_n + 1}: answer",
            default="yes_no",
            choices=[SelectChoice(k, v) for k, v in QUESTION_KINDS.items()],
        ),
    )
    setattr(ListForm, f"q{_n}_required", BooleanField(f"Question {_n + 1}: required", default=True))


class JoinForm(FlaskForm):
    consent = BooleanField("I agree to share my profile and résumé as described above")
    submit = SubmitField("Apply to join")


def join_form_for(questions) -> JoinForm:
    class ListJoinForm(JoinForm):
        pass

    for index, question in enumerate(questions):
        check = (
            [InputRequired("Answer this question.")] if question.get("required") else [Optional()]
        )
        field = (
            RadioField(question["text"], choices=YES_NO, validators=check)
            if question["kind"] == "yes_no"
            else StringField(question["text"], validators=check + [Length(max=1000)])
        )
        setattr(ListJoinForm, f"a_{index}", field)
    return ListJoinForm()


class DecideForm(FlaskForm):
    """Qualify or decline one applicant, ``who`` (named in the messages: the screening page
    holds one form per applicant). Qualifying needs no reason; declining does, as the
    applicant sees it."""

    decision = RadioField(
        "Decision",
        choices=[SelectChoice("qualify", "Qualify"), SelectChoice("decline", "Decline")],
        validate_choice=False,  # checked below, with the applicant's name
    )
    reason = TextAreaField(
        "Reason (required when declining; the applicant sees it)",
        validators=[
            Length(max=MAX_REASON, message=f"Keep the reason to {MAX_REASON} characters or fewer.")
        ],
        render_kw={"rows": 2},
    )
    submit = SubmitField("Save decision")

    def __init__(self, *args, who: str = "this applicant", **kwargs):
        super().__init__(*args, **kwargs)
        self.who = who

    def validate_decision(self, field):
        if field.data not in ("qualify", "decline"):
            raise ValidationError(f"Choose qualify or decline for {self.who}.")

    def validate_reason(self, field):
        if self.decision.data == "decline" and not (field.data or "").strip():
            raise ValidationError(services.decline_reason_needed(self.who))


class PartnerForm(FlaskForm):
    agency_id = IdField(validators=[DataRequired("Choose an agency.")], message="Choose an agency.")


class InviteForm(FlaskForm):
    job_id = RowSelectField("Job", required="Choose a job.")
    message = TextAreaField("Message", validators=[Length(max=2000)], render_kw={"rows": 2})
    submit = SubmitField("Send invitation")
