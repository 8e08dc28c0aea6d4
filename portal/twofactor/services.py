"""Two-step sign-in rules: the TOTP secret and its QR code, checking codes (never the same
time step twice), recovery codes, and the throttle on wrong codes.

Codes are RFC 6238 TOTP (6 digits, 30-second steps, SHA-1: what every authenticator app
reads from the QR code); the step before and after the current one are accepted too, for
clocks a little out. Recovery codes are random, shown once, and stored as SHA-256 hashes
(10 characters from a 31-letter alphabet: about 50 bits, far beyond guessing under the
throttle, so a slow hash adds nothing). Services flush but never commit.
"""

import hashlib
import hmac
import secrets
import time

import pyotp
import segno
from flask import current_app
from sqlalchemy import delete, func, or_, select, update

from portal import audit
from portal.auth.passwords import verify_password
from portal.auth.services import WrongPassword, end_sessions, record_login
from portal.errors import PortalError
from portal.extensions import db
from portal.models import RecoveryCode, TwoStepFailure, User
from portal.models.types import utcnow

STEP_SECONDS = 30
VALID_WINDOW = 1  # steps either side of now
RECOVERY_CODE_COUNT = 10
RECOVERY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # no 0/o, 1/l/i: easy to copy by hand


class WrongCode(PortalError):
    pass


class TwoStepThrottled(PortalError):
    pass


# --- the secret ------------------------------------------------------------------------


def start_setup(user: User) -> str:
    """The secret being set up: a new one, kept until it is confirmed (a reload of the
    setup page shows the same QR code)."""
    if user.two_step_enabled:
        raise PortalError("Two-step sign-in is already on.")
    if not user.totp_secret:
        user.totp_secret = pyotp.random_base32()  # 32 characters, 160 bits
        db.session.flush()
    return user.totp_secret


def grouped(secret: str) -> str:
    """The secret in groups of four, for typing into an app by hand."""
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def provisioning_uri(user: User) -> str:
    return pyotp.TOTP(user.totp_secret).provisioning_uri(
        name=user.email, issuer_name=current_app.config["TWO_STEP_ISSUER"]
    )


def qr_code_data_uri(user: User) -> str:
    """The ``otpauth://`` link as a QR code: an SVG in a ``data:`` URI for an ``<img>``
    (the page's CSP allows ``img-src data:``; nothing inline in the page itself)."""
    return segno.make(provisioning_uri(user), error="m").svg_data_uri(scale=5, border=4)


# --- checking a code -------------------------------------------------------------------


def current_step() -> int:
    return int(time.time()) // STEP_SECONDS


def _app_code_step(user: User, code: str) -> tuple[int | None, bool]:
    """(the time step whose code this is, or None; whether it is an already used step)."""
    code = "".join(code.split())
    if not (len(code) == 6 and code.isascii() and code.isdigit()) or not user.totp_secret:
        return None, False
    totp = pyotp.TOTP(user.totp_secret)
    now = current_step()
    for step in range(now - VALID_WINDOW, now + VALID_WINDOW + 1):
        if hmac.compare_digest(totp.generate_otp(step), code):
            last = user.totp_last_timestep
            return step, last is not None and step <= last
    return None, False


def _digest(code: str) -> str:
    normal = "".join(code.lower().replace("-", "").split())
    return hashlib.sha256(normal.encode()).hexdigest()


def check_throttle(user: User) -> None:
    config = current_app.config
    since = utcnow() - config["LOGIN_THROTTLE_WINDOW"]
    failures = db.session.scalar(
        select(func.count(TwoStepFailure.id)).where(
            TwoStepFailure.user_id == user.id, TwoStepFailure.created_at > since
        )
    )
    if failures >= config["TWO_STEP_MAX_FAILURES"]:
        minutes = int(config["LOGIN_THROTTLE_WINDOW"].total_seconds() // 60)
        raise TwoStepThrottled(
            f"Too many wrong codes. Please wait {minutes} minutes and try again."
        )


def _refuse(user: User, ip: str, message: str, reason: str) -> None:
    """Count a wrong code (for the throttle) and audit it (the caller commits both)."""
    db.session.add(TwoStepFailure(user_id=user.id, ip=ip))
    audit.record("two_step.code_failed", user, user, detail=reason)
    db.session.flush()
    raise WrongCode(message)


def _claim_step(user: User, step: int) -> bool:
    """Record ``step`` as the last one used, unless it (or a later one) already is: one
    conditional UPDATE, so two requests sending the same code at once (each having read
    the account before the other wrote) cannot both be accepted."""
    claimed = db.session.execute(
        update(User)
        .where(
            User.id == user.id,
            or_(User.totp_last_timestep.is_(None), User.totp_last_timestep < step),
        )
        .values(totp_last_timestep=step)
    ).rowcount
    return claimed == 1


def _claim_recovery_code(code: RecoveryCode) -> bool:
    """Use up a recovery code, unless another request has just used it."""
    return (
        db.session.execute(
            update(RecoveryCode)
            .where(RecoveryCode.id == code.id, RecoveryCode.used_at.is_(None))
            .values(used_at=utcnow())
        ).rowcount
        == 1
    )


def complete_sign_in(user: User, code: str, ip: str) -> int | None:
    """The second step of signing in: ``check_code``, then the sign-in is recorded."""
    left = check_code(user, code, ip)
    record_login(user, detail="two-step: " + ("app code" if left is None else "recovery code"))
    return left


def check_code(user: User, code: str, ip: str, recovery: bool = True) -> int | None:
    """Accept a current code from the app (its step is then used up) or, if ``recovery``,
    an unused recovery code (then used up); return the number of recovery codes left when
    one was used, else None. Raises TwoStepThrottled, or WrongCode (the caller commits:
    wrong codes are counted)."""
    check_throttle(user)
    step, reused = _app_code_step(user, code)
    if step is not None and not reused:
        reused = not _claim_step(user, step)
    if step is not None and not reused:
        db.session.execute(delete(TwoStepFailure).where(TwoStepFailure.user_id == user.id))
        return None
    if reused:
        _refuse(
            user,
            ip,
            "That code has already been used. Wait for the next code from your app.",
            "code already used",
        )
    found = recovery and db.session.scalar(
        select(RecoveryCode).where(
            RecoveryCode.user_id == user.id,
            RecoveryCode.code_hash == _digest(code),
            RecoveryCode.used_at.is_(None),
        )
    )
    if not found or not _claim_recovery_code(found):
        _refuse(
            user,
            ip,
            "That code is not right. Enter the 6-digit code your app shows "
            "now" + (", or one of your recovery codes." if recovery else "."),
            "wrong code",
        )
    db.session.execute(delete(TwoStepFailure).where(TwoStepFailure.user_id == user.id))
    db.session.flush()
    left = recovery_codes_left(user)
    audit.record("two_step.recovery_code_used", user, user, detail=f"{left} left")
    return left


# --- turning it on and off; recovery codes ---------------------------------------------


def enable(user: User, code: str) -> list[str]:
    """Confirm the secret with a current code; return the new recovery codes (shown once).

    The account's other sessions end (the caller starts this one again): they were opened
    with the password alone, and would otherwise pass as two-step sessions — e.g. reach
    extracts or user management — without anyone there having entered a code."""
    if user.two_step_enabled:
        raise PortalError("Two-step sign-in is already on.")
    step, _ = _app_code_step(user, code)
    if step is None:
        raise WrongCode(
            "That code is not right. Enter the 6-digit code your app shows now "
            "(check that the time on your phone is set automatically)."
        )
    user.totp_enabled_at = utcnow()
    user.totp_last_timestep = step
    end_sessions(user)
    audit.record("two_step.enabled", user, user)
    return new_recovery_codes(user)


def disable(user: User, password: str, code: str, ip: str) -> None:
    ok, _ = verify_password(user.password_hash, password)
    if not ok:
        raise WrongPassword()
    check_code(user, code, ip)
    _turn_off(user)
    audit.record("two_step.disabled", user, user)


def reset(user: User) -> None:
    """Turn it off without a code, for someone who lost both the phone and the recovery
    codes (``flask users reset-two-step``, after an administrator has checked who asks);
    their sessions end."""
    if not user.two_step_enabled:
        raise PortalError(f"{user.email} does not use two-step sign-in.")
    _turn_off(user)
    user.session_version += 1
    audit.record("two_step.reset", None, user, detail="command line")


def _turn_off(user: User) -> None:
    user.totp_secret = None
    user.totp_enabled_at = None
    user.totp_last_timestep = None
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))


def new_recovery_codes(user: User) -> list[str]:
    """Replace the user's recovery codes with ten new ones; return them (shown once)."""
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    codes = []
    while len(codes) < RECOVERY_CODE_COUNT:
        raw = "".join(secrets.choice(RECOVERY_ALPHABET) for _ in range(10))
        code = f"{raw[:5]}-{raw[5:]}"
        if code not in codes:
            codes.append(code)
    db.session.add_all(RecoveryCode(user_id=user.id, code_hash=_digest(code)) for code in codes)
    db.session.flush()
    return codes


def regenerate_recovery_codes(user: User, proof: str, ip: str) -> list[str]:
    """New recovery codes, for a current code from the app or the account's password."""
    proof = proof.strip()
    if proof.isascii() and "".join(proof.split()).isdigit():
        check_code(user, proof, ip, recovery=False)
    else:
        check_throttle(user)
        ok, _ = verify_password(user.password_hash, proof)
        if not ok:
            _refuse(
                user,
                ip,
                "That is neither a current code from your app nor your password.",
                "wrong password (for new recovery codes)",
            )
    codes = new_recovery_codes(user)
    audit.record("two_step.recovery_codes_renewed", user, user)
    return codes


def recovery_codes_left(user: User) -> int:
    return db.session.scalar(
        select(func.count(RecoveryCode.id)).where(
            RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None)
        )
    )


def prune() -> int:
    """Delete wrong-code records past the throttle window."""
    since = utcnow() - current_app.config["LOGIN_THROTTLE_WINDOW"]
    return db.session.execute(
        delete(TwoStepFailure).where(TwoStepFailure.created_at < since)
    ).rowcount
