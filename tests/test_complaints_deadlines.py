"""Deadlines as an officer reads them: the last working day, in the kelurahan's zone,
kept while the complaint is followed up; cuti bersama do not count as working days."""

from __future__ import annotations

from datetime import date, datetime, timezone

from sqlalchemy import select

from bot.models import Complaint, Kelurahan
from bot.complaints import actions as complaint_actions
from bot.officers.api_tokens import issue as new_api_token
from bot.areas.working_days import add_working_days, is_working_day
from tests.meeting_helpers import say

WED_2_DEC_10_WIB = datetime(2026, 12, 2, 3, 0, tzinfo=timezone.utc)


def _kelurahan(rt, name: str, zone: str) -> Kelurahan:  # type: ignore[no-untyped-def]
    with rt.db.session() as s:
        papua = zone == "Asia/Jayapura"
        kel = Kelurahan(name=name, kota="Kota Jayapura" if papua else "Kota Bandung",
                        provinsi="Papua" if papua else "Jawa Barat", time_zone=zone)
        s.add(kel)
        s.flush()
        s.expunge(kel)
        return kel


def test_the_queue_shows_the_last_working_day_not_the_midnight_after(
    rt, client, officer_login, monkeypatch
) -> None:
    kel = _kelurahan(rt, "Sukamaju", "Asia/Jakarta")
    say(rt, "+6281200001111", "ADUAN dana dipotong", WED_2_DEC_10_WIB)
    say(rt, "+6281200001111", "Sukamaju", WED_2_DEC_10_WIB)
    with rt.db.session() as s:
        complaint = s.scalar(select(Complaint))
        complaint_id = complaint.id
        # Thu 3, Fri 4, Mon 7: ends at midnight after Monday 7 December, WIB.
        assert complaint.due_at == datetime(2026, 12, 7, 17, 0, tzinfo=timezone.utc)
    officer_login("ppm_suka", "ppm", kelurahan=kel)
    page = client.get("/complaints/").get_data(as_text=True)
    assert "7 Desember 2026" in page and "2026-12-08" not in page
    detail = client.get(f"/complaints/{complaint_id}").get_data(as_text=True)
    assert "7 Desember 2026" in detail
    with rt.db.session() as s:
        from bot.models import Officer

        token = new_api_token(s, s.scalar(select(Officer).where(Officer.username == "ppm_suka")))
    listed = client.get("/api/complaints", headers={"Authorization": f"Bearer {token}"}).get_json()
    assert listed["complaints"][0]["due_date"] == "2026-12-07"

    # Verified, then in follow-up: the follow-up deadline stays on the complaint.
    monkeypatch.setattr(complaint_actions, "clock", lambda: WED_2_DEC_10_WIB)
    with rt.db.session() as s:
        officer = s.scalar(select(Officer).where(Officer.username == "ppm_suka"))
        complaint = s.get(Complaint, complaint_id)
        complaint_actions.change_status(s, complaint, officer, "verified", settings=rt.settings)
        followed = complaint.due_at
        complaint_actions.change_status(s, complaint, officer, "in_follow_up",
                                        settings=rt.settings)
        assert complaint.due_at == followed is not None


def test_a_deadline_in_papua_is_its_own_day(rt, client, officer_login) -> None:
    kel = _kelurahan(rt, "Entrop", "Asia/Jayapura")
    # Thursday 3 Dec 22:30 WIB is already Friday 00:30 in Jayapura: Fri does not count.
    late_friday = datetime(2026, 12, 3, 15, 30, tzinfo=timezone.utc)
    say(rt, "+6281200002222", "ADUAN MCK belum selesai", late_friday)
    say(rt, "+6281200002222", "Entrop", late_friday)
    officer_login("ppm_entrop", "ppm", kelurahan=kel)
    page = client.get("/complaints/").get_data(as_text=True)
    assert "9 Desember 2026" in page and "8 Desember 2026" not in page  # Mon 7, Tue 8, Wed 9


def test_cuti_bersama_are_not_working_days() -> None:
    # Thursday 24 December 2026 is cuti bersama for Christmas; Friday is Christmas.
    assert not is_working_day(date(2026, 12, 24))
    assert add_working_days(date(2026, 12, 23), 1) == date(2026, 12, 28)
    # Eid al-Fitr 2026: 20 and 23-24 March are cuti bersama around the holiday itself.
    assert not is_working_day(date(2026, 3, 23))
