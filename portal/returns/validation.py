"""The rules of a workforce return, as pure functions over plain dicts, shared by the web
form, the CSV upload and ``flask lmi import``.

A *line* here is a dict: ``occupation`` (NOC code), ``region`` (region code),
``employment_status``, ``bargaining_status``, the counts of ``COUNT_FIELDS`` (int or None
for blank), ``fte`` (float or None) and the pay fields of ``PAY_FIELDS`` (cents or None).

``parse_line`` turns typed text into a line (what is well-formed); ``check_return`` applies
the rules to a list of lines and returns hard errors (they block submission) and soft
warnings (they need the submitter's confirmation; a turnover above 150 % holds the return
for review).
"""

import hashlib
import re
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass
from decimal import Decimal, InvalidOperation

# rows are named as a spreadsheet shows them (a draft's lines too, numbered from row 2)
from portal.csvfiles import FIRST_ROW, row_place, rows_place  # noqa: F401
from portal.models.lmi import COUNT_FIELDS
from portal.returns.columns import CODES, KEY_COLUMNS, LABELS, PAY_CENTS

FTE_PER_HEAD = Decimal("1.3")
FLOW_TOLERANCE = Decimal("0.02")  # opening + hires − separations vs closing
MAX_TURNOVER = Decimal("1.5")
MAX_COUNT = 1_000_000
BLANK = "blank — enter 0 if there were none."
TURNOVER = "turnover"  # the rule whose warning holds a return for review


@dataclass(frozen=True)
class Problem:
    """One error or warning: where (``row_place``: ``Row 5``, or ``""`` for the whole
    return), which column, and the message in plain words."""

    where: str
    column: str | None
    message: str
    rule: str = ""

    @property
    def text(self) -> str:
        place = ", ".join(p for p in (self.where, LABELS.get(self.column or "", "")) if p)
        return f"{place}: {self.message}" if place else self.message

    def as_dict(self) -> dict:
        return {**asdict(self), "text": self.text}


@dataclass(frozen=True)
class Codes:
    """The codes a line may use: NOC codes and region codes from the database."""

    occupations: frozenset
    regions: frozenset


# --- parsing: text → values --------------------------------------------------------------


def _clean(value) -> str:
    return "" if value is None else str(value).strip()


def _parse_number(text: str, what: str) -> Decimal | None:
    """A finite number ≥ 0 and not too large, or None for blank; ValueError otherwise."""
    text = text.replace(",", "").replace(" ", "")
    if text == "":
        return None
    if not text.isascii():  # Decimal("٣") is 3: digits are ASCII digits (portal.numbers)
        raise ValueError(f"“{text}” is not a number.")
    try:
        number = Decimal(text)
    except InvalidOperation:
        raise ValueError(f"“{text}” is not a number.") from None
    if not number.is_finite():
        raise ValueError(f"“{text}” is not a number.")
    if number < 0:
        raise ValueError(f"{text} is negative — {what} 0 or more.")
    if number > MAX_COUNT:
        raise ValueError(f"{text} is too large.")
    return number


def parse_count(text: str) -> int | None:
    """A whole number ≥ 0, or None for blank; ValueError with the reason otherwise."""
    number = _parse_number(text, "counts are")
    if number is None:
        return None
    if number != number.to_integral_value():
        raise ValueError(f"{text.strip()} is not a whole number.")
    return int(number)


def parse_fte(text: str) -> float | None:
    number = _parse_number(text, "FTE is")
    return None if number is None else float(round(number, 2))


def parse_dollars(text: str) -> int | None:
    """Dollars (``26.50``, ``$26.5``, ``26``) to cents, or None for blank."""
    text = text.replace("$", "").replace(",", "").replace(" ", "")
    if text == "":
        return None
    if not re.fullmatch(r"[0-9]+(\.[0-9]{1,2})?|\.[0-9]{1,2}", text):
        if re.fullmatch(r"-\d+(\.\d*)?", text):
            raise ValueError(f"{text} is negative.")
        if re.fullmatch(r"\d+\.\d{3,}", text):
            raise ValueError(f"{text} has more than two decimals (dollars and cents).")
        raise ValueError(f"“{text}” is not an amount in dollars, e.g. 26.50.")
    cents = int(Decimal(text) * 100)
    if cents > 100_000:
        raise ValueError(f"{text} is not an hourly wage (too large).")
    return cents


def parse_line(raw: Mapping, codes: Codes) -> tuple[dict, dict[str, str]]:
    """Typed text (form or CSV cells, by column name) → (line, {column: message}).

    Codes must be known and numbers well-formed; blanks become None (allowed in drafts)."""
    line: dict = {}
    errors: dict[str, str] = {}
    occupation = _clean(raw.get("occupation"))
    if occupation.isascii() and occupation.isdigit() and len(occupation) < 5:
        occupation = occupation.zfill(5)  # a spreadsheet dropped the leading zero
    region = _clean(raw.get("region")).lower()
    for name, value, known in (
        ("occupation", occupation, codes.occupations),
        ("region", region, codes.regions),
    ):
        if not value:
            errors[name] = "missing — choose a code from the column guide."
        elif value not in known:
            errors[name] = f"unknown code “{value}” — see the column guide for the codes."
        line[name] = value
    for name in ("employment_status", "bargaining_status"):
        value = _clean(raw.get(name)).lower().replace("-", "_").replace(" ", "_")
        if not value:
            errors[name] = f"missing — one of {', '.join(CODES[name])}."
        elif value not in CODES[name]:
            errors[name] = (
                f"unknown code “{_clean(raw.get(name))}” — one of {', '.join(CODES[name])}."
            )
        line[name] = value
    for name in COUNT_FIELDS:
        try:
            line[name] = parse_count(_clean(raw.get(name)))
        except ValueError as exc:
            errors[name] = str(exc)
    try:
        line["fte"] = parse_fte(_clean(raw.get("fte")))
    except ValueError as exc:
        errors["fte"] = str(exc)
    for column, field in PAY_CENTS.items():
        try:
            line[field] = parse_dollars(_clean(raw.get(column)))
        except ValueError as exc:
            errors[column] = str(exc)
    return line, errors


def as_text(line: Mapping) -> dict[str, str]:
    """A line back to the text of its columns (to fill a form)."""
    text = {name: line.get(name) or "" for name in KEY_COLUMNS}
    for name in COUNT_FIELDS:
        text[name] = "" if line.get(name) is None else str(line[name])
    fte = line.get("fte")
    text["fte"] = "" if fte is None else f"{fte:g}"
    for column, field in PAY_CENTS.items():
        cents = line.get(field)
        text[column] = "" if cents is None else f"{cents / 100:.2f}"
    return text


# --- the rules ---------------------------------------------------------------------------


def key_of(line: Mapping) -> tuple:
    return tuple(line.get(name) for name in KEY_COLUMNS)


def _line_errors(where: str, line: Mapping, unionized: bool, minimum_wage_cents: int):
    def error(column, message, rule=""):
        return Problem(where, column, message, rule)

    for name in ("opening_headcount", "closing_headcount", "fte", *COUNT_FIELDS[2:]):
        if line.get(name) is None:
            yield error(name, BLANK, "blank")
    if line.get("bargaining_status") == "union" and not unionized:
        yield error(
            "bargaining_status",
            "a union line, but your agency is not unionized "
            "(change the agency details if it now is).",
            "union",
        )
    get = line.get
    reasons = [get(n) for n in ("sep_voluntary", "sep_retirement", "sep_involuntary", "sep_other")]
    if (
        get("separations") is not None
        and None not in reasons
        and sum(reasons) != get("separations")
    ):
        yield error(
            "separations",
            f"voluntary + retirement + involuntary + other = "
            f"{sum(reasons)}, but the total is {get('separations')}.",
            "reasons",
        )
    within_90, within_1y, total = (
        get("sep_within_90_days"),
        get("sep_within_1_year"),
        get("separations"),
    )
    if within_90 is not None and within_1y is not None and within_90 > within_1y:
        yield error(
            "sep_within_90_days",
            f"{within_90} left within 90 days of hire, more than "
            f"the {within_1y} who left within 1 year (which includes them).",
            "early",
        )
    if within_1y is not None and total is not None and within_1y > total:
        yield error(
            "sep_within_1_year",
            f"{within_1y} left within 1 year of hire, more than the {total} separations in total.",
            "early",
        )
    if (
        get("vacancies") is not None
        and get("vacancies_90_days") is not None
        and get("vacancies_90_days") > get("vacancies")
    ):
        yield error(
            "vacancies_90_days",
            f"{get('vacancies_90_days')} vacancies open 90+ days, "
            f"more than the {get('vacancies')} vacancies in total.",
            "vacancies",
        )
    closing, fte = get("closing_headcount"), get("fte")
    if closing is not None and fte is not None and Decimal(str(fte)) > FTE_PER_HEAD * closing:
        yield error(
            "fte",
            f"{fte:g} FTE is more than 1.3 × the closing headcount of "
            f"{closing} (at most {float(FTE_PER_HEAD * closing):g}).",
            "fte",
        )
    yield from _pay_errors(where, line, minimum_wage_cents)


def _pay_errors(where: str, line: Mapping, minimum_wage_cents: int):
    pay = {column: line.get(field) for column, field in PAY_CENTS.items()}
    given = [c for c, v in pay.items() if v is not None]
    if not given:
        return
    if len(given) < 3:
        for column in PAY_CENTS:
            if pay[column] is None:
                yield Problem(
                    where,
                    column,
                    "missing — pay is optional, but give all three "
                    "figures (25th percentile, median, 75th percentile) or none.",
                    "pay",
                )
        return
    minimum = minimum_wage_cents / 100
    for column in given:
        if pay[column] < minimum_wage_cents:
            yield Problem(
                where,
                column,
                f"${pay[column] / 100:.2f} an hour is below BC's minimum wage (${minimum:.2f}).",
                "pay",
            )
    if not pay["pay_p25"] <= pay["pay_median"] <= pay["pay_p75"]:
        yield Problem(
            where,
            "pay_median",
            "the pay percentiles are out of order: the 25th "
            "percentile ≤ the median ≤ the 75th percentile "
            f"(${pay['pay_p25'] / 100:.2f}, ${pay['pay_median'] / 100:.2f}, "
            f"${pay['pay_p75'] / 100:.2f}).",
            "pay",
        )


def _line_warnings(where: str, line: Mapping, previous_closing: Mapping):
    get = line.get
    opening, closing = get("opening_headcount"), get("closing_headcount")
    hires, separations = get("hires"), get("separations")
    if None not in (opening, closing, hires, separations):
        expected = opening + hires - separations
        gap = abs(expected - closing)
        if gap and (closing == 0 or Decimal(gap) > FLOW_TOLERANCE * closing):
            yield Problem(
                where,
                "closing_headcount",
                f"opening {opening} + hires {hires} − "
                f"separations {separations} = {expected}, but the closing headcount "
                f"is {closing}. Check the numbers (internal transfers can explain "
                "a difference).",
                "flow",
            )
    before = previous_closing.get(key_of(line))
    if before is not None and opening is not None and before != opening:
        yield Problem(
            where,
            "opening_headcount",
            f"{opening}, but last year's return gave a "
            f"closing headcount of {before} for this line.",
            "previous",
        )
    if None not in (opening, closing, separations) and separations:
        average = Decimal(opening + closing) / 2
        if average == 0 or Decimal(separations) / average > MAX_TURNOVER:
            rate = "—" if average == 0 else f"{Decimal(separations) / average:.0%}"
            yield Problem(
                where,
                "separations",
                f"turnover of {rate} ({separations} "
                f"separations for an average headcount of {float(average):g}) is above "
                "150 %. The return will be held for review by the HR champion.",
                TURNOVER,
            )


def check_return(
    lines: list[Mapping],
    *,
    unionized: bool,
    minimum_wage_cents: int,
    previous_closing: Mapping | None = None,
    rows: Iterable[int] | None = None,
) -> tuple[list[Problem], list[Problem]]:
    """(errors, warnings) of a whole return. ``rows`` are the lines' spreadsheet row numbers
    (default 2, 3, ...: a draft's lines; the importer passes its file's rows);
    ``previous_closing`` maps a line's key to last year's counted closing headcount."""
    rows = list(rows) if rows is not None else list(range(FIRST_ROW, FIRST_ROW + len(lines)))
    errors: list[Problem] = []
    warnings: list[Problem] = []
    if not lines:
        errors.append(
            Problem(
                "",
                None,
                "The return has no lines: add at least one line (or upload a CSV file).",
                "empty",
            )
        )
    seen: dict[tuple, int] = {}
    for row, line in zip(rows, lines, strict=True):
        where = row_place(row)
        key = key_of(line)
        if key in seen:
            errors.append(
                Problem(
                    where,
                    None,
                    f"the same occupation, region, employment "
                    f"status and bargaining status as {row_place(seen[key]).lower()}: "
                    "combine them into one line.",
                    "duplicate",
                )
            )
        else:
            seen[key] = row
        errors.extend(_line_errors(where, line, unionized, minimum_wage_cents))
        warnings.extend(_line_warnings(where, line, previous_closing or {}))
    return errors, warnings


def holds_for_review(warnings: Iterable[Problem]) -> bool:
    return any(w.rule == TURNOVER for w in warnings)


def fingerprint(warnings: Iterable[Problem]) -> str:
    """A short digest of the warnings as shown: a confirmation covers exactly these (if a
    colleague's edit changes them before the submit, the confirmation no longer holds)."""
    text = "\n".join(sorted(w.text for w in warnings))
    return hashlib.sha256(text.encode()).hexdigest()[:16]
