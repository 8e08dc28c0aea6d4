"""The webhook endpoint form."""

from flask_wtf import FlaskForm
from wtforms import SelectChoice, StringField, SubmitField
from wtforms.validators import DataRequired, Length

from portal.forms import CheckboxesField
from portal.models.integrations import WEBHOOK_EVENTS
from portal.webhooks.urls import EXAMPLE, MAX_LENGTH


class EndpointForm(FlaskForm):
    url = StringField(
        "Endpoint URL",
        validators=[
            DataRequired(f"Enter the URL of your endpoint, e.g. {EXAMPLE}."),
            Length(max=MAX_LENGTH, message=f"The URL can be at most {MAX_LENGTH} characters long."),
        ],
        description=f"Your system's address that receives the events, e.g. {EXAMPLE}.",
        render_kw={"type": "url", "autocomplete": "off", "spellcheck": "false"},
    )
    events = CheckboxesField(
        "Events to send",  # the field macro adds "(choose at least one)"
        choices=[
            SelectChoice(name, f"{name} — {meaning}") for name, meaning in WEBHOOK_EVENTS.items()
        ],
        validators=[DataRequired("Choose at least one event.")],
    )
    submit = SubmitField("Add the endpoint")
