"""Schedules against availability. A seeker gives availability as day parts; a share's
schedule is blocks of clock time. The day parts, in the profile form's words:
morning 06:00–10:00, day 10:00–16:00, evening 16:00–22:00, night 22:00–06:00."""

from portal.models.seekers import DAY_PARTS
from portal.schedules import WEEKDAYS, minutes

PART_SPANS = {"morning": (360, 600), "day": (600, 960), "evening": (960, 1320)}
# night: 22:00–24:00 and 00:00–06:00 of the same weekday
NIGHT_SPANS = ((1320, 1440), (0, 360))
PART_WORDS = {"morning": "morning", "day": "day", "evening": "evening", "night": "night"}


def _overlaps(start: int, end: int, span: tuple[int, int]) -> bool:
    return start < span[1] and span[0] < end


def cells(blocks: list) -> set[tuple[int, str]]:
    """The (weekday, day part) cells a schedule touches."""
    found = set()
    for day, start, end in blocks or []:
        s, e = minutes(start), minutes(end)
        for part in DAY_PARTS:
            spans = NIGHT_SPANS if part == "night" else (PART_SPANS[part],)
            if any(_overlaps(s, e, span) for span in spans):
                found.add((day, part))
    return found


def describe_cells(missing: set[tuple[int, str]]) -> str:
    """ "evening shifts on Tuesday and Thursday; night shifts on Saturday" """
    by_part: dict[str, list[int]] = {}
    for day, part in missing:
        by_part.setdefault(part, []).append(day)
    phrases = []
    for part in DAY_PARTS:
        days = sorted(by_part.get(part, []))
        if days:
            names = [WEEKDAYS[d] for d in days]
            joined = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
            phrases.append(f"{PART_WORDS[part]} shifts on {joined}")
    return "; ".join(phrases)


def grid(schedules: list[tuple[str, list]]) -> list[dict]:
    """A weekly timetable of several labelled schedules: one row per weekday with the
    blocks of each label, in start order (for the combined-week grid)."""
    rows = []
    for day, name in enumerate(WEEKDAYS):
        blocks = []
        for label, sched in schedules:
            for d, start, end in sched or []:
                if d == day:
                    blocks.append({"label": label, "start": start, "end": end})
        blocks.sort(key=lambda b: b["start"])
        rows.append({"day": name, "blocks": blocks})
    return rows
