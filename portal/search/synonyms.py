"""Sector synonyms and acronyms (ECE ↔ early childhood educator, ...), expanded at query time.

The list is ``portal/search/synonyms.txt`` plus ``instance/synonyms.txt`` if an admin
added one: one group of equivalent phrases per line, comma-separated.
"""

import itertools
import os
import re
from functools import lru_cache
from pathlib import Path

from flask import current_app

BUILTIN = Path(__file__).with_name("synonyms.txt")
MAX_VARIANTS = 12


def _parse(text: str) -> list[tuple[str, ...]]:
    groups = []
    for line in text.splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            phrases = tuple(p.strip().lower() for p in line.split(",") if p.strip())
            if len(phrases) > 1:
                groups.append(phrases)
    return groups


@lru_cache(maxsize=8)
def _load(paths: tuple[tuple[str, float], ...]) -> list[tuple[str, ...]]:
    groups = []
    for path, _mtime in paths:
        groups.extend(_parse(Path(path).read_text(encoding="utf-8")))
    return groups


def groups() -> list[tuple[str, ...]]:
    paths = [str(BUILTIN), os.path.join(current_app.instance_path, "synonyms.txt")]
    present = tuple((p, os.path.getmtime(p)) for p in paths if os.path.exists(p))
    return _load(present)  # re-read when a file changes


def _quoted(phrase: str) -> str:
    return f'"{phrase}"' if " " in phrase else phrase


def expand(query: str) -> list[str]:
    """The query and its variants with each matched phrase swapped for its synonyms."""
    lowered = query.lower()
    if '"' in lowered:
        return [lowered]  # an explicit phrase query is taken literally
    options = []
    for group in groups():
        for phrase in sorted(group, key=len, reverse=True):
            pattern = re.compile(rf"(?<![\w-]){re.escape(phrase)}(?![\w-])")
            if pattern.search(lowered):
                options.append((pattern, group))
                break
    if not options:
        return [lowered]
    variants = []
    for choice in itertools.product(*[group for _, group in options]):
        text = lowered
        for (pattern, _), alternative in zip(options, choice, strict=True):
            text = pattern.sub(_quoted(alternative), text, count=1)
        variants.append(text)
        if len(variants) >= MAX_VARIANTS:
            break
    return list(dict.fromkeys([lowered, *variants]))
