"""The handling job: a contact's received messages through the engine, in order
(``bot.messaging.handling``)."""
from __future__ import annotations

from bot.messaging import handling
from bot.runtime import current


def handle_contact(contact_id: int) -> int:
    """Handle every message ``contact_id`` has waiting; returns how many."""
    return handling.handle_contact(current(), contact_id)
