"""What a provider's error means, in words every provider shares, and for the contact.

Each provider maps its own error codes to one of these (``error_outcome`` in its module,
found through ``bot.providers.registry``); the send jobs and the status reports act on the
outcome only.
"""
from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import update

from bot.models import Contact

RETRY = "retry"  # worth trying again later (rate limited, the provider down or unreachable)
FAILED = "failed"  # this message will not go; the contact is not to blame
OPTED_OUT = "opted_out"  # the number refused messages at the provider (STOP)
INVALID_NUMBER = "invalid_number"  # not a number this provider can reach


def mark_contact(session: Any, contact_id: int, outcome: str, now: datetime) -> None:
    """Record on the contact what ``outcome`` says of it (opted out, invalid number);
    other outcomes leave it as it is. ``session`` is a Session or a Connection."""
    if outcome == OPTED_OUT:
        session.execute(
            update(Contact).where(Contact.id == contact_id).values(opted_out=True, opted_out_at=now)
        )
    elif outcome == INVALID_NUMBER:
        session.execute(update(Contact).where(Contact.id == contact_id).values(invalid_number=True))
