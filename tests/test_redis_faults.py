"""Redis hung or emptied: replies are not held, nothing queued is lost, the sweep comes
back by itself. Each test runs its own redis-server (tests/fault_services.py)."""
from __future__ import annotations

import os
import subprocess
import sys
import time
from datetime import timedelta
from typing import Any, Iterator

import pytest
from sqlalchemy import func, select

from bot.models import Contact, Message
from tests.conftest import _empty_tables, app_config
from tests.fault_services import RedisServer, require_redis_server
from tests.ksm_helpers import MEMBERS, add_kelurahan, register
from tests.transcript import Phone


@pytest.fixture
def redis_server() -> Iterator[RedisServer]:
    require_redis_server()
    with RedisServer() as server:
        yield server


@pytest.fixture
def redis_app(database_url: str, twilio: Any, redis_server: RedisServer) -> Iterator[Any]:
    """The app built as production builds it against the private Redis (no JOBS given:
    the runtime makes its own RQ queue and Redis client)."""
    from bot import create_app

    _empty_tables(database_url)
    app = create_app(app_config(database_url, twilio, None, REDIS_URL=redis_server.url))
    yield app
    app.extensions["ksm_runtime"].close()


def notices(rt: Any) -> list[tuple[str, str]]:
    with rt.db.session() as session:
        return [(row.phone, row.status) for row in session.execute(
            select(Contact.phone, Message.status).join(Contact, Contact.id == Message.contact_id)
            .where(Message.direction == "out", Message.kind == "notice").order_by(Message.id))]


def _queued(rt: Any) -> int:
    with rt.db.session() as session:
        return session.scalar(select(func.count()).select_from(Message)
                              .where(Message.status == "queued"))


def test_a_hung_redis_does_not_hold_the_replies_and_the_sweep_sends_later(
        redis_app: Any, redis_server: RedisServer, twilio: Any) -> None:
    from bot import runtime as runtime_module
    from workers.sweep import sweep

    rt = redis_app.extensions["ksm_runtime"]
    add_kelurahan(rt, "Sukamaju")
    leader = Phone(redis_app.test_client())
    register(leader, kelurahan="1")

    redis_server.hang()
    started = time.monotonic()
    for name, number in zip(("Ani", "Budi", "Cici"), MEMBERS):
        leader.send(f"ANGGOTA {name}, P, {number}").expect(f"{name} diundang")
    elapsed = time.monotonic() - started
    # Three invites, each queued for sending after its commit: without short timeouts
    # and a breaker this took 3 x (5 s timeout x 11 tries).
    assert elapsed < 2.5, elapsed
    assert rt.jobs.paused  # one timeout opened the breaker; the other sends skipped Redis
    assert notices(rt) == [(number, "queued") for number in MEMBERS]

    redis_server.resume()
    # A worker's sweep re-enqueues what is still queued after two minutes; its worker
    # then sends it.
    worker_rt = runtime_module.install(runtime_module.build(rt.settings, for_worker=True))
    try:
        worker_rt.extras["clock"] = lambda: _utcnow() + timedelta(minutes=3)
        # The three invites, and the leader's replies: every reply is a queued message too.
        assert sweep()["requeue_stale_messages"] == _queued(rt)
        from tests.conftest import BurstWorker

        BurstWorker([worker_rt.jobs.queue], connection=worker_rt.redis).work(
            burst=True, logging_level="WARNING")
        assert notices(rt) == [(number, "sent") for number in MEMBERS]
        assert sorted(m["To"] for m in twilio.messages if m["To"] != leader.number) == sorted(MEMBERS)
    finally:
        worker_rt.close()
        runtime_module.install(rt)


def test_healthz_reports_a_hung_redis_quickly(redis_app: Any, redis_server: RedisServer) -> None:
    client = redis_app.test_client()
    assert client.get("/healthz").status_code == 200
    redis_server.hang()
    started = time.monotonic()
    response = client.get("/healthz")
    assert time.monotonic() - started < 1.5
    assert response.status_code == 503
    assert response.get_json()["redis"].startswith("error")


def test_the_web_queue_waits_one_short_timeout_then_skips_redis(redis_server: RedisServer) -> None:
    from redis.exceptions import TimeoutError as RedisTimeout

    from bot.runtime import redis_client
    from workers.outbound import send_message
    from bot.jobs import JobQueuePaused, RqJobQueue

    queue = RqJobQueue(redis_client(redis_server.url), pause_after_failure=0.3)
    queue.enqueue(send_message, 1)
    redis_server.hang()
    started = time.monotonic()
    with pytest.raises(RedisTimeout):
        queue.enqueue(send_message, 2)
    assert time.monotonic() - started < 1.5
    started = time.monotonic()
    with pytest.raises(JobQueuePaused):
        queue.enqueue(send_message, 3)
    assert time.monotonic() - started < 0.05
    redis_server.resume()
    time.sleep(0.35)  # the pause is over: Redis is tried again
    queue.enqueue(send_message, 4)
    # (Job 2 may or may not be there: the server can still read what was sent before
    # the timeout. Send jobs check their row first, so a second enqueue does no harm.)
    assert (4,) in [job.args for job in queue.queue.jobs]


def _utcnow() -> Any:
    from datetime import datetime, timezone

    return datetime.now(timezone.utc)


def _worker_env(database_url: str, redis_url: str, twilio: Any) -> dict[str, str]:
    env = dict(os.environ)
    env.update({
        "DATABASE_URL": database_url, "REDIS_URL": redis_url, "SECRET_KEY": "s" * 32,
        "PUBLIC_BASE_URL": "https://bot.example.org", "QUIET_HOURS": "off",
        "TWILIO_ACCOUNT_SID": "AC" + "0" * 32, "TWILIO_AUTH_TOKEN": "t",
        "TWILIO_SMS_FROM": "+15005550006", "TWILIO_API_BASE_URL": twilio.url,
        "SWEEP_INTERVAL_SECONDS": "1",
    })
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    env["PYTHONPATH"] = root + os.pathsep + env.get("PYTHONPATH", "")
    return env


def _sweep_ended_after(redis_server: RedisServer, since: float) -> bool:
    from rq.job import Job

    from workers.sweep import SWEEP_JOB_ID

    try:
        job = Job.fetch(SWEEP_JOB_ID, connection=redis_server.client())
    except Exception:  # noqa: BLE001 - not there yet, or Redis restarting
        return False
    return job.ended_at is not None and job.ended_at.timestamp() > since


@pytest.mark.real_clock  # a worker process of its own keeps the machine's time
def test_a_worker_busy_sending_rides_out_a_redis_outage_and_sweeps_again(
        redis_app: Any, database_url: str, redis_server: RedisServer, twilio: Any,
        tmp_path: Any) -> None:
    """Redis dies while the worker is in the middle of sending: the worker stays up,
    reconnects when Redis is back, and the sweep (the safety net) runs again."""
    from bot.outbox import enqueue_sends, queue_message

    rt = redis_app.extensions["ksm_runtime"]
    twilio.delay = 0.05
    with rt.db.session() as session:
        ids = []
        for i in range(300):
            contact = Contact(phone=f"+62812777{i:05d}")
            session.add(contact)
            session.flush()
            ids.append(queue_message(session, contact.id, "sms", "Rapat KSM besok jam 19.30"))
    enqueue_sends(rt, ids)
    log_path = tmp_path / "worker.log"
    log = open(log_path, "wb")  # noqa: SIM115 - closed in finally
    worker = subprocess.Popen([sys.executable, "-m", "bot.cli", "worker"],
                              env=_worker_env(database_url, redis_server.url, twilio),
                              cwd=tmp_path, stdout=subprocess.DEVNULL, stderr=log)
    try:
        deadline = time.monotonic() + 30
        while len(twilio.messages) < 20 and time.monotonic() < deadline:
            time.sleep(0.05)
        assert len(twilio.messages) >= 20, log_path.read_text()[-3000:]
        redis_server.kill()  # in the middle of the sends
        time.sleep(3)
        assert worker.poll() is None, log_path.read_text()[-3000:]
        redis_server.start()  # back, empty (no persistence)
        back = time.time()
        deadline = time.monotonic() + 45
        while not _sweep_ended_after(redis_server, back) and time.monotonic() < deadline:
            assert worker.poll() is None, log_path.read_text()[-3000:]
            time.sleep(0.2)
        assert _sweep_ended_after(redis_server, back), log_path.read_text()[-3000:]
        assert worker.poll() is None, log_path.read_text()[-3000:]
    finally:
        worker.terminate()
        try:
            worker.wait(timeout=10)
        except subprocess.TimeoutExpired:
            worker.kill()
            worker.wait(timeout=5)
        log.close()


@pytest.mark.real_clock  # a worker process of its own keeps the machine's time
def test_a_running_worker_schedules_the_sweep_again_after_redis_restarts_empty(
        database_url: str, redis_server: RedisServer, twilio: Any, tmp_path: Any) -> None:
    from rq.job import Job

    from workers.sweep import SWEEP_JOB_ID

    env = dict(os.environ)
    env.update({
        "DATABASE_URL": database_url, "REDIS_URL": redis_server.url, "SECRET_KEY": "s" * 32,
        "PUBLIC_BASE_URL": "https://bot.example.org", "QUIET_HOURS": "off",
        "TWILIO_ACCOUNT_SID": "AC" + "0" * 32, "TWILIO_AUTH_TOKEN": "t",
        "TWILIO_SMS_FROM": "+15005550006", "TWILIO_API_BASE_URL": twilio.url,
        "SWEEP_INTERVAL_SECONDS": "1",
    })
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    env["PYTHONPATH"] = root + os.pathsep + env.get("PYTHONPATH", "")
    log = open(tmp_path / "worker.log", "wb")  # noqa: SIM115 - closed in finally
    worker = subprocess.Popen([sys.executable, "-m", "bot.cli", "worker"], env=env, cwd=tmp_path,
                              stdout=subprocess.DEVNULL, stderr=log)
    try:
        def swept(within: float) -> bool:
            deadline = time.monotonic() + within
            while time.monotonic() < deadline:
                assert worker.poll() is None, (tmp_path / "worker.log").read_text()[-3000:]
                try:
                    job = Job.fetch(SWEEP_JOB_ID, connection=redis_server.client())
                    if job.ended_at is not None:
                        return True
                except Exception:  # noqa: BLE001 - not there yet, or Redis restarting
                    pass
                time.sleep(0.2)
            return False

        assert swept(within=20), (tmp_path / "worker.log").read_text()[-3000:]
        redis_server.restart_empty()
        assert redis_server.client().dbsize() == 0
        assert swept(within=30), (tmp_path / "worker.log").read_text()[-3000:]
    finally:
        worker.terminate()
        try:
            worker.wait(timeout=10)
        except subprocess.TimeoutExpired:
            worker.kill()
            worker.wait(timeout=5)
        log.close()


def test_every_worker_may_reconcile_the_sweep_and_one_stays_scheduled(
        redis_server: RedisServer, twilio: Any, database_url: str) -> None:
    from bot import runtime as runtime_module
    from bot.settings import from_env
    from workers.sweep import SWEEP_JOB_ID, ensure_scheduled, sweep_is_scheduled

    settings = from_env({"DATABASE_URL": database_url, "REDIS_URL": redis_server.url,
                         "SECRET_KEY": "s" * 32}, testing=True)
    workers = [runtime_module.build(settings, for_worker=True) for _ in range(3)]
    try:
        assert not sweep_is_scheduled(workers[0])
        assert [ensure_scheduled(rt) for rt in workers] == [True, False, False]
        registry = workers[0].jobs.queue.scheduled_job_registry
        assert registry.get_job_ids() == [SWEEP_JOB_ID]
        # Due and moved to the queue by RQ's scheduler: still counts as scheduled.
        registry.remove(SWEEP_JOB_ID)
        workers[0].jobs.queue.enqueue_job(workers[0].jobs.queue.fetch_job(SWEEP_JOB_ID))
        assert not ensure_scheduled(workers[1])
        redis_server.restart_empty()
        assert ensure_scheduled(workers[2])
        assert registry.get_job_ids() == [SWEEP_JOB_ID]
    finally:
        for rt in workers:
            rt.close()


def test_a_sweep_left_overdue_by_a_dead_scheduler_is_moved_to_the_queue(
        redis_server: RedisServer, twilio: Any, database_url: str) -> None:
    from datetime import datetime, timezone

    from bot import runtime as runtime_module
    from bot.settings import from_env
    from workers.sweep import SCHEDULER_GRACE, SWEEP_JOB_ID, enqueue_overdue, schedule_next

    settings = from_env({"DATABASE_URL": database_url, "REDIS_URL": redis_server.url,
                         "SECRET_KEY": "s" * 32}, testing=True)
    rt = runtime_module.build(settings, for_worker=True)
    try:
        schedule_next(rt)  # due in SWEEP_INTERVAL_SECONDS; no scheduler runs here
        queue = rt.jobs.queue
        now = datetime.now(timezone.utc)
        assert enqueue_overdue(rt, now) == 0 and queue.count == 0
        later = now + timedelta(seconds=settings.sweep_interval_seconds) + SCHEDULER_GRACE
        assert enqueue_overdue(rt, later + timedelta(seconds=1)) == 1
        assert queue.job_ids == [SWEEP_JOB_ID]
        assert SWEEP_JOB_ID not in queue.scheduled_job_registry
        assert enqueue_overdue(rt, later + timedelta(seconds=2)) == 0
    finally:
        rt.close()


def test_a_send_cut_off_by_redis_before_the_provider_call_is_queued_again_at_once(
        redis_app: Any, redis_server: RedisServer, twilio: Any) -> None:
    """The job claimed the message, then Redis (the send rate) went away: nothing went
    out, so the message is queued again, not held for the claim's five-minute lease."""
    from bot.outbox import queue_message
    from bot.runtime import install
    from workers.outbound import send_message

    rt = redis_app.extensions["ksm_runtime"]
    install(rt)
    with rt.db.session() as session:
        contact = Contact(phone="+6281200000077")
        session.add(contact)
        session.flush()
        message_id = queue_message(session, contact.id, "sms", "Rapat KSM besok jam 19.30")
    redis_server.kill()
    with pytest.raises(Exception):  # noqa: B017 - whatever Redis's client raises
        send_message(message_id)
    with rt.db.session() as session:
        row = session.get(Message, message_id)
        assert (row.status, row.claimed_at) == ("queued", None)
    assert twilio.messages == []
