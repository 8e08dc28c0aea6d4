"""The consent statement a seeker agrees to before approved agencies may find their
profile, in versions, and the one rule of who is visible.

``VERSIONS`` lists every statement ever published, oldest first; the last is the current
one. Each ``ConsentRecord`` keeps the version and the exact text agreed to, so old records
keep theirs whatever is published later.

The rule (``is_visible`` for a profile, ``visible_condition`` in SQL; both are
``SeekerProfile.visible_under`` with the current version): a profile is visible to
agencies while its owner chose "visible" and the consent it holds is of the current
version, not withdrawn. Every check of who may find a profile goes through these two.

Publishing a new version: add a ``Version`` at the end of ``VERSIONS`` (a new ``id``, the
date, the full text and one line of what changed) and deploy. From then on a seeker whose
profile was visible under an older version is hidden from agencies and asked at their next
page (``seekers.views.ask_consent_again``): agree to the new text, or keep the profile
hidden.
"""

from dataclasses import dataclass
from datetime import date

from sqlalchemy import ColumnElement

from portal.models import SeekerProfile

PURPOSE = "profile_visibility"  # ConsentRecord.purpose of this consent


@dataclass(frozen=True)
class Version:
    id: str  # stored as ConsentRecord.version (at most 20 characters)
    published: date
    text: str
    changes: str  # one line: what changed from the version before


VERSIONS: list[Version] = [
    Version(
        id="2026-01",
        published=date(2026, 11, 24),
        text=(
            "I agree that staff of agencies approved on the Sector Jobs Portal may find my "
            "profile in their search, see my name, email address, profile and current "
            "résumé, and contact me about jobs. Each time agency staff open my résumé it is "
            "recorded and shown to me. I can withdraw this consent at any time on my profile "
            "page; my profile is then hidden from agencies at once, except from agencies I "
            "have applied to."
        ),
        changes="The first version.",
    ),
]


def current() -> Version:
    """The statement seekers agree to now."""
    return VERSIONS[-1]


def version(version_id: str) -> Version | None:
    """A published version by its id (None: not one of ``VERSIONS``)."""
    return next((v for v in VERSIONS if v.id == version_id), None)


def since(version_id: str) -> list[Version]:
    """The versions published after ``version_id``, oldest first (what changed since a
    seeker agreed); every version when that id is not one of ``VERSIONS``."""
    ids = [v.id for v in VERSIONS]
    return VERSIONS[ids.index(version_id) + 1 :] if version_id in ids else list(VERSIONS)


def is_visible(profile: SeekerProfile | None) -> bool:
    """Approved agencies may find the profile (the rule, for one profile)."""
    return profile is not None and profile.visible_under(current().id)


def visible_condition() -> ColumnElement[bool]:
    """The rule as a condition on ``SeekerProfile`` (a query's WHERE, or a column)."""
    return SeekerProfile.visible_under(current().id)


def needs_renewal(profile: SeekerProfile | None) -> bool:
    """The seeker chose "visible" and agreed to an older version than the current one:
    hidden until they agree to the current text or choose to stay hidden."""
    return (
        profile is not None
        and profile.visibility == "agencies"
        and profile.consent is not None
        and profile.consent.withdrawn_at is None
        and profile.consent.version != current().id
    )
