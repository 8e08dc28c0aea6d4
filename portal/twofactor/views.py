"""Two-step sign-in: set it up, the second step of signing in, recovery codes, turn it off.

GET       /account/two-step                  on or off; manage it (signed in)
GET POST  /account/two-step/setup            QR code + secret; confirm with a code
POST      /account/two-step/recovery-codes   ten new recovery codes (code or password)
POST      /account/two-step/disable          turn it off (password and a code)
GET POST  /login/verify                      "Enter the code from your app" (after the
                                             password; only a pending sign-in)
"""

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from portal.actions import commit, run_action
from portal.auth import pending, sessions
from portal.auth.permissions import safe_next
from portal.auth.services import WrongPassword
from portal.twofactor import forms, services

bp = Blueprint("twofactor", __name__)


def _overview(disable_form=None, codes_form=None, status: int = 200):
    user = current_user
    return render_template(
        "twofactor/index.html",
        left=services.recovery_codes_left(user) if user.two_step_enabled else None,
        required=user.role in ("champion", "admin"),
        disable_form=disable_form or forms.DisableForm(formdata=None),
        codes_form=codes_form or forms.RecoveryCodesForm(formdata=None),
    ), status


@bp.route("/account/two-step")
@login_required
def index():
    return _overview()


@bp.route("/account/two-step/setup", methods=["GET", "POST"])
@login_required
def setup():
    user = current_user._get_current_object()
    if user.two_step_enabled:
        flash("Two-step sign-in is already on.", "info")
        return redirect(url_for("twofactor.index"))
    services.start_setup(user)
    commit()
    form = forms.SetupForm(next=safe_next(request.args.get("next")))
    codes = []
    if form.validate_on_submit() and run_action(
        lambda: codes.extend(services.enable(user, form.code.data)), errors=form.code.errors
    ):
        sessions.start(user, remember=sessions.remembered())  # other sessions ended
        return render_template(
            "twofactor/recovery_codes.html",
            codes=codes,
            just_enabled=True,
            next=safe_next(form.next.data),
        )
    return render_template(
        "twofactor/setup.html",
        form=form,
        qr=services.qr_code_data_uri(user),
        secret=services.grouped(user.totp_secret),
    ), 400 if form.errors else 200


@bp.route("/account/two-step/recovery-codes", methods=["POST"])
@login_required
def recovery_codes():
    user = current_user._get_current_object()
    if not user.two_step_enabled:
        return redirect(url_for("twofactor.index"))
    form = forms.RecoveryCodesForm()
    if form.validate_on_submit():
        try:
            codes = services.regenerate_recovery_codes(user, form.proof.data, sessions.client_ip())
        except (services.WrongCode, services.TwoStepThrottled) as exc:
            commit()  # the wrong attempt is counted
            form.proof.errors.append(str(exc))
        else:
            commit()
            return render_template(
                "twofactor/recovery_codes.html", codes=codes, just_enabled=False, next=None
            )
    return _overview(codes_form=form, status=400)


@bp.route("/account/two-step/disable", methods=["POST"])
@login_required
def disable():
    user = current_user._get_current_object()
    if not user.two_step_enabled:
        return redirect(url_for("twofactor.index"))
    form = forms.DisableForm()
    if form.validate_on_submit():
        try:
            services.disable(user, form.password.data, form.code.data, sessions.client_ip())
        except WrongPassword as exc:
            form.password.errors.append(str(exc))
        except (services.WrongCode, services.TwoStepThrottled) as exc:
            commit()  # the wrong attempt is counted
            form.code.errors.append(str(exc))
        else:
            commit()
            flash("Two-step sign-in is off. Your recovery codes no longer work.", "success")
            return redirect(url_for("twofactor.index"))
    return _overview(disable_form=form, status=400)


@bp.route("/login/verify", methods=["GET", "POST"])
def verify():
    if current_user.is_authenticated:
        return redirect(url_for("pages.dashboard"))
    found = pending.get()
    user = pending.user(found) if found else None
    if user is None:
        pending.end()
        flash("Your sign-in has expired or ended. Please sign in again.", "info")
        return redirect(url_for("auth.login", next=found["next"] if found else None))
    with_recovery_code = request.args.get("with") == "recovery-code"
    form = forms.VerifyForm(recovery_code=with_recovery_code)
    status = 200
    if form.validate_on_submit():
        try:
            left = services.complete_sign_in(user, form.code.data, sessions.client_ip())
        except services.TwoStepThrottled as exc:
            form.form_errors.append(str(exc))
            status = 429
        except services.WrongCode as exc:
            commit()  # the wrong attempt is counted
            form.code.errors.append(str(exc))
            status = 400
        else:
            commit()
            sessions.start(user, **found["start"])
            flash(f"Welcome, {user.name}.", "success")
            if left is not None:
                flash(
                    f"You signed in with a recovery code; it cannot be used again. You have "
                    f"{left} recovery code{'' if left == 1 else 's'} left"
                    + (": make new ones on your two-step sign-in page." if left < 4 else "."),
                    "warning",
                )
            return redirect(safe_next(found["next"]) or url_for("pages.dashboard"))
    return render_template(
        "twofactor/verify.html", form=form, with_recovery_code=with_recovery_code
    ), status
