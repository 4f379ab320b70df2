"""What RAPAT and the meeting reminders share: the meeting view, local wording, and
routine (monthly) meetings. Pure: times are UTC-aware in, local wording out.
"""
from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from conversations.keywords import normalise

DEFAULT_ZONE = "Asia/Jakarta"
ZONE_NAMES = {"Asia/Jakarta": "WIB", "Asia/Pontianak": "WIB", "Asia/Makassar": "WITA",
              "Asia/Jayapura": "WIT"}
WEEKDAY_NAMES = {"id": ("Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu", "Minggu"),
                 "en": ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday",
                        "Sunday")}
WEEKDAYS = {"SENIN": 0, "SELASA": 1, "RABU": 2, "KAMIS": 3, "JUMAT": 4, "JUMAAT": 4,
            "SABTU": 5, "MINGGU": 6, "AHAD": 6}
# "Senin pertama", "Senin ke 2", "Senin terakhir"; -1 is the last one of the month.
ORDINALS = {"PERTAMA": 1, "KESATU": 1, "1": 1, "KEDUA": 2, "2": 2, "KETIGA": 3, "3": 3,
            "KEEMPAT": 4, "4": 4, "TERAKHIR": -1, "AKHIR": -1}
ORDINAL_NAMES = {"id": {1: "pertama", 2: "kedua", 3: "ketiga", 4: "keempat", -1: "terakhir"},
                 "en": {1: "first", 2: "second", 3: "third", 4: "fourth", -1: "last"}}
DAY_BEFORE_AT = time(8, 0)  # the day-before reminder, local time
SOON_BEFORE = timedelta(hours=2)  # the second reminder and the leader's count


@dataclass(frozen=True)
class MeetingView:
    """A meeting as flows see it."""

    id: int
    ksm_id: int
    ksm_name: str
    starts_at: datetime  # UTC
    place: str
    time_zone: str = DEFAULT_ZONE
    recurrence: str | None = None
    # When the member was last told about it (its notice, or a reminder since): an
    # answer with no date goes to the meeting told about last.
    told_at: datetime | None = None


def zone(name: str | None) -> ZoneInfo:
    try:
        return ZoneInfo(name or DEFAULT_ZONE)
    except (KeyError, ValueError):
        return ZoneInfo(DEFAULT_ZONE)


def zone_name(time_zone: str | None) -> str:
    return ZONE_NAMES.get(time_zone or DEFAULT_ZONE, "WIB")


def local_when(at: datetime, time_zone: str | None, language: str = "id",
               now: datetime | None = None) -> str:
    """``Senin 7/12 19.30 WIB`` (``Monday 7/12 19.30 WIB``); ``Jumat 1/1/2027 ...``
    when ``now`` is given and the meeting is not in its (local) year."""
    tz = zone(time_zone)
    local = at.astimezone(tz)
    day = WEEKDAY_NAMES["en" if language == "en" else "id"][local.weekday()]
    year = f"/{local.year}" if now is not None and now.astimezone(tz).year != local.year else ""
    return f"{day} {local.day}/{local.month}{year} {local:%H.%M} {zone_name(time_zone)}"


def local_clock(at: datetime, time_zone: str | None) -> str:
    """``19.30 WIB``."""
    return f"{at.astimezone(zone(time_zone)):%H.%M} {zone_name(time_zone)}"


def reminder_times(starts_at: datetime, time_zone: str | None) -> dict[str, datetime]:
    """When each reminder of a meeting is due (UTC): the day before at 08:00 local, and
    2 hours before (members' reminder and the leader's attendance count)."""
    tz = zone(time_zone)
    local_day = starts_at.astimezone(tz).date() - timedelta(days=1)
    day_before = datetime.combine(local_day, DAY_BEFORE_AT, tzinfo=tz).astimezone(starts_at.tzinfo)
    soon = starts_at - SOON_BEFORE
    return {"day_before": day_before, "soon": soon, "count": soon}


# Routine meetings ------------------------------------------------------------------

def recurrence_code(nth: int, weekday: int) -> str:
    return f"{nth}:{weekday}"


def parse_recurrence_code(code: str) -> tuple[int, int]:
    nth, weekday = code.split(":")
    return int(nth), int(weekday)


def nth_weekday(year: int, month: int, weekday: int, nth: int) -> date | None:
    """The ``nth`` ``weekday`` of the month (nth -1: the last), or None (no 5th...)."""
    days = [d for d in range(1, calendar.monthrange(year, month)[1] + 1)
            if date(year, month, d).weekday() == weekday]
    if nth == -1:
        return date(year, month, days[-1])
    return date(year, month, days[nth - 1]) if nth <= len(days) else None


def next_routine(after: datetime, code: str, clock: time, time_zone: str | None) -> datetime:
    """The first routine meeting strictly after ``after`` (UTC in, UTC out)."""
    nth, weekday = parse_recurrence_code(code)
    tz = zone(time_zone)
    local = after.astimezone(tz)
    year, month = local.year, local.month
    for _ in range(24):
        day = nth_weekday(year, month, weekday, nth)
        if day is not None:
            moment = datetime.combine(day, clock, tzinfo=tz)
            if moment > local:
                return moment.astimezone(after.tzinfo)
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    raise ValueError(f"no routine date for {code}")


def split_routine(text: str) -> tuple[int, int, str] | None:
    """``Senin pertama 19.30 Balai RW`` -> (nth, weekday, ``19.30 Balai RW``), or None.

    ``tiap``/``setiap``/``ke`` are skipped; the ordinal may come before the weekday.
    """
    words = text.split()
    nth = weekday = None
    used = 0
    for word in words:
        norm = normalise(word).replace(" ", "")
        ordinal = ORDINALS.get(norm, ORDINALS.get(norm.removeprefix("KE")))
        if norm in ("TIAP", "SETIAP", "KE", "HARI") and (nth is None or weekday is None):
            used += 1
            continue
        if weekday is None and norm in WEEKDAYS:
            weekday, used = WEEKDAYS[norm], used + 1
            continue
        if nth is None and ordinal is not None:
            nth, used = ordinal, used + 1
            continue
        break
    if nth is None or weekday is None:
        return None
    return nth, weekday, " ".join(words[used:])


def routine_words(code: str, language: str = "id") -> str:
    """``Senin pertama`` / ``first Monday``."""
    nth, weekday = parse_recurrence_code(code)
    lang = "en" if language == "en" else "id"
    day, ordinal = WEEKDAY_NAMES[lang][weekday], ORDINAL_NAMES[lang][nth]
    return f"{ordinal} {day}" if lang == "en" else f"{day} {ordinal}"
