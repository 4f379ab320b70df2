"""How much one number may make the bot answer.

Every message is stored whatever its count. Past ``sender_messages_per_minute`` in a
minute the resident is answered once with ``limit.minute`` and then not at all for
:data:`QUIET`; past ``sender_messages_per_day`` in a day, once with ``limit.day`` and
then not until the day's window ends. A phone stuck in a loop or a flood then costs one
paid reply, and holds no gateway phone ahead of everyone else. The counts are in the
database (``bot.rate_counts``), in the transaction that stores the message, so every
web process and worker shares them.
"""
from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from bot import rate_counts

MINUTE = timedelta(minutes=1)
DAY = timedelta(days=1)
QUIET = timedelta(minutes=10)


def verdict(conn: Any, contact_id: int, now: datetime, settings: Any) -> str | None:
    """Count one message of ``contact_id``; returns None (answer it as usual), a catalogue
    key (answer only with that), or "" (store it, answer nothing)."""
    per_day = settings.sender_messages_per_day
    day, _ = rate_counts.add(conn, f"sender:{contact_id}:day", DAY, now, per_day)
    per_minute = settings.sender_messages_per_minute
    minute_key = f"sender:{contact_id}:minute"
    minute, _ = rate_counts.add(conn, minute_key, MINUTE, now, per_minute)
    if day > per_day:
        return "limit.day" if day == per_day + 1 else ""
    if minute > per_minute:
        if minute == per_minute + 1:
            rate_counts.hold_until(conn, minute_key, now + QUIET)
            return "limit.minute"
        return ""
    return None
