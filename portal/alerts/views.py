"""Alert pages: save a search as an alert, confirm it (double opt-in), a signed-in
person's alerts, managing one from its email's link, and one-click unsubscribe."""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from portal import ratelimits
from portal.actions import commit, run_action
from portal.alerts import forms, services, tokens
from portal.alerts.describe import canonical, describe, describe_params, search_url
from portal.auth.permissions import require_role
from portal.extensions import csrf, db
from portal.forms import ConfirmForm
from portal.models import SavedSearch, SeekerProfile
from portal.search import SearchParams

bp = Blueprint("alerts", __name__)


def _own(alert_id: int) -> SavedSearch:
    """The signed-in person's alert, else 404 (another's alert is not even named)."""
    alert = db.session.get(SavedSearch, alert_id)
    if alert is None or alert.user_id != current_user.id:
        abort(404)
    return alert


@bp.route("/alerts/new", methods=["GET", "POST"])
@ratelimits.alert_signup
def new():
    params = SearchParams.from_args(request.args)
    query = canonical(params)
    signed_in = current_user.is_authenticated
    form = forms.SignedInAlertForm() if signed_in else forms.AlertForm()
    if form.validate_on_submit():
        created = run_action(
            lambda: services.create(
                frequency=form.frequency.data,
                query=query,
                email=None if signed_in else form.email.data,
                user=current_user if signed_in else None,
            ),
            errors=form.form_errors,
        )
        if created:
            if signed_in:
                return redirect(url_for("alerts.index", saved=1), 303)
            return redirect(url_for("alerts.check_email"), 303)
    return render_template(
        "alerts/new.html",
        form=form,
        description=describe_params(params),
        search_url=url_for("jobs.index", **params.to_args(page=1)),
        signed_in=signed_in,
    )


@bp.route("/alerts/check-email")
def check_email():
    return render_template("alerts/check_email.html")


@bp.route("/alerts")
@login_required
def index():
    alerts = services.for_user(current_user)
    has_profile = (
        current_user.role == "seeker"
        and db.session.query(SeekerProfile.id).filter_by(user_id=current_user.id).first()
        is not None
    )
    return render_template(
        "alerts/index.html",
        alerts=[(a, describe(a), forms.FrequencyForm(frequency=a.frequency)) for a in alerts],
        match_form=forms.MatchAlertForm() if has_profile else None,
        confirm_form=ConfirmForm(),
        search_url=search_url,
        saved=request.args.get("saved") == "1",
    )


@bp.route("/alerts/matches", methods=["POST"])
@require_role("seeker")
@ratelimits.alert_signup
def new_matches():
    form = forms.MatchAlertForm()
    if form.validate_on_submit():
        run_action(
            lambda: services.create(
                frequency=form.frequency.data,
                kind="matches",
                min_stars=form.min_stars.data,
                user=current_user,
            ),
            "Check your email: confirm the alert from the link we sent you.",
        )
    else:
        for errors in form.errors.values():
            for message in errors:
                flash(message, "danger")
    return redirect(url_for("alerts.index"), 303)


ACTIONS = {
    "pause": (services.pause, "The alert is paused: nothing is sent until you resume it."),
    "resume": (services.resume, "The alert is on again."),
    "delete": (services.remove, "The alert is deleted."),
}


@bp.route("/alerts/<int:alert_id>/<any(pause, resume, delete):action>", methods=["POST"])
@login_required
def change(alert_id: int, action: str):
    alert = _own(alert_id)
    if ConfirmForm().validate_on_submit():
        service, message = ACTIONS[action]
        run_action(lambda: service(alert), message)
    return redirect(url_for("alerts.index"), 303)


@bp.route("/alerts/<int:alert_id>/frequency", methods=["POST"])
@login_required
def frequency(alert_id: int):
    alert = _own(alert_id)
    form = forms.FrequencyForm()
    if form.validate_on_submit():
        run_action(
            lambda: services.set_frequency(alert, form.frequency.data),
            "How often the alert is sent is changed.",
        )
    return redirect(url_for("alerts.index"), 303)


@bp.route("/alerts/confirm/<token>", methods=["GET", "POST"])
def confirm(token: str):
    alert = tokens.read(token, "confirm")
    if alert is None:
        return render_template("alerts/link_dead.html"), 404
    form = ConfirmForm()
    if form.validate_on_submit() or alert.confirmed_at is not None:
        if alert.confirmed_at is None:
            services.confirm(alert)
            commit()
        return render_template(
            "alerts/confirmed.html",
            alert=alert,
            description=describe(alert),
            manage_link=services.manage_link(alert),
        )
    return render_template("alerts/confirm.html", form=form, description=describe(alert))


@bp.route("/alerts/manage/<token>", methods=["GET", "POST"])
def manage(token: str):
    """An alert's page from its email's link: works without signing in."""
    alert = tokens.read(token, "manage")
    if alert is None:
        return render_template("alerts/link_dead.html"), 404
    form = forms.FrequencyForm(frequency=alert.frequency)
    action = request.form.get("action")
    if action in ("pause", "resume"):
        if ConfirmForm().validate_on_submit():
            service, message = ACTIONS[action]
            run_action(lambda: service(alert), message)
        return redirect(url_for("alerts.manage", token=token), 303)
    if form.validate_on_submit():
        run_action(
            lambda: services.set_frequency(alert, form.frequency.data),
            "How often the alert is sent is changed.",
        )
        return redirect(url_for("alerts.manage", token=token), 303)
    return render_template(
        "alerts/manage.html",
        alert=alert,
        description=describe(alert),
        form=form,
        confirm_form=ConfirmForm(),
        unsubscribe_link=services.unsubscribe_link(alert),
    )


@bp.route("/alerts/unsubscribe/<token>", methods=["GET", "POST"])
@csrf.exempt  # RFC 8058 one-click: the mail client POSTs with no session; the token is the key
def unsubscribe(token: str):
    alert = tokens.read(token, "unsubscribe")
    if alert is None:
        return render_template("alerts/link_dead.html", unsubscribe=True), 404
    description = describe(alert)
    if request.method == "POST":
        services.remove(alert)
        commit()
        return render_template("alerts/unsubscribed.html", description=description)
    return render_template(
        "alerts/unsubscribe.html", description=description, token=token, form=ConfirmForm()
    )
