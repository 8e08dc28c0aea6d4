"""Password hashing with argon2id (parameters from the app config) and strength checks."""

import re
from functools import lru_cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app
from zxcvbn import zxcvbn


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


# --- strength (zxcvbn, offline: the password never leaves this process) -----------------

STRENGTH_CHARACTERS = 64  # zxcvbn's time grows fast with length; a longer password is
#                           judged on its start (64 random characters take about 0.4 s)


def guessable_words(*texts: str | None) -> list[str]:
    """Words someone who knows the person would try first: their name and email address,
    whole, run together and in parts (for "mayasingh2026", "maya.singh" or "riverbank")."""
    words: set[str] = set()
    for text in texts:
        text = (text or "").strip().lower()
        if not text:
            continue
        parts = [part for part in re.split(r"[\W_]+", text) if part]
        words.update([text, "".join(parts), *parts])
        local = text.partition("@")[0]
        if local != text:
            words.add(local)
    return sorted(word for word in words if len(word) >= 3)


def weakness(password: str, user_inputs: list[str]) -> str | None:
    """Why ``password`` is too easy to guess, in plain words; None if it is strong enough
    (zxcvbn score of at least PASSWORD_MIN_STRENGTH)."""
    result = zxcvbn(
        password[:STRENGTH_CHARACTERS], user_inputs=user_inputs, max_length=STRENGTH_CHARACTERS
    )
    if result["score"] >= current_app.config["PASSWORD_MIN_STRENGTH"]:
        return None
    reasons = []
    if any(match.get("dictionary_name") == "user_inputs" for match in result["sequence"]):
        reasons.append(
            "It contains your name, email address or agency name, which others can guess."
        )
    feedback = result["feedback"]
    if feedback.get("warning"):
        reasons.append(_sentence(feedback["warning"]))
    reasons.extend(_sentence(suggestion) for suggestion in feedback.get("suggestions", []))
    if not reasons:
        reasons.append("Add another word or two. Uncommon words are better.")
    return " ".join(["This password is too easy to guess."] + list(dict.fromkeys(reasons)))


def _sentence(text: str) -> str:
    text = text.strip()
    return text if text.endswith((".", "!", "?")) else text + "."
