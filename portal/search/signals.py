"""Signals through which features above search follow changes to jobs without search
importing them (README "Code layout"). Receivers are connected by the higher package's
``connect()``, called from ``create_app``."""

from blinker import Namespace

_signals = Namespace()

jobs_committed = _signals.signal("search-jobs-committed")
"""Sent by ``sync_after_commit`` (no sender) after a commit that added ``search_outbox``
rows, once the index has been brought up to date. Receivers read the outbox themselves
(matching: recompute the changed jobs' matches); the worker covers anything missed."""
