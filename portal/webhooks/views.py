"""An agency's webhooks, under /agency/webhooks: the endpoints, adding one, each endpoint's
secret, switches and delivery log (who may do what: ``permissions.py``)."""

from flask import Blueprint, abort, redirect, render_template, url_for
from flask_login import current_user, login_required

from portal.actions import run_action
from portal.forms import ConfirmForm
from portal.models.integrations import WEBHOOK_EVENTS
from portal.webhooks import forms, services
from portal.webhooks.permissions import (
    can_manage,
    require_delivery,
    require_endpoint,
    require_owner,
    require_staff,
)

bp = Blueprint("webhooks", __name__)


@bp.route("/agency/webhooks")
@login_required
def index():
    membership = require_staff()
    endpoints = services.endpoints_of(membership.agency_id)
    return render_template(
        "webhooks/index.html",
        agency=membership.agency,
        endpoints=endpoints,
        latest=services.latest_deliveries([e.id for e in endpoints]),
        can_manage=can_manage(membership),
        events=WEBHOOK_EVENTS,
    )


@bp.route("/agency/webhooks/new", methods=["GET", "POST"])
@login_required
def new():
    membership = require_owner()
    form = forms.EndpointForm()
    created = []
    if form.validate_on_submit() and run_action(
        lambda: created.append(
            services.create_endpoint(
                membership.agency, form.url.data, form.events.data, current_user
            )
        ),
        "Endpoint added. Copy its secret into your system to check the signatures.",
        errors=form.url.errors,
    ):
        return redirect(url_for("webhooks.show", endpoint_id=created[0].id))
    return render_template("webhooks/new.html", form=form, agency=membership.agency)


@bp.route("/agency/webhooks/<int:endpoint_id>")
@login_required
def show(endpoint_id: int):
    membership, endpoint = require_endpoint(endpoint_id)
    return render_template(
        "webhooks/show.html",
        endpoint=endpoint,
        deliveries=services.delivery_log(endpoint),
        can_manage=can_manage(membership),
        events=WEBHOOK_EVENTS,
        action_form=ConfirmForm(),
        log_size=services.LOG_SIZE,
    )


def _act(endpoint_id: int, action, message: str):
    """An owner's one-click action on an endpoint, back to its page."""
    _, endpoint = require_endpoint(endpoint_id, manage=True)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    run_action(lambda: action(endpoint, current_user), message)
    return redirect(url_for("webhooks.show", endpoint_id=endpoint.id))


@bp.route("/agency/webhooks/<int:endpoint_id>/rotate-secret", methods=["POST"])
@login_required
def rotate_secret(endpoint_id: int):
    return _act(
        endpoint_id,
        services.rotate_secret,
        "New secret made: put it in your system now. Deliveries are signed with it from now on.",
    )


@bp.route("/agency/webhooks/<int:endpoint_id>/disable", methods=["POST"])
@login_required
def disable(endpoint_id: int):
    return _act(
        endpoint_id,
        lambda endpoint, by: services.set_active(endpoint, False, by),
        "The endpoint is off: nothing more is sent to it until you turn it on.",
    )


@bp.route("/agency/webhooks/<int:endpoint_id>/enable", methods=["POST"])
@login_required
def enable(endpoint_id: int):
    return _act(
        endpoint_id,
        lambda endpoint, by: services.set_active(endpoint, True, by),
        "The endpoint is on: new events are sent to it.",
    )


@bp.route("/agency/webhooks/<int:endpoint_id>/test", methods=["POST"])
@login_required
def send_test(endpoint_id: int):
    return _act(
        endpoint_id,
        services.send_test,
        "A test delivery (event “ping”) is queued. The portal's worker sends it within a "
        "minute or two; its result appears in the log below — reload the page to see it.",
    )


@bp.route("/agency/webhooks/<int:endpoint_id>/delete", methods=["POST"])
@login_required
def delete(endpoint_id: int):
    _, endpoint = require_endpoint(endpoint_id, manage=True)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    if run_action(
        lambda: services.delete_endpoint(endpoint, current_user),
        "Endpoint deleted, with its delivery log.",
    ):
        return redirect(url_for("webhooks.index"))
    return redirect(url_for("webhooks.show", endpoint_id=endpoint_id))


@bp.route("/agency/webhooks/<int:endpoint_id>/deliveries/<int:delivery_id>/retry", methods=["POST"])
@login_required
def retry(endpoint_id: int, delivery_id: int):
    _, endpoint, delivery = require_delivery(endpoint_id, delivery_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    run_action(
        lambda: services.retry_now(delivery, current_user),
        "The delivery is sent again at the worker's next run (within a minute or two).",
    )
    return redirect(url_for("webhooks.show", endpoint_id=endpoint.id))
