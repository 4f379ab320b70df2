"""KSM meetings (rapat), their reminders and the members' answers (RSVP).

Times are stored in UTC; the KSM's kelurahan time zone turns them into local wording.
A reminder is a row with its due time, created with the meeting; the sweep sends the
due ones and stamps ``sent_at`` in the same transaction that creates the broadcast, so
each reminder goes out once however many sweeps run.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column

from bot.models.base import Base, UtcDateTime, utcnow

# Meeting statuses.
SCHEDULED = "scheduled"
CANCELLED = "cancelled"
DONE = "done"  # its time has passed (a routine meeting then gets its next date)

# Reminder kinds: members the day before at 08:00 local and 2 hours before; the leader
# gets the attendance count 2 hours before.
DAY_BEFORE = "day_before"
SOON = "soon"
COUNT = "count"

# RSVP answers.
HADIR = "hadir"
TIDAK = "tidak"


class Meeting(Base):
    """One meeting of a KSM. ``recurrence`` (``"<nth>:<weekday>"``, nth -1 = last,
    weekday 0 = Monday) makes it routine: when it is over, the next one is scheduled."""

    __tablename__ = "meeting"
    __table_args__ = (Index("ix_meeting_ksm_starts", "ksm_id", "starts_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    ksm_id: Mapped[int] = mapped_column(ForeignKey("ksm.id"))
    starts_at: Mapped[datetime] = mapped_column(UtcDateTime)
    place: Mapped[str] = mapped_column(String(80))
    status: Mapped[str] = mapped_column(String(12), default=SCHEDULED, index=True)
    recurrence: Mapped[str | None] = mapped_column(String(12))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("contact.id"))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    cancelled_at: Mapped[datetime | None] = mapped_column(UtcDateTime)


class MeetingReminder(Base):
    """A reminder due at ``due_at``; ``sent_at`` is the exactly-once marker."""

    __tablename__ = "meeting_reminder"
    __table_args__ = (
        UniqueConstraint("meeting_id", "kind", name="uq_meeting_reminder_meeting_kind"),
        Index("ix_meeting_reminder_due", "due_at",
              postgresql_where=text("sent_at IS NULL"), sqlite_where=text("sent_at IS NULL")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meeting.id"))
    kind: Mapped[str] = mapped_column(String(12))
    due_at: Mapped[datetime] = mapped_column(UtcDateTime)
    sent_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    # The broadcasts that carried it (one per language), for the record.
    broadcast_ids: Mapped[str | None] = mapped_column(String(40))


class Rsvp(Base):
    """A member's answer to one meeting; the latest answer wins."""

    __tablename__ = "rsvp"
    __table_args__ = (UniqueConstraint("meeting_id", "contact_id", name="uq_rsvp_meeting_contact"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meeting.id"))
    contact_id: Mapped[int] = mapped_column(ForeignKey("contact.id"))
    answer: Mapped[str] = mapped_column(String(8))
    answered_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
