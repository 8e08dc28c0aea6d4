"""Account forms. Every form carries a CSRF token (Flask-WTF)."""

from flask import current_app
from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField, StringField, SubmitField
from wtforms.validators import DataRequired, Email, EqualTo, Length, ValidationError


def password_length(form, field) -> None:
    low = current_app.config["PASSWORD_MIN_LENGTH"]
    high = current_app.config["PASSWORD_MAX_LENGTH"]
    if not low <= len(field.data or "") <= high:
        raise ValidationError(f"Use between {low} and {high} characters.")


def email_field(label: str = "Email address") -> EmailField:
    return EmailField(
        label,
        validators=[DataRequired("Enter your email address."),
                    Email("Enter a valid email address, like name@example.org."),
                    Length(max=254)],
        render_kw={"autocomplete": "email"},
    )


def new_password_field(label: str = "Password") -> PasswordField:
    return PasswordField(
        label,
        validators=[DataRequired("Choose a password."), password_length],
        description="12 to 128 characters. A few unrelated words make a strong password.",
        render_kw={"autocomplete": "new-password"},
    )


def confirm_password_field(target: str = "password") -> PasswordField:
    return PasswordField(
        "Repeat the password",
        validators=[DataRequired("Repeat the password."),
                    EqualTo(target, "The two passwords do not match.")],
        render_kw={"autocomplete": "new-password"},
    )


class AccountFields(FlaskForm):
    full_name = StringField(
        "Your name",
        validators=[DataRequired("Enter your name."), Length(max=120)],
        render_kw={"autocomplete": "name"},
    )
    email = email_field()
    password = new_password_field()
    confirm = confirm_password_field()


class RegisterForm(AccountFields):
    submit = SubmitField("Create account")


class LoginForm(FlaskForm):
    email = email_field()
    password = PasswordField(
        "Password",
        validators=[DataRequired("Enter your password.")],
        render_kw={"autocomplete": "current-password"},
    )
    submit = SubmitField("Sign in")


class EmailOnlyForm(FlaskForm):
    email = email_field()
    submit = SubmitField("Send link")


class ResetPasswordForm(FlaskForm):
    password = new_password_field("New password")
    confirm = confirm_password_field()
    submit = SubmitField("Set new password")


class ChangePasswordForm(FlaskForm):
    current_password = PasswordField(
        "Current password",
        validators=[DataRequired("Enter your current password.")],
        render_kw={"autocomplete": "current-password"},
    )
    password = new_password_field("New password")
    confirm = confirm_password_field()
    submit = SubmitField("Change password")


class ChangeEmailForm(FlaskForm):
    new_email = email_field("New email address")
    email_password = PasswordField(
        "Current password",
        validators=[DataRequired("Enter your current password.")],
        render_kw={"autocomplete": "current-password"},
    )
    submit = SubmitField("Send confirmation link")


class ConfirmForm(FlaskForm):
    """A form with nothing but its CSRF token (logout, one-click actions)."""

    submit = SubmitField("Confirm")
