"""Weekly schedules of job shares: blocks of (weekday 0-6, "HH:MM" start, "HH:MM" end).
Two schedules clash when blocks on the same weekday overlap; hours follow from the blocks."""

import re

WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
TIME_RE = re.compile(r"^([01][0-9]|2[0-3]):([0-5][0-9])\Z")  # ASCII digits


def minutes(value: str) -> int:
    match = TIME_RE.match(value)
    if not match:
        raise ValueError(f"{value!r} is not a time (HH:MM)")
    return int(match.group(1)) * 60 + int(match.group(2))


def check_blocks(blocks: list) -> str | None:
    """A message if the blocks are not a valid weekly schedule, else None."""
    if not blocks:
        return "Add at least one block to the schedule (day, start and end)."
    for day, start, end in blocks:
        if day not in range(7):
            return "Choose a day for each block."
        try:
            if minutes(start) >= minutes(end):
                return f"On {WEEKDAYS[day]}, the end ({end}) must be after the start ({start})."
        except ValueError:
            return "Give start and end times as HH:MM (24-hour clock)."
    inner = clashes(blocks, blocks, same=True)
    if inner:
        return f"Two blocks overlap on {inner[0]}."
    return None


def hours(blocks: list) -> float:
    return sum(minutes(end) - minutes(start) for _, start, end in blocks) / 60


def clashes(first: list, second: list, same: bool = False) -> list[str]:
    """Descriptions of the overlaps between two schedules, e.g. "Monday 09:00–13:00"."""
    found = []
    for i, (day_a, start_a, end_a) in enumerate(first):
        for j, (day_b, start_b, end_b) in enumerate(second):
            if same and j <= i:
                continue
            if (
                day_a == day_b
                and minutes(start_a) < minutes(end_b)
                and minutes(start_b) < minutes(end_a)
            ):
                start = max(start_a, start_b)
                end = min(end_a, end_b)
                found.append(f"{WEEKDAYS[day_a]} {start}–{end}")
    return found


def describe(blocks: list) -> str:
    """ "Mon 09:00–13:00, Tue 09:00–13:00" in weekday order."""
    return ", ".join(
        f"{WEEKDAYS[day][:3]} {start}–{end}"
        for day, start, end in sorted(blocks, key=lambda b: (b[0], b[1]))
    )


def check_hours(blocks: list, typed: float | None) -> str | None:
    """A message if hours per week typed beside a schedule differ from it by more than
    half an hour (a rounding such as 37.5 for 37 h 20 min is fine), else None."""
    counted = hours(blocks)
    if typed is None or abs(typed - counted) <= 0.5:
        return None
    return (
        f"The weekly schedule adds up to {counted:g} hours, but the hours per week say "
        f"{typed:g}. Correct one of them (count paid hours only: end a block earlier for "
        "an unpaid break), or leave the hours empty to take them from the schedule."
    )
