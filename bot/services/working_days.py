"""Deadlines in working days: weekends and Indonesian public holidays do not count."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays

DEFAULT_ZONE = "Asia/Jakarta"


@lru_cache(maxsize=32)
def _holidays(year: int) -> holidays.HolidayBase:
    return holidays.country_holidays("ID", years=year)


def warm_up(today: date | None = None) -> None:
    """Load this year's and next year's holidays now (the package imports its country
    module on first use, a pause the first complaint of each worker would wait for)."""
    year = (today or date.today()).year
    _holidays(year)
    _holidays(year + 1)


# Asked for each day of every deadline, on the inbound path; holidays.HolidayBase
# membership is slow (it parses its key), and the answer for a date never changes.
@lru_cache(maxsize=4096)
def is_working_day(day: date) -> bool:
    """Monday to Friday and not an Indonesian public holiday."""
    return day.weekday() < 5 and day not in _holidays(day.year)


def add_working_days(day: date, count: int) -> date:
    """The ``count``-th working day after ``day`` (``day`` itself does not count)."""
    current = day
    remaining = count
    while remaining > 0:
        current += timedelta(days=1)
        if is_working_day(current):
            remaining -= 1
    return current


def deadline(start: datetime, working_days: int, zone: str | None = None) -> datetime:
    """The end (local midnight) of the ``working_days``-th working day after ``start``.

    Args:
        start: when the clock started (UTC-aware).
        working_days: how many working days are allowed.
        zone: the kelurahan's time zone; days begin and end at local midnight.

    Returns:
        The deadline in UTC.
    """
    tz = ZoneInfo(zone or DEFAULT_ZONE)
    local_day = start.astimezone(tz).date()
    last = add_working_days(local_day, working_days)
    end = datetime.combine(last + timedelta(days=1), time.min, tzinfo=tz)
    return end.astimezone(timezone.utc)
