"""Broadcasts survive dying workers and share one rate limit: each recipient at most once."""
from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta, timezone
from typing import Any

import pytest

from tests.broadcasting import (
    broadcast_to,
    counts,
    residents,
    sent_to,
)


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


def test_worker_dying_mid_broadcast_then_resumed_sends_each_once(rt, twilio, run_jobs) -> None:
    from workers.broadcasts import resume_broadcasts

    real_sender = rt.sender
    rt.sender = CrashingSender(real_sender, survive=9)
    broadcast_id = broadcast_to(rt, residents(rt, 30))
    run_jobs()
    assert len(twilio.messages) == 10  # the tenth reached the provider, unrecorded
    c = counts(rt, broadcast_id)
    assert (c["sent"], c["queued"]) == (9, 21)  # 20 pending + the one in flight

    rt.sender = real_sender
    later = datetime.now(timezone.utc) + timedelta(minutes=10)  # past every lease
    assert resume_broadcasts(rt, later) == 1
    run_jobs()
    assert sorted(sent_to(twilio).values()) == [1] * 30
    c = counts(rt, broadcast_id)
    assert (c["sent"], c["unknown"], c["queued"]) == (29, 1, 0)


@pytest.mark.real_clock  # a worker process of its own keeps the machine's time
def test_worker_killed_with_sigkill_then_resumed_sends_each_at_most_once(
        rt, twilio, run_jobs, database_url) -> None:
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
    broadcast_id = broadcast_to(rt, residents(rt, recipients))
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

    resume_broadcasts(rt, datetime.now(timezone.utc) + timedelta(minutes=10))
    run_jobs()
    per_number = sent_to(twilio)
    assert max(per_number.values()) == 1  # nobody twice
    c = counts(rt, broadcast_id)
    assert c["queued"] == 0 and c["unknown"] <= 1
    assert c["sent"] + c["unknown"] == recipients
    assert len(per_number) >= recipients - c["unknown"]  # only the in-flight one may miss


def test_rate_limit_is_shared_by_limiters_on_one_redis() -> None:
    import threading
    import time
    import uuid

    from tests.conftest import SERVER_REDIS
    from workers.rate_limit import CATCH_UP, LocalRateLimiter, RedisRateLimiter, acquire

    if SERVER_REDIS:
        from redis import Redis

        limiters: list[Any] = [RedisRateLimiter(Redis.from_url(SERVER_REDIS)) for _ in range(2)]
    else:
        shared = LocalRateLimiter()  # embedded default: one process, threads share it
        limiters = [shared, shared]
    key = "test:" + uuid.uuid4().hex
    stamps: list[float] = []

    def worker(limiter: Any) -> None:
        for _ in range(50):
            acquire(limiter, key, 50.0)
            stamps.append(time.monotonic())

    threads = [threading.Thread(target=worker, args=(limiter,)) for limiter in limiters]
    begin = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    # 100 sends at 50/s: the last 99 intervals (1.98 s) after the first, less at most the
    # catch-up allowance if both threads were late at once; unshared would take 0.98 s.
    assert 1.98 - CATCH_UP - 0.02 <= max(stamps) - begin <= 2.4


def test_two_workers_at_once_send_each_recipient_once(rt, twilio) -> None:
    import threading

    from workers.broadcasts import send_broadcast

    broadcast_id = broadcast_to(rt, residents(rt, 60))
    rt.settings = replace(rt.settings, sms_rate_per_second=20.0)  # batches of 40
    threads = [threading.Thread(target=send_broadcast, args=(broadcast_id,)) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(sent_to(twilio).values()) == [1] * 60
    assert counts(rt, broadcast_id)["sent"] == 60


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


def test_rows_claimed_by_a_worker_gone_quiet_go_back_within_a_minute(rt, twilio, run_jobs) -> None:  # type: ignore[no-untyped-def]
    """A worker that claimed a batch and died (no heartbeat on its rows since) does not
    hold them for a five-minute lease: the sweep gives them back within a minute."""
    from bot.models import BroadcastSend
    from bot.models import broadcast as b
    from workers.broadcasts import CLAIM_HEARTBEAT, claim_batch, resume_broadcasts

    broadcast_id = broadcast_to(rt, residents(rt, 30))
    now = datetime.now(timezone.utc)
    with rt.db.session() as session:
        assert len(claim_batch(session, broadcast_id, "the-dead-worker", now, 30)) == 30

    def claimed() -> int:
        with rt.db.session() as session:
            return session.query(BroadcastSend).filter_by(status=b.CLAIMED).count()

    resume_broadcasts(rt, now + CLAIM_HEARTBEAT)  # a live worker would have touched them
    assert claimed() == 30
    assert resume_broadcasts(rt, now + timedelta(seconds=61)) == 1
    assert claimed() == 0
    run_jobs()
    assert sorted(sent_to(twilio).values()) == [1] * 30


def test_a_live_worker_keeps_its_claimed_rows_fresh(rt, twilio) -> None:  # type: ignore[no-untyped-def]
    """While a batch goes out slowly (a gateway phone's 10 a minute), its worker touches
    the rows still waiting, so the sweep never mistakes it for a dead one."""
    from bot.models import BroadcastSend
    from bot.models import broadcast as b
    from workers.broadcasts import CLAIM_HEARTBEAT, send_broadcast

    broadcast_id = broadcast_to(rt, residents(rt, 6))
    start = datetime.now(timezone.utc)
    clock = {"now": start}
    rt.extras["clock"] = lambda: clock["now"]
    ages: list[timedelta] = []

    class SlowSender:
        """Each send takes 20 s of the jobs' clock."""

        def __init__(self, sender: Any) -> None:
            self.sender = sender

        def send(self, message: Any) -> str:
            with rt.db.session() as session:
                waiting = [r.claimed_at for r in session.query(BroadcastSend)
                           .filter_by(status=b.CLAIMED)]
            if waiting:
                ages.append(clock["now"] - min(waiting))
            clock["now"] += timedelta(seconds=20)
            return self.sender.send(message)

    rt.sender = SlowSender(rt.sender)
    send_broadcast(broadcast_id)
    assert len(sent_to(twilio)) == 6
    assert len(ages) >= 4 and max(ages) <= CLAIM_HEARTBEAT + timedelta(seconds=20), ages
