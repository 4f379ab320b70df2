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
Also as leaders text them: keypad and regional words (``jm 7 mlm``, ``5 dsmbr``, ``sesok
bengi``, ``sab``, ``pk 19.30``), glued (``jam19.00``, ``5des``, ``7an``, ``7pm``), a part of day
before the time (``besok sore jam 4``, ``nanti malam``, ``malam ini``), ``malam minggu``
(Saturday night), ``minggu depan hari jumat``, ``3 hari lagi``, numbers in words
(``tanggal dua puluh lima jam tujuh malam``), ``8 kurang seperempat``, ``7 lewat 15``, and
polite words before and between (``insyaallah sabtu malam jam 8 ya pak``). Measured
against dateparser in ``bench/dates.py``.
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
from typing import Any

from conversations.dates_words import (  # noqa: F401  (MONTHS is read by RAPAT too)
    ALIASES,
    AROUND,
    DAY_WORDS,
    FILLERS,
    LATER_TODAY,
    MONTHS,
    MONTH_PREFIXES,
    PARTS_OF_DAY,
    RELATIVE_DAYS,
    TENS,
    TIME_WORDS,
    UNITS,
    WEEKDAYS,
    GLUED,
)

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


def _tokens(text: str) -> tuple[list[str], list[str]]:
    """The message's tokens as typed, and each as a word the rules read: lower case,
    glued parts apart (``jam19.00``, ``5des``, ``19.30wib``, ``7an``, ``7pm``), aliases
    read (``mlm`` is ``malam``, ``sesok`` is ``besok``, ``sab`` is ``sabtu``)."""
    typed: list[str] = []
    words: list[str] = []
    for token in text.replace(",", " ").split():
        word = token.lower().rstrip(".?!")
        glued = GLUED.match(word)
        parts = [word]
        if glued is not None:
            parts = [glued[1], glued[2]] if glued[1] else [glued[3], glued[4]]
            if parts[1] in ("an", "nan"):  # "jam 7an": about seven
                parts = parts[:1]
        for n, part in enumerate(parts):
            typed.append(token if len(parts) == 1 else (part if n else token[:len(part)]))
            words.append(ALIASES.get(part, part))
    return typed, words


def _month(word: str) -> int | None:
    """A month as typed, spelled out, cut short or misspelled (``desembr``, ``dsmbr``,
    ``novmber``, ``dec``): by its first letters."""
    if word in MONTHS:
        return MONTHS[word]
    if not word.isalpha() or not 3 <= len(word) <= 10:
        return None
    if word[:3] in MONTH_PREFIXES:
        return MONTH_PREFIXES[word[:3]]
    if word[:2] == "ds" or word.startswith("dsm"):  # "dsmbr": vowels dropped
        return 12
    return None


def _number_word(words: list[str], i: int) -> tuple[int, int] | None:
    """A number from 0 to 31 in words at ``words[i]`` (``dua puluh lima``, ``tujuh``,
    ``selawe``, ``dua belas``): (value, index after it)."""
    if i >= len(words):
        return None
    word = words[i]
    after = words[i + 1] if i + 1 < len(words) else ""
    if word in TENS:
        return TENS[word], i + 1
    if word not in UNITS:
        return None
    unit = UNITS[word]
    if after == "belas":
        return 10 + unit, i + 2
    if after == "puluh":
        more = UNITS.get(words[i + 2]) if i + 2 < len(words) else None
        return (10 * unit + more, i + 3) if more else (10 * unit, i + 2)
    return unit, i + 1


def parse_when(text: str, now: datetime) -> When:
    """Read the date and time at the start of ``text``, relative to local ``now``.

    Polite and framing words before and between them are skipped (``insyaallah sabtu
    malam jam 8 ya pak``); the rest of the text, after both, is returned as typed.

    Raises:
        WhenError: no date/time found, a date without a time, an impossible date or
            time, or a dated moment already past.
    """
    tokens, words = _tokens(text)
    today = now.date()
    day: date | None = None
    weekday: tuple[int, bool] | None = None  # (0=Monday, "depan")
    clock: time | None = None
    part: str | None = None  # "besok sore jam 4": the part of day said before the time
    next_day = False  # "jam 12 malam": midnight after the given day
    i = 0
    while i < len(words):
        word, after = words[i], words[i + 1] if i + 1 < len(words) else ""
        if day is None:
            found = _date_at(words, i, today)
            if found is not None:
                day, i = found
                continue
            if word == "malam" and after in WEEKDAYS and clock is None:
                # "malam minggu": the evening before Sunday, Saturday night.
                weekday, part, i = ((WEEKDAYS[after] - 1) % 7, False), "malam", i + 2
                continue
            if weekday is None and word in WEEKDAYS:
                found_weekday = _weekday_at(words, i, today)
                if isinstance(found_weekday, tuple) and isinstance(found_weekday[0], date):
                    day, i = found_weekday  # "sabtu kemarin": a day that has passed
                    continue
                weekday, i = found_weekday
                continue
        if clock is None:
            found_time = _time_at(words, i, part, day is not None or weekday is not None)
            if found_time is not None:
                clock, next_day, i = found_time
                continue
        if word in PARTS_OF_DAY and clock is None:
            part = word
            if after == "ini" and day is None and weekday is None:  # "malam ini"
                day, i = today, i + 2
                continue
            i += 1
            continue
        if word in LATER_TODAY and after in PARTS_OF_DAY and day is None and weekday is None:
            day, i = today, i + 1  # "nanti malam": the part of day is read next
            continue
        if word in FILLERS or (word == "ini" and words[i - 1:i] in (["hari"], ["hr"])):
            if word == "ini" and day is None and weekday is None:
                day = today
            i += 1
            continue
        if word in ("kemarin", "lagi") and (day is not None or weekday is not None):
            i += 1  # "rabu 11 nov kemarin": the date is read already
            continue
        if (clock is None or (day is None and weekday is None)) and (word in AROUND
                                                                     or not word.strip("'.")):
            i += 1
            continue
        break
    rest = tokens[i:]
    if rest and rest[0].lower() == "di":
        rest = rest[1:]
    if all(word in AROUND for word in words[i:]):
        rest = []  # "... jam 8 ya pak": polite words, not a place
    if clock is None:
        raise WhenError("no_time" if day is not None or weekday is not None else "nothing")
    at = _resolve(now, day, weekday, clock, next_day)
    return When(at=at, rest=" ".join(rest))


def _weekday_at(words: list[str], i: int, today: date) -> tuple[Any, int]:
    """A weekday at ``words[i]``: ((weekday, next week), index after it), or (a date
    already past, index) for ``sabtu kemarin``. ``depan``/``minggu depan`` after it, or
    ``minggu depan (hari) jumat`` around it, mean next week's."""
    target = WEEKDAYS[words[i]]
    j = i + 1
    nxt = words[j:j + 3]
    if words[i] == "minggu" and nxt[:1] == ["depan"]:
        # "minggu depan (hari) jumat": next week's Friday; alone, next week's Sunday.
        k = j + 1 + (1 if words[j + 1:j + 2] == ["hari"] else 0)
        if k < len(words) and words[k] in WEEKDAYS:
            return (WEEKDAYS[words[k]], True), k + 1
        return (target, True), j + 1
    if nxt[:1] == ["depan"]:
        return (target, True), j + 1
    if nxt[:2] == ["minggu", "depan"]:
        return (target, True), j + 2
    if nxt[:1] == ["kemarin"] or nxt[:2] == ["minggu", "lalu"]:
        back = (today.weekday() - target) % 7 or 7
        return (today - timedelta(days=back), j + (1 if nxt[:1] == ["kemarin"] else 2))
    return (target, False), j


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
    after = words[i + 1] if i + 1 < len(words) else ""
    if word in RELATIVE_DAYS:
        return today + timedelta(days=RELATIVE_DAYS[word]), i + 1
    if word in ("seminggu", "sminggu") and after == "lagi":
        return today + timedelta(days=7), i + 2
    if word.isdigit() and after in ("hari", "minggu") and words[i + 2:i + 3] == ["lagi"]:
        return today + timedelta(days=int(word) * (7 if after == "minggu" else 1)), i + 3
    match = _NUMERIC_DATE.fullmatch(word) or _DOTTED_DATE.fullmatch(word)
    if match:
        groups = [g for g in match.groups() if g not in ("/", "-")]
        day_, month = int(groups[0]), int(groups[1])
        year = groups[2] if len(groups) > 2 else None
        return _make_date(day_, month, year, today), i + 1
    if word in DAY_WORDS:
        number = _day_number(words, i + 1)
        if number is not None:
            value, j = number
            if j < len(words) and _month(words[j]) is not None:
                return _with_month(value, words, j, today)
            return _day_of_month(value, today), j
        return None
    month = _month(word)
    if month is not None and word not in WEEKDAYS and after.isdigit() and len(after) <= 2:
        return _make_date(int(after), month, None, today), i + 2  # "Dec 5"
    number = _day_number(words, i) if not word.isdigit() or len(word) <= 2 else None
    if number is not None and number[1] < len(words) and _month(words[number[1]]) is not None:
        return _with_month(number[0], words, number[1], today)
    return None


def _day_number(words: list[str], i: int) -> tuple[int, int] | None:
    """A day of the month in digits or words at ``words[i]``."""
    if i >= len(words):
        return None
    if words[i].isdigit() and len(words[i]) <= 2:
        return int(words[i]), i + 1
    return _number_word(words, i)


def _with_month(day_: int, words: list[str], j: int, today: date) -> tuple[date, int]:
    """``day_`` of the month at ``words[j]``, with the year after it if one is typed."""
    month = _month(words[j])
    assert month is not None
    year = words[j + 1] if j + 1 < len(words) and re.fullmatch(r"\d{4}", words[j + 1]) else None
    return _make_date(day_, month, year, today), j + (2 if year else 1)


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


def _time_at(words: list[str], i: int, said_part: str | None = None,
             dated: bool = False) -> tuple[time, bool, int] | None:
    """A time starting at ``words[i]``: (time, past midnight, index after it).
    ``said_part`` is a part of day said before it (``besok sore jam 4``); ``dated``,
    whether a date came first (then ``1930`` is a time)."""
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
    spelled = None if match else _number_word(words, j)
    if match is None and spelled is None and dated and re.fullmatch(r"\d{4}", words[j]):
        match = re.fullmatch(r"(\d{2})(\d{2})", words[j])  # "14/12 1930"
    if match is not None:
        hour, minute, j = int(match.group(1)), int(match.group(2) or 0), j + 1
    elif spelled is not None and (marked or half):
        hour, minute, j = spelled[0], 0, spelled[1]
    else:
        return None
    if j < len(words) and words[j] in ("kurang", "lewat", "lebih"):
        # "8 kurang seperempat" is 7.45; "7 lewat 15" is 7.15.
        amount = 15 if words[j + 1:j + 2] == ["seperempat"] else (
            int(words[j + 1]) if words[j + 1:j + 2] and words[j + 1].isdigit() else None)
        if amount is not None and amount < 60:
            if words[j] == "kurang":
                hour, minute = hour - 1, 60 - amount
            else:
                minute = amount
            j += 2
    part = words[j] if j < len(words) and words[j] in PARTS_OF_DAY else None
    # A bare number is a time only with "jam"/"setengah" before it, a part of day after
    # it, or minutes.
    if not (marked or half or part or (match is not None and match.group(2))):
        return None
    if half:  # "setengah 8" is half past seven
        hour, minute = hour - 1, 30
    if hour > 23 or minute > 59 or hour < 0:
        raise WhenError("bad_time")
    next_day = False
    if part is not None:
        j += 1
    if part or said_part:
        hour, next_day = _part_of_day(hour, part or said_part or "")
    return time(hour, minute), next_day, j


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
