"""Messages received while the database is down are kept (the webhook answers as
usual, with nothing to say yet), and handled in order once it is back (bot.spool).

PostgreSQL is cut through a TCP proxy of the test's own; the shared server is never
touched. Redis is the run's Redis, or a private redis-server the test kills.
"""
from __future__ import annotations

import time
from datetime import datetime, timedelta, timezone
from typing import Any, Iterator

import pytest
from sqlalchemy import select

from conversations.flows.complaint_code import grouped
from bot.models import Complaint, Message
from tests.conftest import SERVER_DB, SERVER_REDIS, app_config
from tests.fault_services import RedisServer, TcpProxy
from tests.transcript import Phone, signed_post

needs_postgres = pytest.mark.skipif(not SERVER_DB, reason="needs PostgreSQL (server mode)")


@pytest.fixture
def proxy(database_url: str) -> Iterator[TcpProxy]:
    with TcpProxy.for_database(database_url) as proxy:
        yield proxy


def _app_through(proxy: TcpProxy, database_url: str, twilio: Any, jobs: Any,
                 tmp_path: Any, **overrides: Any) -> Any:
    from bot import create_app

    config = app_config(proxy.url_for(database_url), twilio, jobs,
                        **{"SPOOL_DIR": str(tmp_path / "spool"), **overrides})
    return create_app(config)


def _inbound(rt: Any) -> list[tuple[str, str]]:
    with rt.db.session() as session:
        return [tuple(r) for r in session.execute(
            select(Message.body, Message.status).where(Message.direction == "in")
            .order_by(Message.id))]


def _spool_down_and_back(app: Any, proxy: TcpProxy, run_jobs: Any, twilio: Any) -> None:
    from bot.inbound import spool_of

    rt = app.extensions["ksm_runtime"]
    spool_of(rt).retry_seconds = 3600  # the test replays by hand, at a known moment
    client = app.test_client()
    phone = Phone(client)
    phone.send("MENU").expect("1 DAFTAR")
    run_jobs()  # its reply is sent

    proxy.cut()
    phone.send("ADUAN dana BLM dipotong ketua").expect_nothing()
    phone.send("MENU").expect_nothing()
    assert client.get("/healthz").status_code == 503

    proxy.restore()
    # The first health check after the outage finds a live connection.
    assert client.get("/healthz").status_code == 200
    # Still behind what is spooled: this one waits its turn too.
    phone.send("CEK 000000").expect_nothing()
    # Someone with nothing spooled is not held back behind the others.
    Phone(client, number="+6281299990000").send("MENU").expect("1 DAFTAR")

    assert spool_of(rt).replay() == 3
    assert not spool_of(rt).pending()
    # Received again in the order they came; a worker handles them, and their replies go
    # out as messages, in order.
    twilio.reset()
    run_jobs()
    assert _inbound(rt) == [("MENU", "handled"), ("MENU", "handled"),
                            ("ADUAN dana BLM dipotong ketua", "handled"),
                            ("MENU", "handled"), ("CEK 000000", "handled")]
    with rt.db.session() as session:
        complaint = session.execute(select(Complaint)).scalar_one()
        assert complaint.text.startswith("dana BLM dipotong")
    bodies = [r["Body"] for r in twilio.messages if r["To"] == phone.number]
    assert len(bodies) >= 3, bodies
    assert grouped(complaint.code) in bodies[0]  # the complaint, filed first (its code as sent)
    assert any("1 DAFTAR" in body for body in bodies[1:]), bodies  # then the menu
    # Nothing doubled by a second replay.
    assert spool_of(rt).replay() == 0
    assert len(_inbound(rt)) == 5
    phone.send("MENU").expect("1 DAFTAR")


@needs_postgres
def test_postgres_down_messages_are_spooled_in_redis_and_replayed_in_order(
        app, database_url, twilio, jobs, run_jobs, proxy, tmp_path) -> None:  # type: ignore[no-untyped-def]
    through = _app_through(proxy, database_url, twilio, jobs, tmp_path)
    try:
        _spool_down_and_back(through, proxy, _runner(through, run_jobs), twilio)
        # Kept in Redis when there is one, in the directory otherwise.
        assert not list((tmp_path / "spool").glob("*.json"))
    finally:
        through.extensions["ksm_runtime"].db.dispose()


@needs_postgres
def test_postgres_and_redis_down_messages_are_spooled_on_disk_and_replayed(
        app, database_url, twilio, run_jobs, proxy, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from redis import Redis

    from bot.jobs import RqJobQueue
    from bot.messaging.handling import contacts_waiting

    with RedisServer() as redis_server:
        redis = Redis.from_url(redis_server.url)
        through = _app_through(proxy, database_url, twilio, RqJobQueue(redis), tmp_path,
                               REDIS_URL=redis_server.url)
        rt = through.extensions["ksm_runtime"]
        try:
            phone = Phone(through.test_client())
            phone.send("MENU").expect("1 DAFTAR")
            redis_server.kill()
            proxy.cut()
            phone.send("ADUAN jalan rusak tidak diperbaiki").expect_nothing()
            assert len(list((tmp_path / "spool").glob("*.json"))) == 1
            proxy.restore()
            # This process's replayer finds the database back by itself.
            deadline = time.monotonic() + 15
            while len(_inbound(rt)) < 2 and time.monotonic() < deadline:
                time.sleep(0.2)
            assert [body for body, _ in _inbound(rt)] == [
                "MENU", "ADUAN jalan rusak tidak diperbaiki"]
            assert not list((tmp_path / "spool").glob("*.json"))
            # Redis is still down: its handling job could not be queued; the message waits,
            # received, for the sweep.
            assert _inbound(rt) == [("MENU", "handled"),
                                    ("ADUAN jalan rusak tidak diperbaiki", "received")]
            later = datetime.now(timezone.utc) + timedelta(minutes=2)
            assert len(contacts_waiting(rt, later)) == 1
        finally:
            rt.db.dispose()
            redis.close()


def _runner(app: Any, run_jobs: Any) -> Any:
    """``run_jobs`` for a second app on the same job queue."""
    return run_jobs


def test_a_spooled_message_is_received_once_however_often_it_is_replayed(rt, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """The spool itself on either database: what is put is received in arrival order,
    and a message that reached the database meanwhile is not handled twice."""
    from datetime import datetime, timedelta, timezone

    from bot.inbound_message import InboundMessage
    from bot.inbound import receive
    from bot.spool import Spool

    spool = Spool(rt, receive)
    spool.directory = tmp_path / "spool"
    spool.retry_seconds = 3600
    start = datetime.now(timezone.utc)
    texts = ["ADUAN lampu jalan mati", "MENU", "BATAL"]
    for i, body in enumerate(texts):
        spool.put(InboundMessage(external_id=f"SM{i:032x}", phone="+6281234567890",
                                 channel="sms", body=body), start + timedelta(seconds=i))
    # The same MessageSid spooled twice (Twilio retried while the database was down).
    spool.put(InboundMessage(external_id=f"SM{0:032x}", phone="+6281234567890", channel="sms",
                             body=texts[0]), start)
    assert spool.pending()
    assert spool.replay() == 4
    assert [body for body, _ in _inbound(rt)] == texts
    assert not spool.pending()


def test_an_entry_spooled_before_the_key_was_named_external_id_is_still_read() -> None:
    """A spool outlives a deploy: entries written with ``sid`` (before migration 0026)."""
    import json

    from bot.spool import _decode

    old = {"sid": "gw-event:ev-1", "phone": "+6281234567890", "channel": "sms", "body": "MENU",
           "media": [], "profile_name": None, "provider": "smsgate", "device_id": "phone-1",
           "received_at": "2026-11-18T03:00:00+00:00", "entry": "e" * 32}
    message, received_at = _decode(json.dumps(old))
    assert (message.external_id, message.provider, message.body) == (
        "gw-event:ev-1", "smsgate", "MENU")
    assert received_at.isoformat() == "2026-11-18T03:00:00+00:00"


def test_a_message_whose_commit_went_through_unseen_is_handled_once(
        app, rt, twilio, run_jobs, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """The connection drops while the answer to storing it is on its way back (the
    COMMIT's; on PostgreSQL the one statement's): the message is stored, but the webhook
    saw the database fail and spooled it. Its replay finds the MessageSid
    stored and not handled yet: the handling is queued (once), and the reply sent once."""
    import psycopg
    import sqlite3

    from sqlalchemy.exc import OperationalError

    from bot.inbound import spool_of

    spool_of(rt).retry_seconds = 3600
    client = app.test_client()
    Phone(client).send("MENU").expect("1 DAFTAR")
    run_jobs()  # its reply is sent
    cut = {"armed": True}

    dialect = rt.db.engine.dialect
    # On PostgreSQL a new message is stored by one statement in autocommit: its answer
    # is what gets lost. On SQLite, the COMMIT's.
    step = "do_execute" if SERVER_DB else "do_commit"
    real = getattr(dialect, step)

    def answer_lost(dbapi_thing: Any, *args: Any) -> None:
        real(dbapi_thing, *args)  # it went through ...
        if SERVER_DB and "INSERT INTO message" not in args[0]:
            return
        if cut.pop("armed", False):  # ... and its answer was lost
            orig = (psycopg.OperationalError("server closed the connection unexpectedly")
                    if SERVER_DB else sqlite3.OperationalError("disk I/O error"))
            raise OperationalError(step, {}, orig)

    form = {"MessageSid": "SM" + "5" * 32, "From": "+6281234567890", "To": "+6281100000000",
            "Body": "MENU"}
    monkeypatch.setattr(dialect, step, answer_lost)
    assert signed_post(client, "/webhooks/twilio/messages", form).status_code == 200
    monkeypatch.setattr(dialect, step, real)
    assert not cut  # the answer was lost
    assert _inbound(rt) == [("MENU", "handled"), ("MENU", "received")]  # stored all the same

    twilio.reset()
    assert spool_of(rt).replay() == 1
    run_jobs()
    bodies = [r["Body"] for r in twilio.messages]
    assert len(bodies) == 1 and "1 DAFTAR" in bodies[0], bodies
    # Replayed again (the spool entry outlived a crash): not handled or sent twice.
    spool_of(rt).put(*_last_spooled(rt))
    assert spool_of(rt).replay() == 1
    run_jobs()
    assert len(twilio.messages) == 1
    assert _inbound(rt) == [("MENU", "handled"), ("MENU", "handled")]


def _last_spooled(rt: Any) -> tuple[Any, Any]:
    """The second MENU as the spool keeps it (for a second replay)."""
    from datetime import datetime, timezone

    from bot.inbound_message import InboundMessage

    with rt.db.session() as session:
        sid = session.execute(select(Message.external_id).where(Message.direction == "in")
                              .order_by(Message.id.desc())).scalars().first()
    return (InboundMessage(external_id=sid, phone="+6281234567890", channel="sms", body="MENU"),
            datetime.now(timezone.utc))


@needs_postgres
def test_with_nowhere_durable_to_spool_a_message_is_kept_in_memory_and_alerted(
        app, database_url, twilio, run_jobs, proxy, tmp_path, caplog) -> None:  # type: ignore[no-untyped-def]
    """PostgreSQL and Redis down and the spool directory unwritable: Twilio does not retry
    a 500, so the message is kept in this process's memory, the webhook answers, the error is logged and /healthz says unhealthy until it is replayed."""
    import logging

    from redis import Redis

    from bot.jobs import RqJobQueue

    (tmp_path / "not-a-directory").write_text("")
    with RedisServer() as redis_server:
        redis = Redis.from_url(redis_server.url)
        through = _app_through(proxy, database_url, twilio, RqJobQueue(redis), tmp_path,
                               REDIS_URL=redis_server.url,
                               SPOOL_DIR=str(tmp_path / "not-a-directory" / "spool"))
        rt = through.extensions["ksm_runtime"]
        client = through.test_client()
        try:
            phone = Phone(client)
            phone.send("MENU").expect("1 DAFTAR")
            redis_server.kill()
            proxy.cut()
            caplog.set_level(logging.ERROR)
            phone.send("ADUAN jalan rusak tidak diperbaiki").expect_nothing()
            assert "kept in memory only" in caplog.text
            health = client.get("/healthz")
            assert health.status_code == 503 and "memory" in health.get_json()["spool"]
            proxy.restore()
            deadline = time.monotonic() + 15
            while len(_inbound(rt)) < 2 and time.monotonic() < deadline:
                time.sleep(0.2)
            assert [body for body, _ in _inbound(rt)] == [
                "MENU", "ADUAN jalan rusak tidak diperbaiki"]
            assert "memory" not in client.get("/healthz").get_json()["spool"]
        finally:
            rt.db.dispose()
            redis.close()
