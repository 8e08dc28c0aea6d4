"""Admin forms."""

from flask_wtf import FlaskForm
from wtforms import SubmitField, TextAreaField
from wtforms.validators import Length, Optional

from portal.forms import Conditional


class AgencyDecisionForm(FlaskForm):
    reason = TextAreaField(
        "Reason (the agency sees this; required to reject or suspend)",
        validators=[Optional(), Conditional(), Length(max=2000)],
    )
    approve = SubmitField("Approve")
    reject = SubmitField("Reject")
    suspend = SubmitField("Suspend")

    def action(self) -> str | None:
        for name in ("approve", "reject", "suspend"):
            if getattr(self, name).data:
                return name
        return None
