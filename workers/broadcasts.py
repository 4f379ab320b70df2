"""The broadcast send job: batches of send rows through the sender, each exactly once.

Life of a send row (``bot/models/broadcast.py``)::

    pending --claim (batch)--> claimed --just before the HTTP call--> sending --> sent
       ^                          |                                      |   \\-> failed
       |  quiet hours, backoff,   |                                      |
       +--- stale claim (sweep) --+                 worker died here: unknown (sweep)

- Claiming is one ``UPDATE ... WHERE id IN (SELECT ... FOR UPDATE SKIP LOCKED) RETURNING``
  (on SQLite, ``BEGIN IMMEDIATE`` already serialises it), so two workers never hold the
  same row. A claim carries a token; a worker only moves rows that still carry its token.
- A row becomes ``sending`` in a commit right before the provider call, and gets its SID
  in the next commit (``workers/broadcast_batch.py``: the same commit that starts the
  next row, so one per message). A worker killed in between leaves one row ``sending``;
  the sweep turns it into ``unknown`` after a lease, and it is NOT sent again: for an
  announcement one possibly missing message (visible on the dashboard, resendable by an
  officer) is better than a possible duplicate to a resident who pays attention to cost.
  Every other row of the dead worker's batch is still ``claimed`` (never handed to the
  provider) and goes back to ``pending``.
- Opt-out, invalid number, quiet hours and the WhatsApp window are checked per row at
  send time, not when the broadcast was made.
- Usefulness (``bot.usefulness``): past the broadcast's ``expires_at`` its pending rows
  become ``expired`` at the next claim (the sweep starts a job for them: they are due),
  and a row that quiet hours or a retry would hold past it expires at once
  (``workers/broadcast_batch.py``).
"""
from __future__ import annotations

import logging
import time
import uuid
from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session

from bot import clock
from bot.broadcasts import refresh_counts
from bot.channels import Reach
from bot.models import Broadcast, BroadcastSend, Contact
from bot.models import broadcast as b
from bot.runtime import current
from bot.usefulness import is_past
from workers.broadcast_batch import CLAIM_HEARTBEAT, BatchSender, pending_due
from workers.quiet_hours import resident_zone
from workers.rate_limit import limiter_for

log = logging.getLogger(__name__)

__all__ = ["CLAIM_HEARTBEAT", "CLAIM_LEASE", "claim_batch", "resume_broadcasts", "send_broadcast"]

MAX_BATCH = 200
BATCH_SECONDS = 2.0  # a batch holds about this much sending at the configured rate
JOB_SECONDS = 120.0  # then hand over to a fresh job (RQ's default timeout is 180 s)
COUNTS_EVERY = 5.0  # seconds between progress snapshots on the broadcast row
# A claimed row whose worker has not touched it (CLAIM_HEARTBEAT) for this long lost its
# worker: it goes back to pending at the next sweep instead of after minutes.
CLAIM_LEASE = timedelta(minutes=1)
IN_FLIGHT_LEASE = timedelta(minutes=2)  # well past the sender's 10 s HTTP timeout
STALE_HEARTBEAT = timedelta(seconds=60)  # no batch taken for this long: start a job


@dataclass(frozen=True)
class Recipient:
    """A claimed row with what sending needs to know about its contact."""

    send_id: int
    contact_id: int
    channel: str
    phone: str
    opted_out: bool
    invalid_number: bool
    last_whatsapp_at: datetime | None
    time_zone: str | None
    kelurahan_id: int | None = None
    reach: Reach | None = None  # the channels the resident wrote on (bot.channels)


def send_broadcast(broadcast_id: int, max_seconds: float = JOB_SECONDS) -> str:
    """Send the pending rows of ``broadcast_id`` until none is due or time is up.

    Safe to run on several workers at once and to run again: each batch is claimed
    atomically. When time is up with rows still due, it enqueues its own continuation.

    Returns:
        A summary of what this run did, for the job's result.
    """
    rt = current()
    token = uuid.uuid4().hex
    limiter = limiter_for(rt)
    outcomes: Counter[str] = Counter()
    deadline = time.monotonic() + max_seconds
    next_counts = time.monotonic() + COUNTS_EVERY
    batch_size = max(1, min(MAX_BATCH, int(BATCH_SECONDS * min(
        rt.settings.sms_rate_per_second, rt.settings.whatsapp_rate_per_second))))
    while time.monotonic() < deadline:
        with rt.db.session() as session:
            broadcast = session.get(Broadcast, broadcast_id)
            if broadcast is None or broadcast.status != b.SENDING:
                break
            session.expunge(broadcast)
            batch = claim_batch(session, broadcast_id, token, clock.now(rt), batch_size,
                                broadcast.expires_at)
        if not batch:
            break
        outcomes.update(BatchSender(rt, limiter, broadcast, token).send(batch))
        if time.monotonic() >= next_counts:
            with rt.db.session() as session:
                refresh_counts(session, broadcast_id)
            next_counts = time.monotonic() + COUNTS_EVERY
    else:  # time is up, not "nothing due": a fresh job carries on
        rt.jobs.enqueue(send_broadcast, broadcast_id)
    with rt.db.session() as session:
        refresh_counts(session, broadcast_id)
    return ", ".join(f"{k} {v}" for k, v in sorted(outcomes.items())) or "nothing due"


def claim_batch(session: Session, broadcast_id: int, token: str, now: datetime,
                size: int, expires_at: datetime | None = None) -> list[Recipient]:
    """Atomically take up to ``size`` due pending rows for this worker (``token``).

    Past the broadcast's ``expires_at`` nothing is taken: every pending row, due or
    held, becomes ``expired`` (never sent, never retried).
    """
    if is_past(expires_at, now):
        session.execute(
            update(BroadcastSend)
            .where(BroadcastSend.broadcast_id == broadcast_id, BroadcastSend.status == b.PENDING)
            .values(status=b.EXPIRED, claim_token=None, updated_at=now))
        session.execute(update(Broadcast).where(Broadcast.id == broadcast_id)
                        .values(heartbeat_at=now))
        return []
    due = (
        select(BroadcastSend.id)
        .where(BroadcastSend.broadcast_id == broadcast_id, BroadcastSend.status == b.PENDING,
               or_(BroadcastSend.not_before.is_(None), BroadcastSend.not_before <= now))
        .order_by(BroadcastSend.id)
        .limit(size)
        .with_for_update(skip_locked=True)
    )
    claimed = session.execute(
        update(BroadcastSend)
        .where(BroadcastSend.id.in_(due.scalar_subquery()))
        .values(status=b.CLAIMED, claim_token=token, claimed_at=now, updated_at=now)
        .returning(BroadcastSend.id, BroadcastSend.contact_id, BroadcastSend.channel)
    ).all()
    session.execute(update(Broadcast).where(Broadcast.id == broadcast_id).values(heartbeat_at=now))
    if not claimed:
        return []
    contacts = {
        row.id: row for row in session.execute(
            select(Contact.id, Contact.phone, Contact.opted_out,
                   (Contact.invalid_number | Contact.simulated).label("invalid_number"),
                   Contact.last_whatsapp_at, resident_zone().label("time_zone"),
                   Contact.kelurahan_id, Contact.uses_sms, Contact.uses_whatsapp,
                   Contact.last_seen_at)
            .where(Contact.id.in_([row.contact_id for row in claimed]))
        )
    }
    recipients = []
    for row in sorted(claimed, key=lambda r: r.id):
        c = contacts[row.contact_id]
        recipients.append(Recipient(row.id, row.contact_id, row.channel, c.phone, c.opted_out,
                                    c.invalid_number, c.last_whatsapp_at, c.time_zone,
                                    c.kelurahan_id,
                                    Reach.of(c.uses_sms, c.uses_whatsapp, c.last_whatsapp_at,
                                             c.last_seen_at)))
    return recipients


def resume_broadcasts(rt: Any, now: datetime) -> int:
    """Sweep task: recover dead workers' rows and start jobs for broadcasts with due rows.

    Claimed rows past their lease go back to pending (they never reached the provider);
    in-flight rows past theirs become ``unknown`` and are not resent (see the module
    docstring). Returns how many send jobs it enqueued.
    """
    table = BroadcastSend.__table__
    with rt.db.session() as session:
        session.execute(
            update(table).where(table.c.status == b.CLAIMED, table.c.claimed_at < now - CLAIM_LEASE)
            .values(status=b.PENDING, claim_token=None, updated_at=now)
        )
        lost = session.execute(
            update(table)
            .where(table.c.status == b.IN_FLIGHT, table.c.claimed_at < now - IN_FLIGHT_LEASE)
            .values(status=b.UNKNOWN, updated_at=now)
            .returning(table.c.id)
        ).scalars().all()
        if lost:
            log.warning("broadcast sends %s: worker died during the provider call; not resent",
                        lost)
        active = session.execute(
            select(Broadcast.id, Broadcast.heartbeat_at).where(Broadcast.status == b.SENDING)
        ).all()
        to_start = []
        for broadcast_id, heartbeat_at in active:
            refresh_counts(session, broadcast_id, now)
            if heartbeat_at is not None and heartbeat_at > now - STALE_HEARTBEAT:
                continue
            if pending_due(session, broadcast_id, now):
                to_start.append(broadcast_id)
    for broadcast_id in to_start:
        rt.jobs.enqueue(send_broadcast, broadcast_id)
    return len(to_start)
