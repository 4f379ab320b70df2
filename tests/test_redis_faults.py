"""Redis hung or emptied: replies are not held, nothing queued is lost, the sweep comes
back by itself. Each test runs its own redis-server (tests/fault_services.py)."""
from __future__ import annotations

import time
from datetime import timedelta
from typing import Any, Iterator

import pytest
from sqlalchemy import select

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
        assert sweep()["requeue_stale_messages"] == 3
        from rq import SimpleWorker

        SimpleWorker([worker_rt.jobs.queue], connection=worker_rt.redis).work(
            burst=True, logging_level="WARNING")
        assert notices(rt) == [(number, "sent") for number in MEMBERS]
        assert sorted(m["To"] for m in twilio.messages) == sorted(MEMBERS)
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
    from workers.queue import JobQueuePaused, RqJobQueue

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
