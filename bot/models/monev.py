"""Monev (monitoring and evaluation) check-ins of verified KSMs.

Every verified KSM has one period a month counted from its verification date; each
third is the 3-monthly check-in and each sixth the 6-monthly one (they replace the
monthly one of that month rather than adding a second dialog). A period row is created
ahead, when the previous one opens; the sweep opens due periods, reminds leaders who
have not reported, reminds once more after ``MONEV_REMINDER_DAYS``, and after as many
days again the period shows as overdue.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column

from bot.models.base import Base, UtcDateTime, utcnow

MONTHLY = "monthly"
QUARTERLY = "quarterly"  # every 3 months
SEMIANNUAL = "semiannual"  # every 6 months
KINDS = (MONTHLY, QUARTERLY, SEMIANNUAL)

# Activity progress answers.
PROGRESS = ("belum", "berjalan", "selesai")


def kind_of(number: int) -> str:
    """The check-in of month ``number`` after verification."""
    if number % 6 == 0:
        return SEMIANNUAL
    if number % 3 == 0:
        return QUARTERLY
    return MONTHLY


class MonevPeriod(Base):
    """Month ``number`` of a KSM's monev, due at ``due_at``.

    ``opened_at``: the sweep handled it (reminded if not reported, next period made).
    """

    __tablename__ = "monev_period"
    __table_args__ = (
        UniqueConstraint("ksm_id", "number", name="uq_monev_period_ksm_number"),
        Index("ix_monev_period_due", "due_at",
              postgresql_where=text("opened_at IS NULL"), sqlite_where=text("opened_at IS NULL")),
        Index("ix_monev_period_waiting", "reminded_at",
              postgresql_where=text("reported_at IS NULL AND second_reminded_at IS NULL"),
              sqlite_where=text("reported_at IS NULL AND second_reminded_at IS NULL")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    ksm_id: Mapped[int] = mapped_column(ForeignKey("ksm.id"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(12))
    due_at: Mapped[datetime] = mapped_column(UtcDateTime)
    opened_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    reminded_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    second_reminded_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    reported_at: Mapped[datetime | None] = mapped_column(UtcDateTime)


class MonevReport(Base):
    """What the leader answered for one period."""

    __tablename__ = "monev_report"

    id: Mapped[int] = mapped_column(primary_key=True)
    period_id: Mapped[int] = mapped_column(ForeignKey("monev_period.id"), unique=True)
    ksm_id: Mapped[int] = mapped_column(ForeignKey("ksm.id"), index=True)
    meetings_held: Mapped[int] = mapped_column(Integer)
    members_active: Mapped[int] = mapped_column(Integer)
    progress: Mapped[str] = mapped_column(String(10))
    problems: Mapped[str | None] = mapped_column(Text)
    reported_by_id: Mapped[int | None] = mapped_column(ForeignKey("contact.id"))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
