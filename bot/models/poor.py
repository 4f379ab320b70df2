"""The poor-residents list (daftar jiwa miskin) of a kelurahan, from Pemetaan Swadaya.

Sensitive: only bkm and admin officers of the kelurahan's area may see it.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from bot.models.base import Base, UtcDateTime, utcnow


class PoorResident(Base):
    """One person on the list; ``household`` groups people of one household."""

    __tablename__ = "poor_resident"

    id: Mapped[int] = mapped_column(primary_key=True)
    kelurahan_id: Mapped[int] = mapped_column(ForeignKey("kelurahan.id"), index=True)
    name: Mapped[str] = mapped_column(String(120))
    household: Mapped[str] = mapped_column(String(40))
    rt: Mapped[str] = mapped_column(String(4))
    rw: Mapped[str] = mapped_column(String(4))
    phone: Mapped[str | None] = mapped_column(String(20), index=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
