"""Home, the per-role dashboard, and the footer pages."""

from flask import Blueprint, redirect, render_template, url_for
from flask_login import current_user, login_required

from portal.actions import commit
from portal.matching import recommend
from portal.pages import services
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
        missing=seekers.missing_parts(profile),
        saved_count=seekers.saved_count(current_user),
        recommended=recommended,
    )


@bp.route("/privacy")
def privacy():
    return render_template("pages/privacy.html")


@bp.route("/accessibility")
def accessibility():
    return render_template("pages/accessibility.html")
