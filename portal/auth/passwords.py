"""Password hashing with argon2id; parameters come from the app config."""

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app


def _hasher() -> PasswordHasher:
    config = current_app.config
    return PasswordHasher(
        time_cost=config["ARGON2_TIME_COST"],
        memory_cost=config["ARGON2_MEMORY_COST"],
        parallelism=config["ARGON2_PARALLELISM"],
    )


def hash_password(password: str) -> str:
    return _hasher().hash(password)


def verify_password(password_hash: str, password: str) -> tuple[bool, bool]:
    """Returns (matches, needs_rehash)."""
    hasher = _hasher()
    try:
        hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False, False
    return True, hasher.check_needs_rehash(password_hash)


def burn_time(password: str) -> None:
    """Spend as long as a real verification, so a missing account takes no less time."""
    hasher = _hasher()
    try:
        hasher.verify(hasher.hash("not-a-real-password"), password)
    except VerificationError:
        pass
