"""Quiet hours are decided where a worker claims a message to send, and only there: with
QUIET_HOURS=off a message made at night goes at once on every path (reply, complaint
notice, notice, broadcast, meeting reminder); with them on, everything but the reply
waits for 06:00 local (the morning's release: tests/test_broadcasts.py, test_meetings.py,
test_complaints_queue.py)."""
from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime, timezone
from typing import Any

import pytest
from sqlalchemy import select

from bot.inbound import InboundMessage, receive
from tests.transcript import handle_and_read_replies
from bot.models import Complaint, ComplaintNotice, Kelurahan, Message
from bot.models import messaging as m
from bot.outbox import enqueue_sends, queue_message
from bot.complaints import actions as complaint_actions
from bot.privacy import retention
from bot.complaints.notices import release_due_notices
from bot.officers.accounts import create_or_update
from tests.broadcasting import broadcast_to
from tests.meeting_helpers import WITA, make_ksm, say
from workers.meeting_sweep import send_meeting_reminders
from workers.sweep import release_held_messages

NIGHT = "2026-11-25T22:00:00+08:00"  # Wednesday 22:00 WITA: quiet in every zone
NIGHT_UTC = datetime(2026, 11, 25, 14, 0, tzinfo=timezone.utc)
COMPLAINANT = "+6281299990001"


def _reply(rt: Any, settle: Callable[[], None]) -> None:
    with rt.db.session() as session:
        session.add(Kelurahan(name="Mandonga", kota="Kota Kendari",
                              provinsi="Sulawesi Tenggara", time_zone=WITA))
    # Received at night and handled by a worker: its replies are queued messages.
    for text in ("ADUAN dana BLM dipotong", "Mandonga"):
        message = InboundMessage(external_id="SM" + uuid.uuid4().hex, phone=COMPLAINANT,
                                 channel="sms", body=text)
        receive(rt, message, now=NIGHT_UTC)
        handle_and_read_replies(rt, message.external_id)


def _complaint_notice(rt: Any, settle: Callable[[], None]) -> None:
    with rt.db.session() as session:
        complaint = session.scalar(select(Complaint))
        officer = create_or_update(session, "ppm_mandonga", "password-123", "ppm",
                                   session.get(Kelurahan, complaint.kelurahan_id))
        queued = complaint_actions.change_status(session, complaint, officer, "verified",
                                                 settings=rt.settings)
    enqueue_sends(rt, queued)


def _notice(rt: Any, settle: Callable[[], None]) -> None:
    with rt.db.session() as session:
        contact_id = session.scalar(select(Complaint.contact_id))
        queued = queue_message(session, contact_id, "sms", "Pemberitahuan", kind="notice")
    enqueue_sends(rt, [queued])


def _broadcast(rt: Any, settle: Callable[[], None]) -> None:
    ksm = make_ksm(rt, WITA, members=2)
    broadcast_to(rt, ksm["contact_ids"])


def _meeting_reminder(rt: Any, settle: Callable[[], None]) -> None:
    ksm = make_ksm(rt, WITA, members=2)
    say(rt, ksm["leader"], "RAPAT 5/12 19.30 Balai RW", NIGHT_UTC)
    say(rt, ksm["leader"], "YA", NIGHT_UTC)
    settle()  # the replies and the meeting notice: counted as the broadcast path is
    assert send_meeting_reminders(rt, datetime(2026, 12, 4, 0, 0, tzinfo=timezone.utc)) == 1


PATHS: dict[str, Callable[[Any, Callable[[], None]], None]] = {
    "reply": _reply,
    "complaint notice": _complaint_notice,
    "notice": _notice,
    "broadcast": _broadcast,
    "meeting reminder": _meeting_reminder,
}


@pytest.mark.clock(NIGHT)
@pytest.mark.parametrize("quiet_hours", [False, True], ids=["off", "on"])
def test_quiet_hours_are_applied_when_a_message_is_claimed_only(
    rt, twilio, run_jobs, quiet_hours: bool
) -> None:
    rt.settings = replace(rt.settings, quiet_hours=quiet_hours,
                          sms_rate_per_second=1000.0, whatsapp_rate_per_second=1000.0)
    sent: dict[str, int] = {}

    def settle() -> None:
        run_jobs()
        twilio.reset()

    for path, make in PATHS.items():
        settle()
        make(rt, settle)
        run_jobs()
        sent[path] = len(twilio.messages)
    if quiet_hours:  # only the replies to what the resident just sent
        assert sent.pop("reply") and sent == dict.fromkeys(sent, 0), sent
    else:
        assert all(sent.values()), sent


@pytest.mark.clock(NIGHT)
def test_a_complaint_notice_held_before_the_claim_decided_still_goes_in_the_morning(
    rt, twilio, run_jobs
) -> None:
    _reply(rt, lambda: None)
    morning = datetime(2026, 11, 25, 22, 0, tzinfo=timezone.utc)  # 06:00 WITA
    with rt.db.session() as session:
        complaint_id = session.scalar(select(Complaint.id))
        session.add(ComplaintNotice(complaint_id=complaint_id, body="Aduan diverifikasi",
                                    kind="notice", not_before=morning, created_at=NIGHT_UTC))
    run_jobs()
    twilio.reset()
    assert release_due_notices(rt, NIGHT_UTC) == 0
    assert release_due_notices(rt, morning) == 1
    run_jobs()
    assert [m["Body"] for m in twilio.messages] == ["Aduan diverifikasi"]


@pytest.mark.clock(NIGHT)
def test_a_notice_held_for_the_morning_is_not_sent_once_its_complaint_is_cut_from_the_number(
    rt, twilio, run_jobs
) -> None:
    rt.settings = replace(rt.settings, quiet_hours=True)
    _reply(rt, lambda: None)
    _complaint_notice(rt, lambda: None)
    run_jobs()
    with rt.db.session() as session:
        complaint = session.scalar(select(Complaint))
        [notice] = session.scalars(select(Message).where(Message.status == m.HELD)).all()
        retention.detach(session, [complaint], NIGHT_UTC, "purged")
    rt.extras["clock"] = lambda: datetime(2026, 11, 25, 23, 0, tzinfo=timezone.utc)  # 06:00 WIB
    twilio.reset()
    assert release_held_messages(rt, rt.extras["clock"]()) == 0
    run_jobs()
    assert twilio.messages == []
    with rt.db.session() as session:
        assert session.get(Message, notice.id).status == m.SKIPPED
