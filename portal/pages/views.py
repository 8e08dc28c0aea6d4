"""Home, the per-role dashboard, and the footer pages."""

from flask import Blueprint, current_app, redirect, render_template, url_for
from flask_login import current_user, login_required

from portal.actions import commit
from portal.matching import recommend
from portal.pages import services
from portal.seekers import consent
from portal.seekers import services as seekers

bp = Blueprint("pages", __name__)


@bp.route("/")
def home():
    return render_template("pages/home.html", counts=services.public_counts())


@bp.route("/dashboard")
@login_required
def dashboard():
    role = current_user.role
    if role == "admin":
        return redirect(url_for("admin.index"))
    if role == "agency":
        if current_user.memberships:
            return redirect(url_for("agencies.home"))
        return render_template("pages/dashboard_agency_none.html")
    if role == "champion":
        return render_template(
            "pages/dashboard_champion.html", regions=services.agencies_by_region()
        )
    profile = seekers.profile_of(current_user.id)
    recommended = recommend.recommended(current_user, per_page=3)
    commit()  # a profile's first matches, stored when it never had any
    return render_template(
        "pages/dashboard_seeker.html",
        profile=profile,
        visible=consent.is_visible(profile),
        missing=seekers.missing_parts(profile),
        saved_count=seekers.saved_count(current_user),
        recommended=recommended,
    )


@bp.route("/privacy")
def privacy():
    """What is kept, why, how long (``services.privacy_periods``) and who sees it; the
    consent statement; how to get a copy or delete one's account."""
    links = {
        name: url_for(endpoint) if endpoint in current_app.view_functions else None
        for name, endpoint in (("export", "privacy.export"), ("delete", "privacy.delete"))
    }
    return render_template(
        "pages/privacy.html",
        periods=services.privacy_periods(),
        statement=consent.current(),
        versions=consent.VERSIONS,
        links=links,
    )


@bp.route("/accessibility")
def accessibility():
    return render_template("pages/accessibility.html")
