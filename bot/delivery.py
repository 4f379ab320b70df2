"""Twilio status callbacks: move a stored outbound message along its statuses."""
from __future__ import annotations

from datetime import datetime, timezone

from sqlalchemy import select, update

from bot.models import Message
from bot.models import messaging as m
from bot.runtime import Runtime
from workers.outbound import mark_contact_for_error

KNOWN = {m.QUEUED, m.SENDING, m.SENT, m.DELIVERED, m.READ, m.UNDELIVERED, m.FAILED,
         "accepted", "scheduled", "canceled", "receiving", "received", "partially_delivered"}


def record_status(rt: Runtime, sid: str, status: str, error_code: int | None) -> bool:
    """Apply one callback; returns False when no stored message has that SID.

    Statuses only move forward (a late ``sent`` never overwrites ``delivered``);
    a failure is always recorded, with its error code and what it means for the contact.
    """
    status = status.lower()
    table = Message.__table__
    now = datetime.now(timezone.utc)
    with rt.db.session() as session:
        row = session.execute(
            select(table.c.id, table.c.status, table.c.contact_id)
            .where(table.c.twilio_sid == sid)
            .with_for_update()
        ).first()
        if row is None:
            return record_broadcast_status(session, sid, status, error_code, now)
        if status in m.FINAL_FAILURES:
            session.execute(
                update(table).where(table.c.id == row.id)
                .values(status=status, error_code=error_code, updated_at=now)
            )
            mark_contact_for_error(session, row.contact_id, error_code, now)
            return True
        new_rank = m.OUT_STATUS_RANK.get(status)
        old_rank = m.OUT_STATUS_RANK.get(row.status, -1)
        if new_rank is not None and new_rank > old_rank and row.status not in m.FINAL_FAILURES:
            session.execute(
                update(table).where(table.c.id == row.id)
                .values(status=status, error_code=error_code, updated_at=now)
            )
        return True


def record_broadcast_status(session, sid: str, status: str, error_code: int | None,  # type: ignore[no-untyped-def]
                            now: datetime) -> bool:
    """The same for a broadcast send row; returns False when no row has that SID."""
    from bot.models import BroadcastSend
    from bot.models import broadcast as b

    table = BroadcastSend.__table__
    row = session.execute(
        select(table.c.id, table.c.status, table.c.contact_id)
        .where(table.c.twilio_sid == sid)
        .with_for_update()
    ).first()
    if row is None:
        return False
    if status in m.FINAL_FAILURES:
        session.execute(update(table).where(table.c.id == row.id)
                        .values(status=status, error_code=error_code, updated_at=now))
        mark_contact_for_error(session, row.contact_id, error_code, now)
    elif b.SEND_STATUS_RANK.get(status, -1) > b.SEND_STATUS_RANK.get(row.status, 99):
        session.execute(update(table).where(table.c.id == row.id)
                        .values(status=status, error_code=error_code, updated_at=now))
    return True
