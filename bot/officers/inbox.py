"""The officers' inbox: residents' messages no service of the bot placed.

The engine keeps such a message (``KeepForOfficers``) and tells the resident a person
will read it; a message the bot failed to handle, after its tries, comes here too. It waits here for the officers of the resident's kelurahan (a kota or
provinsi officer sees those of their area too, so where no one is assigned at the
kelurahan the kota's officer answers); one with no known kelurahan is read at the
national level. Officers see the text with NIK and phone numbers masked, never the
resident's number: the answer goes back through the bot.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from bot.effect_context import EffectContext
from bot.models import InboxItem, Kelurahan, Message, Officer
from bot.models import inbox as states
from bot.outbox import queue_message
from bot.areas import scope as area_scope
from bot.privacy import pii_mask
from bot.complaints.intake import best_kelurahan, channel_kelurahan
from conversations.model import KeepForOfficers

MAX_REPLY = 300


def keep(effect: KeepForOfficers, ctx: EffectContext) -> None:
    keep_message(ctx.session, ctx.inbound_id, ctx.contact_id, ctx.now)


def keep_message(session: Session, message_id: int, contact_id: int, now: datetime) -> None:
    """Put the inbound message ``message_id`` before the officers of its resident's area:
    one the engine kept for them, or one whose handling failed for good
    (``bot.messaging.handling``)."""
    kelurahan = (best_kelurahan(session, contact_id)
                 or channel_kelurahan(session, message_id))
    session.add(InboxItem(
        message_id=message_id, contact_id=contact_id,
        kelurahan_id=kelurahan.id if kelurahan else None,
        kota_area_id=kelurahan.kota_area_id if kelurahan else None,
        provinsi_area_id=kelurahan.provinsi_area_id if kelurahan else None,
        status=states.OPEN, created_at=now))


@dataclass(frozen=True)
class Waiting:
    """An open message as an officer reads it."""

    id: int
    text: str
    kelurahan: str | None
    received_at: datetime
    channel: str


def _waiting() -> Select:  # type: ignore[type-arg]
    return (select(InboxItem.id, Message.body, Kelurahan.name, InboxItem.created_at,
                   Message.channel)
            .join(Message, Message.id == InboxItem.message_id)
            .outerjoin(Kelurahan, Kelurahan.id == InboxItem.kelurahan_id))


def open_items(session: Session, officer: Officer, limit: int = 100) -> list[Waiting]:
    """The officer's open messages, oldest first (they have waited longest)."""
    rows = session.execute(_waiting().where(InboxItem.status == states.OPEN,
                                             area_scope.in_area_filter(officer, InboxItem))
                           .order_by(InboxItem.id).limit(limit)).all()
    return [Waiting(r[0], pii_mask.mask(r[1] or ""), r[2], r[3], r[4]) for r in rows]


def find(session: Session, officer: Officer, item_id: int) -> InboxItem | None:
    """The item if it is in the officer's area, else None (a 404 to them)."""
    return area_scope.find_in_area(session, officer, InboxItem, item_id)


class ReplyError(ValueError):
    """A reply that cannot be sent; the text says why, in Indonesian."""


def reply(session: Session, item: InboxItem, officer: Officer, text: str, now: datetime) -> int:
    """Queue the officer's answer to the resident (the caller enqueues it after the
    commit) and close the item; returns the outbound message's id.

    Raises:
        ReplyError: empty, too long, or answered already.
    """
    text = " ".join((text or "").split())
    if not text:
        raise ReplyError("Balasan kosong.")
    if len(text) > MAX_REPLY:
        raise ReplyError(f"Balasan terlalu panjang (maks. {MAX_REPLY} huruf).")
    if item.status != states.OPEN:
        raise ReplyError("Pesan ini sudah dibalas.")
    channel = session.scalar(select(Message.channel).where(Message.id == item.message_id))
    message_id = queue_message(session, item.contact_id, channel or "sms", text, kind="reply",
                               now=now, reply_to_id=item.message_id)
    item.status, item.answered_by_id, item.answered_at = states.ANSWERED, officer.id, now
    item.reply_message_id = message_id
    session.flush()
    return message_id
