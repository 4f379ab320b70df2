"""Delivery reports (Twilio's status callbacks, the gateway's events): move a stored
outbound message (or broadcast send row) along its statuses."""
from __future__ import annotations

from datetime import datetime
from typing import Any, Mapping

from sqlalchemy import Table, select, update
from sqlalchemy.orm import Session

from bot import clock, send_outcome
from bot.models import Broadcast, BroadcastSend, Message
from bot.models import broadcast as b
from bot.models import messaging as m
from bot.providers.registry import provider
from bot.runtime import Runtime
from bot.usefulness import is_past


def record_status(rt: Runtime, provider_name: str, external_id: str, status: str,
                  error_code: int | None) -> bool:
    """Apply one callback; returns False when no stored message or send row has that
    provider id (``external_id``).

    Statuses only move forward (a late ``sent`` never overwrites ``delivered``);
    a failure is always recorded, with its error code and what it means for the contact
    (the provider's ``error_outcome``).
    """
    status = status.lower()
    now = clock.now(rt)
    outcome = provider(provider_name).error_outcome(error_code, None)
    sends = BroadcastSend.__table__
    with rt.db.session() as session:
        for table, ranks, expires in (
                (Message.__table__, m.OUT_STATUS_RANK, Message.__table__.c.expires_at),
                (sends, b.SEND_STATUS_RANK,
                 select(Broadcast.expires_at).where(Broadcast.id == sends.c.broadcast_id)
                 .scalar_subquery())):
            if _advance(session, table, ranks, expires, external_id, status, error_code,
                        outcome, now):
                return True
    return False


def _advance(session: Session, table: Table, ranks: Mapping[str, int], expires: Any,
             external_id: str, status: str, error_code: int | None, outcome: str,
             now: datetime) -> bool:
    """Move the row of ``table`` with ``external_id`` to ``status`` if that is forward; False when
    there is no such row. A status without a rank (failed, skipped...) never moves on.

    A failure reported once the message is past its use (``expires``) is its expiry:
    the gateway, told ``validUntil``, drops what it held for a phone that came back too
    late. It is recorded ``expired`` and says nothing about the number."""
    row: Any = session.execute(
        select(table.c.id, table.c.status, table.c.contact_id, expires.label("expires_at"))
        .where(table.c.external_id == external_id)
        .with_for_update(of=table)
    ).first()
    if row is None:
        return False
    failed = status in m.FINAL_FAILURES
    if failed and is_past(row.expires_at, now):
        session.execute(update(table).where(table.c.id == row.id)
                        .values(status=m.EXPIRED, error_code=error_code, updated_at=now))
        return True
    if failed or ranks.get(status, -1) > ranks.get(row.status, 99):
        session.execute(update(table).where(table.c.id == row.id)
                        .values(status=status, error_code=error_code, updated_at=now))
    if failed:
        send_outcome.mark_contact(session, row.contact_id, outcome, now)
    return True
