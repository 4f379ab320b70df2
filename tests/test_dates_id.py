"""The Indonesian date/time reader used by RAPAT: a table of what people write."""
from __future__ import annotations

from datetime import datetime, timezone
from zoneinfo import ZoneInfo

import pytest

from conversations.dates_id import WhenError, parse_when

WIB = ZoneInfo("Asia/Jakarta")
NOW = datetime(2026, 11, 27, 10, 0, tzinfo=WIB)  # Friday 27 November 2026, 10:00 WIB


def at(month: int, day: int, hour: int, minute: int = 0, year: int = 2026) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=WIB)


@pytest.mark.parametrize("text, expected, rest", [
    ("5/12 19.30 Balai RW 03", at(12, 5, 19, 30), "Balai RW 03"),
    ("05-12-2026 jam 7 malam di rumah Pak RT", at(12, 5, 19), "rumah Pak RT"),
    ("besok 19:30 Masjid Al-Ikhlas", at(11, 28, 19, 30), "Masjid Al-Ikhlas"),
    ("Senin 08.00 kantor kelurahan", at(11, 30, 8), "kantor kelurahan"),
    ("jam 7 pagi", at(11, 28, 7), ""),  # 07:00 has passed today: tomorrow
    ("jam 2 siang", at(11, 27, 14), ""),
    ("jam 4 sore di pos ronda", at(11, 27, 16), "pos ronda"),
    ("lusa pukul 09.00", at(11, 29, 9), ""),
    ("Jumat 08.00", at(12, 4, 8), ""),  # today is Friday, 08:00 is gone: next week
    ("Jumat 19.30", at(11, 27, 19, 30), ""),  # ... but 19:30 today is still ahead
    ("hari Sabtu jam 8", at(11, 28, 8), ""),
    ("Sabtu depan jam 8 pagi", at(12, 5, 8), ""),  # next calendar week's Saturday
    ("5 Desember 19.30", at(12, 5, 19, 30), ""),
    ("tgl 5 des 2026 jam 19.30 WIB aula", at(12, 5, 19, 30), "aula"),
    ("05.12.2026 19.00", at(12, 5, 19), ""),
    ("5/12/26 19.00", at(12, 5, 19), ""),
    ("2/1 19.00", at(1, 2, 19, year=2027), ""),  # January already passed: next year's
    ("hari ini jam 20.00", at(11, 27, 20), ""),
    ("setengah 8 malam", at(11, 27, 19, 30), ""),
    ("19.30 besok", at(11, 28, 19, 30), ""),
    ("BESOK JAM 7 MALAM, Balai Warga", at(11, 28, 19), "Balai Warga"),
    ("besok jam 12 malam", at(11, 29, 0), ""),  # midnight at the end of tomorrow
    ("jam 19.30", at(11, 27, 19, 30), ""),
    # As leaders write them (bench/data/dates-2026-12-07.jsonl has 170, from outside):
    ("5 dsmbr jm 7 mlm", at(12, 5, 19), ""),  # keypad month, jm, mlm
    ("12 desembr jam 3 sore di mushola", at(12, 12, 15), "mushola"),
    ("7/12 jam19.00", at(12, 7, 19), ""),  # glued
    ("14/12 1930 aula", at(12, 14, 19, 30), "aula"),
    ("5des 19.30wib", at(12, 5, 19, 30), ""),
    ("besok sore jam 4", at(11, 28, 16), ""),  # the part of day before the time
    ("nanti malam jam 8", at(11, 27, 20), ""),
    ("malam ini jam 19.30", at(11, 27, 19, 30), ""),
    ("malam minggu jam 8", at(11, 28, 20), ""),  # Saturday night
    ("sabtu minggu depan jam 7 malam", at(12, 5, 19), ""),
    ("minggu depan hari jumat jam 2 siang", at(12, 4, 14), ""),
    ("sesok bengi jam 7", at(11, 28, 19), ""),  # Javanese
    ("insyaallah sabtu malam jam 8 ya pak", at(11, 28, 20), ""),
    ("rapatnya tgl 5 des jm 19.30 di blai rw", at(12, 5, 19, 30), "blai rw"),
    ("tanggal dua puluh lima desember jam tujuh malam", at(12, 25, 19), ""),
    ("tgl 30 jam 8 kurang seperempat malam", at(11, 30, 19, 45), ""),
    ("3 hari lagi jam 7 malam", at(11, 30, 19), ""),
    ("Dec 5 7pm", at(12, 5, 19), ""),
    ("jumat jam 7an malam", at(11, 27, 19), ""),
    ("5/12 19.30 rumah pak RT", at(12, 5, 19, 30), "rumah pak RT"),  # the place keeps "pak"
])
def test_reads_what_people_write(text: str, expected: datetime, rest: str) -> None:
    when = parse_when(text, NOW)
    assert (when.at, when.rest) == (expected, rest)


@pytest.mark.parametrize("text, reason", [
    ("31/2 19.00", "bad_date"),
    ("5/12 di balai", "no_time"),
    ("Senin di balai", "no_time"),
    ("25.00 besok", "bad_time"),
    ("jam 7.75", "bad_time"),
    ("20/11/2026 19.00", "past"),
    ("27/11 08.00", "past"),
    ("Balai RW 03", "nothing"),
    ("sabtu kemarin jam 8 malam", "past"),
    ("pak, balai RW jam berapa?", "nothing"),
    ("", "nothing"),
])
def test_says_what_is_wrong(text: str, reason: str) -> None:
    with pytest.raises(WhenError) as error:
        parse_when(text, NOW)
    assert error.value.reason == reason


def test_local_time_of_each_zone() -> None:
    for zone, utc_hour in (("Asia/Jakarta", 12), ("Asia/Makassar", 11), ("Asia/Jayapura", 10)):
        now = datetime(2026, 11, 27, 10, 0, tzinfo=ZoneInfo(zone))
        when = parse_when("besok 19:00", now)
        assert when.at.astimezone(timezone.utc) == datetime(2026, 11, 28, utc_hour, 0,
                                                            tzinfo=timezone.utc)


@pytest.mark.parametrize(("text", "expected"), [
    # A day of the month alone, after tgl/tanggal: this month if still ahead, else next.
    ("tgl 28 jam 8 pagi", datetime(2026, 11, 28, 8, 0, tzinfo=WIB)),
    ("tgl 12 jam 7", datetime(2026, 12, 12, 7, 0, tzinfo=WIB)),
    ("tanggal 30 jam 19.30 balai", datetime(2026, 11, 30, 19, 30, tzinfo=WIB)),
    ("tgl 15 jam 8 pagi", datetime(2026, 12, 15, 8, 0, tzinfo=WIB)),
])
def test_a_day_of_the_month_alone(text: str, expected: datetime) -> None:
    assert parse_when(text, NOW).at == expected


@pytest.mark.parametrize("text", ["kemarin jam 7 malam", "kmrn jam 19.00", "kemaren jam 8 pagi"])
def test_yesterday_is_a_date_that_has_passed(text: str) -> None:
    with pytest.raises(WhenError) as raised:
        parse_when(text, NOW)
    assert raised.value.reason == "past"


def test_the_31st_in_a_month_of_30_days_is_next_months_if_it_has_one() -> None:
    assert parse_when("tgl 31 jam 9", NOW).at == datetime(2026, 12, 31, 9, 0, tzinfo=WIB)
