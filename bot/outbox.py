"""Queueing outbound messages: a row first (status queued), a send job after commit."""
from __future__ import annotations

import logging
from datetime import datetime, timezone
from typing import Any

from sqlalchemy import insert
from sqlalchemy.orm import Session

from bot.models import Message
from bot.models import messaging as m

log = logging.getLogger(__name__)


def queue_message(
    session: Session,
    contact_id: int,
    channel: str,
    body: str,
    kind: str = "notice",
    now: datetime | None = None,
    reply_to_id: int | None = None,
) -> int:
    """Store an outbound message as queued and return its id.

    The caller pushes the id to the job queue after its transaction commits
    (:func:`enqueue_sends`); if that fails the sweep finds the row.
    """
    now = now or datetime.now(timezone.utc)
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
    from workers.outbound import send_message
    from workers.queue import SEND_RETRY

    for position, message_id in enumerate(message_ids):
        try:
            rt.jobs.enqueue(send_message, message_id, retry=SEND_RETRY)
        except Exception as exc:  # noqa: BLE001 - the rows stay queued; the sweep picks them up
            # The rest would meet the same Redis: leave them all to the sweep.
            log.warning("could not enqueue messages %s (%s); the sweep will",
                        message_ids[position:], exc)
            return
