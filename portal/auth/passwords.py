"""Password hashing with argon2id; parameters come from the app config."""

from functools import lru_cache

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


@lru_cache(maxsize=4)
def _dummy_hash(time_cost: int, memory_cost: int, parallelism: int) -> str:
    hasher = PasswordHasher(time_cost=time_cost, memory_cost=memory_cost, parallelism=parallelism)
    return hasher.hash("not-a-real-password")


def burn_time(password: str) -> None:
    """Spend as long as a real verification, so a missing account takes no less time.

    Only a verification: hashing a dummy on every call would take twice as long."""
    hasher = _hasher()
    try:
        hasher.verify(
            _dummy_hash(hasher.time_cost, hasher.memory_cost, hasher.parallelism), password
        )
    except VerificationError:
        pass
