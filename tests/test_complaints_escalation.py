"""Overdue complaints move up by themselves: not verified within the verify days, or
not followed up within the follow-up days, a complaint climbs one level, with an audit
entry, a notice to the complainant and a notice in both levels' queues."""

from __future__ import annotations

import dataclasses
from datetime import datetime, timezone

import pytest
from sqlalchemy import select

from bot.models import Complaint, ComplaintEvent, Kelurahan
from bot.complaints import actions as complaint_actions
from bot.settings import SettingsError, from_env
from conversations.flows.complaint_code import grouped
from tests.meeting_helpers import say
from tests.test_complaints_placement import _logout
from workers.sweep import TASKS, escalate_overdue_complaints

RESIDENT = "+6281277770001"
WED_10_WIB = datetime(2026, 11, 25, 3, 0, tzinfo=timezone.utc)


def _utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=timezone.utc)


@pytest.fixture
def sukamaju(rt):  # type: ignore[no-untyped-def]
    with rt.db.session() as s:
        kel = Kelurahan(name="Sukamaju", kota="Kota Bandung", provinsi="Jawa Barat",
                        time_zone="Asia/Jakarta")
        s.add(kel)
        s.flush()
        s.expunge(kel)
        return kel


def _file_at(rt, now: datetime) -> Complaint:  # type: ignore[no-untyped-def]
    say(rt, RESIDENT, "ADUAN dana BLM dipotong", now)
    say(rt, RESIDENT, "Sukamaju", now)
    with rt.db.session() as s:
        complaint = s.scalar(select(Complaint).order_by(Complaint.id.desc()).limit(1))
        s.expunge(complaint)
        return complaint


@pytest.mark.clock("2026-12-01T10:10:00+07:00")  # the officers look just after it climbed
def test_an_unverified_complaint_climbs_to_kota_after_three_working_days(
    rt, client, officer_login, twilio, run_jobs, sukamaju
) -> None:
    assert escalate_overdue_complaints in TASKS
    complaint = _file_at(rt, WED_10_WIB)
    assert complaint.level == "kelurahan"
    assert complaint.due_at == _utc(2026, 11, 30, 17, 0)  # end of Monday 30 Nov, WIB

    assert escalate_overdue_complaints(rt, _utc(2026, 11, 30, 16, 0)) == 0  # 23:00 Monday
    assert escalate_overdue_complaints(rt, _utc(2026, 12, 1, 3, 0)) == 1  # Tuesday 10:00
    assert escalate_overdue_complaints(rt, _utc(2026, 12, 1, 3, 5)) == 0  # once only
    with rt.db.session() as s:
        moved = s.get(Complaint, complaint.id)
        assert moved.level == "kota" and moved.assigned_officer_id is None
        assert moved.due_at == _utc(2026, 12, 4, 17, 0)  # the kota gets its own 3 days
        event = s.scalar(select(ComplaintEvent).where(ComplaintEvent.action == "auto_escalated"))
        assert event.officer_id is None and "3 hari kerja" in event.note
    run_jobs()
    assert any(grouped(complaint.code) in m["Body"] and "kota" in m["Body"]
               for m in twilio.messages if m["To"] == RESIDENT)

    officer_login("ppm_suka", "ppm", kelurahan=sukamaju)
    page = client.get("/complaints/").get_data(as_text=True)
    assert "Naik tingkat otomatis" in page and complaint.code in page
    assert "ke tingkat kota/kabupaten" in page
    _logout(client)
    officer_login("ppm_bdg", "ppm", kota="Kota Bandung", provinsi="Jawa Barat")
    page = client.get("/complaints/?level=kota").get_data(as_text=True)
    assert "Naik tingkat otomatis" in page and page.count(complaint.code) >= 2


def test_a_verified_complaint_not_followed_up_climbs_too(rt, sukamaju) -> None:
    complaint = _file_at(rt, WED_10_WIB)
    with rt.db.session() as s:
        from bot.officers.accounts import create_or_update

        officer = create_or_update(s, "ppm_suka", "password-123", "ppm", s.merge(sukamaju))
        complaint_actions.change_status(s, s.get(Complaint, complaint.id), officer, "verified",
                                        now=WED_10_WIB, settings=rt.settings)
        assert s.get(Complaint, complaint.id).due_at == _utc(2026, 12, 2, 17, 0)  # 5 days
    assert escalate_overdue_complaints(rt, _utc(2026, 12, 2, 16, 0)) == 0
    assert escalate_overdue_complaints(rt, _utc(2026, 12, 3, 3, 0)) == 1
    with rt.db.session() as s:
        event = s.scalar(select(ComplaintEvent).where(ComplaintEvent.action == "auto_escalated"))
        assert "belum ditindaklanjuti" in event.note and "5 hari kerja" in event.note


def test_the_days_are_settings(rt, sukamaju) -> None:
    settings = from_env({"COMPLAINT_VERIFY_WORKING_DAYS": "1",
                         "COMPLAINT_FOLLOW_UP_WORKING_DAYS": "10"}, testing=True)
    assert (settings.complaint_verify_working_days,
            settings.complaint_follow_up_working_days) == (1, 10)
    with pytest.raises(SettingsError, match="COMPLAINT_VERIFY_WORKING_DAYS"):
        from_env({"COMPLAINT_VERIFY_WORKING_DAYS": "0"}, testing=True)
    rt.settings = dataclasses.replace(rt.settings, complaint_verify_working_days=1)
    complaint = _file_at(rt, WED_10_WIB)
    assert complaint.due_at == _utc(2026, 11, 26, 17, 0)  # end of Thursday
