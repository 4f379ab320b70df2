"""How an officer hears of their work by SMS or WhatsApp (``bot.officers.notify``): the
codes that verify their phone, and what they were told, once each."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from bot.models.base import Base, UtcDateTime, utcnow

# Officer.notify_mode: a message at once for each event, one digest a day, or nothing.
IMMEDIATE = "segera"
DIGEST = "harian"
OFF = "mati"
MODES = (IMMEDIATE, DIGEST, OFF)
CHANNELS = ("whatsapp", "sms")


class OfficerPhoneCode(Base):
    """A 6-digit code sent to the number an officer registers; the number is theirs once
    they type it back. Kept as a salted SHA-256, never in clear; ``tries`` is counted
    before each check, and a later code replaces an earlier one (``used_at``)."""

    __tablename__ = "officer_phone_code"

    id: Mapped[int] = mapped_column(primary_key=True)
    officer_id: Mapped[int] = mapped_column(ForeignKey("officer.id"), index=True)
    contact_id: Mapped[int] = mapped_column(ForeignKey("contact.id"))
    channel: Mapped[str] = mapped_column(String(10))
    code_hash: Mapped[str] = mapped_column(String(64))
    salt: Mapped[str] = mapped_column(String(32))
    tries: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime)
    # Typed right (the number is verified), or replaced by a newer code.
    used_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    # The message that carried it: its body loses the code once the code is spent.
    message_id: Mapped[int | None] = mapped_column(ForeignKey("message.id"))


class OfficerAlert(Base):
    """One thing an officer was told: ``key`` names the event (``overdue:<complaint>:<due>``,
    ``digest:<local date>``), so a sweep run twice tells it once."""

    __tablename__ = "officer_alert"
    __table_args__ = (UniqueConstraint("officer_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    officer_id: Mapped[int] = mapped_column(ForeignKey("officer.id"))
    key: Mapped[str] = mapped_column(String(80))
    # The message queued for it; None when there was nothing to say (an empty digest).
    message_id: Mapped[int | None] = mapped_column(ForeignKey("message.id"))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
