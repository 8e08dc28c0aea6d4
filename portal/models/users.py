"""People: users, their one-time tokens, failed-login records and two-step sign-in
(recovery codes, failed second steps)."""

from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.extensions import db
from portal.models.types import UTCDateTime, one_of, utcnow

ROLES = ("seeker", "agency", "champion", "admin")
TOKEN_PURPOSES = ("confirm_email", "reset_password", "change_email")
ROLE_LABELS = {
    "seeker": "Job seeker",
    "agency": "Agency staff",
    "champion": "HR champion",
    "admin": "Administrator",
}


class User(UserMixin, db.Model):
    __tablename__ = "users"
    __table_args__ = (one_of("role", ROLES),)

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(20), default="seeker")
    email_confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    session_version: Mapped[int] = mapped_column(default=1)
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # two-step sign-in (portal/twofactor): the TOTP secret (base32; set while being set up,
    # never shown again once on), when it was turned on, and the last time step whose code
    # was accepted (a code is not accepted twice)
    totp_secret: Mapped[str | None] = mapped_column(String(64))
    totp_enabled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    totp_last_timestep: Mapped[int | None]
    # privacy (portal/privacy): the person deleted the account (signed out, hidden, alerts
    # stopped; personal data purged PRIVACY_PURGE_AFTER_DAYS later), and when the purge
    # replaced their name and address: the row stays as an anonymous stand-in for the
    # anonymised applications kept HIRING_RECORDS_KEEP_DAYS, then goes
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    purged_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)

    memberships: Mapped[list["Membership"]] = relationship(  # noqa: F821
        back_populates="user", cascade="all, delete-orphan"
    )

    def get_id(self) -> str:
        # the session version travels in the cookie: bumping it ends other sessions
        return f"{self.id}:{self.session_version}"

    @property
    def is_active(self) -> bool:
        return self.active

    @property
    def email_confirmed(self) -> bool:
        return self.email_confirmed_at is not None

    @property
    def role_label(self) -> str:
        return ROLE_LABELS[self.role]

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None

    @property
    def two_step_enabled(self) -> bool:
        return self.totp_enabled_at is not None


class UserToken(db.Model):
    """A one-time token sent by email: confirm an address, reset a password, change email.

    Only a SHA-256 hash of the token is stored.
    """

    __tablename__ = "user_tokens"
    __table_args__ = (one_of("purpose", TOKEN_PURPOSES),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    purpose: Mapped[str] = mapped_column(String(20))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    new_email: Mapped[str | None] = mapped_column(String(254))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship()


class LoginFailure(db.Model):
    """One failed sign-in; counted per account and per IP over a sliding window."""

    __tablename__ = "login_failures"
    __table_args__ = (
        Index("ix_login_failures_email_created", "email", "created_at"),
        Index("ix_login_failures_ip_created", "ip", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254))
    ip: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class RecoveryCode(db.Model):
    """A one-time code that completes a two-step sign-in without the app (SHA-256 hash only)."""

    __tablename__ = "recovery_codes"
    __table_args__ = (UniqueConstraint("user_id", "code_hash"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    code_hash: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class TwoStepFailure(db.Model):
    """One wrong second-step code; counted per account over the sign-in throttle window.

    Kept apart from ``LoginFailure``: a correct password clears those, and must not clear
    these (else someone holding the password could guess codes without limit)."""

    __tablename__ = "two_step_failures"
    __table_args__ = (Index("ix_two_step_failures_user_created", "user_id", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    ip: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
