"""The portal's one time zone: dates people see and deadlines are British Columbia's."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

PACIFIC = ZoneInfo("America/Vancouver")


def today_pacific() -> date:
    return datetime.now(PACIFIC).date()
