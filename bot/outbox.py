"""The outbox: every outbound message and broadcast goes out through here.

A message is a row first (status queued, :func:`queue_message`), then, after the
caller's commit, a send job (:func:`enqueue_sends`). A broadcast is marked sending in
the caller's transaction (:func:`mark_broadcast_sending`), then, after the commit, gets
its send job (:func:`start_broadcasts`). Whatever fails to be enqueued the sweep finds
in the database. An officer sends an ``unknown`` message again with
:func:`requeue_unknown`.

The jobs are queued by their dotted names (:data:`SEND_MESSAGE`, :data:`SEND_BROADCAST`):
``bot/`` never imports ``workers``, which imports ``bot/`` (``bot.jobs`` runs a job
named this way on RQ and in process alike).
"""
from __future__ import annotations

import logging
from datetime import datetime, timezone
from typing import Any

from sqlalchemy import insert, update
from sqlalchemy.orm import Session

from bot.broadcasts import refresh_counts
from bot.models import Broadcast, Message
from bot.models import broadcast as b
from bot.models import messaging as m
from bot.usefulness import settings_of, useful_until

log = logging.getLogger(__name__)

SEND_MESSAGE = "workers.outbound.send_message"
SEND_BROADCAST = "workers.broadcasts.send_broadcast"


def queue_message(
    session: Session,
    contact_id: int,
    channel: str,
    body: str,
    kind: str = "notice",
    now: datetime | None = None,
    reply_to_id: int | None = None,
    not_before: datetime | None = None,
    expires_at: datetime | None = None,
    provider: str | None = None,
    device_id: str | None = None,
) -> int:
    """Store an outbound message as queued and return its id.

    The caller pushes the id to the job queue after its transaction commits
    (:func:`enqueue_sends`); if that fails the sweep finds the row. ``not_before``: not
    sent before then (a notice an officer may still take back); the send job finds it
    not due, and the sweep sends it once it is. ``expires_at``: not sent after then
    (it becomes ``expired``); by default the window of its ``kind``, counted from
    ``not_before`` or now (``bot.usefulness``). ``provider``/``device_id``: the way an
    SMS should leave, as a reply records the way its message came (``bot.channels``);
    None: ``SMS_PROVIDER``'s choice.
    """
    now = now or datetime.now(timezone.utc)
    if expires_at is None:
        expires_at = useful_until(kind, not_before or now, settings_of(session))
    return session.execute(
        insert(Message.__table__)
        .values(
            contact_id=contact_id,
            direction=m.OUT,
            channel=channel,
            body=body,
            status=m.QUEUED,
            kind=kind,
            reply_to_id=reply_to_id,
            next_attempt_at=not_before,
            expires_at=expires_at,
            provider=provider,
            device_id=device_id,
            attempts=0,
            created_at=now,
            updated_at=now,
        )
        .returning(Message.__table__.c.id)
    ).scalar_one()


def enqueue_sends(rt: Any, message_ids: list[int]) -> None:
    """Push send jobs for stored outbound messages; if Redis is down the sweep will."""
    if not message_ids:
        return
    for position, message_id in enumerate(message_ids):
        try:
            # No queue retry: the row holds its next attempt and the job enqueues itself
            # for then (workers/outbound.py); a queue retry counted per job chain.
            rt.jobs.enqueue(SEND_MESSAGE, message_id)
        except Exception as exc:  # noqa: BLE001 - the rows stay queued; the sweep picks them up
            # The rest would meet the same Redis: leave them all to the sweep.
            log.warning("could not enqueue messages %s (%s); the sweep will",
                        message_ids[position:], exc)
            return


def mark_broadcast_sending(session: Session, broadcast_id: int,
                           now: datetime | None = None) -> None:
    """Publish, in the caller's transaction: the draft becomes ``sending``. Once that is
    committed the broadcast goes out: :func:`start_broadcasts` now, or the sweep."""
    now = now or datetime.now(timezone.utc)
    session.execute(
        update(Broadcast)
        .where(Broadcast.id == broadcast_id, Broadcast.status == b.DRAFT)
        .values(status=b.SENDING, started_at=now)
    )
    refresh_counts(session, broadcast_id, now)


def start_broadcasts(rt: Any, broadcast_ids: list[int]) -> None:
    """Enqueue a send job per broadcast marked sending (after the commit); if Redis is
    down the sweep's ``resume_broadcasts`` starts them."""
    for broadcast_id in broadcast_ids:
        try:
            rt.jobs.enqueue(SEND_BROADCAST, broadcast_id)
        except Exception:  # noqa: BLE001 - the broadcast is 'sending': the sweep resumes it
            log.warning("could not enqueue broadcast %s; the sweep will", broadcast_id,
                        exc_info=True)


def requeue_unknown(rt: Any, message_id: int, now: datetime) -> bool:
    """An officer's decision: send an ``unknown`` message again (it may arrive twice).

    Its attempts are kept: past the budget it gets this one provider call, no retries.

    Returns:
        False when the message is not (or no longer) unknown.
    """
    with rt.db.session() as session:
        requeued = session.execute(
            update(Message).where(Message.id == message_id, Message.status == m.UNKNOWN)
            .values(status=m.QUEUED, next_attempt_at=None, claimed_at=None, updated_at=now)
        ).rowcount
    if requeued:
        enqueue_sends(rt, [message_id])
    return bool(requeued)
