"""Privacy forms: confirming the deletion of one's account. Every form carries a CSRF
token (Flask-WTF)."""

from flask_wtf import FlaskForm
from wtforms import SubmitField

from portal.auth.forms import current_password_field
from portal.twofactor.forms import code_field


class DeleteAccountForm(FlaskForm):
    password = current_password_field("Your password", "Enter your password.")
    submit = SubmitField("Delete my account")


class DeleteAccountTwoStepForm(DeleteAccountForm):
    """For an account with two-step sign-in on: a code as well."""

    code = code_field(
        "A code from your app",
        "The 6-digit code your app shows now, or one of your recovery codes.",
    )


def delete_form(user) -> DeleteAccountForm:
    return DeleteAccountTwoStepForm() if user.two_step_enabled else DeleteAccountForm()
