"""The form of the personal access token pages (``portal.api.token_views``)."""

from flask_wtf import FlaskForm
from wtforms import RadioField, SelectChoice, StringField, SubmitField
from wtforms.validators import DataRequired, Length, ValidationError

from portal import numbers
from portal.api.tokens import LIFETIMES
from portal.forms import CheckboxesField, Needed
from portal.models.integrations import TOKEN_SCOPES

DEFAULT_DAYS = 90


class TokenForm(FlaskForm):
    name = StringField(
        "Name",
        validators=[
            DataRequired("Give the token a name, e.g. the system that will use it."),
            Length(max=100, message="The name can be at most 100 characters long."),
        ],
        description="What will use it, e.g. “HR system”: so you can tell your tokens apart.",
    )
    scopes = CheckboxesField(
        "What it may do",
        choices=[SelectChoice(key, f"{key} — {text}") for key, text in TOKEN_SCOPES.items()],
        validators=[Needed()],  # validate_scopes says so when none is ticked
        description="Give it only what the system needs.",
    )
    days = RadioField(
        "It stops working after",
        choices=[SelectChoice(days, label) for days, label in LIFETIMES.items()],
        coerce=numbers.coerce_whole,
        default=DEFAULT_DAYS,
        validators=[DataRequired("Choose how long the token lasts.")],
    )
    submit = SubmitField("Create token")

    def validate_scopes(self, field) -> None:
        if not field.data:
            raise ValidationError("Choose at least one thing the token may do.")
