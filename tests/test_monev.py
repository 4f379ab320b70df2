"""Monev: periods from the verification date, reminders, skip-if-reported, the second
reminder, the MONEV dialog and the BKM's overdue list."""
from __future__ import annotations

import re
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from sqlalchemy import select

from bot.models import Kelurahan, MonevPeriod, MonevReport
from bot.models import monev as mv
from tests.indonesian import visible_text
from tests.meeting_helpers import WIB, WIT, bodies_to, fast, make_ksm, say
from workers.monev_sweep import open_monev_periods, second_monev_reminders

VERIFIED_AT = datetime(2026, 10, 15, 3, 0, tzinfo=UTC)
DUE_1 = datetime(2026, 11, 15, 3, 0, tzinfo=UTC)
MINUTE = timedelta(minutes=1)


def periods(rt: Any, ksm_id: int) -> list[MonevPeriod]:
    with rt.db.session() as session:
        return list(session.execute(select(MonevPeriod).where(MonevPeriod.ksm_id == ksm_id)
                                    .order_by(MonevPeriod.number)).scalars())


def report(rt: Any, leader: str, now: datetime, problems: str = "TIDAK ADA") -> str:
    assert "Berapa kali KSM rapat" in say(rt, leader, "MONEV", now)
    assert "anggota yang aktif" in say(rt, leader, "2", now)
    assert "Kegiatan KSM" in say(rt, leader, "3", now)
    assert "masalah" in say(rt, leader, "2", now)
    return say(rt, leader, problems, now)


def test_monthly_periods_reminders_and_report(rt, twilio, run_jobs) -> None:
    fast(rt)
    ksm = make_ksm(rt, WIB, members=4, verified_at=VERIFIED_AT)
    assert open_monev_periods(rt, DUE_1 - MINUTE) == 0
    [first] = periods(rt, ksm["id"])
    assert (first.number, first.kind, first.due_at) == (1, mv.MONTHLY, DUE_1)
    assert "Belum ada laporan monev" in say(rt, ksm["leader"], "MONEV", DUE_1 - timedelta(days=8))

    assert open_monev_periods(rt, DUE_1) == 1
    assert open_monev_periods(rt, DUE_1 + MINUTE) == 0  # once
    run_jobs()
    [reminder] = bodies_to(twilio, ksm["leader"])
    assert "monev bulanan" in reminder and "MONEV" in reminder
    assert all(bodies_to(twilio, m) == [] for m in ksm["members"])
    first, second = periods(rt, ksm["id"])
    assert (second.number, second.due_at) == (2, datetime(2026, 12, 15, 3, 0, tzinfo=UTC))

    assert "sudah diterima" in report(rt, ksm["leader"], DUE_1 + timedelta(days=1),
                                      "Pembukuan belum rapi")
    with rt.db.session() as session:
        saved = session.execute(select(MonevReport)).scalar_one()
    assert (saved.meetings_held, saved.members_active, saved.progress, saved.problems) == \
        (2, 3, "berjalan", "Pembukuan belum rapi")
    assert "Belum ada laporan monev" in say(rt, ksm["leader"], "MONEV", DUE_1 + timedelta(days=2))


# The workers send on the day the reminders are made (a reminder is useful for
# MONEV_REMINDER_DAYS, here 3: on the suite's default day, 3 days on, it would expire).
@pytest.mark.clock("2026-11-15T10:30:00+07:00")
def test_reported_early_is_not_reminded_and_second_reminder(rt, twilio, run_jobs) -> None:
    fast(rt)
    rt.settings = replace(rt.settings, monev_reminder_days=3)
    early = make_ksm(rt, WIB, verified_at=VERIFIED_AT)
    late = make_ksm(rt, WIT, verified_at=VERIFIED_AT)
    open_monev_periods(rt, DUE_1 - timedelta(days=6))  # enrols both
    assert "sudah diterima" in report(rt, early["leader"], DUE_1 - timedelta(days=5))
    assert open_monev_periods(rt, DUE_1) == 2
    run_jobs()
    assert bodies_to(twilio, early["leader"]) == []  # already reported
    assert len(bodies_to(twilio, late["leader"])) == 1
    twilio.reset()

    assert second_monev_reminders(rt, DUE_1 + timedelta(days=3) - MINUTE) == 0
    assert second_monev_reminders(rt, DUE_1 + timedelta(days=3)) == 1
    assert second_monev_reminders(rt, DUE_1 + timedelta(days=4)) == 0
    run_jobs()
    assert bodies_to(twilio, early["leader"]) == []
    [again] = bodies_to(twilio, late["leader"])
    assert "Pengingat kedua" in again


def test_three_and_six_monthly_and_a_backlog_starts_now(rt, twilio, run_jobs) -> None:
    fast(rt)
    assert [mv.kind_of(n) for n in range(1, 13)] == [
        "monthly", "monthly", "quarterly", "monthly", "monthly", "semiannual",
        "monthly", "monthly", "quarterly", "monthly", "monthly", "semiannual"]
    old = make_ksm(rt, WIB, verified_at=datetime(2026, 5, 20, 2, 0, tzinfo=UTC))
    now = datetime(2026, 12, 1, 3, 0, tzinfo=UTC)
    assert open_monev_periods(rt, now) == 1
    sixth, seventh = periods(rt, old["id"])
    assert (sixth.number, sixth.kind, sixth.due_at) == (
        6, mv.SEMIANNUAL, datetime(2026, 11, 20, 2, 0, tzinfo=UTC))
    assert (seventh.number, seventh.kind) == (7, mv.MONTHLY)
    run_jobs()
    assert "6 bulanan" in bodies_to(twilio, old["leader"])[0]
    assert "6 bulanan" in say(rt, old["leader"], "MONEV", now)


def test_monev_bad_answers_keep_the_step(rt) -> None:
    ksm = make_ksm(rt, WIB, members=3, verified_at=VERIFIED_AT)
    open_monev_periods(rt, DUE_1)
    now = DUE_1 + MINUTE
    assert "rapat" in say(rt, ksm["leader"], "MONEV", now)
    assert "0 sampai 31" in say(rt, ksm["leader"], "banyak", now)
    assert "0 sampai 31" in say(rt, ksm["leader"], "99", now)
    assert "0 sampai 3" in say(rt, ksm["leader"], "4", now)  # the meetings answer, then
    assert "0 sampai 3" in say(rt, ksm["leader"], "7", now)  # 7 of 3 members: no
    assert "Kegiatan" in say(rt, ksm["leader"], "3", now)
    assert "1 sampai 3" in say(rt, ksm["leader"], "5", now)
    assert "masalah" in say(rt, ksm["leader"], "berjalan", now)
    assert "emoji" in say(rt, ksm["leader"], "\U0001F600", now)
    assert "sudah diterima" in say(rt, ksm["leader"], "tidak ada", now)
    assert "Hanya" not in say(rt, ksm["members"][0], "MONEV", now)  # members: nothing due


def test_dashboard_lists_overdue_in_the_area_only(rt, client, officer_login) -> None:
    rt.settings = replace(rt.settings, monev_reminder_days=7)
    mine = make_ksm(rt, WIB, verified_at=VERIFIED_AT, kelurahan="Sukamaju")
    other = make_ksm(rt, WIB, verified_at=VERIFIED_AT, kelurahan="Lain")
    open_monev_periods(rt, DUE_1)
    second_monev_reminders(rt, DUE_1 + timedelta(days=7))
    with rt.db.session() as session:
        kelurahan = session.scalar(select(Kelurahan).where(Kelurahan.name == "Sukamaju"))
    officer_login("bkm1", "bkm", kelurahan=kelurahan)
    rt.extras["clock"] = lambda: DUE_1 + timedelta(days=14, minutes=1)
    page = client.get("/monev/?overdue=1").get_data(as_text=True)
    assert mine["name"] in page and "Terlambat" in page
    assert other["name"] not in page
    assert re.search(r"\d\d/\d\d/2026 WIB", page)  # due, in its zone
    assert "UTC" not in visible_text(page)  # (the page's random CSRF token may hold "UTC")
    assert client.get("/monev/").status_code == 200
