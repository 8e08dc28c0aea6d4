"""Downloading everything the portal holds about oneself: ``GET /account/export`` says what
the ZIP holds, ``POST`` sends it (any signed-in person, their own data only)."""

import io

from flask import abort, render_template, send_file
from flask_login import current_user, login_required

from portal import ratelimits
from portal.actions import commit
from portal.forms import ConfirmForm
from portal.privacy import export
from portal.privacy.blueprint import bp
from portal.timeutil import today_pacific


@bp.route("/account/export", methods=["GET", "POST"], endpoint="export")
@login_required
@ratelimits.export
def export_page():
    form = ConfirmForm()
    if not form.is_submitted():
        return render_template("privacy/export.html", form=form)
    if not form.validate():
        abort(400)
    data = export.build_zip(current_user._get_current_object())  # the User, not the proxy
    commit()  # the audit row of the download
    response = send_file(
        io.BytesIO(data),
        mimetype="application/zip",
        as_attachment=True,
        download_name=f"sector-jobs-data-{today_pacific().isoformat()}.zip",
        conditional=False,
        etag=False,
    )
    response.headers["Cache-Control"] = "private, no-store"
    return response
