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
                  error_code: int | None, device_id: str | None = None,
                  sim: int | None = None) -> bool:
    """Apply one callback; returns False when no stored message or send row has that
    provider id (``external_id``).

    Statuses only move forward (a late ``sent`` never overwrites ``delivered``);
    a failure is always recorded, with its error code and what it means for the contact
    (the provider's ``error_outcome``). A gateway phone's report also says which phone
    and SIM slot carried a message (``device_id``, ``sim``): kept on the message or
    broadcast row where it was not known, for the phones' delivery figures
    (``bot.gateway_health``); a report without a slot (the default SIM) keeps the one
    the row has (chosen at send time, or named by an earlier report).
    """
    status = status.lower()
    now = clock.now(rt)
    outcome = provider(provider_name).error_outcome(error_code, None)
    sends = BroadcastSend.__table__
    carrier = {"device_id": device_id, "sim": sim}
    with rt.db.session() as session:
        for table, ranks, expires in (
                (Message.__table__, m.OUT_STATUS_RANK, Message.__table__.c.expires_at),
                (sends, b.SEND_STATUS_RANK,
                 select(Broadcast.expires_at).where(Broadcast.id == sends.c.broadcast_id)
                 .scalar_subquery())):
            if _advance(session, table, ranks, expires, external_id, status, error_code,
                        outcome, now, carrier):
                return True
    return False


def _advance(session: Session, table: Table, ranks: Mapping[str, int], expires: Any,
             external_id: str, status: str, error_code: int | None, outcome: str,
             now: datetime, carrier: Mapping[str, Any]) -> bool:
    """Move the row of ``table`` with ``external_id`` to ``status`` if that is forward; False when
    there is no such row. A status without a rank (failed, skipped...) never moves on.
    ``carrier``'s values (``device_id``, ``sim``: columns of both tables) fill the row's
    columns of those names that are empty or differ; the phone written at send time
    stays, the SIM a report names wins (it names the slot that sent).

    A failure reported once the message is past its use (``expires``) is its expiry:
    the gateway, told ``validUntil``, drops what it held for a phone that came back too
    late. It is recorded ``expired`` and says nothing about the number."""
    known = [name for name, value in carrier.items() if value is not None]
    row: Any = session.execute(
        select(table.c.id, table.c.status, table.c.contact_id, expires.label("expires_at"),
               *(table.c[n] for n in known))
        .where(table.c.external_id == external_id)
        .with_for_update(of=table)
    ).first()
    if row is None:
        return False
    values: dict[str, Any] = {name: carrier[name] for name in known
                              if getattr(row, name) != carrier[name]}
    if "device_id" in values and row.device_id is not None:
        del values["device_id"]  # the phone chosen at send time stays the row's phone
    failed = status in m.FINAL_FAILURES
    if failed and is_past(row.expires_at, now):
        session.execute(update(table).where(table.c.id == row.id)
                        .values(**values, status=m.EXPIRED, error_code=error_code,
                                updated_at=now))
        return True
    if failed or ranks.get(status, -1) > ranks.get(row.status, 99):
        values.update(status=status, error_code=error_code, updated_at=now)
    if values:
        session.execute(update(table).where(table.c.id == row.id).values(**values))
    if failed:
        send_outcome.mark_contact(session, row.contact_id, outcome, now)
    return True
