"""How matching takes part in lower features' work (README "Code layout"): it follows
job changes through ``search.jobs_committed`` and profile changes through
``seekers.signals.profile_changed``. Called once from ``create_app``; receivers are
module-level functions because blinker holds them by weak reference."""

from flask import current_app

from portal import search
from portal.extensions import db
from portal.matching import engine, sync
from portal.seekers import signals as seekers


def _jobs_committed(_sender=None, **_) -> None:
    try:
        sync.apply_pending()
    except Exception:  # the worker catches up; a request must not fail after its commit
        db.session.rollback()
        current_app.logger.exception("matching: recompute after commit failed")


def _profile_changed(profile, **_) -> None:
    engine.recompute_profile(profile.id)


def connect() -> None:
    search.jobs_committed.connect(_jobs_committed)
    seekers.profile_changed.connect(_profile_changed)
