"""The agency's bulk import of jobs from a CSV file (``portal/jobs/imports.py``): the page
that explains the columns, the template, the upload with its row-by-row report, and the
confirmation that creates every job or none. Any staff member of the agency may import,
as any may post a job."""

from flask import Blueprint, Response, abort, flash, redirect, render_template, url_for
from flask_login import current_user, login_required

from portal.actions import run_action
from portal.agencies.permissions import can_publish, require_membership
from portal.forms import ConfirmForm
from portal.jobs import forms, import_columns, imports, pending_imports
from portal.jobs.permissions import require_own_import
from portal.models import Agency

bp = Blueprint("job_imports", __name__)

GONE = (
    "That upload is no longer kept: a checked file can be confirmed once, within a day. "
    "Upload it again."
)


def _page(template: str, agency: Agency, form: forms.ImportForm, **extra) -> str:
    form.file.description = (
        f"A CSV file made from the template: at most {imports.MAX_JOBS} jobs and "
        f"{imports.MAX_BYTES // (1024 * 1024)} MB."
    )
    if not can_publish(agency):
        form.publish.description = (
            "Your agency can publish once an administrator approves it; until then, create drafts."
        )
    return render_template(
        template, agency=agency, form=form, columns=import_columns.COLUMNS, **extra
    )


@bp.route("/agency/jobs/import", methods=["GET", "POST"])
@login_required
def upload():
    membership = require_membership()
    agency = membership.agency
    form = forms.ImportForm()
    if not form.is_submitted():
        return _page("jobs/import.html", agency, form, guide=import_columns.guide())
    file = form.file.data
    if form.validate() and not getattr(file, "filename", ""):
        form.file.errors.append("Choose the CSV file to upload.")
    if form.errors:
        return _page("jobs/import.html", agency, form, guide=import_columns.guide()), 400
    data = file.stream.read(imports.MAX_BYTES + 1)
    publish = form.publish.data == "publish"
    report = imports.check_file(agency, data, publish)
    if report.ready:
        import_id = pending_imports.keep(data, file.filename, publish, agency.id, current_user.id)
        return redirect(url_for(".report", import_id=import_id))
    if not report.rows:  # the file itself: its message next to the file field
        form.file.errors.extend(report.problems)
        return _page("jobs/import.html", agency, form, guide=import_columns.guide()), 400
    return _page(
        "jobs/import_report.html", agency, form, report=report, filename=file.filename
    ), 400


@bp.route("/agency/jobs/import/template.csv")
@login_required
def template():
    require_membership()
    return Response(
        imports.template(),
        mimetype="text/csv",
        headers={"Content-Disposition": 'attachment; filename="jobs-template.csv"'},
    )


def _own(import_id: str):
    """The membership and the kept file (None when it is gone); 404 if it is not the
    user's, for the agency they act for."""
    membership = require_membership()
    pending = pending_imports.find(import_id)
    if pending is not None:
        require_own_import(pending, membership)
    return membership, pending


@bp.route("/agency/jobs/import/<import_id>")
@login_required
def report(import_id: str):
    membership, pending = _own(import_id)
    if pending is None:
        flash(GONE, "warning")
        return redirect(url_for(".upload"))
    agency = membership.agency
    checked = imports.check_file(agency, pending.data, pending.publish)
    form = forms.ImportForm(publish="publish" if pending.publish else "draft")
    return _page(
        "jobs/import_report.html",
        agency,
        form,
        report=checked,
        filename=pending.filename,
        import_id=import_id,
        confirm_form=ConfirmForm(),
    )


@bp.route("/agency/jobs/import/<import_id>", methods=["POST"])
@login_required
def confirm(import_id: str):
    membership, pending = _own(import_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    if pending is None or not pending_imports.take(pending):  # gone, or a second click
        flash(GONE, "warning")
        return redirect(url_for(".upload"))
    agency = membership.agency
    checked = imports.check_file(agency, pending.data, pending.publish)
    if run_action(
        lambda: imports.create(agency, checked, current_user),
        f"{'Published' if checked.publish else 'Created'} {len(checked.rows)} "
        f"{'' if checked.publish else 'draft '}job{'s' if len(checked.rows) != 1 else ''} "
        "from the file.",
    ):
        pending_imports.discard(pending)
        return redirect(url_for("jobs.agency_jobs"))
    pending_imports.put_back(pending)
    return redirect(url_for(".report", import_id=import_id))
