"""Quiet hours: nothing unprompted reaches a resident between 21:00 and 06:00 local time.

Local means the resident's kelurahan time zone (WIB, WITA or WIT); a contact with no
kelurahan is taken to be in WIB, where most residents live. Pure functions of an
explicit ``now`` so that tests need no clock.
"""
from __future__ import annotations

from datetime import datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

DEFAULT_TIME_ZONE = "Asia/Jakarta"
QUIET_FROM = time(21, 0)
QUIET_UNTIL = time(6, 0)


@lru_cache(maxsize=16)
def zone(name: str | None) -> ZoneInfo:
    """The time zone called ``name``, WIB when unknown or missing."""
    try:
        return ZoneInfo(name or DEFAULT_TIME_ZONE)
    except (KeyError, ValueError):  # ZoneInfoNotFoundError is a KeyError
        return ZoneInfo(DEFAULT_TIME_ZONE)


def is_quiet(now: datetime, time_zone: str | None) -> bool:
    """True when ``now`` (UTC-aware) falls in the quiet hours of ``time_zone``."""
    local = now.astimezone(zone(time_zone)).time()
    return local >= QUIET_FROM or local < QUIET_UNTIL


def quiet_until(now: datetime, time_zone: str | None) -> datetime | None:
    """When the quiet hours around ``now`` end (06:00 local, as a UTC-aware datetime),
    or None when ``now`` is not in quiet hours."""
    if not is_quiet(now, time_zone):
        return None
    tz = zone(time_zone)
    local = now.astimezone(tz)
    day = local.date() if local.time() < QUIET_UNTIL else local.date() + timedelta(days=1)
    # Indonesia has no daylight saving time, so 06:00 local always exists.
    return datetime.combine(day, QUIET_UNTIL, tzinfo=tz).astimezone(now.tzinfo)
