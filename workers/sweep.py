"""The periodic sweep: reads from the database what is due and enqueues it.

One sweep runs at a time across all machines (a Redis lock); on the embedded default a
thread in ``ksm-bot serve`` calls it. Each domain adds what it finds due to ``TASKS``.
"""
from __future__ import annotations

import logging
import threading
import time
from datetime import datetime, timedelta, timezone
from typing import Callable

from sqlalchemy import select

from bot.models import Message
from bot.models import messaging as m

log = logging.getLogger(__name__)

SWEEP_JOB_ID = "ksm-bot-sweep"
LOCK_NAME = "ksm-bot:sweep-lock"
STALE_QUEUED = timedelta(minutes=2)
_local_lock = threading.Lock()


def requeue_stale_messages(rt, now: datetime) -> int:  # type: ignore[no-untyped-def]
    """Queued messages whose job never ran (Redis was down, a worker died) go again."""
    from bot.inbound import enqueue_sends

    with rt.db.session() as session:
        ids = list(session.scalars(
            select(Message.id)
            .where(Message.status == m.QUEUED, Message.created_at < now - STALE_QUEUED)
            .order_by(Message.id)
            .limit(5000)
        ))
    enqueue_sends(rt, ids)
    return len(ids)


def release_complaint_notices(rt, now: datetime) -> int:  # type: ignore[no-untyped-def]
    """Complaint notices held back by the quiet hours, once their morning has come."""
    from bot.services.complaint_notices import release_due_notices

    return release_due_notices(rt, now)


def forget_old_check_misses(rt, now: datetime) -> int:  # type: ignore[no-untyped-def]
    """Wrong CEK codes older than a day stop counting against a number."""
    from bot.services.complaints import forget_old_check_misses as forget

    return forget(rt, now)


TASKS: list[Callable[..., int]] = [
    requeue_stale_messages,
    release_complaint_notices,
    forget_old_check_misses,
]


def sweep() -> dict[str, int] | str:
    """Run every sweep task once, unless another sweep holds the lock.

    Returns:
        How many items each task enqueued, or ``"busy"``.
    """
    from bot.runtime import current

    rt = current()
    now = datetime.now(timezone.utc)
    if rt.redis is not None:
        lock = rt.redis.lock(LOCK_NAME, timeout=max(60, rt.settings.sweep_interval_seconds * 4),
                             blocking=False)
    else:
        lock = _local_lock
    if not lock.acquire(blocking=False):
        return "busy"
    try:
        return {task.__name__: task(rt, now) for task in TASKS}
    finally:
        lock.release()


def sweep_and_reschedule() -> dict[str, int] | str:
    """The RQ job: sweep, then schedule the next sweep under a fixed job id."""
    from bot.runtime import current

    try:
        return sweep()
    finally:
        schedule_next(current())


def schedule_next(rt) -> None:  # type: ignore[no-untyped-def]
    """Put the next sweep on RQ's scheduler; the fixed id keeps one in the schedule."""
    rt.jobs.enqueue(
        sweep_and_reschedule,
        job_id=SWEEP_JOB_ID,
        delay=timedelta(seconds=rt.settings.sweep_interval_seconds),
    )


def run_forever_in_thread(interval: float) -> threading.Thread:
    """The embedded default's scheduler: a daemon thread calling :func:`sweep`."""

    def loop() -> None:
        while True:
            time.sleep(interval)
            try:
                sweep()
            except Exception:  # noqa: BLE001 - keep sweeping
                log.exception("sweep failed")

    thread = threading.Thread(target=loop, name="ksm-bot-sweep", daemon=True)
    thread.start()
    return thread
