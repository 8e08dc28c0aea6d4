"""Agencies fill in and submit their workforce returns; the champion runs the periods and
reviews returns (``portal/returns/review.py``).

Agency routes act for the agency the user works for (``require_membership``): an id in a
URL that belongs to another agency is 404. Owners and recruiters alike may prepare and
submit."""

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy.exc import IntegrityError

from portal.actions import run_action
from portal.agencies.permissions import current_membership, require_membership
from portal.auth.permissions import require_role
from portal.extensions import db
from portal.forms import ConfirmForm
from portal.models import Occupation, Region
from portal.models.lmi import (
    BARGAINING_STATUSES,
    EMPLOYMENT_STATUSES,
    ReportingPeriod,
    ReturnLine,
    WorkforceReturn,
)
from portal.returns import csvfile, drafts, forms, periods, reviewing, validation
from portal.returns.blueprint import bp
from portal.returns.columns import COLUMNS


@bp.app_template_global("workforce_return_due")
def workforce_return_due(agency_id: int) -> ReportingPeriod | None:
    """For the agency home's "Waiting for you": the period it has yet to report for."""
    return reviewing.due_for(agency_id)


def _own_return(return_id: int):
    """The return, if it belongs to the agency the user acts for; else 404."""
    membership = require_membership()
    wreturn = db.get_or_404(WorkforceReturn, return_id)
    if wreturn.agency_id != membership.agency_id:
        abort(404)
    return membership, wreturn


def _own_line(wreturn: WorkforceReturn, line_id: int) -> ReturnLine:
    line = db.get_or_404(ReturnLine, line_id)
    if line.return_id != wreturn.id:
        abort(404)
    return line


def _to_version(wreturn: WorkforceReturn, anchor: str | None = None):
    return redirect(url_for("returns.version", return_id=wreturn.id, _anchor=anchor))


# --- the agency's periods and versions --------------------------------------------------


@bp.route("/agency/returns")
@login_required
def agency_index():
    membership = require_membership()
    rows = [
        {"period": period, "versions": drafts.versions_of(membership.agency_id, period.id)}
        for period in periods.newest_first()
    ]
    return render_template(
        "returns/agency_index.html", agency=membership.agency, rows=rows, action_form=ConfirmForm()
    )


@bp.route("/agency/returns/periods/<int:period_id>/draft", methods=["POST"])
@login_required
def start(period_id: int):
    membership = require_membership()
    period = db.get_or_404(ReportingPeriod, period_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    started = []
    try:
        if not run_action(
            lambda: started.append(drafts.start_draft(membership.agency, period, current_user))
        ):
            return redirect(url_for("returns.agency_index"))
    except IntegrityError:  # a colleague started the draft at the same moment
        db.session.rollback()
        started = [drafts.draft_of(membership.agency_id, period.id) or abort(409)]
    return _to_version(started[0])


def _error_rows(wreturn: WorkforceReturn, errors) -> set[int]:
    """The rows of the lines table (a line's row as in ``validation.row_place``) with errors."""
    wheres = {p.where for p in errors}
    first = validation.FIRST_ROW
    return {
        n for n in range(first, first + len(wreturn.lines)) if validation.row_place(n) in wheres
    }


def _version_page(
    membership, wreturn: WorkforceReturn, upload_form=None, upload_errors=None, status: int = 200
):
    errors, warnings = drafts.check(wreturn) if wreturn.status == "draft" else ([], [])
    versions = drafts.versions_of(wreturn.agency_id, wreturn.period_id)
    returned = (
        next(
            (
                v
                for v in versions
                if v.status == "returned" and v.review_comment and v.version < wreturn.version
            ),
            None,
        )
        if wreturn.status == "draft"
        else None
    )
    return render_template(
        "returns/version.html",
        wreturn=wreturn,
        agency=wreturn.agency,
        period=wreturn.period,
        membership=membership,
        errors=errors,
        warnings=warnings,
        versions=versions,
        error_rows=_error_rows(wreturn, errors),
        returned=returned,
        has_draft=any(v.status == "draft" for v in versions),
        upload_form=upload_form or forms.UploadForm(),
        upload_errors=upload_errors or [],
        submit_form=forms.SubmitForm(warnings_seen=validation.fingerprint(warnings)),
        action_form=ConfirmForm(),
        columns=COLUMNS,
    ), status


@bp.route("/agency/returns/<int:return_id>")
@login_required
def version(return_id: int):
    membership, wreturn = _own_return(return_id)
    return _version_page(membership, wreturn)


def _editable(wreturn: WorkforceReturn) -> bool:
    return wreturn.status == "draft" and wreturn.period.is_open


def _line_page(wreturn: WorkforceReturn, form: forms.LineForm, line=None):
    status = 400 if form.errors or form.form_errors else 200
    return render_template(
        "returns/line_form.html",
        wreturn=wreturn,
        form=form,
        line=line,
        row=validation.row_place(wreturn.lines.index(line) + validation.FIRST_ROW)
        if line
        else None,
        columns=COLUMNS,
        agency=wreturn.agency,
    ), status


def _save_line(wreturn: WorkforceReturn, form: forms.LineForm, save, line=None):
    if not _editable(wreturn):
        flash("This version is read-only.", "danger")
        return _to_version(wreturn)
    saved = []  # the new line, or None when ``line`` was updated
    if form.validate_on_submit() and run_action(
        lambda: saved.append(save(form.values)), "The line is saved.", errors=form.form_errors
    ):
        if request.form.get("another"):
            return redirect(url_for("returns.new_line", return_id=wreturn.id))
        return _to_version(wreturn, f"line-{(saved[0] or line).id}")
    return _line_page(wreturn, form, line)


@bp.route("/agency/returns/<int:return_id>/lines/new", methods=["GET", "POST"])
@login_required
def new_line(return_id: int):
    _, wreturn = _own_return(return_id)
    return _save_line(
        wreturn, forms.LineForm(), lambda values: drafts.add_line(wreturn, values, current_user)
    )


@bp.route("/agency/returns/<int:return_id>/lines/<int:line_id>", methods=["GET", "POST"])
@login_required
def edit_line(return_id: int, line_id: int):
    _, wreturn = _own_return(return_id)
    line = _own_line(wreturn, line_id)
    form = forms.LineForm()
    if not form.is_submitted():
        form.load(drafts.line_values(line))
    return _save_line(
        wreturn, form, lambda values: drafts.update_line(line, values, current_user), line
    )


@bp.route("/agency/returns/<int:return_id>/lines/<int:line_id>/delete", methods=["POST"])
@login_required
def delete_line(return_id: int, line_id: int):
    _, wreturn = _own_return(return_id)
    line = _own_line(wreturn, line_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    run_action(lambda: drafts.delete_line(line, current_user), "The line is deleted.")
    return _to_version(wreturn, "lines")


@bp.route("/agency/returns/<int:return_id>/upload", methods=["POST"])
@login_required
def upload(return_id: int):
    membership, wreturn = _own_return(return_id)
    form = forms.UploadForm()
    if not form.validate_on_submit():
        abort(400)
    file = form.file.data
    if not file or not getattr(file, "filename", ""):
        return _version_page(membership, wreturn, form, ["Choose a CSV file to upload."], 400)
    messages, lines, rows = [], [], []
    if not _editable(wreturn):
        messages = ["This version is read-only."]
    else:
        try:
            read = csvfile.read_rows(file.read())
            lines, problems = csvfile.parse_rows(read, drafts.codes())
            rows = [number for number, _ in read]
            messages = [p.text for p in problems]
        except csvfile.CsvFileError as exc:
            messages = [str(exc)]
    if not messages and run_action(
        lambda: drafts.replace_lines(wreturn, lines, current_user, rows),
        f"The file's {len(lines)} line{'s' if len(lines) != 1 else ''} replaced the "
        "draft's lines. Check the errors and warnings below." + csvfile.renumbered(rows),
        errors=messages,
    ):
        return _to_version(wreturn, "lines")
    return _version_page(membership, wreturn, form, messages, 400)


@bp.route("/agency/returns/<int:return_id>/submit", methods=["POST"])
@login_required
def submit(return_id: int):
    _, wreturn = _own_return(return_id)
    form = forms.SubmitForm()
    if not form.validate_on_submit():
        abort(400)

    def message() -> str:
        if wreturn.status == "held":
            return (
                f"Version {wreturn.version} is submitted and held for review: its "
                "turnover is above 150 %. The HR champion will look at it."
            )
        return f"Thank you: version {wreturn.version} of the return is submitted."

    run_action(
        lambda: drafts.submit(
            wreturn,
            current_user,
            bool(form.confirm_warnings.data),
            seen=form.warnings_seen.data or "",
        ),
        message,
    )
    return _to_version(wreturn)


@bp.route("/agency/returns/<int:return_id>/discard", methods=["POST"])
@login_required
def discard(return_id: int):
    _, wreturn = _own_return(return_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    if run_action(lambda: drafts.discard(wreturn, current_user), "The draft is deleted."):
        return redirect(url_for("returns.agency_index"))
    return _to_version(wreturn)


# --- the CSV template, example and column guide -------------------------------------------


def _csv(text: str, filename: str) -> Response:
    return Response(
        text,
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


@bp.route("/returns/<any(template, example):name>.csv")
@require_role("agency", "champion", "admin")
def csv_file(name: str):
    """The CSV template (header row) or an example with realistic lines; the example's
    union lines are non-union for an agency that is not unionized."""
    if name == "template":
        return _csv(csvfile.template(), "workforce-return-template.csv")
    membership = current_membership()
    unionized = membership.agency.unionized if membership else True
    return _csv(csvfile.example(unionized), "workforce-return-example.csv")


@bp.route("/returns/columns")
@require_role("agency", "champion", "admin")
def columns():
    return render_template(
        "returns/columns.html",
        columns=COLUMNS,
        max_rows=csvfile.MAX_ROWS,
        occupations=db.session.scalars(db.select(Occupation).order_by(Occupation.noc_code)),
        regions=db.session.scalars(db.select(Region).order_by(Region.name)),
        codes={"employment_status": EMPLOYMENT_STATUSES, "bargaining_status": BARGAINING_STATUSES},
    )
