"""Pooled-position forms: a share's schedule and terms, and inviting a partner."""

from decimal import Decimal

from flask_wtf import FlaskForm
from wtforms import (
    RadioField,
    SelectChoice,
    StringField,
    SubmitField,
)
from wtforms.validators import DataRequired, InputRequired, Optional, Regexp

from portal.forms import YES_NO, AmountField, IdField, RowSelectField, community_choices
from portal.jobs.forms import cents
from portal.models.jobs import PAY_UNITS
from portal.schedules import WEEKDAYS

TIME = Regexp(r"^([01][0-9]|2[0-3]):[0-5][0-9]\Z", message="Use the 24-hour clock, e.g. 09:00.")


class ShareForm(FlaskForm):
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

    def blocks(self) -> list:
        return [
            [day, self[f"start_{day}"].data, self[f"end_{day}"].data]
            for day in range(7)
            if self[f"start_{day}"].data or self[f"end_{day}"].data
        ]

    def validate(self, extra_validators=None) -> bool:
        ok = super().validate(extra_validators)
        for day in range(7):
            start, end = self[f"start_{day}"], self[f"end_{day}"]
            if bool(start.data) != bool(end.data):
                (end if start.data else start).errors.append(
                    f"Give both the start and the end on {WEEKDAYS[day]}."
                )
                ok = False
        return ok

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
        for day, start, end in share.schedule_blocks or []:
            self[f"start_{day}"].data, self[f"end_{day}"].data = start, end


for _day, _name in enumerate(WEEKDAYS):
    setattr(
        ShareForm,
        f"start_{_day}",
        StringField(f"{_name} from", validators=[Optional(), TIME], render_kw={"type": "time"}),
    )
    setattr(
        ShareForm,
        f"end_{_day}",
        StringField(f"{_name} to", validators=[Optional(), TIME], render_kw={"type": "time"}),
    )


class InviteForm(FlaskForm):
    agency_id = IdField(validators=[DataRequired("Choose an agency.")], message="Choose an agency.")
    submit = SubmitField("Invite")
