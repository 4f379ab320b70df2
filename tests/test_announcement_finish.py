"""When an announcement's sending finishes (issue 24): the phones and their limits,
the quiet hours and the day's caps, said as the officer reads it; at set clocks, no
database (``bot.ksm.announcement_estimate.finish_time`` is pure)."""
from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta, timezone

import pytest

from bot.ksm.announcement_estimate import (
    NO_PHONE,
    SMS_VIA_GATEWAY,
    WHATSAPP_TEXT,
    Lane,
    Pace,
    finish_text,
    finish_time,
    when_done,
)
from bot.settings import Settings

WIB, WITA = "Asia/Jakarta", "Asia/Makassar"
SETTINGS = Settings(smsgate_url="http://gateway", smsgate_rate_per_minute=10.0,
                    smsgate_daily_cap_per_sim=200, smsgate_jitter=0.2)


def wib(day: int, hour: int, minute: int = 0) -> datetime:
    """A day of December 2026 (the 1st is a Tuesday), Jakarta time, as UTC."""
    return datetime(2026, 12, day, hour, minute, tzinfo=timezone(timedelta(hours=7))) \
        .astimezone(timezone.utc)


def phone(used: int = 0, sims: int = 1) -> Lane:
    return Lane(10 / 60, float(200 * sims - used), float(200 * sims))


def said(messages: int, lanes: tuple[Lane, ...], now: datetime, zone: str = WIB,
         settings: Settings = SETTINGS) -> str:
    return when_done({SMS_VIA_GATEWAY: messages}, Pace(lanes, zone, settings), now)[1]


def test_five_phones_carry_2000_in_forty_minutes() -> None:
    lanes = (phone(sims=2),) * 5  # two SIMs each: 400 a day a phone
    assert finish_time(2000, lanes, wib(1, 8), WIB) == wib(1, 8, 40)
    assert said(2000, lanes, wib(1, 8)) == "selesai sekitar Selasa 08.40 WIB"


def test_the_quiet_hours_stop_the_clock_until_six() -> None:
    free = Lane(10 / 60)  # no daily cap
    # 300 before 21:00, the other 300 from 06:00 on Wednesday.
    assert said(600, (free,), wib(1, 20, 30)) == "selesai sekitar Rabu 06.30 WIB"
    # Begun in the night: nothing before 06:00.
    assert said(60, (phone(),), wib(1, 23, 15)) == "selesai sekitar Rabu 06.06 WIB"
    # Quiet hours off (tests only): straight on.
    loud = replace(SETTINGS, quiet_hours=False)
    assert said(600, (free,), wib(1, 20, 30), settings=loud) == \
        "selesai sekitar Selasa 21.30 WIB"


def test_a_phone_at_its_cap_rests_until_the_next_day() -> None:
    # 50 left today (5 minutes), 200 on Wednesday from 06:00, the last 50 on Thursday.
    assert said(300, (phone(used=150),), wib(1, 9)) == "selesai sekitar Kamis 06.05 WIB"
    # A second phone takes the rest the same day (the first rests at 50): 50 + 200.
    both = (phone(used=150), phone())
    assert finish_time(250, both, wib(1, 9), WIB) == wib(1, 9, 20)


def test_the_kelurahans_own_time_is_said() -> None:
    now = wib(1, 8)  # 09:00 in Makassar
    assert said(60, (phone(),), now, WITA) == "selesai sekitar Selasa 09.06 WITA"


def test_a_week_away_the_date_is_said_too() -> None:
    # 200 a day from one SIM: the last 200 of 1,600 go on the eighth day.
    assert said(1600, (phone(),), wib(1, 9)) == "selesai sekitar Selasa 8/12 06.20 WIB"


def test_no_phone_online_no_time() -> None:
    assert when_done({SMS_VIA_GATEWAY: 10}, Pace((), WIB, SETTINGS), wib(1, 9)) == (None, NO_PHONE)
    # WhatsApp needs no phone: 20 a second.
    finish, text = when_done({WHATSAPP_TEXT: 1200}, Pace((), WIB, SETTINGS), wib(1, 9))
    assert finish == wib(1, 9, 1) and text == "selesai sekitar Selasa 09.01 WIB"


@pytest.mark.parametrize("seconds,text", [(29, "Selasa 09.00"), (31, "Selasa 09.01")])
def test_the_time_is_rounded_to_the_minute(seconds: int, text: str) -> None:
    at = wib(1, 9) + timedelta(seconds=seconds)
    assert finish_text(at, wib(1, 8), WIB) == f"selesai sekitar {text} WIB"
