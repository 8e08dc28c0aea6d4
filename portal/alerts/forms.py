"""The alert forms: save a search (with an email address when not signed in), change
how often, the "jobs that match my profile" alert, and the admin's bounce form."""

from flask_wtf import FlaskForm
from wtforms import RadioField, SelectChoice, SelectField, StringField, SubmitField
from wtforms.validators import DataRequired, Length, Optional

from portal import numbers
from portal.alerts.services import STAR_CHOICES
from portal.auth.forms import email_field
from portal.models.alerts import FREQUENCIES

FREQUENCY_CHOICES = [SelectChoice(value, label) for value, label in FREQUENCIES.items()]


def frequency_field() -> RadioField:
    return RadioField(
        "How often",
        choices=FREQUENCY_CHOICES,
        default="daily",
        validators=[DataRequired("Choose how often to get the email.")],
    )


class AlertForm(FlaskForm):
    email = email_field("Your email address")
    frequency = frequency_field()
    submit = SubmitField("Email me new jobs like these")


class SignedInAlertForm(FlaskForm):
    frequency = frequency_field()
    submit = SubmitField("Email me new jobs like these")


class MatchAlertForm(FlaskForm):
    min_stars = SelectField(
        "Jobs that match my profile with at least",
        choices=[SelectChoice(n, f"{n} stars") for n in STAR_CHOICES],
        coerce=numbers.coerce_whole,
        default=4,
        validators=[DataRequired("Choose 3, 4 or 5 stars.")],
    )
    frequency = frequency_field()
    submit = SubmitField("Email me matching jobs")


class FrequencyForm(FlaskForm):
    frequency = SelectField(
        "How often", choices=FREQUENCY_CHOICES, validators=[DataRequired("Choose how often.")]
    )
    submit = SubmitField("Change")


class BounceForm(FlaskForm):
    email = email_field("Address that bounced or complained")
    reason = StringField("Reason", validators=[Optional(), Length(max=200)])
    submit = SubmitField("Stop alerts to this address")
