"""The messages that expired instead of going out (``bot.usefulness``): single messages
and broadcast recipients alike, for the admin's figure on the dashboard home and the
list behind it. One query serves both, so the figure is the length of its list."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, literal, select, union_all
from sqlalchemy.orm import Session

from bot.models import Broadcast, BroadcastSend, Contact, Message
from bot.models import broadcast as b
from bot.models import messaging as m

WINDOW = timedelta(days=7)  # what the dashboard home counts
SHOWN = 200


@dataclass(frozen=True)
class Expired:
    """What the list shows of what expired: the count, and the newest rows."""

    count: int
    rows: list[Any]


def _expired(since: datetime) -> Any:
    messages = (
        select(literal("pesan").label("source"), Message.id, Message.kind, Message.channel,
               Message.body, Message.created_at, Message.expires_at,
               Message.updated_at.label("expired_at"), Contact.phone)
        .join(Contact, Contact.id == Message.contact_id)
        .where(Message.direction == m.OUT, Message.status == m.EXPIRED,
               Message.updated_at >= since))
    sends = (
        select(literal("siaran").label("source"), BroadcastSend.id, Broadcast.kind,
               BroadcastSend.channel, Broadcast.body_sms.label("body"), Broadcast.created_at,
               Broadcast.expires_at, BroadcastSend.updated_at.label("expired_at"),
               Contact.phone)
        .join(Broadcast, Broadcast.id == BroadcastSend.broadcast_id)
        .join(Contact, Contact.id == BroadcastSend.contact_id)
        .where(BroadcastSend.status == b.EXPIRED, BroadcastSend.updated_at >= since))
    return union_all(messages, sends).subquery()


def expired_since(session: Session, since: datetime, limit: int = SHOWN) -> Expired:
    """Every outbound message and broadcast recipient that expired at or after
    ``since``: how many, and the newest ``limit`` of them."""
    rows = _expired(since)
    count = session.scalar(select(func.count()).select_from(rows)) or 0
    newest = session.execute(select(rows).order_by(rows.c.expired_at.desc(), rows.c.id.desc())
                             .limit(limit)).all()
    return Expired(count, list(newest))


def count_since(session: Session, since: datetime) -> int:
    """The figure: how many expired at or after ``since``."""
    return session.scalar(select(func.count()).select_from(_expired(since))) or 0
