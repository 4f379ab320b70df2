"""Priority announcements: the BKM's priority-meeting result, announced to residents.

The BKM records which proposals were chosen (ranked, each with the reason) and which
were not; publishing sends it to every member of the kelurahan's KSMs (broadcasts), and
tells the leaders of KSMs not chosen that their proposal goes back to them. Residents'
``TANYA``/``SANGGAH`` replies become PPM complaints linked here.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from bot.models.base import Base, UtcDateTime, utcnow

DRAFT = "draft"
PUBLISHED = "published"


class Announcement(Base):
    """One kelurahan's priority-meeting result."""

    __tablename__ = "announcement"

    id: Mapped[int] = mapped_column(primary_key=True)
    kelurahan_id: Mapped[int] = mapped_column(ForeignKey("kelurahan.id"), index=True)
    title: Mapped[str] = mapped_column(String(120))
    status: Mapped[str] = mapped_column(String(12), default=DRAFT)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("officer.id"))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    published_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    # The broadcasts that carried it (one per language), comma-separated.
    broadcast_ids: Mapped[str | None] = mapped_column(String(60))


class AnnouncementItem(Base):
    """A proposal's place in the result: chosen with its rank and reason, or not."""

    __tablename__ = "announcement_item"
    __table_args__ = (UniqueConstraint("announcement_id", "proposal_id",
                                       name="uq_announcement_item_proposal"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    announcement_id: Mapped[int] = mapped_column(ForeignKey("announcement.id"), index=True)
    proposal_id: Mapped[int] = mapped_column(ForeignKey("proposal.id"))
    chosen: Mapped[bool] = mapped_column(Boolean, default=False)
    rank: Mapped[int | None] = mapped_column(Integer)
    reason: Mapped[str | None] = mapped_column(Text)


class AnnouncementComplaint(Base):
    """A resident's TANYA (question) or SANGGAH (objection) about an announcement,
    filed as a PPM complaint."""

    __tablename__ = "announcement_complaint"

    id: Mapped[int] = mapped_column(primary_key=True)
    announcement_id: Mapped[int] = mapped_column(ForeignKey("announcement.id"), index=True)
    complaint_id: Mapped[int] = mapped_column(ForeignKey("complaint.id"), unique=True)
    kind: Mapped[str] = mapped_column(String(8))  # tanya / sanggah
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
