"""Broadcasts: one message to many residents, with one send row per recipient.

A broadcast (an announcement, a meeting notice, a reminder) is a row; each recipient is
a ``broadcast_send`` row, unique on (broadcast, contact), so a recipient can be sent to
at most once whatever workers crash or run twice. Workers claim batches of pending rows;
see ``workers/broadcasts.py`` for the life of a send row.
"""
from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    ForeignKey,
    Index,
    Integer,
    SmallInteger,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from bot.models.base import Base, JsonType, UtcDateTime, utcnow

# Broadcast statuses.
DRAFT = "draft"  # recipients may still change; nothing is sent
SENDING = "sending"  # workers are (or the sweep will be) sending its pending rows
DONE = "done"  # no send row is pending, claimed or in flight
CANCELLED = "cancelled"  # pending rows were skipped; sent ones stay sent

# Send row statuses, in the order a row moves.
PENDING = "pending"  # waiting; ``not_before`` holds it (quiet hours, provider backoff)
CLAIMED = "claimed"  # in a worker's batch, not yet handed to the provider: safe to retry
IN_FLIGHT = "sending"  # the provider call may have happened: never retried automatically
SENT = "sent"  # the provider accepted it (``external_id`` set)
DELIVERED = "delivered"
READ = "read"
UNDELIVERED = "undelivered"
FAILED = "failed"  # refused for good, or out of attempts
SKIPPED = "skipped"  # opted out or invalid number at send time, or broadcast cancelled
UNKNOWN = "unknown"  # a worker died during the provider call: maybe sent, not resent
EXPIRED = "expired"  # the broadcast's ``expires_at`` passed before it went: never sent
SEND_STATUS_RANK = {PENDING: 0, CLAIMED: 1, IN_FLIGHT: 2, SENT: 3, DELIVERED: 4, READ: 5}
OPEN_STATUSES = (PENDING, CLAIMED, IN_FLIGHT)

# How a sent row went out.
VIA_TEXT = "text"  # free text on its own channel
VIA_TEMPLATE = "template"  # WhatsApp approved template (outside the 24-hour window)
VIA_SMS_FALLBACK = "sms"  # WhatsApp recipient outside the window, no template: SMS


class Broadcast(Base):
    """One message for many recipients: SMS text (short), WhatsApp text (may be longer),
    and the approved template to use on WhatsApp outside the 24-hour window.

    The ``*_count`` columns are a snapshot of the send rows' statuses, refreshed by the
    workers and the sweep (see ``workers.broadcasts.refresh_counts``); the rows are the
    truth, so a crash cannot make the counts drift for good.
    """

    __tablename__ = "broadcast"
    __table_args__ = (
        # The sweep looks up the broadcasts still sending; done ones pile up.
        Index("ix_broadcast_sending", "id", postgresql_where=text("status = 'sending'"),
              sqlite_where=text("status = 'sending'")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    body_sms: Mapped[str] = mapped_column(Text)
    body_whatsapp: Mapped[str | None] = mapped_column(Text)
    content_sid: Mapped[str | None] = mapped_column(String(40))
    content_variables: Mapped[dict[str, Any] | None] = mapped_column(JsonType)
    status: Mapped[str] = mapped_column(String(12), default=DRAFT)
    kelurahan_id: Mapped[int | None] = mapped_column(ForeignKey("kelurahan.id"))
    queued_count: Mapped[int] = mapped_column(Integer, default=0)
    sent_count: Mapped[int] = mapped_column(Integer, default=0)
    delivered_count: Mapped[int] = mapped_column(Integer, default=0)
    failed_count: Mapped[int] = mapped_column(Integer, default=0)
    skipped_count: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    started_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    # Past this instant its rows not yet sent become ``expired`` (bot.usefulness): a
    # meeting's start, the announcement's "berlaku sampai". NULL: never (older rows).
    expires_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    # Last time a worker took a batch: the sweep starts a worker when this goes stale.
    heartbeat_at: Mapped[datetime | None] = mapped_column(UtcDateTime)

    def __repr__(self) -> str:
        return f"<Broadcast {self.id} {self.kind} {self.status}>"


class BroadcastSend(Base):
    """One recipient of one broadcast; see the status constants above."""

    __tablename__ = "broadcast_send"
    __table_args__ = (
        UniqueConstraint("broadcast_id", "contact_id", name="uq_broadcast_send_recipient"),
        Index("ix_broadcast_send_claim", "broadcast_id", "status", "id"),
        # The dashboard's count of recipients expired lately (bot.expired_messages).
        Index(
            "ix_broadcast_send_expired",
            "updated_at",
            postgresql_where=text("status = 'expired'"),
            sqlite_where=text("status = 'expired'"),
        ),
        # The sweep's look-up of claims and provider calls past their lease.
        Index(
            "ix_broadcast_send_lease",
            "claimed_at",
            postgresql_where=text("status IN ('claimed', 'sending')"),
            sqlite_where=text("status IN ('claimed', 'sending')"),
        ),
        # Each gateway phone's figures read the week's rows a phone carried
        # (bot.gateway_health), not the months of history behind them.
        Index(
            "ix_broadcast_send_phone",
            "sent_at",
            postgresql_where=text("device_id IS NOT NULL"),
            sqlite_where=text("device_id IS NOT NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    broadcast_id: Mapped[int] = mapped_column(ForeignKey("broadcast.id"))
    contact_id: Mapped[int] = mapped_column(ForeignKey("contact.id"), index=True)
    channel: Mapped[str] = mapped_column(String(10))  # the recipient's channel when queued
    status: Mapped[str] = mapped_column(String(12), default=PENDING)
    not_before: Mapped[datetime | None] = mapped_column(UtcDateTime)
    claim_token: Mapped[str | None] = mapped_column(String(32))
    claimed_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    sent_channel: Mapped[str | None] = mapped_column(String(10))
    via: Mapped[str | None] = mapped_column(String(10))
    external_id: Mapped[str | None] = mapped_column(String(64), unique=True)
    error_code: Mapped[int | None] = mapped_column(Integer)
    sent_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    updated_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    # The gateway phone that carried it and its SIM slot, as on ``Message``: written
    # when the gateway takes the row (the SIM when routing chose one), filled or
    # corrected by its reports (``bot.delivery``); NULL for Twilio and WhatsApp.
    device_id: Mapped[str | None] = mapped_column(String(64))
    sim: Mapped[int | None] = mapped_column(SmallInteger)
