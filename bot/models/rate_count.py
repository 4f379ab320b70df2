"""Counts in a time window, shared by every process through the database: failed
logins per username and address (``bot.web.login_attempts``), messages per resident's
number (``bot.sender_limits``)."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from bot.models.base import Base, UtcDateTime


class RateCount(Base):
    """How many times ``key`` happened in the window that ends at ``expires_at``."""

    __tablename__ = "rate_count"

    key: Mapped[str] = mapped_column(String(160), primary_key=True)
    count: Mapped[int] = mapped_column(default=0)
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime, index=True)
