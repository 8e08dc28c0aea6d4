"""Administration: agency approval, user and agency search, the HR champion role."""

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user

from portal import numbers
from portal.actions import commit, run_action
from portal.admin import audit_log, forms, services
from portal.agencies import services as agency_services
from portal.alerts import forms as alert_forms
from portal.alerts import services as alert_services
from portal.auth.permissions import require_role
from portal.extensions import db
from portal.forms import ConfirmForm
from portal.health import services as health
from portal.models import Agency, MailBounce, User
from portal.models.agencies import AGENCY_STATUSES
from portal.models.users import ROLE_LABELS, ROLES
from portal.twofactor.permissions import require_two_step

bp = Blueprint("admin", __name__)


@bp.route("/")
@require_role("admin")
@require_two_step
def index():
    pending = db.session.scalars(services.agency_query(status="pending")).all()
    return render_template(
        "admin/index.html",
        pending=pending,
        counts=services.counts(),
        background=health.worker_panel(),  # workers' heartbeats and the mail queue
    )


@bp.route("/agencies")
@require_role("admin")
@require_two_step
def agencies():
    q, status = request.args.get("q", ""), request.args.get("status", "")
    if status and status not in AGENCY_STATUSES:
        status = ""
    page = db.paginate(
        services.agency_query(q, status), page=numbers.page(request.args), per_page=25
    )
    return render_template(
        "admin/agencies.html", page=page, q=q, status=status, statuses=AGENCY_STATUSES
    )


@bp.route("/agencies/<int:agency_id>", methods=["GET", "POST"])
@require_role("admin")
@require_two_step
def agency(agency_id: int):
    found = db.get_or_404(Agency, agency_id)
    form = forms.AgencyDecisionForm()
    if form.validate_on_submit() and form.action():
        if run_action(  # the agency's jobs enter or leave search now
            lambda: agency_services.change_status(
                found, form.action(), form.reason.data, current_user
            ),
            lambda: f"{found.name} is now {found.status}.",
            errors=form.reason.errors,
        ):
            return redirect(url_for("admin.agency", agency_id=found.id))
    return render_template("admin/agency.html", agency=found, form=form)


@bp.route("/users")
@require_role("admin")
@require_two_step
def users():
    q, role = request.args.get("q", ""), request.args.get("role", "")
    if role and role not in ROLES:
        role = ""
    page = db.paginate(services.user_query(q, role), page=numbers.page(request.args), per_page=25)
    return render_template("admin/users.html", page=page, q=q, role=role, roles=ROLE_LABELS)


@bp.route("/users/<int:user_id>")
@require_role("admin")
@require_two_step
def user(user_id: int):
    found = db.get_or_404(User, user_id)
    return render_template("admin/user.html", user=found, form=ConfirmForm())


@bp.route("/users/<int:user_id>/champion/<any(grant, remove):action>", methods=["POST"])
@require_role("admin")
@require_two_step
def champion(user_id: int, action: str):
    found = db.get_or_404(User, user_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    run_action(
        lambda: services.set_champion(found, action == "grant", current_user),
        lambda: f"{found.name} is now: {found.role_label}.",
    )
    return redirect(url_for("admin.user", user_id=found.id))


@bp.route("/bounces", methods=["GET", "POST"])
@require_role("admin")
@require_two_step
def bounces():
    """Addresses that bounced or complained: no alert goes to them until cleared."""
    form = alert_forms.BounceForm()
    if form.validate_on_submit():
        email = form.email.data
        if run_action(
            lambda: alert_services.bounce(email, form.reason.data or "", current_user),
            f"No more alerts go to {alert_services.normal_email(email)}.",
            errors=form.email.errors,
        ):
            return redirect(url_for("admin.bounces"), 303)
    return render_template(
        "admin/bounces.html",
        form=form,
        bounces=alert_services.bounces(),
        confirm_form=ConfirmForm(),
    )


@bp.route("/bounces/<int:bounce_id>/clear", methods=["POST"])
@require_role("admin")
@require_two_step
def clear_bounce(bounce_id: int):
    found = db.get_or_404(MailBounce, bounce_id)
    if ConfirmForm().validate_on_submit():
        email = found.email
        run_action(lambda: alert_services.clear_bounce(email), f"Alerts may go to {email} again.")
    return redirect(url_for("admin.bounces"), 303)


@bp.route("/audit")
@require_role("admin")
@require_two_step
def audit():
    """The audit log: events newest first, filtered by person, agency, kind and dates."""
    filters, problems = audit_log.read_filters(request.args)
    if problems:
        return _audit_page(filters, problems, None), 400
    page = audit_log.page_of(filters, numbers.page(request.args))
    return _audit_page(filters, problems, page)


def _audit_page(filters: audit_log.Filters, problems: list[str], page):
    args = filters.args()
    links = {}
    if page is not None:
        if page.has_prev:
            back = min(page.number - 1, page.pages)
            links["previous"] = url_for("admin.audit", **args, page=back)
        if page.has_next:
            links["next"] = url_for("admin.audit", **args, page=page.number + 1)
        links["csv"] = url_for("admin.audit_csv", **args)
    return render_template(
        "admin/audit.html",
        filters=filters,
        problems=problems,
        page=page,
        links=links,
        kinds=audit_log.KINDS,
        agencies=audit_log.agencies(),
        clear_url=url_for("admin.audit"),
    )


@bp.route("/audit.csv")
@require_role("admin")
@require_two_step
def audit_csv():
    """The events the same filters select, as a CSV file; the download is itself audited."""
    filters, problems = audit_log.read_filters(request.args)
    if problems:
        return _audit_page(filters, problems, None), 400
    last_id = audit_log.record_download(filters, current_user)
    commit()
    return Response(
        audit_log.csv_chunks(current_app._get_current_object(), filters, last_id),
        mimetype="text/csv",
        headers={"Content-Disposition": 'attachment; filename="audit-events.csv"'},
    )
