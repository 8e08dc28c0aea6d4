"""Sign up, sign in and out, confirm email, reset and change password and email."""

from flask import Blueprint, flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_required, logout_user

from portal import numbers, ratelimits
from portal.actions import commit, run_action
from portal.auth import forms, pending, services, sessions
from portal.auth.permissions import safe_next
from portal.errors import PortalError
from portal.extensions import db, login_manager
from portal.forms import ConfirmForm

bp = Blueprint("auth", __name__)

login_manager.login_view = "auth.login"
login_manager.login_message = "Please sign in to see that page."
login_manager.login_message_category = "info"


@login_manager.user_loader
def load_user(user_id: str):
    """The cookie holds "id:session_version"; an old version means the session has ended."""
    from portal.models import User

    ident, _, version = user_id.partition(":")
    ident, version = numbers.to_id(ident), numbers.whole(version)
    if ident is None or version is None:
        return None
    user = db.session.get(User, ident)
    if user is None or user.session_version != version:
        return None
    return user


# Anyone -------------------------------------------------------------------------------


@bp.route("/register", methods=["GET", "POST"])
@ratelimits.register
def register():
    if current_user.is_authenticated:
        return redirect(url_for("pages.dashboard"))
    form = forms.RegisterForm()
    if form.validate_on_submit():
        # a registered address gets the same page; its owner is told by email
        services.register_or_notify(form.full_name.data, form.email.data, form.password.data)
        commit()
        return redirect(url_for("auth.check_email", email=form.email.data))
    return render_template("auth/register.html", form=form)


@bp.route("/register/check-email")
def check_email():
    return render_template(
        "auth/check_email.html",
        email=request.args.get("email", ""),
        form=forms.EmailOnlyForm(email=request.args.get("email", "")),
    )


@bp.route("/confirm/<token>")
def confirm_email(token: str):
    user = services.confirm_email(token)
    if user is None:
        flash(
            "This confirmation link is invalid, already used or expired. Ask for a new one below.",
            "danger",
        )
        return redirect(url_for("auth.resend_confirmation"))
    commit()
    flash("Thank you — your email address is confirmed. You can sign in now.", "success")
    return redirect(url_for("auth.login"))


@bp.route("/confirm", methods=["GET", "POST"])
@ratelimits.confirmation_resend
def resend_confirmation():
    form = forms.EmailOnlyForm()
    if form.validate_on_submit():
        services.resend_confirmation(form.email.data)
        commit()
        flash("If that address has an unconfirmed account, we have sent a new link.", "info")
        return redirect(url_for("auth.login"))
    return render_template("auth/resend_confirmation.html", form=form)


@bp.route("/login", methods=["GET", "POST"])
def login():
    if current_user.is_authenticated:
        return redirect(url_for("pages.dashboard"))
    form = forms.LoginForm()
    if form.validate_on_submit():
        try:
            user = services.authenticate(form.email.data, form.password.data, sessions.client_ip())
        except services.LoginThrottled as exc:
            form.form_errors.append(str(exc))
            return render_template("auth/login.html", form=form), 429
        commit()
        if user is None:
            form.form_errors.append("The email address or password is not correct.")
        elif not user.email_confirmed:
            form.form_errors.append(
                "Please confirm your email address first: use the link we emailed you."
            )
            return render_template("auth/login.html", form=form, offer_resend=True)
        elif user.two_step_enabled:  # the password is right: now the code from the app
            pending.begin(user, safe_next(request.args.get("next")), remember=form.remember.data)
            return redirect(url_for("twofactor.verify"))
        else:
            sessions.start(user, remember=form.remember.data)
            flash(f"Welcome, {user.name}.", "success")
            return redirect(safe_next(request.args.get("next")) or url_for("pages.dashboard"))
    return render_template("auth/login.html", form=form)


@bp.route("/logout", methods=["POST"])
@login_required
def logout():
    form = ConfirmForm()
    if form.validate_on_submit():
        services.end_sessions(current_user)
        commit()
        logout_user()
        session.clear()
        flash("You are signed out.", "info")
    return redirect(url_for("pages.home"))


@bp.route("/forgot", methods=["GET", "POST"])
@ratelimits.password_reset
def forgot_password():
    form = forms.EmailOnlyForm()
    if form.validate_on_submit():
        services.request_password_reset(form.email.data)
        commit()
        flash(
            "If an account uses that address, we have emailed a link to reset the "
            "password. The link works once, for one hour.",
            "info",
        )
        return redirect(url_for("auth.login"))
    return render_template("auth/forgot.html", form=form)


@bp.route("/reset/<token>", methods=["GET", "POST"])
def reset_password(token: str):
    found = services.find_token(token, "reset_password")
    if found is None:
        flash("This reset link is invalid, already used or expired. Ask for a new one.", "danger")
        return redirect(url_for("auth.forgot_password"))
    form = forms.ResetPasswordForm()
    form.known_words = [found.user.name, found.user.email]  # not guessable from these
    if form.validate_on_submit():
        services.reset_password(token, form.password.data)
        commit()
        logout_user()
        flash("Your password is changed. Sign in with the new one.", "success")
        return redirect(url_for("auth.login"))
    return render_template("auth/reset.html", form=form)


# Signed in ----------------------------------------------------------------------------


@bp.route("/account")
@login_required
def account():
    return render_template(
        "auth/account.html",
        password_form=forms.ChangePasswordForm(),
        email_form=forms.ChangeEmailForm(),
    )


@bp.route("/account/password", methods=["POST"])
@login_required
def change_password():
    form = forms.ChangePasswordForm()
    if form.validate_on_submit() and run_action(
        lambda: services.change_password(
            current_user, form.current_password.data, form.password.data
        ),
        errors=form.current_password.errors,
    ):
        sessions.start(current_user._get_current_object(), remember=sessions.remembered())
        flash("Your password is changed. Other devices have been signed out.", "success")
        return redirect(url_for("auth.account"))
    return render_template(
        "auth/account.html", password_form=form, email_form=forms.ChangeEmailForm(formdata=None)
    ), 400


@bp.route("/account/email", methods=["POST"])
@ratelimits.email_change
@login_required
def change_email():
    form = forms.ChangeEmailForm()
    if form.validate_on_submit() and run_action(
        lambda: services.request_email_change(
            current_user, form.email_password.data, form.new_email.data
        ),
        f"We sent a confirmation link to {form.new_email.data}. Your address "
        "changes when you open it.",
        category="info",
        errors={
            services.WrongPassword: form.email_password.errors,
            PortalError: form.new_email.errors,
        },
    ):
        return redirect(url_for("auth.account"))
    return render_template(
        "auth/account.html", email_form=form, password_form=forms.ChangePasswordForm(formdata=None)
    ), 400


@bp.route("/account/email/confirm/<token>")
def confirm_email_change(token: str):
    run_action(lambda: services.confirm_email_change(token), "Your email address is changed.")
    return redirect(
        url_for("auth.account") if current_user.is_authenticated else url_for("auth.login")
    )
