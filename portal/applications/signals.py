"""Signals through which features above applications take part in hiring without
applications importing them (README "Code layout"). Receivers are connected by the higher
package's ``connect()``, called from ``create_app``."""

from blinker import Namespace

_signals = Namespace()

hiring = _signals.signal("application-hiring")
"""Sent by ``applications.services.change_status`` with the ``ApplicationDecision`` as
sender before an applicant is hired into its share. A receiver refuses by raising
``PortalError`` (pools: the share's schedule overlaps another share of the same job that
the applicant is already hired into)."""

share_filled = _signals.signal("share-filled")
"""Sent by ``applications.services`` with the ``JobShare`` as sender once someone is hired
into it (flushed, same transaction). Pools fills the job when all its accepted shares are
filled."""

submitted = _signals.signal("application-submitted")
"""Sent by ``applications.services.apply`` with the new ``Application`` as sender once it
and its decisions (one per accepted share, status ``new``) are flushed, before knock-out
answers decline it (that decline is a ``status_changed``). Webhooks: ``application.created``
to each agency with a decision."""

status_changed = _signals.signal("application-status-changed")
"""Sent by ``applications.services.set_status`` with the ``ApplicationDecision`` as sender
and keyword ``status`` (the new one) each time one agency's decision changes: the agency's
``change_status`` (hired included), the seeker's ``withdraw``, a knock-out answer at
``apply``, and pools declining the applicants of a withdrawn share. Same transaction, not
yet committed. Webhooks: ``application.status_changed`` to the decision's agency."""
