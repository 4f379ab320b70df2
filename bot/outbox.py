"""Queueing outbound messages: a row first (status queued), a send job after commit."""
from __future__ import annotations

from datetime import datetime, timezone

from sqlalchemy import insert
from sqlalchemy.orm import Session

from bot.models import Message
from bot.models import messaging as m


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
    (``bot.inbound.enqueue_sends``); if that fails the sweep finds the row.
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
