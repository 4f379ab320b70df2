"""Personal data: a resident's request to erase it (HAPUS DATA) and its fate."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from bot.models.base import Base, UtcDateTime, utcnow

# Statuses of an erasure request. PENDING -> REFUSED, or PENDING -> APPROVED (the final
# SMS is queued) -> ERASED (the number and name are gone; the sweep or the approval
# itself does it once the final SMS has left or failed for good).
PENDING = "pending"
REFUSED = "refused"
APPROVED = "approved"
ERASED = "erased"
STATUSES = (PENDING, REFUSED, APPROVED, ERASED)
# Message kind of the decision's SMS: the answer to a request the resident made, so it
# reaches a number that sent BERHENTI too (workers.outbound).
ANSWER_KIND = "erasure"


class ErasureRequest(Base):
    """A resident asked by SMS/WhatsApp that their personal data be erased.

    ``contact_id`` stays after the erasure: the contact row is kept without its number
    and name (pseudonymised), so KSM membership counts, complaints and money still add
    up for the program's audit. ``final_message_id`` is the SMS that tells the
    resident, sent before the number goes.
    """

    __tablename__ = "erasure_request"
    __table_args__ = (Index("ix_erasure_request_status", "status", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    contact_id: Mapped[int] = mapped_column(ForeignKey("contact.id"), index=True)
    inbound_message_id: Mapped[int | None] = mapped_column(ForeignKey("message.id"))
    channel: Mapped[str] = mapped_column(String(10))
    status: Mapped[str] = mapped_column(String(12), default=PENDING)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("officer.id"))
    decided_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    reason: Mapped[str | None] = mapped_column(Text)
    final_message_id: Mapped[int | None] = mapped_column(ForeignKey("message.id"))
    erased_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
