"""Two-step sign-in forms. Every form carries a CSRF token (Flask-WTF)."""

from flask_wtf import FlaskForm
from wtforms import HiddenField, PasswordField, StringField, SubmitField
from wtforms.validators import DataRequired, Length

from portal.auth.forms import current_password_field


def code_field(
    label: str, description: str | None = None, digits_only: bool = False
) -> StringField:
    """``digits_only``: phones show a number pad, for a code from the app (a recovery code
    has letters too: a field meant for one keeps the full keyboard)."""
    render_kw = {"autocomplete": "one-time-code", "spellcheck": "false", "autocapitalize": "off"}
    if digits_only:
        render_kw["inputmode"] = "numeric"
    return StringField(
        label,
        validators=[DataRequired("Enter the code."), Length(max=32)],
        description=description,
        render_kw=render_kw,
    )


class SetupForm(FlaskForm):
    code = code_field("The 6-digit code your app shows now", digits_only=True)
    next = HiddenField()
    submit = SubmitField("Turn on two-step sign-in")


class VerifyForm(FlaskForm):
    code = code_field(
        "Code", "The 6-digit code from your app, or one of your recovery codes.", digits_only=True
    )
    submit = SubmitField("Sign in")

    def __init__(self, *args, recovery_code: bool = False, **kwargs):
        """Either kind of code is accepted; ``recovery_code`` only gives the field the full
        keyboard on phones, for the letters of a recovery code."""
        super().__init__(*args, **kwargs)
        if recovery_code:
            self.code.render_kw = {
                key: value for key, value in self.code.render_kw.items() if key != "inputmode"
            }


class DisableForm(FlaskForm):
    password = current_password_field("Your password", "Enter your password.")
    code = code_field("A code from your app", "Or one of your recovery codes.")
    submit = SubmitField("Turn off two-step sign-in")


class RecoveryCodesForm(FlaskForm):
    proof = PasswordField(
        "A code from your app, or your password",
        validators=[DataRequired("Enter a code from your app or your password.")],
        render_kw={"autocomplete": "off"},
    )
    submit = SubmitField("Make new recovery codes")
