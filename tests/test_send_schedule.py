"""A single outbound message's retries and lease (workers/outbound.py).

- Retryable provider errors put the row back to queued with ``next_attempt_at`` from
  the backoff schedule; the sweep re-sends only rows that are due, and the attempt
  budget is the row's, however many jobs carried it.
- A worker that died after claiming a row but before calling the provider leaves it
  claimed: after the lease it is sent again. One that died during the call leaves it
  ``sending``: after the lease it is ``unknown`` and waits for an officer.
Time moves by ``rt.extras["clock"]``, never by sleeping.
"""
from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any

import pytest
from sqlalchemy import create_engine, inspect, text, update

from bot.models import Contact, Message
from bot.outbox import enqueue_sends, queue_message
from tests.conftest import SERVER_DB, libpq_url
from workers import outbound
from workers.outbound import BACKOFF, CLAIM_LEASE, IN_FLIGHT_LEASE, MAX_ATTEMPTS, send_message
from bot.jobs import InlineJobQueue
from workers.sweep import STALE_QUEUED, requeue_stale_messages, sweep

T0 = datetime(2026, 12, 1, 3, 0, tzinfo=timezone.utc)


class Clock:
    """The jobs' and the sweep's clock for one test."""

    def __init__(self, rt: Any, start: datetime = T0) -> None:
        self.now = start
        rt.extras["clock"] = lambda: self.now

    def move(self, **delta: float) -> datetime:
        self.now += timedelta(**delta)
        return self.now


def _queue(rt: Any, at: datetime = T0, body: str = "Rapat KSM besok jam 19.30") -> int:
    with rt.db.session() as session:
        contact = Contact(phone="+6281200000001")
        session.add(contact)
        session.flush()
        message_id = queue_message(session, contact.id, "sms", body, now=at)
    enqueue_sends(rt, [message_id])
    return message_id


def _message(rt: Any, message_id: int) -> Message:
    with rt.db.session() as session:
        return session.get(Message, message_id)


def _scheduled(rt: Any) -> int:
    if isinstance(rt.jobs, InlineJobQueue):
        return rt.jobs.pending()
    return rt.jobs.queue.scheduled_job_registry.count


class DyingSender:
    """The worker process dies while the HTTP request is under way."""

    def send(self, message: Any) -> str:
        raise SystemExit("worker killed during the provider call")


# -- 7: retries follow the row's schedule ---------------------------------------------


def test_a_503_schedules_the_next_attempt_on_the_row_and_the_job(rt, run_jobs, twilio) -> None:  # type: ignore[no-untyped-def]
    clock = Clock(rt)
    twilio.fail(503, 30003, times=1)
    message_id = _queue(rt)
    run_jobs()
    stored = _message(rt, message_id)
    assert (stored.status, stored.attempts, stored.error_code) == ("queued", 1, 30003)
    assert stored.next_attempt_at == T0 + timedelta(seconds=BACKOFF[0])
    assert _scheduled(rt) == 1  # the job put itself back, delayed to next_attempt_at
    assert send_message(message_id) == "not due"  # a stray early run does nothing
    assert len(twilio.requests) == 1
    clock.move(seconds=BACKOFF[0])
    assert send_message(message_id).startswith("sent")
    stored = _message(rt, message_id)
    assert (stored.status, stored.attempts, stored.error_code) == ("sent", 2, None)
    assert stored.next_attempt_at is None


def test_the_sweep_leaves_a_row_alone_until_its_attempt_is_due(rt, run_jobs, twilio) -> None:  # type: ignore[no-untyped-def]
    clock = Clock(rt)
    message_id = _queue(rt, at=T0 - timedelta(hours=1))
    with rt.db.session() as session:
        session.execute(update(Message).where(Message.id == message_id).values(
            attempts=3, next_attempt_at=T0 + timedelta(minutes=10)))
    assert requeue_stale_messages(rt, clock.now) == 0
    clock.move(minutes=10)
    assert requeue_stale_messages(rt, clock.now) == 0  # its own delayed job is due now
    clock.move(seconds=STALE_QUEUED.total_seconds() + 1)
    assert requeue_stale_messages(rt, clock.now) == 1  # that job was lost: the safety net
    run_jobs()
    assert [m["Body"] for m in twilio.messages] == ["Rapat KSM besok jam 19.30"]


def test_503s_follow_the_schedule_and_stop_at_the_budget(rt, run_jobs, twilio) -> None:  # type: ignore[no-untyped-def]
    """Twilio answers 503 for hours; only the sweep runs (the delayed jobs are in real
    time, far in the future): the attempts still keep to the schedule."""
    clock = Clock(rt)
    twilio.fail(503, 30003, times=-1)
    message_id = _queue(rt)
    run_jobs()
    attempts_at = [T0]
    step = timedelta(seconds=60)
    end = T0 + timedelta(seconds=sum(BACKOFF)) + len(BACKOFF) * (STALE_QUEUED + 2 * step)
    while clock.now < end + timedelta(minutes=30):
        clock.move(seconds=step.total_seconds())
        if sweep()["requeue_stale_messages"]:
            run_jobs()
        attempts = _message(rt, message_id).attempts
        if attempts > len(attempts_at):
            assert attempts == len(attempts_at) + 1
            attempts_at.append(clock.now)
    stored = _message(rt, message_id)
    assert (stored.status, stored.error_code, stored.attempts) == ("failed", 30003, MAX_ATTEMPTS)
    assert len(attempts_at) == MAX_ATTEMPTS == len(twilio.requests)
    for before, after, wait in zip(attempts_at, attempts_at[1:], BACKOFF):
        gap = after - before
        assert timedelta(seconds=wait) <= gap <= timedelta(seconds=wait) + STALE_QUEUED + 2 * step


def test_the_budget_is_the_rows_not_the_job_chains(rt, run_jobs, twilio) -> None:  # type: ignore[no-untyped-def]
    """A message that already used its attempts fails on the next error, whoever ran it."""
    Clock(rt)
    message_id = _queue(rt)
    with rt.db.session() as session:
        session.execute(update(Message).where(Message.id == message_id)
                        .values(attempts=MAX_ATTEMPTS - 1))
    twilio.fail(500, 20500, times=-1)
    run_jobs()
    stored = _message(rt, message_id)
    assert (stored.status, stored.error_code, stored.attempts) == ("failed", 20500, MAX_ATTEMPTS)
    assert _scheduled(rt) == 0


# -- 8: a claim carries a lease ------------------------------------------------------


def test_a_worker_dead_before_the_provider_call_is_sent_again(rt, run_jobs, twilio) -> None:  # type: ignore[no-untyped-def]
    clock = Clock(rt)
    message_id = _queue(rt)
    assert isinstance(outbound.claim(rt, message_id, clock.now), outbound.Claim)  # and dies
    assert _message(rt, message_id).status == "claimed"
    clock.move(seconds=CLAIM_LEASE.total_seconds() - 1)
    sweep()
    run_jobs()
    assert _message(rt, message_id).status == "claimed" and twilio.requests == []
    clock.move(seconds=2)
    assert sweep()["requeue_stale_messages"] == 1
    run_jobs()
    stored = _message(rt, message_id)
    assert (stored.status, stored.attempts) == ("sent", 1)
    assert len(twilio.messages) == 1


def test_a_worker_slower_than_its_lease_does_not_send(rt, run_jobs, twilio) -> None:  # type: ignore[no-untyped-def]
    clock = Clock(rt)
    message_id = _queue(rt)
    slow = outbound.claim(rt, message_id, clock.now)
    clock.move(seconds=CLAIM_LEASE.total_seconds() + 1)
    sweep()
    run_jobs()  # another worker sends it
    assert _message(rt, message_id).status == "sent"
    assert outbound.start_provider_call(rt, slow) is None  # its claim is gone
    assert len(twilio.requests) == 1


def test_a_worker_dead_during_the_provider_call_leaves_it_for_an_officer(  # type: ignore[no-untyped-def]
        rt, run_jobs, twilio, client, officer_login, csrf_token) -> None:
    clock = Clock(rt)
    message_id = _queue(rt)
    sender, rt.sender = rt.sender, DyingSender()
    with pytest.raises(SystemExit):
        send_message(message_id)
    rt.sender = sender
    stored = _message(rt, message_id)
    assert (stored.status, stored.attempts) == ("sending", 1)
    clock.move(seconds=IN_FLIGHT_LEASE.total_seconds() - 1)
    sweep()
    assert _message(rt, message_id).status == "sending"
    clock.move(seconds=2)
    assert sweep()["requeue_stale_messages"] == 0  # maybe sent: not sent again
    run_jobs()
    assert _message(rt, message_id).status == "unknown"
    assert twilio.requests == []

    officer_login("root", "admin")
    page = client.get("/admin/jobs/").get_data(as_text=True)
    assert f"/admin/jobs/messages/{message_id}/requeue" in page
    assert "+6281200000001" in page and "Rapat KSM besok" in page
    assert client.post(f"/admin/jobs/messages/{message_id}/requeue").status_code == 400  # CSRF
    response = client.post(f"/admin/jobs/messages/{message_id}/requeue",
                           data={"csrf_token": csrf_token(page.encode())})
    assert response.status_code == 302
    run_jobs()
    assert _message(rt, message_id).status == "sent"
    assert len(twilio.messages) == 1
    page = client.get("/admin/jobs/").get_data(as_text=True)
    assert f"/admin/jobs/messages/{message_id}/requeue" not in page
    # Only an unknown message can be sent again from there.
    assert client.post(f"/admin/jobs/messages/{message_id}/requeue",
                       data={"csrf_token": csrf_token(page.encode())}).status_code == 404


def test_a_late_result_after_the_lease_is_still_recorded(rt, twilio) -> None:  # type: ignore[no-untyped-def]
    """A worker that was only slow (not dead) writes its SID over ``unknown``."""
    clock = Clock(rt)
    message_id = _queue(rt)
    claim = outbound.claim(rt, message_id, clock.now)
    call = outbound.start_provider_call(rt, claim)
    clock.move(seconds=IN_FLIGHT_LEASE.total_seconds() + 1)
    sweep()
    assert _message(rt, message_id).status == "unknown"
    assert outbound.call_provider(rt, call).startswith("sent")
    assert _message(rt, message_id).status == "sent"


# -- the schema ----------------------------------------------------------------------


def _migrate_down_and_up(url: str) -> None:
    from bot.migrate import downgrade, upgrade

    upgrade(url)
    engine = create_engine(url)
    columns = {c["name"] for c in inspect(engine).get_columns("message")}
    assert {"next_attempt_at", "claimed_at"} <= columns
    downgrade(url, "0006_message_created_brin")
    columns = {c["name"] for c in inspect(engine).get_columns("message")}
    assert not {"next_attempt_at", "claimed_at"} & columns
    assert "ix_message_queued" in {i["name"] for i in inspect(engine).get_indexes("message")}
    upgrade(url)
    indexes = {i["name"] for i in inspect(engine).get_indexes("message")}
    assert {"ix_message_due", "ix_message_lease"} <= indexes
    engine.dispose()


def test_the_migration_goes_down_and_up_on_sqlite(tmp_path) -> None:  # type: ignore[no-untyped-def]
    _migrate_down_and_up(f"sqlite:///{tmp_path / 'migrate.sqlite3'}")


@pytest.mark.skipif(not SERVER_DB, reason="needs PostgreSQL (server mode)")
def test_the_migration_goes_down_and_up_on_postgresql(database_url) -> None:  # type: ignore[no-untyped-def]
    schema = "h2_migration_probe"
    engine = create_engine(database_url)
    with engine.begin() as conn:
        conn.execute(text(f"DROP SCHEMA IF EXISTS {schema} CASCADE"))
        conn.execute(text(f"CREATE SCHEMA {schema}"))
    try:
        sep = "&" if "?" in database_url else "?"
        _migrate_down_and_up(f"{database_url}{sep}options=-csearch_path%3D{schema}")
    finally:
        with engine.begin() as conn:
            conn.execute(text(f"DROP SCHEMA {schema} CASCADE"))
        engine.dispose()


@pytest.mark.skipif(not SERVER_DB, reason="needs PostgreSQL (server mode)")
def test_the_sweep_reads_few_pages_with_a_backlog_waiting(rt, database_url) -> None:  # type: ignore[no-untyped-def]
    """Thousands of messages waiting for their next attempt, and a long history: the
    sweep's look-ups of due rows and expired leases still read a few pages."""
    import psycopg

    from tests.test_query_plans import HISTORY, at_test_clock, pages_read, statements_run

    url = libpq_url(database_url)
    now = datetime.now(timezone.utc)  # the test's clock, not the server's now()
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(at_test_clock(HISTORY))
        conn.execute("""
            INSERT INTO message (contact_id, direction, channel, body, status, attempts,
                                 created_at, updated_at, next_attempt_at, claimed_at)
            SELECT c.id, 'out', 'sms', 'Pengumuman', s.status, 2, %(now)s - interval '1 hour',
                   %(now)s, CASE WHEN s.status = 'queued' THEN %(now)s + interval '10 minutes' END,
                   CASE WHEN s.status = 'queued' THEN NULL ELSE %(now)s - interval '1 hour' END
            FROM contact AS c, generate_series(1, 10) AS n,
                 (VALUES ('queued'), ('queued'), ('unknown')) AS s(status)
        """, {"now": now})
        conn.execute("ANALYZE message")
    with statements_run(rt) as ran:
        requeue_stale_messages(rt, now)
    assert ran
    with psycopg.connect(url) as conn:
        pages = {statement: pages_read(conn, statement, parameters) for statement, parameters in ran
                 if statement.lstrip().upper().startswith(("SELECT", "UPDATE"))}
        conn.rollback()
    assert {s: n for s, n in pages.items() if n > 30} == {}
