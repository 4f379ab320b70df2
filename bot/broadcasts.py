"""Making a broadcast, cancelling it, and reading its progress.

The dashboard, effect handlers (meeting notices, priority announcements) and the sweep
call these; starting one is ``bot.outbox`` (:func:`bot.outbox.mark_broadcast_sending`,
then :func:`bot.outbox.start_broadcasts`), the sending itself
``workers.broadcasts.send_broadcast``.
"""
from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from datetime import datetime, timezone
from typing import Any

from sqlalchemy import Select, and_, case, func, literal, select, update
from sqlalchemy.orm import Session

from bot.db import upsert
from bot.models import Broadcast, BroadcastSend, Contact
from bot.models import broadcast as b

log = logging.getLogger(__name__)

_CHUNK = 5000  # ids per INSERT ... SELECT: well under every driver's parameter limit


def create_broadcast(
    session: Session,
    kind: str,
    body_sms: str,
    body_whatsapp: str | None = None,
    content_sid: str | None = None,
    content_variables: Mapping[str, Any] | None = None,
    templates: Mapping[str, str] | None = None,
    kelurahan_id: int | None = None,
    now: datetime | None = None,
    expires_at: datetime | None = None,
) -> int:
    """Store a draft broadcast and return its id.

    Args:
        kind: what it is for (``announcement``, ``meeting_notice``...); picks the
            WhatsApp template from ``templates`` when ``content_sid`` is not given.
        body_sms: the short text every SMS recipient gets (and WhatsApp recipients outside
            the 24-hour window when there is no template).
        body_whatsapp: the full text for WhatsApp inside the window (default: body_sms).
        content_variables: the template's variables; default ``{"1": body_sms}``.
        templates: ``Settings.whatsapp_templates``.
        expires_at: past it, rows not yet sent expire (``bot.usefulness``); None: never.
    """
    now = now or datetime.now(timezone.utc)
    broadcast = Broadcast(
        kind=kind,
        body_sms=body_sms,
        body_whatsapp=body_whatsapp,
        content_sid=content_sid or (templates or {}).get(kind),
        content_variables=dict(content_variables) if content_variables else None,
        status=b.DRAFT,
        kelurahan_id=kelurahan_id,
        created_at=now,
        expires_at=expires_at,
    )
    session.add(broadcast)
    session.flush()
    return broadcast.id


def add_recipients(session: Session, broadcast_id: int, contacts: Select[Any] | Iterable[int]) -> int:
    """Add one send row per contact (a select of contact ids, or the ids); a contact
    already on the broadcast is left alone. Returns how many rows were added.

    Rows are written by ``INSERT ... SELECT`` in the database, so 100,000 recipients
    cost no memory here. A WhatsApp user gets WhatsApp when the broadcast has WhatsApp
    text or a template; everyone else gets SMS.
    """
    has_whatsapp = session.execute(
        select(
            (Broadcast.body_whatsapp.is_not(None)) | (Broadcast.content_sid.is_not(None))
        ).where(Broadcast.id == broadcast_id)
    ).scalar_one()
    channel = case((Contact.uses_whatsapp, literal("whatsapp")), else_=literal("sms")) \
        if has_whatsapp else literal("sms")
    if isinstance(contacts, Select):
        chunks: Iterable[Any] = [contacts.scalar_subquery()]
    else:
        ids = list(contacts)
        chunks = [ids[i:i + _CHUNK] for i in range(0, len(ids), _CHUNK)]
    insert = upsert(session)
    added = 0
    for chunk in chunks:
        source = select(
            literal(broadcast_id), Contact.id, channel, literal(b.PENDING), literal(0)
        ).where(Contact.id.in_(chunk))
        result = session.execute(
            insert(BroadcastSend)
            .from_select(["broadcast_id", "contact_id", "channel", "status", "attempts"], source)
            .on_conflict_do_nothing(index_elements=["broadcast_id", "contact_id"])
        )
        added += max(result.rowcount, 0)
    return added


def cancel(session: Session, broadcast_id: int, now: datetime | None = None) -> int:
    """Stop a broadcast: rows not yet handed to the provider become skipped.

    Returns:
        How many rows were skipped. Rows in flight finish; sent ones stay sent.
    """
    now = now or datetime.now(timezone.utc)
    session.execute(update(Broadcast).where(Broadcast.id == broadcast_id)
                    .values(status=b.CANCELLED, finished_at=now))
    result = session.execute(
        update(BroadcastSend)
        .where(BroadcastSend.broadcast_id == broadcast_id,
               BroadcastSend.status.in_((b.PENDING, b.CLAIMED)))
        .values(status=b.SKIPPED, claim_token=None, updated_at=now)
    )
    refresh_counts(session, broadcast_id, now)
    return result.rowcount


def progress(session: Session, broadcast_id: int, now: datetime | None = None) -> dict[str, int]:
    """What the dashboard shows: queued (of which held until morning or backoff),
    sent, delivered, failed (including unknown), skipped, expired, and the total.

    "Sent" means handed to the provider, so it includes the delivered and read ones:
    a delivery report moves a row from sent to delivered, and the progress must not
    go back (it read "Terkirim 0" once every SMS was delivered).
    """
    now = now or datetime.now(timezone.utc)
    held = and_(BroadcastSend.status == b.PENDING, BroadcastSend.not_before > now)
    rows = session.execute(
        select(BroadcastSend.status, func.count(), func.count(case((held, 1))))
        .where(BroadcastSend.broadcast_id == broadcast_id)
        .group_by(BroadcastSend.status)
    ).all()
    by_status = {status: count for status, count, _ in rows}
    counts = {
        "queued": sum(by_status.get(s, 0) for s in b.OPEN_STATUSES),
        "held": sum(h for _, _, h in rows),
        "sent": sum(by_status.get(s, 0) for s in (b.SENT, b.DELIVERED, b.READ)),
        "delivered": by_status.get(b.DELIVERED, 0) + by_status.get(b.READ, 0),
        "failed": sum(by_status.get(s, 0) for s in (b.FAILED, b.UNDELIVERED, b.UNKNOWN)),
        "unknown": by_status.get(b.UNKNOWN, 0),
        "skipped": by_status.get(b.SKIPPED, 0),
        "expired": by_status.get(b.EXPIRED, 0),
    }
    counts["total"] = sum(by_status.values())
    return counts


def refresh_counts(session: Session, broadcast_id: int, now: datetime | None = None) -> dict[str, int]:
    """Copy :func:`progress` onto the broadcast row; a sending broadcast with nothing
    left open becomes done. Returns the counts."""
    now = now or datetime.now(timezone.utc)
    counts = progress(session, broadcast_id, now)
    values: dict[str, Any] = {
        "queued_count": counts["queued"],
        "sent_count": counts["sent"],
        "delivered_count": counts["delivered"],
        "failed_count": counts["failed"],
        "skipped_count": counts["skipped"],
    }
    stmt = update(Broadcast).where(Broadcast.id == broadcast_id)
    session.execute(stmt.values(**values))
    if counts["queued"] == 0:
        session.execute(stmt.where(Broadcast.status == b.SENDING)
                        .values(status=b.DONE, finished_at=now))
    return counts
