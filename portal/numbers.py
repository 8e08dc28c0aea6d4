"""Reading numbers from URLs, query strings and forms: one way, used everywhere.

A number sent by a browser (or by anyone) is text. It is read as a number only when it is

- ASCII digits (``"²".isdigit()`` and ``"٣".isdigit()`` are true; ``int("²")`` raises and
  ``int("٣") == 3``, so ``str.isdigit`` + ``int`` is not a check);
- within the range of the column it is compared with or stored in (ids: 1..2147483647,
  PostgreSQL's INTEGER; a larger one raises ``OverflowError`` on SQLite and "out of range"
  on PostgreSQL);
- finite (``Decimal("NaN")``, ``Decimal("Infinity")``, ``1e400`` are refused).

Anything else is "no number": ``None`` from the readers here, 404 from the URL converter,
a message next to the field from the form fields in ``portal.forms``.
"""

import re
from decimal import Decimal

from flask import Flask
from werkzeug.exceptions import NotFound
from werkzeug.routing import IntegerConverter, ValidationError

INT_MAX = 2**31 - 1  # the largest value of an INTEGER column on PostgreSQL
ID_MIN, ID_MAX = 1, INT_MAX
MAX_DIGITS = 15  # longer text is never a number the portal stores (leading zeros included)

_WHOLE = re.compile(r"[0-9]+")
_DECIMAL = re.compile(r"-?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)")


def whole(value, low: int = 0, high: int = INT_MAX) -> int | None:
    """``value`` (text of ASCII digits, or an int) as a whole number in low..high, or None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        number = value
    elif isinstance(value, str):
        text = value.strip()
        if len(text) > MAX_DIGITS or not _WHOLE.fullmatch(text):
            return None
        number = int(text)
    else:
        return None
    return number if low <= number <= high else None


def to_id(value) -> int | None:
    """An id (1..2147483647) or None."""
    return whole(value, ID_MIN, ID_MAX)


def ids(values) -> list[int]:
    """The ids among ``values`` (e.g. ``request.form.getlist("job_id")``), sorted, unique;
    anything that is not an id is left out."""
    return sorted({number for number in map(to_id, values) if number is not None})


def arg(args, name: str, low: int = ID_MIN, high: int = INT_MAX) -> int | None:
    """One whole number from a query string (``request.args``), or None when it is missing
    or not a number in low..high (a bad filter is ignored)."""
    return whole(args.get(name, ""), low, high)


def page(args, name: str = "page", last: int = 10_000) -> int:
    """The page number asked for (``?page=``), 1 when missing or not a page number."""
    return whole(args.get(name, ""), 1, last) or 1


def decimal(value, low: Decimal | int = 0, high: Decimal | int = INT_MAX) -> Decimal | None:
    """Text such as ``28.50`` or ``-3`` (ASCII digits, one optional point, no exponent) as a
    finite ``Decimal`` in low..high, or None."""
    if isinstance(value, Decimal):
        number = value
    elif isinstance(value, str):
        text = value.strip()
        if len(text) > 2 * MAX_DIGITS or not _DECIMAL.fullmatch(text):
            return None
        number = Decimal(text)
    else:
        return None
    if not number.is_finite() or not low <= number <= high:
        return None
    return number


def coerce_whole(value) -> int:
    """``coerce=`` for SelectFields of ids: like ``int`` but ASCII digits only and within
    0..INT_MAX (0 is the "Choose…" placeholder); raises ValueError otherwise."""
    number = whole(value)
    if number is None:
        raise ValueError("not a number")
    return number


class IdConverter(IntegerConverter):
    """The app's ``<int:...>`` URL converter: ASCII digits only, 1..2147483647 by default, so
    ``/jobs/٣``, ``/jobs/0`` and ``/jobs/99999999999999999999999`` are 404 like any missing id."""

    regex = r"[0-9]+"

    def __init__(
        self,
        map,
        fixed_digits: int = 0,
        min: int | None = ID_MIN,  # noqa: A002
        max: int | None = ID_MAX,
        signed: bool = False,
    ) -> None:  # noqa: A002
        super().__init__(map, fixed_digits, min, max, signed)

    def to_python(self, value: str):
        """404 at once for digits that are no id: a ``ValidationError`` would let werkzeug
        go on to another rule of the same path, and one with other methods makes it 405
        (``PATCH /api/v1/jobs/0`` beside ``GET /api/v1/jobs/<id>``: "use GET")."""
        if len(value) > MAX_DIGITS:
            raise NotFound()
        try:
            return super().to_python(value)
        except ValidationError:
            raise NotFound() from None


def register(app: Flask) -> None:
    """Replace Flask's ``int`` converter before any blueprint adds its rules."""
    app.url_map.converters["int"] = IdConverter


def money(cents: int) -> str:
    """Cents as dollars for people: "$25", "$25.50", "$52,000" (the ``money`` filter)."""
    return f"${cents / 100:,.2f}" if cents % 100 else f"${cents // 100:,}"


def pay_range(low_cents: int, high_cents: int, unit: str) -> str:
    """A posted pay range for people: "$26–$31 an hour", "$52,000 a year" (one figure when
    both ends are the same)."""
    low, high = money(low_cents), money(high_cents)
    per = "an hour" if unit == "hourly" else "a year"
    return f"{low} {per}" if low == high else f"{low}–{high} {per}"
