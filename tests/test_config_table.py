"""The README's configuration table and ``portal/config.py`` name the same settings, with
the same defaults: a setting added to one and not the other fails here."""

import re
from datetime import timedelta
from pathlib import Path

from portal.config import Config

README = Path(__file__).resolve().parents[1] / "README.md"
PROSE = object()  # a default the table describes in words (computed when the portal starts)


def _table() -> dict[str, str]:
    """Setting name (without PORTAL_) → the table's default column."""
    section = README.read_text(encoding="utf-8").split("\n## Configuration\n", 1)[1]
    section = section.split("\n## ", 1)[0]
    rows = {}
    for line in section.splitlines():
        match = re.fullmatch(r"\| `PORTAL_([A-Z0-9_]+)` \|.*\| ([^|]+) \|", line)
        if match:
            assert match[1] not in rows, f"{match[1]} is in the table twice"
            rows[match[1]] = match[2].strip()
    return rows


def _settings() -> dict[str, object]:
    return {name: value for name, value in vars(Config).items() if name.isupper()}


def _default(cell: str):
    """The development default the cell states: text before ``;`` (another environment's
    default follows it), without a trailing remark in parentheses."""
    text = re.sub(r"\s*\([^)]*\)$", "", cell.split(";", 1)[0].strip())
    if text == "unset":
        return None
    if text in ("true", "false"):
        return text == "true"
    if re.fullmatch(r"\d+", text):
        return int(text)
    if re.fullmatch(r"\d+\.\d+", text):
        return float(text)
    if duration := re.fullmatch(r"(\d+) (minute|hour|day)s?", text):
        return timedelta(**{duration[2] + "s": int(duration[1])})
    if literal := re.fullmatch(r"`([^`]*)`", text):
        return literal[1]
    return PROSE


def test_the_table_lists_every_setting_and_nothing_else():
    table, settings = set(_table()), set(_settings())
    assert table - settings == set(), "in the README, not in portal/config.py"
    assert settings - table == set(), "in portal/config.py, not in the README"


def test_the_table_states_each_default():
    for name, cell in _table().items():
        value, stated = _settings()[name], _default(cell)
        if stated is PROSE:  # only settings whose default is worked out at start-up
            assert value is None, f"{name}: the table says {cell!r}, config.py {value!r}"
        elif isinstance(value, str | None | bool | int | float | timedelta):
            assert stated == value and type(stated) is type(value), (name, cell, value)
        else:
            assert stated == repr(value), (name, cell, value)


def test_a_wrong_default_would_be_seen():
    assert _default("25") == 25 and _default("`memory://`") == "memory://"
    assert _default("true; false in production") is True
    assert _default("5242880 (5 MB)") == 5242880
    assert _default("15 minutes") == timedelta(minutes=15)
    assert _default("host name") is PROSE
