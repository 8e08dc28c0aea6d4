"""Signals through which features above jobs take part in its work without jobs importing
them (dependencies run one way: README "Code layout"). Receivers are connected by the
higher package's ``connect()``, called from ``create_app``."""

from blinker import Namespace

_signals = Namespace()

publishing = _signals.signal("job-publishing")
"""Sent by ``jobs.services.publish`` with the job as sender, after the job's own checks
and before it is published. A receiver refuses by raising ``PortalError`` (pools: a pooled
position needs two accepted shares with schedules that do not overlap)."""

status_changed = _signals.signal("job-status-changed")
"""Sent with the job as sender once its status has changed (same transaction, not yet
committed): by ``jobs.services.publish`` (published, renewed included), by ``_end`` (closed,
filled, unpublished by an admin), by ``expire_due`` for each job it expires, and by pools
when the last share of a job is filled and by matching when a job is merged into another
(closed). Receivers read ``job.status`` (webhooks: ``job.published``, ``job.closed``)."""

page_context = _signals.signal("jobs-page-context")
"""Sent by the jobs views with the page as sender — ``"index"`` (keyword ``params``: the
search), ``"show"`` (``job``), ``"agency_jobs"`` (``jobs``, ``agency_id``) — just before
rendering — and prequal's seeker invitations page ``"invitations"`` (``invitations``). Each
receiver returns a dict of template variables for that page
(applications: the seeker's application and the applicant counts; seekers: saved or
not; prequal: the pre-qualified lists open for the job's occupation and region;
matching: candidate numbers, pooling links, and each invitation's match chart)."""


def page_extras(page: str, **objects) -> dict:
    """The template variables that receivers of ``page_context`` add to ``page``."""
    extras = {}
    for _receiver, values in page_context.send(page, **objects):
        extras.update(values)
    return extras
