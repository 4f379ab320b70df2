"""Broadcasts: each recipient once, at the right local hour, on the right channel."""
from __future__ import annotations

from collections import Counter
from dataclasses import replace
from datetime import datetime, timedelta, timezone
from typing import Any

import pytest
from sqlalchemy import select, update

from bot.broadcasts import add_recipients, cancel, create_broadcast, progress, start
from bot.models import Broadcast, BroadcastSend, Contact, Kelurahan
from bot.models import broadcast as b
from tests.transcript import signed_post

WIB, WITA, WIT = "Asia/Jakarta", "Asia/Makassar", "Asia/Jayapura"
NOON_WIB = datetime(2026, 12, 1, 5, 0, tzinfo=timezone.utc)  # 12:00 WIB, 13:00 WITA, 14:00 WIT


def utc(hour: int, minute: int = 0, day: int = 1) -> datetime:
    return datetime(2026, 12, day, hour, minute, tzinfo=timezone.utc)


@pytest.fixture
def fast(rt: Any) -> Any:
    """Sending limits high enough that tests do not wait on the rate limiter."""
    rt.settings = replace(rt.settings, sms_rate_per_second=1000.0, whatsapp_rate_per_second=1000.0)
    return rt


def residents(rt: Any, count: int, time_zone: str = WIB, whatsapp: bool = False,
              last_whatsapp_at: datetime | None = None, first: int = 0) -> list[int]:
    """``count`` contacts in one kelurahan of ``time_zone``; returns their ids."""
    with rt.db.session() as session:
        kelurahan = session.scalar(select(Kelurahan).where(Kelurahan.name == time_zone))
        if kelurahan is None:
            kelurahan = Kelurahan(name=time_zone, kota="Kota", provinsi="Prov", time_zone=time_zone)
            session.add(kelurahan)
            session.flush()
        contacts = [
            Contact(phone=f"+628120000{first + i:04d}", kelurahan_id=kelurahan.id,
                    uses_sms=not whatsapp, uses_whatsapp=whatsapp, last_whatsapp_at=last_whatsapp_at)
            for i in range(count)
        ]
        session.add_all(contacts)
        session.flush()
        return [c.id for c in contacts]


def broadcast_to(rt: Any, contact_ids: list[int], kind: str = "announcement", **fields: Any) -> int:
    with rt.db.session() as session:
        broadcast_id = create_broadcast(session, kind, fields.pop("body_sms", "Rapat BKM besok"),
                                        templates=rt.settings.whatsapp_templates, **fields)
        add_recipients(session, broadcast_id, contact_ids)
    start(rt, broadcast_id)
    return broadcast_id


def counts(rt: Any, broadcast_id: int, now: datetime | None = None) -> dict[str, int]:
    with rt.db.session() as session:
        return progress(session, broadcast_id, now)


def sent_to(twilio: Any) -> Counter[str]:
    return Counter(str(m["To"]) for m in twilio.messages)


def test_every_recipient_once_and_progress_counts(fast, twilio, run_jobs) -> None:
    ids = residents(fast, 25)
    broadcast_id = broadcast_to(fast, ids)
    assert counts(fast, broadcast_id)["queued"] == 25
    run_jobs()
    assert sorted(sent_to(twilio).values()) == [1] * 25
    assert counts(fast, broadcast_id)["sent"] == 25
    with fast.db.session() as session:
        broadcast = session.get(Broadcast, broadcast_id)
        assert (broadcast.status, broadcast.sent_count, broadcast.queued_count) == (b.DONE, 25, 0)
    # Running the job again, or adding the same recipients again, sends nothing more.
    with fast.db.session() as session:
        assert add_recipients(session, broadcast_id, ids) == 0
    from workers.broadcasts import send_broadcast

    send_broadcast(broadcast_id)
    assert len(twilio.messages) == 25


def test_delivery_callbacks_count_as_delivered(fast, twilio, run_jobs, client) -> None:
    broadcast_id = broadcast_to(fast, residents(fast, 3))
    run_jobs()
    sid = str(twilio.messages[0]["_sid"])
    response = signed_post(client, "/webhooks/twilio/status",
                           {"MessageSid": sid, "MessageStatus": "delivered"})
    assert response.status_code < 300
    signed_post(client, "/webhooks/twilio/status", {"MessageSid": sid, "MessageStatus": "sent"})
    assert counts(fast, broadcast_id)["delivered"] == 1


@pytest.mark.parametrize("now, quiet", [
    (utc(13, 59), {WIB: False, WITA: True, WIT: True}),  # 20:59 WIB, 21:59 WITA, 22:59 WIT
    (utc(14, 0), {WIB: True, WITA: True, WIT: True}),  # 21:00 WIB
    (utc(21, 59), {WIB: True, WITA: True, WIT: False}),  # 04:59 WIB, 05:59 WITA, 06:59 WIT
    (utc(22, 0), {WIB: True, WITA: False, WIT: False}),  # 05:00 WIB, 06:00 WITA, 07:00 WIT
    (utc(23, 0), {WIB: False, WITA: False, WIT: False}),  # 06:00 WIB
])
def test_quiet_hours_by_time_zone(now: datetime, quiet: dict[str, bool]) -> None:
    from workers.quiet_hours import is_quiet

    assert {tz: is_quiet(now, tz) for tz in quiet} == quiet


def test_quiet_until_is_six_local_next_morning() -> None:
    from workers.quiet_hours import quiet_until

    assert quiet_until(utc(14, 30), WIB) == utc(23, 0)  # 21:30 WIB -> 06:00 WIB
    assert quiet_until(utc(14, 30), WIT) == utc(21, 0)  # 23:30 WIT -> 06:00 WIT
    assert quiet_until(utc(20, 30), WITA) == utc(22, 0)  # 04:30 WITA, same local day
    assert quiet_until(utc(5, 0), WIB) is None
    assert quiet_until(utc(5, 0), None) is None  # no kelurahan: WIB


def test_broadcast_held_until_six_local_in_each_zone(fast, twilio, run_jobs) -> None:
    from workers.broadcasts import resume_broadcasts

    fast.settings = replace(fast.settings, quiet_hours=True)
    clock = {"now": utc(13, 30)}  # 20:30 WIB, 21:30 WITA, 22:30 WIT
    fast.extras["clock"] = lambda: clock["now"]
    wib, wita, wit = residents(fast, 1, WIB), residents(fast, 1, WITA, first=1), \
        residents(fast, 1, WIT, first=2)
    broadcast_id = broadcast_to(fast, wib + wita + wit)
    run_jobs()
    assert list(sent_to(twilio)) == ["+6281200000000"]
    assert counts(fast, broadcast_id, clock["now"])["held"] == 2
    with fast.db.session() as session:
        held = dict(session.execute(select(BroadcastSend.contact_id, BroadcastSend.not_before)
                                    .where(BroadcastSend.status == b.PENDING)).all())
    assert held == {wita[0]: utc(22, 0), wit[0]: utc(21, 0)}

    clock["now"] = utc(21, 1)  # 06:01 WIT, still 05:01 WITA
    assert resume_broadcasts(fast, clock["now"]) == 1
    run_jobs()
    assert list(sent_to(twilio)) == ["+6281200000000", "+6281200000002"]
    clock["now"] = utc(22, 1)
    resume_broadcasts(fast, clock["now"])
    run_jobs()
    assert sorted(sent_to(twilio).values()) == [1, 1, 1]
    assert counts(fast, broadcast_id)["sent"] == 3


def test_unprompted_single_message_held_at_night_reply_is_not(fast, twilio, run_jobs) -> None:
    from bot.inbound import enqueue_sends
    from bot.models import Message
    from bot.outbox import queue_message
    from workers.sweep import release_held_messages

    fast.settings = replace(fast.settings, quiet_hours=True)
    clock = {"now": utc(15, 0)}  # 22:00 WIB
    fast.extras["clock"] = lambda: clock["now"]
    contact_id = residents(fast, 1)[0]
    with fast.db.session() as session:
        notice = queue_message(session, contact_id, "sms", "Pengumuman", kind="notice")
        reply = queue_message(session, contact_id, "sms", "Terima kasih", kind="reply")
    enqueue_sends(fast, [notice, reply])
    run_jobs()
    assert [m["Body"] for m in twilio.messages] == ["Terima kasih"]
    assert release_held_messages(fast, utc(22, 59)) == 0  # 05:59 WIB
    clock["now"] = utc(23, 0)
    assert release_held_messages(fast, utc(23, 0)) == 1
    run_jobs()
    assert [m["Body"] for m in twilio.messages] == ["Terima kasih", "Pengumuman"]
    with fast.db.session() as session:
        assert session.get(Message, notice).attempts == 1


def test_opt_out_is_checked_at_send_time(fast, twilio, run_jobs) -> None:
    ids = residents(fast, 3)
    broadcast_id = broadcast_to(fast, ids)
    # BERHENTI arrives after the broadcast was made, before its turn comes.
    with fast.db.session() as session:
        session.execute(update(Contact).where(Contact.id == ids[1]).values(opted_out=True))
    run_jobs()
    assert set(sent_to(twilio)) == {"+6281200000000", "+6281200000002"}
    assert counts(fast, broadcast_id)["skipped"] == 1


def test_provider_opt_out_error_marks_contact(fast, twilio, run_jobs) -> None:
    ids = residents(fast, 2)
    twilio.fail(400, 21610, times=1, to="+6281200000000")
    broadcast_id = broadcast_to(fast, ids)
    run_jobs()
    assert counts(fast, broadcast_id)["failed"] == 1
    with fast.db.session() as session:
        assert session.get(Contact, ids[0]).opted_out is True


def test_rate_limit_error_slows_down_and_retries_later(fast, twilio, run_jobs) -> None:
    from workers.rate_limit import limiter_for, sender_key

    broadcast_id = broadcast_to(fast, residents(fast, 2))
    twilio.fail(429, 20429, times=1, to="+6281200000001")
    run_jobs()
    c = counts(fast, broadcast_id)
    assert (c["sent"], c["held"]) == (1, 1)  # back off, not failed
    key, rate = sender_key(fast.settings, "sms")
    limiter = limiter_for(fast)
    first, second = limiter.reserve(key, rate), limiter.reserve(key, rate)
    assert second - first == pytest.approx(2 / rate, abs=0.002)  # half speed for a while


def test_whatsapp_template_outside_window_else_sms(fast, twilio, run_jobs) -> None:
    fast.settings = replace(fast.settings, whatsapp_templates={"announcement": "HX" + "1" * 32})
    now = datetime.now(timezone.utc)
    recent = residents(fast, 1, whatsapp=True, last_whatsapp_at=now - timedelta(hours=2))
    old = residents(fast, 1, whatsapp=True, last_whatsapp_at=now - timedelta(days=3), first=1)
    sms = residents(fast, 1, first=2)
    broadcast_to(fast, recent + old + sms, body_sms="Hasil prioritas: lihat papan BKM",
                 body_whatsapp="Hasil rapat prioritas BKM (lengkap)")
    run_jobs()
    by_to = {str(m["To"]): m for m in twilio.messages}
    assert by_to["whatsapp:+6281200000000"]["Body"] == "Hasil rapat prioritas BKM (lengkap)"
    template = by_to["whatsapp:+6281200000001"]
    assert template["ContentSid"] == "HX" + "1" * 32 and "Body" not in template
    assert "Hasil prioritas" in str(template["ContentVariables"])
    assert by_to["+6281200000002"]["Body"] == "Hasil prioritas: lihat papan BKM"

    # A kind with no approved template: outside the window it goes by SMS instead.
    twilio.reset()
    broadcast_to(fast, old, kind="meeting_notice", body_sms="Rapat KSM Senin 19.30",
                 body_whatsapp="Rapat KSM Senin 19.30 di balai RW")
    run_jobs()
    assert [(m["To"], m["Body"]) for m in twilio.messages] == [
        ("+6281200000001", "Rapat KSM Senin 19.30")]
    with fast.db.session() as session:
        assert session.scalar(select(BroadcastSend.via).where(
            BroadcastSend.status == b.SENT).order_by(BroadcastSend.id.desc()).limit(1)) == "sms"


def test_cancel_skips_what_is_not_sent(fast, twilio, run_jobs) -> None:
    broadcast_id = broadcast_to(fast, residents(fast, 4))
    with fast.db.session() as session:
        assert cancel(session, broadcast_id) == 4
    run_jobs()
    assert twilio.messages == []


class CrashingSender:
    """Hands ``survive`` messages to the provider, then dies right after the next HTTP
    call, before its result is stored: the worst moment for a worker to die."""

    def __init__(self, sender: Any, survive: int) -> None:
        self.sender = sender
        self.left = survive

    def send(self, message: Any) -> str:
        sid = self.sender.send(message)
        if self.left == 0:
            raise RuntimeError("worker killed")
        self.left -= 1
        return sid


def test_worker_dying_mid_broadcast_then_resumed_sends_each_once(fast, twilio, run_jobs) -> None:
    from workers.broadcasts import resume_broadcasts

    real_sender = fast.sender
    fast.sender = CrashingSender(real_sender, survive=9)
    broadcast_id = broadcast_to(fast, residents(fast, 30))
    run_jobs()
    assert len(twilio.messages) == 10  # the tenth reached the provider, unrecorded
    c = counts(fast, broadcast_id)
    assert (c["sent"], c["queued"]) == (9, 21)  # 20 pending + the one in flight

    fast.sender = real_sender
    later = datetime.now(timezone.utc) + timedelta(minutes=10)  # past every lease
    assert resume_broadcasts(fast, later) == 1
    run_jobs()
    assert sorted(sent_to(twilio).values()) == [1] * 30
    c = counts(fast, broadcast_id)
    assert (c["sent"], c["unknown"], c["queued"]) == (29, 1, 0)


def test_worker_killed_with_sigkill_then_resumed_sends_each_at_most_once(
        fast, twilio, run_jobs, database_url, tmp_path) -> None:
    """A real worker process killed by SIGKILL in the middle of a broadcast."""
    import os
    import signal
    import subprocess
    import sys
    import time

    from tests.conftest import SERVER_REDIS
    from tests.transcript import AUTH_TOKEN
    from workers.broadcasts import resume_broadcasts

    recipients = 40
    broadcast_id = broadcast_to(fast, residents(fast, recipients))
    env = {**os.environ, "DATABASE_URL": database_url, "TWILIO_ACCOUNT_SID": "AC" + "0" * 32,
           "TWILIO_AUTH_TOKEN": AUTH_TOKEN, "TWILIO_SMS_FROM": "+15005550006",
           "TWILIO_API_BASE_URL": twilio.url, "SMS_RATE_PER_SECOND": "20",
           "QUIET_HOURS": "off"}
    if SERVER_REDIS:
        env["REDIS_URL"] = SERVER_REDIS
    script = ("import sys\nfrom bot import runtime\nfrom bot.settings import from_env\n"
              "runtime.install(runtime.build(from_env(testing=True)))\n"
              "from workers.broadcasts import send_broadcast\n"
              "send_broadcast(int(sys.argv[1]))\n")
    worker = subprocess.Popen([sys.executable, "-c", script, str(broadcast_id)], env=env,
                              cwd=os.path.dirname(os.path.dirname(__file__)))
    deadline = time.monotonic() + 30
    while len(twilio.messages) < 12 and time.monotonic() < deadline and worker.poll() is None:
        time.sleep(0.005)
    worker.send_signal(signal.SIGKILL)
    worker.wait()
    killed_after = len(twilio.messages)
    assert 12 <= killed_after < recipients

    resume_broadcasts(fast, datetime.now(timezone.utc) + timedelta(minutes=10))
    run_jobs()
    per_number = sent_to(twilio)
    assert max(per_number.values()) == 1  # nobody twice
    c = counts(fast, broadcast_id)
    assert c["queued"] == 0 and c["unknown"] <= 1
    assert c["sent"] + c["unknown"] == recipients
    assert len(per_number) >= recipients - c["unknown"]  # only the in-flight one may miss


def test_rate_limit_is_shared_by_limiters_on_one_redis() -> None:
    import threading
    import time
    import uuid

    from tests.conftest import SERVER_REDIS
    from workers.rate_limit import LocalRateLimiter, RedisRateLimiter, acquire

    if SERVER_REDIS:
        from redis import Redis

        limiters: list[Any] = [RedisRateLimiter(Redis.from_url(SERVER_REDIS)) for _ in range(2)]
    else:
        shared = LocalRateLimiter()  # embedded default: one process, threads share it
        limiters = [shared, shared]
    key = "test:" + uuid.uuid4().hex
    stamps: list[float] = []

    def worker(limiter: Any) -> None:
        for _ in range(25):
            acquire(limiter, key, 50.0)
            stamps.append(time.monotonic())

    threads = [threading.Thread(target=worker, args=(limiter,)) for limiter in limiters]
    begin = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    # 50 sends at 50/s: the first at once, the last 49 intervals later, not 24.
    assert 0.95 <= max(stamps) - begin <= 1.3


def test_two_workers_at_once_send_each_recipient_once(fast, twilio) -> None:
    import threading

    from workers.broadcasts import send_broadcast

    broadcast_id = broadcast_to(fast, residents(fast, 60))
    fast.settings = replace(fast.settings, sms_rate_per_second=20.0)  # batches of 40
    threads = [threading.Thread(target=send_broadcast, args=(broadcast_id,)) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(sent_to(twilio).values()) == [1] * 60
    assert counts(fast, broadcast_id)["sent"] == 60


def test_send_settings_from_the_environment() -> None:
    from bot.settings import SettingsError, from_env

    settings = from_env({"SMS_RATE_PER_SECOND": "2.5",
                         "WHATSAPP_TEMPLATES": "announcement=HXa1, meeting_notice=HXb2"})
    assert settings.sms_rate_per_second == 2.5 and settings.whatsapp_rate_per_second == 20.0
    assert settings.whatsapp_templates == {"announcement": "HXa1", "meeting_notice": "HXb2"}
    assert settings.quiet_hours is True
    for bad in ({"SMS_RATE_PER_SECOND": "0"}, {"WHATSAPP_RATE_PER_SECOND": "fast"},
                {"WHATSAPP_TEMPLATES": "announcement"}, {"WHATSAPP_TEMPLATES": "x=MG1"}):
        with pytest.raises(SettingsError):
            from_env(bad)
