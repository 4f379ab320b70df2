"""The periodic sweep: reads from the database what is due and enqueues it.

One sweep runs at a time across all machines (a Redis lock); on the embedded default a
thread in ``ksm-bot serve`` calls it. Each domain adds what it finds due to ``TASKS``.
"""
from __future__ import annotations

import logging
import threading
import time
from datetime import datetime, timedelta
from typing import Callable

from sqlalchemy import and_, select, update

from bot import clock
from bot.complaints import intake as complaint_intake
from bot.complaints.digest import send_digests
from bot.complaints.escalation import escalate_overdue
from bot.complaints.officer_alerts import tell_overdue
from bot.complaints.notices import release_due_notices
from bot.gateway_alerts import check_phones
from bot.inbound import spool_of
from bot.messaging import handling
from bot.models import Contact, Message
from bot.models import messaging as m
from bot.outbox import enqueue_sends
from bot.privacy.erasure import erase_due
from bot.privacy.retention import purge_due
from bot.runtime import current
from workers import broadcasts
from workers.meeting_sweep import roll_meetings, send_meeting_reminders
from workers.monev_sweep import open_monev_periods, second_monev_reminders
from workers.outbound import CLAIM_LEASE, IN_FLIGHT_LEASE
from workers.quiet_hours import held_until, resident_zone

log = logging.getLogger(__name__)

SWEEP_JOB_ID = "ksm-bot-sweep"
LOCK_NAME = "ksm-bot:sweep-lock"
STALE_QUEUED = timedelta(minutes=2)
MAX_REQUEUED = 5000  # per sweep; the next sweep takes the rest
_local_lock = threading.Lock()


def requeue_stale_messages(rt, now: datetime) -> int:  # type: ignore[no-untyped-def]
    """Outbound messages whose job was lost go again; claims whose worker died are settled.

    - ``queued`` rows due more than ``STALE_QUEUED`` ago (``next_attempt_at``, or
      ``created_at`` for a first attempt): their job should have run (Redis was down, a
      worker died). Rows waiting for a later attempt are left to their delayed job.
      A row sent again is due again from now, so a long queue is not enqueued twice.
    - ``claimed`` rows past their lease never reached the provider: queued and sent.
    - ``sending`` rows past their lease may have gone out: ``unknown``, not resent.
    See ``workers/outbound.py`` for the life of a message.

    Returns:
        How many messages it enqueued.
    """

    table = Message.__table__
    stale = now - STALE_QUEUED
    with rt.db.session() as session:
        back = session.execute(
            update(table)
            .where(table.c.status == m.CLAIMED, table.c.claimed_at < now - CLAIM_LEASE)
            .values(status=m.QUEUED, claimed_at=None, next_attempt_at=now, updated_at=now)
            .returning(table.c.id)
        ).scalars().all()
        lost = session.execute(
            update(table)
            .where(table.c.status == m.SENDING, table.c.claimed_at < now - IN_FLIGHT_LEASE)
            .values(status=m.UNKNOWN, updated_at=now)
            .returning(table.c.id)
        ).scalars().all()
        # Two look-ups, not one with OR: the planner judges ``next_attempt_at IS NULL``
        # by the whole table (every inbound and sent message), and with an OR it read
        # every queued row. Each alone is a range of ix_message_due.
        ids: list[int] = []
        for due, oldest_first in (
            (and_(table.c.next_attempt_at.is_(None), table.c.created_at < stale),
             table.c.created_at),
            (table.c.next_attempt_at < stale, table.c.next_attempt_at),
        ):
            ids += session.scalars(
                select(table.c.id).where(table.c.status == m.QUEUED, due)
                .order_by(oldest_first).limit(MAX_REQUEUED - len(ids))
            )
        if ids:
            session.execute(update(table).where(table.c.id.in_(ids), table.c.status == m.QUEUED)
                            .values(next_attempt_at=now))
    if back:
        log.warning("messages %s: worker died before the provider call; sent again", back)
    if lost:
        log.warning("messages %s: worker died during the provider call; unknown, not resent",
                    lost)
    ids = sorted(set(ids) | set(back))
    enqueue_sends(rt, ids)
    return len(ids)


def release_held_messages(rt, now: datetime) -> int:  # type: ignore[no-untyped-def]
    """Unprompted messages held by quiet hours go out once it is morning for their contact."""

    with rt.db.session() as session:
        held = session.execute(
            select(Message.id, resident_zone().label("time_zone"))
            .join(Contact, Contact.id == Message.contact_id)
            .where(Message.status == m.HELD)
            .order_by(Message.id)
            .limit(5000)
        ).all()
        ids = [row.id for row in held if held_until(rt.settings, now, row.time_zone) is None]
        if ids:
            session.execute(
                update(Message).where(Message.id.in_(ids), Message.status == m.HELD)
                .values(status=m.QUEUED, updated_at=now)
            )
    enqueue_sends(rt, ids)
    return len(ids)


def resume_broadcasts(rt, now: datetime) -> int:  # type: ignore[no-untyped-def]
    """Broadcasts with due rows and no live worker get a send job (workers/broadcasts.py)."""
    return broadcasts.resume_broadcasts(rt, now)


def meeting_reminders(rt, now: datetime) -> int:  # type: ignore[no-untyped-def]
    """Due meeting reminders become broadcasts (workers/meeting_sweep.py)."""
    return send_meeting_reminders(rt, now)


def past_meetings(rt, now: datetime) -> int:  # type: ignore[no-untyped-def]
    """Past meetings are closed; routine ones get their next date."""
    return roll_meetings(rt, now)


def monev_periods(rt, now: datetime) -> int:  # type: ignore[no-untyped-def]
    """Due monev periods are opened and their leaders reminded (workers/monev_sweep.py)."""
    return open_monev_periods(rt, now)


def monev_second_reminders(rt, now: datetime) -> int:  # type: ignore[no-untyped-def]
    """Leaders who have not reported MONEV_REMINDER_DAYS after the reminder, again."""
    return second_monev_reminders(rt, now)


def release_complaint_notices(rt, now: datetime) -> int:  # type: ignore[no-untyped-def]
    """Complaint notices held back by the quiet hours, once their morning has come."""
    return release_due_notices(rt, now)


def forget_old_check_misses(rt, now: datetime) -> int:  # type: ignore[no-untyped-def]
    """Wrong CEK codes older than a day stop counting against a number."""
    return complaint_intake.forget_old_check_misses(rt, now)


def escalate_overdue_complaints(rt, now: datetime) -> int:  # type: ignore[no-untyped-def]
    """Complaints not verified or not followed up in time climb one level."""
    return escalate_overdue(rt, now)


def tell_overdue_complaints(rt, now: datetime) -> int:  # type: ignore[no-untyped-def]
    """Officers who chose to be told at once hear of a deadline passed, once
    (bot.complaints.officer_alerts)."""
    return tell_overdue(rt, now)


def officer_digests(rt, now: datetime) -> int:  # type: ignore[no-untyped-def]
    """At 07.00 in their area, the daily digest of officers who chose it
    (bot.complaints.digest)."""
    return send_digests(rt, now)


def tell_admins_of_gateway_phones(rt, now: datetime) -> int:  # type: ignore[no-untyped-def]
    """Admins hear of a gateway phone that stops reporting or pinging, keeps failing or
    delivers far less than in its week, once a day each (bot.gateway_alerts)."""
    return check_phones(rt, now)


def replay_spooled_messages(rt, now: datetime) -> int:  # type: ignore[no-untyped-def]
    """Messages spooled while the database was down are received, in order (bot.spool)."""
    return spool_of(rt).replay()


def handle_waiting_messages(rt, now: datetime) -> int:  # type: ignore[no-untyped-def]
    """Received messages whose handling job was lost, or failed and may be tried again,
    are handled (bot.messaging.handling)."""
    contacts = handling.contacts_waiting(rt, now)
    for contact_id in contacts:
        handling.queue_handling(rt, contact_id)
    return len(contacts)


RETENTION_LOCK = "ksm-bot:retention-day:"
_retention_days: set[str] = set()


def purge_expired_personal_data(rt, now: datetime) -> int:  # type: ignore[no-untyped-def]
    """Once a day: complaints past RETENTION_MONTHS lose their complainant's number
    (bot.privacy.retention). The first sweep of each UTC day runs it."""

    day = now.strftime("%Y-%m-%d")
    if rt.redis is not None:
        try:
            if not rt.redis.set(RETENTION_LOCK + day, "1", nx=True, ex=2 * 86400):
                return 0
        except Exception:  # Redis down: the next sweep tries again
            return 0
    elif day in _retention_days:
        return 0
    _retention_days.add(day)
    try:
        return purge_due(rt, now)
    except Exception:
        # Not done today after all: the next sweep tries again.
        _retention_days.discard(day)
        if rt.redis is not None:
            rt.redis.delete(RETENTION_LOCK + day)
        raise


def erase_approved_personal_data(rt, now: datetime) -> int:  # type: ignore[no-untyped-def]
    """HAPUS DATA requests an admin approved: the number is erased once the resident's
    last SMS has gone (bot.privacy.erasure)."""

    return erase_due(rt, now)


TASKS: list[Callable[..., int]] = [
    replay_spooled_messages,
    handle_waiting_messages,
    requeue_stale_messages,
    release_held_messages,
    release_complaint_notices,
    forget_old_check_misses,
    escalate_overdue_complaints,
    tell_overdue_complaints,
    officer_digests,
    tell_admins_of_gateway_phones,
    purge_expired_personal_data,
    erase_approved_personal_data,
    past_meetings,
    meeting_reminders,
    monev_periods,
    monev_second_reminders,
    resume_broadcasts,
]


def sweep() -> dict[str, int] | str:
    """Run every sweep task once, unless another sweep holds the lock.

    Returns:
        How many items each task enqueued, or ``"busy"``.
    """

    rt = current()
    now = clock.now(rt)
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


def sweep_is_scheduled(rt) -> bool:  # type: ignore[no-untyped-def]
    """Whether the sweep job is waiting, queued or running on RQ.

    Checked in the order a job moves (scheduled, queued, taken, started) so a job moving
    meanwhile is still seen; a miss costs one extra, harmless sweep at most.
    """
    queue = rt.jobs.queue
    redis = queue.connection
    return (
        SWEEP_JOB_ID in queue.scheduled_job_registry
        or redis.lpos(queue.key, SWEEP_JOB_ID) is not None
        or redis.lpos(queue.intermediate_queue_key, SWEEP_JOB_ID) is not None
        or SWEEP_JOB_ID in queue.started_job_registry
    )


def ensure_scheduled(rt) -> bool:  # type: ignore[no-untyped-def]
    """Schedule the sweep if Redis has lost it (restarted empty, or a worker died while
    sweeping). Safe from every worker at once: the fixed job id keeps one in the schedule.

    Returns:
        True when the sweep had to be scheduled again.
    """
    if sweep_is_scheduled(rt):
        return False
    log.warning("the sweep was not scheduled on Redis; scheduling it again")
    schedule_next(rt)
    return True


# RQ's scheduler moves a due job to the queue within a second or so; a job this far
# past its time means the scheduler is gone (its process died on a Redis error).
SCHEDULER_GRACE = timedelta(seconds=15)


def enqueue_overdue(rt, now: datetime) -> int:  # type: ignore[no-untyped-def]
    """Do a dead scheduler's work: move the jobs overdue in RQ's schedule (the sweep,
    delayed sends) to the queue. Run by every worker; a job moved twice runs twice,
    which jobs allow. Returns how many were moved."""
    from rq.job import Job

    queue = rt.jobs.queue
    registry = queue.scheduled_job_registry
    moved = 0
    for job_id in registry.get_jobs_to_schedule(int((now - SCHEDULER_GRACE).timestamp())):
        try:
            job = Job.fetch(job_id, connection=queue.connection)
        except Exception:  # noqa: BLE001 - expired meanwhile: nothing to run
            registry.remove(job_id)
            continue
        registry.remove(job)
        queue.enqueue_job(job)
        moved += 1
    if moved:
        log.warning("RQ's scheduler left %d jobs overdue; moved them to the queue", moved)
    return moved


def keep_scheduled_in_thread(rt, every: float, stop: threading.Event | None = None) -> threading.Thread:  # type: ignore[no-untyped-def]
    """A worker's daemon thread: every ``every`` seconds, :func:`ensure_scheduled` and
    :func:`enqueue_overdue` (the sweep runs again within a minute of Redis returning,
    even when RQ's scheduler died on the outage).

    The schedule lives only in Redis and a worker schedules it when it starts; without
    this, a Redis that restarts empty stops all sweeping until a worker restarts.
    """
    stop = stop or threading.Event()

    def loop() -> None:
        while not stop.wait(every):
            try:
                ensure_scheduled(rt)
                enqueue_overdue(rt, clock.now(rt))
            except Exception as exc:  # noqa: BLE001 - Redis down: try again next time
                log.warning("could not check the sweep's schedule: %s", exc)

    thread = threading.Thread(target=loop, name="ksm-bot-sweep-schedule", daemon=True)
    thread.start()
    return thread


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
