"""Signals through which features above seekers widen who may see a seeker, without
seekers importing them (README "Code layout"). Receivers are connected by the higher
package's ``connect()``, called from ``create_app``."""

from blinker import Namespace

_signals = Namespace()

agency_may_see = _signals.signal("agency-may-see-seeker")
"""Sent by ``seekers.permissions.agency_can_view_seeker`` with the approved ``Agency`` as
sender and keyword ``seeker_id``, when the seeker's profile is private and they did not
apply to the agency. A receiver returns True to let the agency see the seeker (prequal:
a member of a pre-qualified list the agency may see)."""

profile_changed = _signals.signal("seeker-profile-changed")
"""Sent by the seekers services with the ``SeekerProfile`` as sender, after its answers,
credentials or visibility changed (flushed, not committed). Receivers work in the same
transaction (matching: recompute the profile's matches)."""
