"""Dates and times the way people in Indonesia write them in a text message.

``parse_when("5/12 19.30 Balai RW 03", now)`` reads the date and time at the start of
a message (``RAPAT <date> <time> <place>``) and returns them with the rest of the text.
Pure: everything is relative to the given local ``now`` (aware, in the kelurahan's
time zone); the result has the same ``tzinfo``.

Forms read, in either order, with or without ``tgl``/``hari``/``jam``/``pukul``:
- dates: ``5/12``, ``05-12-2026``, ``5/12/26``, ``05.12.2026``, ``5 Desember``,
  ``5 des 2026``, ``tgl 15`` (this month's if ahead, else next month's), ``hari ini``,
  ``besok``, ``lusa``, ``kemarin`` (which has passed), ``Senin``, ``Senin depan``;
- times: ``19.30``, ``19:30``, ``jam 7``, ``jam 7.30``, ``jam 7 malam``, ``7 pagi``,
  ``setengah 8 malam`` (7.30 pm), optionally followed by ``WIB``/``WITA``/``WIT``.
A day and month without a year that passed in the last six months are questioned
(``1/12`` on 2 December is a mistake, not next December); longer ago, they mean next
year (``2/1`` said in December). A weekday means
the next one whose time is still ahead; ``depan`` means that weekday in next week
(weeks start on Monday). A time alone means its next occurrence. ``jam 7`` with no
part of day is 07:00: the flow reads the meeting back for a yes/no anyway.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

MONTHS = {
    "januari": 1, "jan": 1, "februari": 2, "feb": 2, "pebruari": 2, "peb": 2,
    "maret": 3, "mar": 3, "april": 4, "apr": 4, "mei": 5, "juni": 6, "jun": 6,
    "juli": 7, "jul": 7, "agustus": 8, "agu": 8, "agt": 8, "ags": 8, "agus": 8,
    "september": 9, "sep": 9, "sept": 9, "oktober": 10, "okt": 10, "november": 11,
    "nov": 11, "nop": 11, "desember": 12, "des": 12,
}
WEEKDAYS = {
    "senin": 0, "selasa": 1, "rabu": 2, "kamis": 3, "jumat": 4, "jum'at": 4, "jumaat": 4,
    "sabtu": 5, "minggu": 6, "ahad": 6,
}
RELATIVE_DAYS = {"besok": 1, "bsk": 1, "besuk": 1, "lusa": 2,
                 "kemarin": -1, "kemaren": -1, "kmrn": -1, "kmarin": -1}
DAY_WORDS = {"tgl", "tanggal", "tg", "tgl."}
FILLERS = {"tgl", "tanggal", "hari", "pada", "hr", "wib", "wita", "wit"}
TIME_WORDS = {"jam", "pukul", "pkl", "jm"}
PARTS_OF_DAY = {"pagi", "siang", "sore", "malam"}
RECENT_PAST = timedelta(days=183)

_NUMERIC_DATE = re.compile(r"(\d{1,2})([/-])(\d{1,2})(?:\2(\d{2}|\d{4}))?")
_DOTTED_DATE = re.compile(r"(\d{1,2})\.(\d{1,2})\.(\d{2}|\d{4})")
_CLOCK = re.compile(r"(\d{1,2})(?:[.:](\d{2}))?")


class WhenError(ValueError):
    """Not a usable date and time; ``reason`` is one of: nothing, no_time, bad_date,
    bad_time, past, past_date (a day and month without a year, recently passed;
    ``params`` then has ``date`` as typed and ``next_year``, the same date with next year).
    """

    def __init__(self, reason: str, **params: str) -> None:
        super().__init__(reason)
        self.reason = reason
        self.params = params


@dataclass(frozen=True)
class When:
    """A parsed moment: local ``at`` and the text after the date and time."""

    at: datetime
    rest: str


def parse_when(text: str, now: datetime) -> When:
    """Read the date and time at the start of ``text``, relative to local ``now``.

    Raises:
        WhenError: no date/time found, a date without a time, an impossible date or
            time, or a dated moment already past.
    """
    tokens = text.replace(",", " ").split()
    words = [t.lower().rstrip(".") for t in tokens]
    today = now.date()
    day: date | None = None
    weekday: tuple[int, bool] | None = None  # (0=Monday, "depan")
    clock: time | None = None
    next_day = False  # "jam 12 malam": midnight after the given day
    i = 0
    while i < len(words):
        word, after = words[i], words[i + 1] if i + 1 < len(words) else ""
        if day is None and weekday is None:
            found = _date_at(words, i, today)
            if found is not None:
                day, i = found
                continue
            if word in WEEKDAYS:
                ahead = after == "depan"
                weekday, i = (WEEKDAYS[word], ahead), i + (2 if ahead else 1)
                continue
        if clock is None:
            found_time = _time_at(words, i)
            if found_time is not None:
                clock, next_day, i = found_time
                continue
        if word in FILLERS or (word == "ini" and words[i - 1:i] in (["hari"], ["hr"])):
            if word == "ini" and day is None and weekday is None:
                day = today
            i += 1
            continue
        break
    rest = tokens[i:]
    if rest and rest[0].lower() == "di":
        rest = rest[1:]
    if clock is None:
        raise WhenError("no_time" if day is not None or weekday is not None else "nothing")
    at = _resolve(now, day, weekday, clock, next_day)
    return When(at=at, rest=" ".join(rest))


def _resolve(now: datetime, day: date | None, weekday: tuple[int, bool] | None,
             clock: time, next_day: bool) -> datetime:
    def at(d: date) -> datetime:
        return datetime.combine(d + timedelta(days=1 if next_day else 0), clock,
                                tzinfo=now.tzinfo)

    today = now.date()
    if day is not None:
        moment = at(day)
        if moment <= now:
            raise WhenError("past")
        return moment
    if weekday is not None:
        target, next_week = weekday
        if next_week:
            monday = today - timedelta(days=today.weekday()) + timedelta(days=7)
            return at(monday + timedelta(days=target))
        d = today + timedelta(days=(target - today.weekday()) % 7)
        return at(d) if at(d) > now else at(d + timedelta(days=7))
    return at(today) if at(today) > now else at(today + timedelta(days=1))


def _date_at(words: list[str], i: int, today: date) -> tuple[date, int] | None:
    """A date starting at ``words[i]``: returns it and the index after it."""
    word = words[i]
    if word in RELATIVE_DAYS:
        return today + timedelta(days=RELATIVE_DAYS[word]), i + 1
    match = _NUMERIC_DATE.fullmatch(word) or _DOTTED_DATE.fullmatch(word)
    if match:
        groups = [g for g in match.groups() if g not in ("/", "-")]
        day_, month = int(groups[0]), int(groups[1])
        year = groups[2] if len(groups) > 2 else None
        return _make_date(day_, month, year, today), i + 1
    if (word in DAY_WORDS and i + 1 < len(words) and words[i + 1].isdigit()
            and len(words[i + 1]) <= 2 and not (i + 2 < len(words) and words[i + 2] in MONTHS)):
        return _day_of_month(int(words[i + 1]), today), i + 2
    if word.isdigit() and len(word) <= 2 and i + 1 < len(words) and words[i + 1] in MONTHS:
        year = words[i + 2] if i + 2 < len(words) and re.fullmatch(r"\d{4}", words[i + 2]) else None
        return _make_date(int(word), MONTHS[words[i + 1]], year, today), i + (3 if year else 2)
    return None


def _day_of_month(day_: int, today: date) -> date:
    """``tgl 15``: the 15th of this month if it is still ahead (today counts), else the
    next month that has that day."""
    if not 1 <= day_ <= 31:
        raise WhenError("bad_date")
    year, month = today.year, today.month
    if day_ < today.day:
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    for _ in range(3):  # the 31st: the next month that has one
        try:
            return date(year, month, day_)
        except ValueError:
            year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    raise WhenError("bad_date")


def _make_date(day_: int, month: int, year: str | None, today: date) -> date:
    try:
        if year is not None:
            return date(int(year) + (2000 if len(year) == 2 else 0), month, day_)
        found = date(today.year, month, day_)
        if found >= today:
            return found
        following = date(today.year + 1, month, day_)
    except ValueError:
        raise WhenError("bad_date") from None
    if today - found <= RECENT_PAST:
        raise WhenError("past_date", date=f"{day_}/{month}",
                        next_year=f"{day_}/{month}/{following.year}")
    # Long past without a year: people mean next year's (January said in December).
    return following


def _time_at(words: list[str], i: int) -> tuple[time, bool, int] | None:
    """A time starting at ``words[i]``: (time, past midnight, index after it)."""
    j = i
    marked = words[j] in TIME_WORDS
    if marked:
        j += 1
    half = j < len(words) and words[j] == "setengah"
    if half:
        j += 1
    if j >= len(words):
        return None
    match = _CLOCK.fullmatch(words[j])
    part = words[j + 1] if j + 1 < len(words) and words[j + 1] in PARTS_OF_DAY else None
    # A bare number is a time only with "jam"/"setengah" before it or a part of day after.
    if match is None or not (marked or half or part or match.group(2)):
        return None
    hour, minute = int(match.group(1)), int(match.group(2) or 0)
    if half:  # "setengah 8" is half past seven
        hour, minute = hour - 1, 30
    if hour > 23 or minute > 59 or hour < 0:
        raise WhenError("bad_time")
    next_day = False
    if part is not None:
        hour, next_day = _part_of_day(hour, part)
        j += 1
    return time(hour, minute), next_day, j + 1


def _part_of_day(hour: int, part: str) -> tuple[int, bool]:
    if hour > 12:
        return hour, False  # already 24-hour: "19.30 malam"
    if part == "pagi":
        return (0 if hour == 12 else hour), False
    if part == "siang":
        return (hour + 12 if hour < 11 else hour), False
    if part == "sore":
        return (hour + 12 if hour < 12 else hour), False
    # malam: 6-11 is evening; 12 is midnight (the next day); 1-5 is small hours.
    if hour == 12:
        return 0, True
    return (hour + 12 if hour >= 6 else hour), False
