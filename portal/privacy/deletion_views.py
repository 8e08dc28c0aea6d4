"""Deleting one's account: ``GET /account/delete`` says what happens now and what later,
``POST`` deletes it once the password (and a two-step code, when on) is right, signs
this session out and goes to the home page. Any signed-in person; refused with a reason
for an agency's only owner, administrators and HR champions (``portal.privacy.deletion``)."""

from flask import current_app, flash, redirect, render_template, session, url_for
from flask_login import current_user, login_required, logout_user

from portal.actions import commit
from portal.auth import sessions
from portal.auth.services import WrongPassword
from portal.extensions import db
from portal.privacy import deletion, forms
from portal.privacy.blueprint import bp
from portal.twofactor.services import TwoStepThrottled, WrongCode


@bp.route("/account/delete", methods=["GET", "POST"], endpoint="delete")
@login_required
def delete_page():
    user = current_user._get_current_object()  # the User, not the proxy
    form = forms.delete_form(user)
    refusal = deletion.why_cannot_delete(user)
    if form.is_submitted() and refusal:
        form.form_errors.append(refusal)
    elif form.validate_on_submit():
        code = form.code.data if hasattr(form, "code") else None
        try:
            deletion.delete_confirmed(user, form.password.data, code, sessions.client_ip())
        except WrongPassword as exc:
            db.session.rollback()
            form.password.errors.append(f"{exc} Nothing was deleted.")
        except (WrongCode, TwoStepThrottled) as exc:
            commit()  # only the wrong code is kept (counted against guessing)
            form.code.errors.append(f"{exc} Nothing was deleted.")
        else:
            commit()
            logout_user()
            session.clear()
            flash(
                "Your account is deleted and you are signed out. We have emailed you what "
                "happened and when the rest of your data goes.",
                "success",
            )
            return redirect(url_for("pages.home"))
    return render_template(
        "privacy/delete.html",
        form=form,
        refusal=refusal,
        effects=deletion.preview(user) if not refusal else None,
        purge_days=current_app.config["PRIVACY_PURGE_AFTER_DAYS"],
        keep_days=current_app.config["HIRING_RECORDS_KEEP_DAYS"],
    ), 400 if form.is_submitted() else 200
