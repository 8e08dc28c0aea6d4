"""The champion's (and admins') side of workforce returns: reporting periods (open, due
date, close, reopen, reminders) and the review of submitted returns (accept, return for
changes). Routes of the ``returns`` blueprint."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from portal.actions import run_action
from portal.auth.permissions import require_role, safe_back
from portal.extensions import db
from portal.forms import ConfirmForm
from portal.models.lmi import RETURN_STATUSES, ReportingPeriod, WorkforceReturn
from portal.returns import drafts, forms, reminders, reviewing
from portal.returns.blueprint import bp
from portal.returns.columns import COLUMNS
from portal.returns.periods import (
    change_due_date,
    close_period,
    fiscal_year_of,
    newest_first,
    open_period,
    reopen_period,
)
from portal.timeutil import today_pacific

STAFF = ("champion", "admin")


def _period(period_id: int) -> ReportingPeriod:
    return db.get_or_404(ReportingPeriod, period_id)


def _periods_page(form: forms.PeriodForm, status: int = 200):
    rows = [
        {
            "period": p,
            "counts": reviewing.status_counts(reviewing.returns_for_review(p)),
            "missing": len(reviewing.not_submitted(p)),
        }
        for p in newest_first()
    ]
    return render_template(
        "returns/periods.html",
        rows=rows,
        form=form,
        due_form=forms.DueDateForm(formdata=None),
        action_form=ConfirmForm(),
        today=today_pacific(),
    ), status


@bp.route("/returns/periods", methods=["GET", "POST"])
@require_role(*STAFF)
def periods():
    form = forms.PeriodForm()
    if form.validate_on_submit():
        opened = []
        if run_action(
            lambda: opened.append(
                open_period(form.fiscal_year.data, form.due_on.data, current_user)
            ),
            lambda: f"The reporting period {opened[0].label} is open.",
            errors=form.form_errors,
        ):
            return redirect(url_for("returns.periods"))
    elif not form.is_submitted():
        years = [p.fiscal_year for p in newest_first()]
        form.fiscal_year.data = max(years) + 1 if years else fiscal_year_of(today_pacific()) - 1
    return _periods_page(form, 400 if form.errors or form.form_errors else 200)


@bp.route("/returns/periods/<int:period_id>/due", methods=["POST"])
@require_role(*STAFF)
def change_due(period_id: int):
    period = _period(period_id)
    form = forms.DueDateForm()
    if form.validate_on_submit():
        run_action(
            lambda: change_due_date(period, form.due_on.data, current_user),
            f"Returns for {period.label} are now due on {form.due_on.data:%B %-d, %Y}.",
        )
    else:
        flash("Enter the new due date.", "danger")
    return redirect(url_for("returns.periods"))


@bp.route("/returns/periods/<int:period_id>/<any(close, reopen):action>", methods=["POST"])
@require_role(*STAFF)
def close_or_reopen(period_id: int, action: str):
    period = _period(period_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    if action == "close":
        run_action(
            lambda: close_period(period, current_user),
            f"The period {period.label} is closed: its returns are read-only.",
        )
    else:
        run_action(
            lambda: reopen_period(period, current_user),
            f"The period {period.label} is open again.",
        )
    return redirect(url_for("returns.periods"))


@bp.route("/returns/periods/<int:period_id>/remind", methods=["POST"])
@require_role(*STAFF)
def remind(period_id: int):
    period = _period(period_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    sent: list[int | None] = []
    run_action(
        lambda: sent.append(reminders.send_reminders(period, force=True)),
        lambda: (
            f"Reminders sent: {sent[0]} email{'s' if sent[0] != 1 else ''} to "
            "owners of agencies that have not submitted."
        ),
    )
    return redirect(safe_back(request.referrer, url_for("returns.periods")))


@bp.route("/returns/periods/<int:period_id>")
@require_role(*STAFF)
def period_returns(period_id: int):
    period = _period(period_id)
    status = request.args.get("status") or None
    if status not in RETURN_STATUSES or status == "draft":
        status = None
    latest = reviewing.returns_for_review(period)
    returns = [v for v in latest if status is None or v.status == status]
    return render_template(
        "returns/period.html",
        period=period,
        status=status,
        returns=returns,
        counts=reviewing.status_counts(latest),
        line_counts=reviewing.line_counts(returns),
        missing=reviewing.not_submitted(period),
        action_form=ConfirmForm(),
    )


def _submitted(return_id: int) -> WorkforceReturn:
    """A version the champion may see: anything but a draft (an agency's own work)."""
    wreturn = db.get_or_404(WorkforceReturn, return_id)
    if wreturn.status == "draft":
        abort(404)
    return wreturn


def _review_page(wreturn: WorkforceReturn, form: forms.SendBackForm, status: int = 200):
    versions = [
        v for v in drafts.versions_of(wreturn.agency_id, wreturn.period_id) if v.status != "draft"
    ]
    reviewable = (
        wreturn.period.is_open
        and wreturn.status in ("submitted", "held")
        and versions[0].id == wreturn.id
    )
    return render_template(
        "returns/review.html",
        wreturn=wreturn,
        agency=wreturn.agency,
        period=wreturn.period,
        versions=versions,
        form=form,
        reviewable=reviewable,
        action_form=ConfirmForm(),
        columns=COLUMNS,
    ), status


@bp.route("/returns/<int:return_id>")
@require_role(*STAFF)
def review(return_id: int):
    return _review_page(_submitted(return_id), forms.SendBackForm(formdata=None))


@bp.route("/returns/<int:return_id>/accept", methods=["POST"])
@require_role(*STAFF)
def accept(return_id: int):
    wreturn = _submitted(return_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    run_action(
        lambda: reviewing.accept(wreturn, current_user),
        f"{wreturn.agency.name}'s return (version {wreturn.version}) is accepted.",
    )
    return redirect(url_for("returns.review", return_id=wreturn.id))


@bp.route("/returns/<int:return_id>/send-back", methods=["POST"])
@require_role(*STAFF)
def send_back(return_id: int):
    wreturn = _submitted(return_id)
    form = forms.SendBackForm()
    if not form.validate_on_submit():
        return _review_page(wreturn, form, 400)
    run_action(
        lambda: reviewing.send_back(wreturn, form.comment.data, current_user),
        f"The return is sent back to {wreturn.agency.name} with your comment.",
    )
    return redirect(url_for("returns.review", return_id=wreturn.id))
