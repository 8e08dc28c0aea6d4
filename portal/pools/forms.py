"""Pooled-position forms: a share's schedule and terms, and inviting a partner."""

from decimal import Decimal

from flask_wtf import FlaskForm
from wtforms import (
    RadioField,
    SelectChoice,
    SubmitField,
)
from wtforms.validators import DataRequired, InputRequired

from portal.forms import (
    YES_NO,
    AmountField,
    IdField,
    RowSelectField,
    WeeklySchedule,
    community_choices,
    weekly_schedule,
)
from portal.jobs.forms import cents
from portal.models.jobs import PAY_UNITS


@weekly_schedule
class ShareForm(WeeklySchedule, FlaskForm):
    community_id = RowSelectField("Where the work is", required="Choose the community.")
    pay_min = AmountField(
        "Pay from ($)", places=2, validators=[InputRequired("Enter the lowest pay of the range.")]
    )
    pay_max = AmountField(
        "Pay to ($)", places=2, validators=[InputRequired("Enter the highest pay of the range.")]
    )
    pay_unit = RadioField(
        "Pay is",
        choices=[SelectChoice(k, v) for k, v in PAY_UNITS.items()],
        default="hourly",
        validators=[DataRequired("Choose hourly or annual.")],
    )
    unionized = RadioField(
        "Is your share a union position?",
        choices=YES_NO,
        validators=[DataRequired("Say whether the share is unionized.")],
    )
    submit = SubmitField("Save our share")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.community_id.choices = [SelectChoice(0, "Choose a community…")] + community_choices()

    def validate(self, extra_validators=None) -> bool:
        ok = super().validate(extra_validators)
        return self.check_days() and ok

    def share_data(self) -> dict:
        return {
            "schedule_blocks": self.blocks(),
            "community_id": self.community_id.data,
            "pay_min_cents": cents(self.pay_min.data),
            "pay_max_cents": cents(self.pay_max.data),
            "pay_unit": self.pay_unit.data,
            "unionized": self.unionized.data == "yes",
        }

    def load(self, share) -> None:
        self.community_id.data = share.community_id
        self.pay_min.data = Decimal(share.pay_min_cents) / 100
        self.pay_max.data = Decimal(share.pay_max_cents) / 100
        self.pay_unit.data = share.pay_unit
        self.unionized.data = "yes" if share.unionized else "no"
        self.load_blocks(share.schedule_blocks)


class InviteForm(FlaskForm):
    agency_id = IdField(validators=[DataRequired("Choose an agency.")], message="Choose an agency.")
    submit = SubmitField("Invite")
