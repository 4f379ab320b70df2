"""The quiet hours' rule itself: 21:00-06:00 local time, nothing unprompted reaches a
resident. Pure functions of an explicit ``now``; where they are applied (the send
claims) is ``workers.quiet_hours``; the announcement's finish estimate
(``bot.ksm.announcement_estimate``) counts them too.
"""
from __future__ import annotations

from datetime import datetime, time, timedelta

from conversations.flows.meeting_common import zone

QUIET_FROM = time(21, 0)
QUIET_UNTIL = time(6, 0)


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


def quiet_from(now: datetime, time_zone: str | None) -> datetime:
    """When the next quiet hours begin after ``now`` (21:00 local)."""
    tz = zone(time_zone)
    local = now.astimezone(tz)
    start = datetime.combine(local.date(), QUIET_FROM, tzinfo=tz)
    if local >= start:
        start += timedelta(days=1)
    return start.astimezone(now.tzinfo)
