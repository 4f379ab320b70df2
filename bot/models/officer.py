"""Officers who use the dashboard, each with one role scoped to one area."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Boolean, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from bot.models.area import Area
from bot.models.base import Base, UtcDateTime, utcnow

ADMIN = "admin"
BKM = "bkm"
PPM = "ppm"
FASILITATOR = "fasilitator"
ROLES = (ADMIN, BKM, PPM, FASILITATOR)

# Handling levels, lowest first (the PPM's derajat masalah).
KELURAHAN = "kelurahan"
KOTA = "kota"
PROVINSI = "provinsi"
PUSAT = "pusat"
LEVELS = (KELURAHAN, KOTA, PROVINSI, PUSAT)

# Roles that see the most sensitive data (anonymous complainants, the poor list): a
# second factor is required for the first, offered to the second.
SECOND_FACTOR_REQUIRED = (ADMIN,)
SECOND_FACTOR_OFFERED = (ADMIN, BKM)


class RecoveryCode(Base):
    """A one-time code that stands in for the authenticator (SHA-256 of it; shown once)."""

    __tablename__ = "officer_recovery_code"

    id: Mapped[int] = mapped_column(primary_key=True)
    officer_id: Mapped[int] = mapped_column(ForeignKey("officer.id"), index=True)
    code_hash: Mapped[str] = mapped_column(String(64))
    used_at: Mapped[datetime | None] = mapped_column(UtcDateTime)


class Officer(Base):
    """A dashboard user.

    The area is given by ``level`` and the area's id at that level: a kelurahan officer
    has ``kelurahan_id``; a kota officer ``area_id``, the kota's row (which lies in one
    provinsi); a provinsi officer ``area_id``, the provinsi's row; pusat sees everything.
    """

    __tablename__ = "officer"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(80), unique=True)
    full_name: Mapped[str] = mapped_column(String(120), default="")
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(20))
    level: Mapped[str] = mapped_column(String(12), default=KELURAHAN)
    kelurahan_id: Mapped[int | None] = mapped_column(ForeignKey("kelurahan.id"))
    area_id: Mapped[int | None] = mapped_column(ForeignKey("area.id"), index=True)
    # API tokens: ``bot.models.api_token`` (several per officer, each with an expiry).
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    # Raised by logout and a password reset: every session made before stops working.
    session_version: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    # The second factor (``bot.officers.second_factor``): the TOTP secret once enrolled,
    # and the last time step used, so a code works once.
    totp_secret: Mapped[str | None] = mapped_column(String(64))
    totp_last_step: Mapped[int | None] = mapped_column(BigInteger)
    # How they hear of their work (``bot.officers.notify``): the verified phone (a
    # contact, so BERHENTI from it opts out as a resident's does), the channel, and the
    # mode (``bot.models.officer_notify``: segera, harian, mati).
    notify_contact_id: Mapped[int | None] = mapped_column(ForeignKey("contact.id"))
    notify_channel: Mapped[str] = mapped_column(String(10), default="sms", server_default="sms")
    notify_mode: Mapped[str] = mapped_column(String(10), default="mati", server_default="mati")
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)

    area: Mapped[Area | None] = relationship(lazy="selectin")

    @property
    def kota_name(self) -> str | None:
        """The kota's name (from the areas table) for a kota officer."""
        return self.area.name if self.area is not None and self.area.level == KOTA else None

    @property
    def provinsi_name(self) -> str | None:
        """The provinsi's name for a kota or provinsi officer."""
        if self.area is None:
            return None
        return self.area.parent.name if self.area.parent is not None else self.area.name

    # flask-login's interface, kept here so the model needs no Flask import.
    @property
    def is_authenticated(self) -> bool:
        return True

    @property
    def is_active(self) -> bool:
        return self.active

    @property
    def is_anonymous(self) -> bool:
        return False

    def get_id(self) -> str:
        return str(self.id)
