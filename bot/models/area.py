"""Areas: the kelurahan, inside its kota and provinsi, with its time zone."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from bot.models.base import Base, UtcDateTime, utcnow

# Indonesia's three zones: WIB, WITA, WIT.
TIME_ZONES = ("Asia/Jakarta", "Asia/Pontianak", "Asia/Makassar", "Asia/Jayapura")


class Kelurahan(Base):
    """An urban ward or village; every resident, KSM and complaint belongs to one."""

    __tablename__ = "kelurahan"
    __table_args__ = (UniqueConstraint("name", "kota", name="uq_kelurahan_name_kota"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    kota: Mapped[str] = mapped_column(String(120))
    provinsi: Mapped[str] = mapped_column(String(120))
    time_zone: Mapped[str] = mapped_column(String(40), default="Asia/Jakarta")
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)

    def __repr__(self) -> str:
        return f"<Kelurahan {self.id} {self.name}, {self.kota}>"
