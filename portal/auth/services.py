"""Account rules: registration, sign-in with throttling, one-time tokens, password and
email changes. Services flush but never commit; the view or command commits."""

import hashlib
import secrets
from datetime import timedelta

from flask import current_app, url_for
from sqlalchemy import delete, func, select

from portal import audit, mail
from portal.auth.passwords import burn_time, hash_password, verify_password
from portal.errors import PortalError
from portal.extensions import db
from portal.models import LoginFailure, User, UserToken
from portal.models.types import utcnow


class LoginThrottled(PortalError):
    pass


class WrongPassword(PortalError):
    def __init__(self):
        super().__init__("Your current password is not correct.")


def normalise_email(email: str) -> str:
    return email.strip().lower()


def find_user(email: str) -> User | None:
    return db.session.scalar(select(User).where(User.email == normalise_email(email)))


def email_taken(email: str) -> bool:
    return find_user(email) is not None


def create_user(name: str, email: str, password: str, role: str = "seeker") -> User:
    if email_taken(email):
        raise PortalError("An account with this email already exists.")
    user = User(
        name=name.strip(),
        email=normalise_email(email),
        password_hash=hash_password(password),
        role=role,
    )
    db.session.add(user)
    db.session.flush()
    return user


def register(name: str, email: str, password: str, role: str = "seeker") -> User:
    """Create the account and email a confirmation link."""
    user = create_user(name, email, password, role)
    send_confirmation(user)
    audit.record("user.registered", user, user)
    return user


def register_or_notify(name: str, email: str, password: str, role: str = "seeker") -> User | None:
    """Register, unless the address already has an account: then tell its owner, by
    email, that someone tried (with a sign-in and a password-reset link), and return None.

    Nobody learns from the answer whether an address is registered: the caller shows the
    same "check your email" page either way, and both ways do comparable work — hash the
    password, issue a token, queue one email, write an audit event."""
    existing = find_user(email)
    if existing is None:
        return register(name, email, password, role)
    hash_password(password)  # the same argon2 work as a new account's hash; then dropped
    notify_registration_attempt(existing)
    return None


def notify_registration_attempt(user: User) -> None:
    sign_in = url_for("auth.login", _external=True)
    reset = None
    if user.is_active:
        raw = issue_token(user, "reset_password", current_app.config["PASSWORD_RESET_TTL"])
        reset = url_for("auth.reset_password", token=raw, _external=True)
    mail.queue(
        user.email,
        "Someone tried to register with your email address",
        "registration_attempt",
        user=user,
        sign_in=sign_in,
        reset=reset,
    )
    audit.record("user.registration_attempt", None, user)


# --- one-time tokens -------------------------------------------------------------------


def _digest(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def issue_token(user: User, purpose: str, ttl: timedelta, new_email: str | None = None) -> str:
    """Store a hashed token and return the raw one (it goes into an emailed link only)."""
    raw = secrets.token_urlsafe(32)
    db.session.add(
        UserToken(
            user=user,
            purpose=purpose,
            token_hash=_digest(raw),
            new_email=new_email,
            expires_at=utcnow() + ttl,
        )
    )
    db.session.flush()
    return raw


def find_token(raw: str, purpose: str) -> UserToken | None:
    """A token that exists, has this purpose, is unused and unexpired; else None."""
    token = db.session.scalar(
        select(UserToken).where(UserToken.token_hash == _digest(raw), UserToken.purpose == purpose)
    )
    if token is None or token.used_at is not None or token.expires_at <= utcnow():
        return None
    return token


def use_token(raw: str, purpose: str) -> UserToken | None:
    token = find_token(raw, purpose)
    if token is not None:
        token.used_at = utcnow()
    return token


# --- email confirmation ----------------------------------------------------------------


def send_confirmation(user: User) -> None:
    raw = issue_token(user, "confirm_email", current_app.config["EMAIL_CONFIRM_TTL"])
    link = url_for("auth.confirm_email", token=raw, _external=True)
    mail.queue(user.email, "Confirm your email address", "confirm_email", user=user, link=link)


def resend_confirmation(email: str) -> None:
    """Silently does nothing for unknown or confirmed addresses (never reveals accounts)."""
    user = find_user(email)
    if user is not None and not user.email_confirmed:
        send_confirmation(user)


def confirm_email(raw: str) -> User | None:
    token = use_token(raw, "confirm_email")
    if token is None:
        return None
    token.user.email_confirmed_at = token.user.email_confirmed_at or utcnow()
    return token.user


# --- sign in ---------------------------------------------------------------------------


def _recent_failures(column, value) -> int:
    since = utcnow() - current_app.config["LOGIN_THROTTLE_WINDOW"]
    return db.session.scalar(
        select(func.count(LoginFailure.id)).where(column == value, LoginFailure.created_at > since)
    )


def check_throttle(email: str, ip: str) -> None:
    config = current_app.config
    if (
        _recent_failures(LoginFailure.email, email) >= config["LOGIN_MAX_FAILURES_PER_ACCOUNT"]
        or _recent_failures(LoginFailure.ip, ip) >= config["LOGIN_MAX_FAILURES_PER_IP"]
    ):
        minutes = int(config["LOGIN_THROTTLE_WINDOW"].total_seconds() // 60)
        raise LoginThrottled(
            f"Too many failed sign-in attempts. Please wait {minutes} minutes and try again, "
            "or reset your password."
        )


def authenticate(email: str, password: str, ip: str) -> User | None:
    """The user whose email and password match, or None. Raises LoginThrottled.

    The answer and the time taken are the same whether or not the email is registered.
    """
    email = normalise_email(email)
    check_throttle(email, ip)
    user = find_user(email)
    if user is None:
        burn_time(password)
        ok = False
    else:
        ok, needs_rehash = verify_password(user.password_hash, password)
        if ok and needs_rehash:
            user.password_hash = hash_password(password)
    if not ok or not user.is_active:
        db.session.add(LoginFailure(email=email, ip=ip))
        record_login_failure(user, ok)
        return None
    db.session.execute(delete(LoginFailure).where(LoginFailure.email == email))
    # the caller refuses unconfirmed accounts (no sign-in happens) and asks two-step users
    # for their code first (portal/twofactor records the sign-in when it is right)
    if not user.email_confirmed:
        audit.record("user.login_failed", user, user, detail="email address not confirmed")
    elif not user.two_step_enabled:
        record_login(user)
    return user


def record_login_failure(user: User | None, password_ok: bool) -> None:
    """Audit a refused sign-in: the account's, when the address is one; else nothing of
    what was typed is kept in the audit log (the address stays only in ``LoginFailure``,
    for the throttle, until ``prune``)."""
    if user is None:
        audit.record("user.login_failed", None, None, detail="no such account")
    elif not password_ok:
        audit.record("user.login_failed", user, user, detail="wrong password")
    else:
        reason = "account deleted" if user.is_deleted else "account disabled"
        audit.record("user.login_failed", user, user, detail=reason)


def record_login(user: User, detail: str | None = None) -> None:
    user.last_login_at = utcnow()
    audit.record("user.login", user, user, detail=detail)


def end_sessions(user: User) -> None:
    """Every session cookie holding the old version stops working."""
    user.session_version += 1


# --- password reset and changes --------------------------------------------------------


def request_password_reset(email: str) -> None:
    """Email a reset link if the account exists; do the same visible thing either way."""
    user = find_user(email)
    if user is None or not user.is_active:
        return
    raw = issue_token(user, "reset_password", current_app.config["PASSWORD_RESET_TTL"])
    link = url_for("auth.reset_password", token=raw, _external=True)
    mail.queue(user.email, "Reset your password", "reset_password", user=user, link=link)


def reset_password(raw: str, new_password: str) -> User | None:
    token = use_token(raw, "reset_password")
    if token is None:
        return None
    user = token.user
    _set_password(user, new_password)
    # the reset link proved the address, so it counts as confirmed
    user.email_confirmed_at = user.email_confirmed_at or utcnow()
    audit.record("user.password_reset", user, user)
    return user


def _set_password(user: User, new_password: str) -> None:
    user.password_hash = hash_password(new_password)
    end_sessions(user)
    _expire_reset_links(user)  # other outstanding reset links die with the old password


def _expire_reset_links(user: User) -> None:
    for token in db.session.scalars(
        select(UserToken).where(
            UserToken.user_id == user.id,
            UserToken.purpose == "reset_password",
            UserToken.used_at.is_(None),
        )
    ):
        token.used_at = utcnow()


def change_password(user: User, current_password: str, new_password: str) -> None:
    ok, _ = verify_password(user.password_hash, current_password)
    if not ok:
        raise WrongPassword()
    _set_password(user, new_password)
    audit.record("user.password_changed", user, user)


def request_email_change(user: User, current_password: str, new_email: str) -> None:
    """The password is checked first, so nobody can probe which addresses are taken."""
    ok, _ = verify_password(user.password_hash, current_password)
    if not ok:
        raise WrongPassword()
    new_email = normalise_email(new_email)
    if new_email == user.email:
        raise PortalError("That is already your email address.")
    if email_taken(new_email):
        raise PortalError("Another account already uses this email address.")
    raw = issue_token(user, "change_email", current_app.config["EMAIL_CONFIRM_TTL"], new_email)
    link = url_for("auth.confirm_email_change", token=raw, _external=True)
    mail.queue(new_email, "Confirm your new email address", "change_email", user=user, link=link)
    mail.queue(
        user.email,
        "Your email address is being changed",
        "email_change_notice",
        user=user,
        new_email=new_email,
    )


def confirm_email_change(raw: str) -> User:
    token = use_token(raw, "change_email")
    if token is None:
        raise PortalError("This link is invalid, used or expired.")
    if email_taken(token.new_email):
        raise PortalError("Another account now uses that email address.")
    user = token.user
    old = user.email
    user.email = token.new_email
    user.email_confirmed_at = utcnow()
    _expire_reset_links(user)  # links already sent to the old address stop working
    audit.record("user.email_changed", user, user, detail=f"{old} -> {user.email}")
    return user


def prune() -> int:
    """Delete failed-login records past the throttle window and tokens expired a day ago."""
    now = utcnow()
    failures = db.session.execute(
        delete(LoginFailure).where(
            LoginFailure.created_at < now - current_app.config["LOGIN_THROTTLE_WINDOW"]
        )
    ).rowcount
    tokens = db.session.execute(
        delete(UserToken).where(UserToken.expires_at < now - timedelta(days=1))
    ).rowcount
    return failures + tokens
