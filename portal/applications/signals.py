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
