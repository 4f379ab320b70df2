"""The BKM roster: who sits on a kelurahan's BKM (and its units), kept by an admin, so a
complaint that names one of them by name is kept from the BKM."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from bot.models.base import Base, UtcDateTime, utcnow


class BkmMember(Base):
    """One member of a kelurahan's BKM, by full name (as residents would name them)."""

    __tablename__ = "bkm_member"

    id: Mapped[int] = mapped_column(primary_key=True)
    kelurahan_id: Mapped[int] = mapped_column(ForeignKey("kelurahan.id"), index=True)
    name: Mapped[str] = mapped_column(String(120))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
