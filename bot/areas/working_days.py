"""Deadlines in working days: weekends and Indonesian public holidays do not count."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays

from conversations.flows.meeting_common import DEFAULT_ZONE

# The package's "government" category for Indonesia holds the cuti bersama (joint
# leave days the government adds around holidays, e.g. 24 Dec 2026); offices are
# closed on them too, so they are not working days either.
CATEGORIES = ("public", "government")


@lru_cache(maxsize=32)
def _holidays(year: int) -> holidays.HolidayBase:
    return holidays.country_holidays("ID", years=year, categories=CATEGORIES)


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


MONTHS_ID = (
    "Januari", "Februari", "Maret", "April", "Mei", "Juni",
    "Juli", "Agustus", "September", "Oktober", "November", "Desember",
)


def last_day(due_at: datetime, zone: str | None = None) -> date:
    """The last working day of a deadline (``due_at`` is the local midnight after it)."""
    return (due_at - timedelta(microseconds=1)).astimezone(ZoneInfo(zone or DEFAULT_ZONE)).date()


def long_date(day: date) -> str:
    """``7 Desember 2026``."""
    return f"{day.day} {MONTHS_ID[day.month - 1]} {day.year}"


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
