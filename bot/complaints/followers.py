"""The complainants of merged duplicates follow the complaint they were merged into:
each status change of it (each move up a level, each officer's reply) is sent to them
too, on their own channel, under their own code, in their own language
(``complaint_notices.notify``); quiet hours and opt-out are checked at send time as for
every notice. Nothing about the other complaint or its complainant is in
their message.
"""

from __future__ import annotations

from datetime import datetime
from typing import Callable

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.models import Complaint, Contact
from bot.models import complaint as c
from bot.complaints.notices import notify
from bot.complaints.events import record


def followers(session: Session, root: Complaint) -> list[Complaint]:
    """The complaints merged into ``root`` (oldest first)."""
    return list(
        session.scalars(
            select(Complaint)
            .where(Complaint.merged_into_id == root.id, Complaint.status == c.MERGED)
            .order_by(Complaint.id)
        )
    )


def tell_followers(
    session: Session,
    root: Complaint,
    body_for: Callable[[str, str], str],
    after: dict[str, object],
    now: datetime,
    kind: str = "notice",
    not_before: datetime | None = None,
) -> list[int]:
    """Send ``body_for(language, code)`` to each follower's complainant and note it in
    the follower's audit trail. Returns the outbound message ids to enqueue after commit.

    ``kind`` is the outbound message's (a status ``notice``, an ``officer_reply``): the
    send job holds or skips it (quiet hours, opt-out) by its kind, as for the root's own.
    """
    queued: list[int] = []
    for follower in followers(session, root):
        language = (
            session.scalar(select(Contact.language).where(Contact.id == follower.contact_id))
            or "id"
        )
        message_id = notify(session, follower, body_for(language, follower.code), kind, now,
                            not_before=not_before)
        record(
            session,
            follower.id,
            "root_changed",
            after=after,
            message_id=message_id,
            now=now,
        )
        if message_id:
            queued.append(message_id)
    return queued
