"""Who may see and change which share: the share's own agency edits it, accepts or
declines, and withdraws; the lead agency of the job sees every share and can cancel a
partner's. Anyone else gets 404."""

from flask import abort

from portal.agencies.permissions import require_membership
from portal.extensions import db
from portal.models import JobShare, Membership


def require_share(share_id: int, own: bool = False) -> tuple[Membership, JobShare]:
    membership = require_membership()
    share = db.get_or_404(JobShare, share_id)
    mine = share.agency_id == membership.agency_id
    lead = share.job.agency_id == membership.agency_id
    if not (mine or (lead and not own)):
        abort(404)
    return membership, share
