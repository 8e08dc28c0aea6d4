"""Two-step sign-in forms. Every form carries a CSRF token (Flask-WTF)."""

from flask_wtf import FlaskForm
from wtforms import HiddenField, PasswordField, StringField, SubmitField
from wtforms.validators import DataRequired, Length


def code_field(label: str, description: str | None = None) -> StringField:
    return StringField(
        label,
        validators=[DataRequired("Enter the code."), Length(max=32)],
        description=description,
        render_kw={"autocomplete": "one-time-code", "spellcheck": "false",
                   "autocapitalize": "off"},
    )


def password_field() -> PasswordField:
    return PasswordField(
        "Your password",
        validators=[DataRequired("Enter your password.")],
        render_kw={"autocomplete": "current-password"},
    )


class SetupForm(FlaskForm):
    code = code_field("The 6-digit code your app shows now")
    next = HiddenField()
    submit = SubmitField("Turn on two-step sign-in")


class VerifyForm(FlaskForm):
    code = code_field("Code", "The 6-digit code from your app, or one of your recovery codes.")
    submit = SubmitField("Sign in")


class DisableForm(FlaskForm):
    password = password_field()
    code = code_field("A code from your app", "Or one of your recovery codes.")
    submit = SubmitField("Turn off two-step sign-in")


class RecoveryCodesForm(FlaskForm):
    proof = PasswordField(
        "A code from your app, or your password",
        validators=[DataRequired("Enter a code from your app or your password.")],
        render_kw={"autocomplete": "off"},
    )
    submit = SubmitField("Make new recovery codes")
