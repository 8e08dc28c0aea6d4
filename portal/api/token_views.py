"""The personal access token pages of the agency's settings (``/agency/api-tokens``): the
tokens the member sees (an owner every token of the agency, a recruiter their own), a form
to make one (its text shown once, on the answer to the form, then never again: only its
digest is kept), and revoking. Any staff member may make tokens for the agency they act
for, a pending agency's too (the job services refuse to publish for it)."""

from flask import Blueprint, abort, redirect, render_template, url_for
from flask_login import current_user, login_required

from portal.actions import run_action
from portal.agencies.permissions import require_membership
from portal.api import tokens
from portal.api.forms import TokenForm
from portal.api.token_permissions import require_visible_token
from portal.forms import ConfirmForm
from portal.models import Membership
from portal.models.integrations import TOKEN_SCOPES

bp = Blueprint("api_tokens", __name__)


def _page(membership: Membership, form: TokenForm):
    shown = tokens.tokens_of(membership)
    return render_template(
        "api/tokens.html",
        agency=membership.agency,
        membership=membership,
        tokens=shown,
        statuses=tokens.statuses(shown, membership.agency_id),
        labels=tokens.STATUSES,
        scopes=TOKEN_SCOPES,
        form=form,
        action_form=ConfirmForm(),
    )


@bp.route("/agency/api-tokens", methods=["GET", "POST"])
@login_required
def index():
    membership = require_membership()
    form = TokenForm()
    made: list = []
    if form.validate_on_submit() and run_action(
        lambda: made.append(
            tokens.create(membership, form.name.data, form.scopes.data, form.days.data)
        ),
        errors=form.form_errors,
    ):
        token, raw = made[0]
        # the only time the token's text is shown: this answer is never stored or cached
        return render_template(
            "api/token_created.html", token=token, raw=raw, agency=membership.agency
        ), 201
    return _page(membership, form), 400 if form.is_submitted() else 200


@bp.route("/agency/api-tokens/<int:token_id>/revoke", methods=["POST"])
@login_required
def revoke(token_id: int):
    membership = require_membership()
    token = require_visible_token(membership, token_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    name = token.name
    run_action(
        lambda: tokens.revoke(token, current_user),
        f"The token “{name}” is revoked: it no longer works.",
    )
    return redirect(url_for("api_tokens.index"))
