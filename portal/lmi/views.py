"""The HR champion's labour-market dashboard and extracts; agencies' benchmark page.

GET /lmi                the dashboard (HR champion, admins)
GET /lmi/extract        a CSV or XLSX extract (HR champion, admins; audit-logged)
GET /agency/benchmark   an agency's figures beside its peers' (staff of the agency)
"""

import io

from flask import (
    Blueprint,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_login import current_user, login_required

from portal import audit, numbers
from portal.actions import commit
from portal.agencies.permissions import require_membership
from portal.auth.permissions import require_role
from portal.lmi import benchmark, charts, dashboard, extracts, figures
from portal.lmi.figures import DIMENSIONS
from portal.lmi.measures import BY_KEY, CHART_MEASURES, MEASURES, SUPPRESSION_NOTES
from portal.twofactor.permissions import require_two_step

bp = Blueprint("lmi", __name__)


@bp.app_template_filter("lmi_value")
def lmi_value(value, key_or_unit: str = "count") -> str:
    unit = BY_KEY[key_or_unit].unit if key_or_unit in BY_KEY else key_or_unit
    return charts.format_value(value, unit)


def _chosen_year(years: list[int]) -> int | None:
    year = numbers.arg(request.args, "period")
    return year if year in years else (years[-1] if years else None)


@bp.route("/lmi")
@require_role("champion", "admin")
def index():
    years = figures.years_with_periods()
    year = _chosen_year(years)
    measure = request.args.get("measure", "turnover_rate")
    if measure not in CHART_MEASURES:
        measure = "turnover_rate"
    data = dashboard.build(year, measure, years) if year is not None else None
    return render_template(
        "lmi/dashboard.html",
        data=data,
        years=years,
        year=year,
        measure=measure,
        measures=BY_KEY,
        all_measures=MEASURES,
        dimensions=DIMENSIONS,
        notes=SUPPRESSION_NOTES,
        period_label=figures.period_label,
    )


@bp.route("/lmi/extract")
@require_role("champion", "admin")
@require_two_step
def extract():
    years = figures.years_with_periods()
    if not years:
        flash("There is nothing to extract yet: no reporting period has been opened.", "info")
        return redirect(url_for("lmi.index"))
    wanted, problem = extracts.request_from_args(request.args, years)
    if wanted is None:
        return render_template("lmi/extract_error.html", message=problem), 400
    out = io.BytesIO()  # a few MB at most: the rows are aggregated cells, not lines
    summary = extracts.write(wanted, out)
    audit.record(
        "lmi.extract",
        current_user,
        None,
        f"{wanted.describe()} rows={summary.rows} suppressed={summary.suppressed}",
    )
    commit()
    out.seek(0)
    return send_file(
        out,
        mimetype=extracts.FORMATS[wanted.fmt],
        as_attachment=True,
        download_name=wanted.filename(),
        max_age=0,
    )


@bp.route("/agency/benchmark")
@login_required
def agency_benchmark():
    membership = require_membership()
    agency = membership.agency
    returns_url = (
        url_for("returns.agency_index")
        if "returns.agency_index" in current_app.view_functions
        else "/agency/returns"
    )
    years = benchmark.reported_years(agency) if agency.is_approved else []
    year = _chosen_year(years)
    groups = benchmark.compare(agency, year) if year is not None else None
    return render_template(
        "lmi/benchmark.html",
        agency=agency,
        years=years,
        year=year,
        groups=groups,
        measure_keys=benchmark.MEASURE_KEYS,
        measures=BY_KEY,
        returns_url=returns_url,
        period_label=figures.period_label,
    )
