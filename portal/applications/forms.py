"""Application forms: applying (with the job's screening questions), screening questions,
status changes, notes, the agency's email wording and alert preference."""

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    HiddenField,
    RadioField,
    SelectChoice,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from portal.forms import YES_NO
from portal.models.agencies import ALERT_MODES
from portal.models.applications import (
    AGENCY_STATUSES,
    MESSAGE_KINDS,
    QUESTION_KINDS,
    STATUSES,
)


class ApplyForm(FlaskForm):
    cover_note = TextAreaField(
        "Cover note",
        validators=[Length(max=5000, message="Keep it under 5,000 characters.")],
        description="Why this job, and anything the agency should know.",
    )
    submit = SubmitField("Send application")


def apply_form_for(questions) -> ApplyForm:
    """An ApplyForm with one field per screening question, named ``q_<id>``."""

    class JobApplyForm(ApplyForm):
        pass

    for question in questions:
        check = [InputRequired("Answer this question.")] if question.required else [Optional()]
        if question.kind == "yes_no":
            field = RadioField(question.text, choices=YES_NO, validators=check)
        else:
            field = StringField(
                question.text,
                validators=check
                + [Length(max=1000, message="Keep the answer under 1,000 characters.")],
            )
        setattr(JobApplyForm, f"q_{question.id}", field)
    return JobApplyForm()


def answers_of(form: ApplyForm, questions) -> dict[int, str]:
    return {q.id: form[f"q_{q.id}"].data or "" for q in questions}


class QuestionForm(FlaskForm):
    text = StringField(
        "Question", validators=[DataRequired("Write the question."), Length(max=300)]
    )
    kind = RadioField(
        "Answer",
        choices=[SelectChoice(k, v) for k, v in QUESTION_KINDS.items()],
        default="yes_no",
        validators=[InputRequired("Choose the kind of answer.")],
    )
    required = BooleanField("An answer is required", default=True)
    knockout_answer = SelectField(
        "Knock-out",
        default="",
        choices=[
            SelectChoice("", "No — every answer is reviewed"),
            SelectChoice("yes", "Yes — decline applicants who do not answer Yes"),
            SelectChoice("no", "Yes — decline applicants who do not answer No"),
        ],
        description="A knock-out question declines the application automatically when the "
        "answer is not the one you need (e.g. a required licence).",
    )
    submit = SubmitField("Save question")

    def question_data(self) -> dict:
        return {
            "text": self.text.data.strip(),
            "kind": self.kind.data,
            "required": bool(self.required.data),
            "knockout_answer": self.knockout_answer.data or None,
        }


class StatusForm(FlaskForm):
    status = SelectField(
        "Move to",
        choices=[SelectChoice(s, STATUSES[s]) for s in AGENCY_STATUSES],
        validators=[InputRequired("Choose a status.")],
    )
    message = TextAreaField(
        "Message to the applicant",
        validators=[Length(max=3000)],
        description="Added to the email the applicant receives for an interview, an offer "
        "or a decline.",
    )
    submit = SubmitField("Change status")


class BulkStatusForm(StatusForm):
    submit = SubmitField("Apply to selected")


class NoteForm(FlaskForm):
    body = TextAreaField(
        "Add a note",
        validators=[DataRequired("Write the note first."), Length(max=5000)],
        description="Seen only by your agency's staff.",
    )
    submit = SubmitField("Save note")


class MessagesForm(FlaskForm):
    received = TextAreaField(MESSAGE_KINDS["received"], validators=[Length(max=3000)])
    interview = TextAreaField(MESSAGE_KINDS["interview"], validators=[Length(max=3000)])
    offer = TextAreaField(MESSAGE_KINDS["offer"], validators=[Length(max=3000)])
    hired = TextAreaField(MESSAGE_KINDS["hired"], validators=[Length(max=3000)])
    declined = TextAreaField(MESSAGE_KINDS["declined"], validators=[Length(max=3000)])
    invitation = TextAreaField(MESSAGE_KINDS["invitation"], validators=[Length(max=3000)])
    submit = SubmitField("Save wording")


class AlertsForm(FlaskForm):
    application_alerts = RadioField(
        "Emails about new applications",
        choices=[SelectChoice(k, v) for k, v in ALERT_MODES.items()],
        validators=[InputRequired("Choose how you want to hear about applications.")],
    )
    submit = SubmitField("Save")


class MoveForm(FlaskForm):
    direction = HiddenField(validators=[DataRequired()])
