"""Officers' API tokens (several each, hashed, expiring) and the log of their use."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from bot.models.base import Base, UtcDateTime, utcnow


class ApiToken(Base):
    """A bearer token for ``/api``: only its SHA-256 is kept, the token is shown once.

    It works while ``revoked_at`` is NULL, ``expires_at`` is in the future and its officer
    is active.
    """

    __tablename__ = "api_token"

    id: Mapped[int] = mapped_column(primary_key=True)
    officer_id: Mapped[int] = mapped_column(ForeignKey("officer.id"), index=True)
    name: Mapped[str] = mapped_column(String(80), default="")
    # SHA-256 is enough: the token is 256 random bits, not a password to stretch.
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime)
    last_used_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UtcDateTime)


class ApiTokenUse(Base):
    """One request made with a token (refused ones too, when the token is known)."""

    __tablename__ = "api_token_use"
    __table_args__ = (Index("ix_api_token_use_token", "token_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    token_id: Mapped[int] = mapped_column(ForeignKey("api_token.id"))
    officer_id: Mapped[int] = mapped_column(ForeignKey("officer.id"))
    method: Mapped[str] = mapped_column(String(8))
    path: Mapped[str] = mapped_column(String(200))
    status: Mapped[int] = mapped_column(Integer)
    address: Mapped[str | None] = mapped_column(String(45))
    at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
