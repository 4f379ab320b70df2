"""Single outbound messages past their use (bot.usefulness): a reply older than its
window, a notice quiet hours would hold past its end, a retry that would come too late.
Each becomes 'expired' at the claim, is never sent, and no sweep brings it back; the
dashboard home counts them and its list agrees."""
from __future__ import annotations

import re
from dataclasses import replace
from datetime import datetime, timedelta, timezone
from typing import Any

import pytest

from bot.models import Message
from bot.models import messaging as m
from bot.outbox import enqueue_sends, queue_message
from tests.broadcasting import residents
from workers.sweep import sweep

T0 = datetime(2026, 12, 8, 3, 0, tzinfo=timezone.utc)  # 10:00 WIB


def at(rt: Any, instant: datetime) -> None:
    rt.extras["clock"] = lambda: instant


def status(rt: Any, message_id: int) -> tuple[str, datetime | None]:
    with rt.db.session() as session:
        row = session.get(Message, message_id)
        return row.status, row.expires_at


@pytest.mark.clock("2026-12-08T10:00:00+07:00")
def test_a_reply_older_than_its_window_expires_and_is_not_sent(rt, twilio, run_jobs) -> None:  # type: ignore[no-untyped-def]
    [contact] = residents(rt, 1)
    with rt.db.session() as session:
        reply = queue_message(session, contact, "sms", "Kode aduan A1B2", kind="reply", now=T0)
        fresh = queue_message(session, contact, "sms", "Terima kasih", kind="reply",
                              now=T0 + timedelta(hours=5))
    assert status(rt, reply) == (m.QUEUED, T0 + timedelta(hours=6))  # REPLY_USEFUL_HOURS
    at(rt, T0 + timedelta(hours=7))  # the worker comes back after 7 hours
    enqueue_sends(rt, [reply, fresh])
    run_jobs()
    assert status(rt, reply)[0] == m.EXPIRED
    assert [x["Body"] for x in twilio.messages] == ["Terima kasih"]
    # The sweep's safety nets do not revive it.
    sweep()
    at(rt, T0 + timedelta(hours=8))
    sweep()
    run_jobs()
    assert status(rt, reply)[0] == m.EXPIRED and len(twilio.messages) == 1


@pytest.mark.clock("2026-12-08T10:00:00+07:00")
def test_every_kind_gets_its_window_through_the_outbox(rt) -> None:  # type: ignore[no-untyped-def]
    [contact] = residents(rt, 1)
    rt.settings = replace(rt.settings, notice_useful_days=2)
    with rt.db.session() as session:
        notice = queue_message(session, contact, "sms", "KSM diverifikasi", kind="notice",
                               now=T0)
        later = queue_message(session, contact, "sms", "Aduan selesai", kind="notice", now=T0,
                              not_before=T0 + timedelta(minutes=10))
        alert = queue_message(session, contact, "sms", "Aduan baru", kind="officer_alert",
                              now=T0)
    assert status(rt, notice)[1] == T0 + timedelta(days=2)
    assert status(rt, later)[1] == T0 + timedelta(days=2, minutes=10)
    assert status(rt, alert)[1] == T0 + timedelta(days=1)


@pytest.mark.clock("2026-12-08T20:30:00+07:00")
def test_a_notice_quiet_hours_would_hold_past_its_end_expires_now(rt, twilio, run_jobs) -> None:  # type: ignore[no-untyped-def]
    rt.settings = replace(rt.settings, quiet_hours=True)
    night = datetime(2026, 12, 8, 15, 0, tzinfo=timezone.utc)  # 22:00 WIB
    [contact] = residents(rt, 1)
    with rt.db.session() as session:
        short = queue_message(session, contact, "sms", "Rapat malam ini", now=night,
                              expires_at=night + timedelta(hours=2))
        long = queue_message(session, contact, "sms", "Rapat besok malam", now=night)
    at(rt, night)
    enqueue_sends(rt, [short, long])
    run_jobs()
    assert status(rt, short)[0] == m.EXPIRED  # 06:00 comes after its end
    assert status(rt, long)[0] == m.HELD
    at(rt, night + timedelta(hours=8, minutes=1))  # 06:01 WIB
    sweep()
    run_jobs()
    assert [x["Body"] for x in twilio.messages] == ["Rapat besok malam"]
    assert status(rt, short)[0] == m.EXPIRED


@pytest.mark.clock("2026-12-08T10:00:00+07:00")
def test_a_retry_that_would_come_after_the_end_expires_at_once(rt, twilio, run_jobs) -> None:  # type: ignore[no-untyped-def]
    [contact] = residents(rt, 1)
    at(rt, T0)
    with rt.db.session() as session:
        message = queue_message(session, contact, "sms", "Rapat 30 menit lagi", now=T0,
                                expires_at=T0 + timedelta(seconds=30))
    twilio.fail(503, 20003)
    enqueue_sends(rt, [message])
    run_jobs()
    with rt.db.session() as session:
        row = session.get(Message, message)
        # BACKOFF's first wait is 10 s: still in time; the second, 60 s, is not.
        assert row.status == m.QUEUED and row.attempts == 1
    at(rt, T0 + timedelta(seconds=11))
    twilio.fail(503, 20003)
    enqueue_sends(rt, [message])
    run_jobs()
    with rt.db.session() as session:
        row = session.get(Message, message)
        assert (row.status, row.attempts) == (m.EXPIRED, 2)
    assert twilio.messages == []


def expired_figure(client: Any) -> tuple[int, str]:
    home = client.get("/").get_data(as_text=True)
    found = re.search(r'href="([^"]*kedaluwarsa[^"]*)"><b>(\d+)</b><span>pesan kedaluwarsa '
                      r'7 hari', home)
    assert found, home
    return int(found.group(2)), found.group(1).replace("&amp;", "&")


@pytest.mark.clock("2026-12-08T10:00:00+07:00")
def test_the_home_pages_expired_figure_is_the_list_behind_it(rt, client, officer_login,
                                                             run_jobs) -> None:  # type: ignore[no-untyped-def]
    officer_login("admin", "admin")
    count, href = expired_figure(client)
    assert count == 0 and "Tidak ada." in client.get(href).get_data(as_text=True)
    contacts = residents(rt, 3)
    now = datetime.now(timezone.utc)
    with rt.db.session() as session:
        old = queue_message(session, contacts[0], "sms", "Lama sekali", kind="reply",
                            now=now - timedelta(days=20))
    at(rt, now - timedelta(days=9))  # expired 9 days ago: outside the figure's week
    enqueue_sends(rt, [old])
    run_jobs()
    rt.extras.pop("clock")
    with rt.db.session() as session:
        stale = [queue_message(session, c, "sms", f"Balasan {i}", kind="reply",
                               now=now - timedelta(hours=7)) for i, c in enumerate(contacts)]
    enqueue_sends(rt, stale)
    run_jobs()
    assert status(rt, old)[0] == m.EXPIRED
    count, href = expired_figure(client)
    listed = client.get(href)
    assert listed.status_code == 200
    page = listed.get_data(as_text=True)
    assert count == 3 == page.count('class="expired-row"')
    assert re.search(r'data-count="expired">3<', page)
    assert "Lama sekali" not in page and "Balasan 0" in page
    # Officers other than admins do not see the system's figures, nor the list.
    officer_login("bkm1", "bkm")
    assert "pesan kedaluwarsa" not in client.get("/").get_data(as_text=True)
    assert client.get(href).status_code == 403
