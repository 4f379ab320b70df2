"""An announcement's "berlaku sampai": the local date after which its messages not yet
sent are not sent (``bot.usefulness``). The BKM officer picks it on the confirmation;
the default is ``ANNOUNCEMENT_USEFUL_DAYS`` from today in the kelurahan's time zone."""
from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

from conversations.flows.meeting_common import zone

LONGEST = timedelta(days=366)  # a date further off is a typing slip (2062 for 2026)


class UsefulDateError(ValueError):
    """The date typed cannot be the announcement's last day; the text says why."""


def today_in(now: datetime, time_zone: str | None) -> date:
    return now.astimezone(zone(time_zone)).date()


def default_date(now: datetime, time_zone: str | None, settings: Any) -> date:
    """Today in the kelurahan plus the setting's days."""
    return today_in(now, time_zone) + timedelta(days=settings.announcement_useful_days)


def end_of(day: date, time_zone: str | None) -> datetime:
    """The first instant after ``day`` in the kelurahan (its messages go all that day)."""
    return datetime.combine(day + timedelta(days=1), time(0), tzinfo=zone(time_zone))


def last_day(expires_at: datetime, time_zone: str | None) -> date:
    """The last local day an announcement expiring at ``expires_at`` is sent on."""
    return (expires_at - timedelta(microseconds=1)).astimezone(zone(time_zone)).date()


def chosen_until(typed: str | None, now: datetime, time_zone: str | None,
                 settings: Any) -> tuple[date, datetime]:
    """The date the officer typed (``YYYY-MM-DD``, as a date field sends it; empty: the
    default) and the instant its messages expire.

    Raises:
        UsefulDateError: not a date, before today, or more than a year ahead.
    """
    today = today_in(now, time_zone)
    if not (typed or "").strip():
        day = default_date(now, time_zone, settings)
    else:
        try:
            day = date.fromisoformat(typed.strip())
        except ValueError:
            raise UsefulDateError("Tanggal berlaku sampai tidak dikenali.") from None
    if day < today:
        raise UsefulDateError("Tanggal berlaku sampai tidak boleh sebelum hari ini.")
    if day - today > LONGEST:
        raise UsefulDateError("Tanggal berlaku sampai paling lama satu tahun dari hari ini.")
    return day, end_of(day, time_zone)
