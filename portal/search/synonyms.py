"""Sector synonyms and acronyms (ECE ↔ early childhood educator, CSW ↔ community support
worker, ...).

The list is ``portal/search/synonyms.txt`` plus ``instance/synonyms.txt`` if an admin
added one: one group of equivalent phrases per line, comma-separated. At index time every
group a job's text mentions becomes a token in the ``synonyms`` field; at query time a
group phrase in the query is replaced by that token, so "ECE" and "early childhood
educator" match the same jobs through one cheap term. After changing the list, run
``flask search reindex``.
"""

import os
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from flask import current_app, has_app_context

BUILTIN = Path(__file__).with_name("synonyms.txt")


@dataclass(frozen=True)
class Groups:
    phrases: tuple[tuple[str, ...], ...]
    token_of: dict  # phrase -> token of its group
    pattern: re.Pattern | None  # any phrase, longest first, on word boundaries


def _parse(text: str) -> list[tuple[str, ...]]:
    groups = []
    for line in text.splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            phrases = tuple(" ".join(p.lower().split()) for p in line.split(",") if p.strip())
            if len(phrases) > 1:
                groups.append(phrases)
    return groups


def token_for(group: tuple[str, ...]) -> str:
    return "syn" + re.sub(r"[^a-z0-9]", "", group[0])


@lru_cache(maxsize=8)
def _load(paths: tuple[tuple[str, float], ...]) -> Groups:
    phrases: list[tuple[str, ...]] = []
    for path, _mtime in paths:
        phrases.extend(_parse(Path(path).read_text(encoding="utf-8")))
    token_of = {}
    for group in phrases:
        for phrase in group:
            token_of.setdefault(phrase, token_for(group))
    alternatives = sorted(token_of, key=len, reverse=True)
    pattern = (
        re.compile(r"(?<![\w-])(" + "|".join(map(re.escape, alternatives)) + r")(?![\w-])")
        if alternatives
        else None
    )
    return Groups(tuple(phrases), token_of, pattern)


def require_synonyms() -> None:
    """Start-up check (create_app): the shipped list is part of the portal, not optional."""
    if not BUILTIN.is_file():
        raise RuntimeError(f"{BUILTIN} is missing: the portal is not installed completely")


def load() -> Groups:
    present = [(str(BUILTIN), os.path.getmtime(BUILTIN))]  # missing: an error, never skipped
    if has_app_context():
        extra = os.path.join(current_app.instance_path, "synonyms.txt")
        if os.path.exists(extra):
            present.append((extra, os.path.getmtime(extra)))
    return _load(tuple(present))  # re-read when a file changes


def groups() -> tuple[tuple[str, ...], ...]:
    return load().phrases


def tokens_in(text: str) -> list[str]:
    """A group token for every mention of a group phrase in the text (index time).

    Repeats count: the document text holds the title three times, so a job whose title
    says "Early Childhood Educator" outranks one that mentions ECE once in passing.
    """
    found = load()
    if found.pattern is None:
        return []
    return [found.token_of[m] for m in found.pattern.findall(text.lower())]


def rewrite(query: str) -> tuple[str, list[str], list[str]]:
    """Split a query into (the text left after taking out synonym phrases, their group
    tokens, the phrases of those groups for highlighting). Quoted phrases stay literal."""
    found = load()
    lowered = query.lower()
    if found.pattern is None or '"' in lowered:
        return query, [], []
    tokens, phrases = [], []
    for match in found.pattern.findall(lowered):
        token = found.token_of[match]
        if token not in tokens:
            tokens.append(token)
            group = next(g for g in found.phrases if token_for(g) == token)
            phrases.extend(group)
    remaining = " ".join(found.pattern.sub(" ", lowered).split())
    return remaining, tokens, phrases
