"""Messages in and out, and the one open conversation session per contact."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, Integer, SmallInteger, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from bot.models.base import Base, JsonType, UtcDateTime, utcnow
from conversations.model import COMPLETED, EXPIRED, INTERRUPTED  # noqa: F401  (see below)

IN = "in"
OUT = "out"

# Inbound statuses.
RECEIVED = "received"  # stored, not yet handled (or handling crashed: see FAILED)
HANDLED = "handled"  # the engine ran and its outcome is stored
FAILED_HANDLING = "failed"  # the engine or an effect raised; the message is kept

# Outbound statuses, in the order a message moves; ANSWERED went back as TwiML.
# The send job and the sweep move them (workers/outbound.py), then Twilio's callbacks.
QUEUED = "queued"  # waiting for a send job; due at ``next_attempt_at`` (NULL: now)
CLAIMED = "claimed"  # a job took it, the provider was not called yet: safe to send again
SENDING = "sending"  # committed right before the provider call: it may have gone out
SENT = "sent"
DELIVERED = "delivered"
READ = "read"
UNDELIVERED = "undelivered"
FAILED = "failed"
ANSWERED = "answered"
SKIPPED = "skipped"  # not sent: opted out, invalid number or simulated contact
HELD = "held"  # unprompted, met quiet hours at send time: queued again after 06:00 local
UNKNOWN = "unknown"  # the worker died during the provider call: maybe sent; never resent
# automatically, an officer decides (admin jobs page)
# EXPIRED ("expired", the word a session ends with, imported above): past ``expires_at``
# when it was to be sent (bot.usefulness): never sent, never retried.
OUT_STATUS_RANK = {QUEUED: 0, CLAIMED: 1, SENDING: 2, UNKNOWN: 2, SENT: 3, DELIVERED: 4, READ: 5}
FINAL_FAILURES = {UNDELIVERED, FAILED}


class Message(Base):
    """One SMS or WhatsApp message, either way.

    Rows are unique on ``external_id``, the provider's key, so a retried webhook finds its
    row: Twilio's SID, a gateway event's ``gw-event:<event id>``, a gateway send's
    ``gw:<message id>``.
    Outbound replies point at the inbound message they answer (``reply_to_id``).
    """

    __tablename__ = "message"
    __table_args__ = (
        Index("ix_message_contact_created", "contact_id", "created_at"),
        # The sweep's look-up of queued messages whose attempt is overdue: fresh ones
        # (NULL, by created_at) and retries (by next_attempt_at). Only queued rows.
        Index(
            "ix_message_due",
            "next_attempt_at",
            "created_at",
            postgresql_where=text("status = 'queued'"),
            sqlite_where=text("status = 'queued'"),
        ),
        # The sweep's look-up of claims past their lease, and the officers' list of
        # messages whose fate is unknown.
        Index(
            "ix_message_lease",
            "status",
            "claimed_at",
            postgresql_where=text("status IN ('claimed', 'sending', 'unknown')"),
            sqlite_where=text("status IN ('claimed', 'sending', 'unknown')"),
        ),
        # The dashboard's counts of the last day. On PostgreSQL a BRIN index: messages
        # arrive in time order, so it stays a few pages however long the history, and
        # costs the webhook's insert next to nothing (autovacuum summarises new pages).
        Index(
            "ix_message_created",
            "created_at",
            postgresql_using="brin",
            postgresql_with={"pages_per_range": 32, "autosummarize": "on"},
        ),
        # Handling's look-up of a contact's oldest message still to handle, and the
        # sweep's of messages whose handling job was lost (bot.messaging.handling).
        Index(
            "ix_message_received",
            "contact_id",
            "id",
            postgresql_where=text("status = 'received'"),
            sqlite_where=text("status = 'received'"),
        ),
        # The dashboard's count of messages expired lately, and its list
        # (bot.expired_messages): the expired ones only, by when they expired.
        Index(
            "ix_message_expired",
            "updated_at",
            postgresql_where=text("status = 'expired'"),
            sqlite_where=text("status = 'expired'"),
        ),
        # The sweep's look-up of messages held by quiet hours (workers.sweep).
        Index(
            "ix_message_held",
            "id",
            postgresql_where=text("status = 'held'"),
            sqlite_where=text("status = 'held'"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    contact_id: Mapped[int] = mapped_column(ForeignKey("contact.id"))
    direction: Mapped[str] = mapped_column(String(3))
    channel: Mapped[str] = mapped_column(String(10))
    body: Mapped[str] = mapped_column(Text, default="")
    media: Mapped[list[dict[str, Any]] | None] = mapped_column(JsonType)
    external_id: Mapped[str | None] = mapped_column(String(64), unique=True)
    status: Mapped[str] = mapped_column(String(12))
    error_code: Mapped[int | None] = mapped_column(Integer)
    reply_to_id: Mapped[int | None] = mapped_column(ForeignKey("message.id"), index=True)
    # What an outbound message is for: reply, notice, reminder, broadcast...
    kind: Mapped[str | None] = mapped_column(String(20))
    # Provider calls made for an outbound message; the budget is per message.
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    # When a queued message is due again after a retryable error (NULL: at once).
    next_attempt_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    # Past this instant it is not sent but becomes ``expired`` (bot.usefulness); NULL on
    # inbound messages and rows older than migration 0030.
    expires_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    # Start of the current claim (claimed) or provider call (sending): the lease.
    claimed_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow, onupdate=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    # Who carried it: "twilio" (NULL on older rows) or "smsgate", and the gateway phone
    # (device) for smsgate. A reply copies both from the message it answers.
    provider: Mapped[str | None] = mapped_column(String(10))
    device_id: Mapped[str | None] = mapped_column(String(64))
    # The gateway phone's SIM slot (1, 2...) its reports named (``simNumber``); NULL: the
    # phone's default SIM, or no report yet (``bot.gateway_health`` counts per SIM).
    sim: Mapped[int | None] = mapped_column(SmallInteger)


# Providers of a message (``Message.provider``).
TWILIO = "twilio"
SMSGATE = "smsgate"

# Session statuses (RapidPro's): one ACTIVE session per contact at most. How a session
# ended (COMPLETED, INTERRUPTED, EXPIRED) is the engine's word, defined in
# ``conversations.model`` and imported above.
ACTIVE = "active"


class ConversationSession(Base):
    """A contact's dialog: which flow and step, what it collected, and until when."""

    __tablename__ = "conversation_session"
    __table_args__ = (
        Index(
            "uq_conversation_session_active",
            "contact_id",
            unique=True,
            postgresql_where=text("status = 'active'"),
            sqlite_where=text("status = 'active'"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    contact_id: Mapped[int] = mapped_column(ForeignKey("contact.id"), index=True)
    flow: Mapped[str] = mapped_column(String(40))
    step: Mapped[str] = mapped_column(String(40))
    data: Mapped[dict[str, Any]] = mapped_column(JsonType, default=dict)
    status: Mapped[str] = mapped_column(String(12), default=ACTIVE)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime)
    ended_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
