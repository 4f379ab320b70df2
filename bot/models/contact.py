"""A contact: one phone number that has written to us or that we write to."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Index, String, false, text
from sqlalchemy.orm import Mapped, mapped_column

from bot.models.base import Base, UtcDateTime, utcnow


class Contact(Base):
    """A resident's phone number (E.164), the channels it used, and its choices.

    ``opted_out`` is set by STOP/BERHENTI or Twilio error 21610: nothing unprompted is
    sent to it. ``invalid_number`` is set by errors 21211/21614. ``simulated``: made by
    the dashboard's simulator (or by a simulated contact's actions): nothing is ever sent
    to it, and what it files stays out of the queues unless an officer asks.
    """

    __tablename__ = "contact"
    # The few simulated contacts, for the queues' "not simulated" test
    # (complaint_queue.not_simulated), which otherwise reads every contact each page.
    __table_args__ = (
        Index("ix_contact_simulated", "id", postgresql_where=text("simulated IS TRUE"),
              sqlite_where=text("simulated IS 1")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    phone: Mapped[str] = mapped_column(String(20), unique=True)
    name: Mapped[str | None] = mapped_column(String(120))
    language: Mapped[str] = mapped_column(String(2), default="id")
    uses_sms: Mapped[bool] = mapped_column(Boolean, default=False)
    uses_whatsapp: Mapped[bool] = mapped_column(Boolean, default=False)
    opted_out: Mapped[bool] = mapped_column(Boolean, default=False)
    opted_out_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    invalid_number: Mapped[bool] = mapped_column(Boolean, default=False)
    simulated: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    kelurahan_id: Mapped[int | None] = mapped_column(ForeignKey("kelurahan.id"))
    # The contact's own time zone when known without a kelurahan: an officer's phone
    # keeps their area's (quiet hours: ``workers.quiet_hours.resident_zone``).
    time_zone: Mapped[str | None] = mapped_column(String(40))
    # WhatsApp free text is allowed only within 24 hours of the resident's last message.
    last_whatsapp_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    last_seen_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    # Set when the resident's data was erased (HAPUS DATA): ``phone`` then holds a
    # pseudonym, not a number, and the name is gone (``bot.privacy.erasure``).
    erased_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
