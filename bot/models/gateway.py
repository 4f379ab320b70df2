"""The phones of SMS Gateway for Android that serve this deployment.

A row appears the first time a phone's event reaches the webhook (``bot.web.webhooks``);
an officer may tie it to a kelurahan. ``bot.channels`` reads these rows to choose
the phone an SMS leaves from, and skips the phones that look offline.
"""
from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from bot.models.base import Base, UtcDateTime, utcnow

# A phone that has sent no event for this long (the app pings every few minutes when
# ``system:ping`` is registered) is offline: its messages go from another phone.
PING_TIMEOUT = timedelta(minutes=15)
# This many failures in a row (API errors for it, or ``sms:failed`` from it) and no
# ``sms:sent`` since: offline, however recently it pinged (no credit, SIM blocked), for
# PING_TIMEOUT after the last failure; then it is tried again.
FAILURE_LIMIT = 3


class GatewayDevice(Base):
    """One Android phone of the gateway, as its ``deviceId`` names it."""

    __tablename__ = "gateway_device"

    id: Mapped[int] = mapped_column(primary_key=True)
    device_id: Mapped[str] = mapped_column(String(64), unique=True)
    kelurahan_id: Mapped[int | None] = mapped_column(ForeignKey("kelurahan.id"), index=True)
    # Any event from the phone (system:ping, a received SMS, a report) proves the app runs.
    last_ping_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    last_sent_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    recent_failures: Mapped[int] = mapped_column(default=0)
    last_failed_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    # The SIM slots its reports have named, "1,2" (``bot.gateway_devices.saw_sim``);
    # None: none named yet, the phone's default SIM.
    sims: Mapped[str | None] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)

    def __repr__(self) -> str:
        return f"<GatewayDevice {self.device_id}>"


class GatewayEvent(Base):
    """A delivery report the gateway sent, by its event ``id``: the gateway re-delivers
    an event until it gets a 2xx, and a failure re-delivered must count once against
    its phone. Kept for :data:`EVENT_MEMORY` (the gateway gives up after about two days)."""

    __tablename__ = "gateway_event"

    event_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    received_at: Mapped[datetime] = mapped_column(UtcDateTime, index=True)


EVENT_MEMORY = timedelta(days=3)
