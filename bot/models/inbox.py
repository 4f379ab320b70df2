"""Messages for a person: what a resident wrote that no service of the bot placed,
kept for the officers of their area to read and answer (``bot.officers.inbox``)."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from bot.models.base import Base, UtcDateTime, utcnow

OPEN = "open"
ANSWERED = "answered"


class InboxItem(Base):
    """One resident's message waiting for an officer's answer."""

    __tablename__ = "inbox_item"

    id: Mapped[int] = mapped_column(primary_key=True)
    message_id: Mapped[int] = mapped_column(ForeignKey("message.id"), unique=True)
    contact_id: Mapped[int] = mapped_column(ForeignKey("contact.id"), index=True)
    # The resident's area as best known; none: read at the national level.
    kelurahan_id: Mapped[int | None] = mapped_column(ForeignKey("kelurahan.id"), index=True)
    kota_area_id: Mapped[int | None] = mapped_column(ForeignKey("area.id"))
    provinsi_area_id: Mapped[int | None] = mapped_column(ForeignKey("area.id"))
    status: Mapped[str] = mapped_column(String(12), default=OPEN, index=True)
    answered_by_id: Mapped[int | None] = mapped_column(ForeignKey("officer.id"))
    answered_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    reply_message_id: Mapped[int | None] = mapped_column(ForeignKey("message.id"))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
