"""What an effect handler is given: the open inbound transaction and the message's facts.

Its own module so that the service modules holding handlers can import it without
importing ``bot.effects``, which imports them to build its table.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session


@dataclass
class EffectContext:
    """What a handler may use: the open transaction and the message's facts."""

    session: Session
    contact_id: int
    phone: str
    channel: str
    inbound_id: int | None
    now: datetime
    language: str
    opted_out: bool
    # The message came from the dashboard's simulator: contacts made for others are too.
    simulated: bool = False
    queued_message_ids: list[int] = field(default_factory=list)
    # Broadcasts (status sending) whose send jobs start after the commit
    # (``bot.messaging.notices.broadcast_text``); if that fails the sweep starts them.
    broadcast_ids: list[int] = field(default_factory=list)
    # The runtime's settings (deadlines and the like); None in engine-only tests.
    settings: Any = None
