"""Account forms. Every form carries a CSRF token (Flask-WTF)."""

from flask import current_app
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, PasswordField, StringField, SubmitField
from wtforms.validators import DataRequired, Email, EqualTo, Length, ValidationError

from portal.auth.passwords import guessable_words, weakness


def password_length(form, field) -> None:
    low = current_app.config["PASSWORD_MIN_LENGTH"]
    high = current_app.config["PASSWORD_MAX_LENGTH"]
    if not low <= len(field.data or "") <= high:
        raise ValidationError(f"Use between {low} and {high} characters.")


# fields of a form whose text a password must not be built from
PERSONAL_FIELDS = ("full_name", "email", "name", "legal_name")


def password_strength(form, field) -> None:
    """Refuse a password that is common or built from the person's own details (zxcvbn,
    offline), saying why. Only a password of acceptable length is judged. The person's
    details: the form's name, email and agency fields, the signed-in user's, and any
    ``form.known_words`` a view sets (the reset page: the account's name and email)."""
    if field.errors or not field.data:
        return
    texts = [getattr(form, name).data for name in PERSONAL_FIELDS if hasattr(form, name)]
    texts += list(getattr(form, "known_words", ()))
    if current_user.is_authenticated:
        texts += [current_user.name, current_user.email]
    reason = weakness(field.data, guessable_words(*[t for t in texts if isinstance(t, str)]))
    if reason:
        raise ValidationError(reason)


def email_field(label: str = "Email address") -> EmailField:
    return EmailField(
        label,
        validators=[
            DataRequired("Enter your email address."),
            Email("Enter a valid email address, like name@example.org."),
            Length(max=254),
        ],
        render_kw={"autocomplete": "email"},
    )


def new_password_field(label: str = "Password") -> PasswordField:
    return PasswordField(
        label,
        validators=[DataRequired("Choose a password."), password_length, password_strength],
        description="12 to 128 characters, not easy to guess. A few unrelated words make a "
        "strong password.",
        render_kw={"autocomplete": "new-password"},
    )


def current_password_field(
    label: str = "Current password", message: str = "Enter your current password."
) -> PasswordField:
    """The password of the account, asked again (its strength is not judged)."""
    return PasswordField(
        label, validators=[DataRequired(message)], render_kw={"autocomplete": "current-password"}
    )


def confirm_password_field(target: str = "password") -> PasswordField:
    return PasswordField(
        "Repeat the password",
        validators=[
            DataRequired("Repeat the password."),
            EqualTo(target, "The two passwords do not match."),
        ],
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
    password = current_password_field("Password", "Enter your password.")
    remember = BooleanField("Keep me signed in")
    submit = SubmitField("Sign in")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        config = current_app.config
        self.remember.description = (
            f"Job seekers stay signed in on this device for {config['SESSION_REMEMBER_DAYS']} "
            "days; leave it unticked on a shared computer. Agency staff, HR champions and "
            f"administrators are signed out after {config['SESSION_IDLE_MINUTES_STAFF']} "
            "minutes without activity."
        )


class EmailOnlyForm(FlaskForm):
    email = email_field()
    submit = SubmitField("Send link")


class ResetPasswordForm(FlaskForm):
    password = new_password_field("New password")
    confirm = confirm_password_field()
    submit = SubmitField("Set new password")


class ChangePasswordForm(FlaskForm):
    current_password = current_password_field()
    password = new_password_field("New password")
    confirm = confirm_password_field()
    submit = SubmitField("Change password")


class ChangeEmailForm(FlaskForm):
    new_email = email_field("New email address")
    email_password = current_password_field()
    submit = SubmitField("Send confirmation link")
