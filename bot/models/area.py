"""Areas: the kelurahan, inside its kecamatan, kota and provinsi, with its time zone.

A kelurahan is identified by its official Kemendagri code (``32.73.14.1004``: provinsi
32, kota 32.73, kecamatan 32.73.14), not by its name: names repeat, even kota names
across provinces. Officers and complaints name the kota together with its provinsi.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from bot.models.base import Base, UtcDateTime, utcnow

# Indonesia's three zones: WIB, WITA, WIT.
TIME_ZONES = ("Asia/Jakarta", "Asia/Pontianak", "Asia/Makassar", "Asia/Jayapura")


class Kelurahan(Base):
    """An urban ward or village; every resident, KSM and complaint belongs to one."""

    __tablename__ = "kelurahan"

    id: Mapped[int] = mapped_column(primary_key=True)
    # The Kemendagri code; empty only for rows made before codes (set them by import).
    code: Mapped[str | None] = mapped_column(String(13), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    kecamatan: Mapped[str | None] = mapped_column(String(120))
    kota: Mapped[str] = mapped_column(String(120))
    provinsi: Mapped[str] = mapped_column(String(120))
    time_zone: Mapped[str] = mapped_column(String(40), default="Asia/Jakarta")
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)

    @property
    def kota_code(self) -> str | None:
        return self.code[:5] if self.code else None

    @property
    def provinsi_code(self) -> str | None:
        return self.code[:2] if self.code else None

    def __repr__(self) -> str:
        return f"<Kelurahan {self.id} {self.name}, {self.kota}>"
