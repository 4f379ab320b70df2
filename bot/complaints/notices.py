"""Messages to a complainant, queued at once on the complaint's channel.

Quiet hours and opt-out are not decided here: the send job's claim holds or skips the
message at send time (``workers.quiet_hours``). :class:`ComplaintNotice` rows are what an
earlier version held back here at night; the sweep still releases those left over.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from bot.models import Complaint, ComplaintNotice, Kelurahan
from bot.outbox import enqueue_sends, queue_message
from conversations.flows.meeting_common import DEFAULT_ZONE
from conversations.gsm import to_gsm7


def time_zone_of(session: Session, complaint: Complaint) -> str:
    """The IANA name of the complaint's kelurahan time zone (WIB without a kelurahan)."""
    name = None
    if complaint.kelurahan_id:
        name = session.scalar(
            select(Kelurahan.time_zone).where(Kelurahan.id == complaint.kelurahan_id)
        )
    return name or DEFAULT_ZONE


def notify(
    session: Session, complaint: Complaint, body: str, kind: str, now: datetime,
    not_before: datetime | None = None,
) -> int | None:
    """Queue ``body`` for the complainant on the complaint's channel (not sent before
    ``not_before``, if given). Returns the outbound message id to enqueue after commit,
    if any."""
    if complaint.contact_id is None:
        return None  # cut from its complainant (retention): nobody to tell
    return queue_message(session, complaint.contact_id, complaint.channel, to_gsm7(body),
                         kind=kind, now=now, not_before=not_before)


def release_due_notices(rt, now: datetime) -> int:  # type: ignore[no-untyped-def]
    """Sweep task: queue the notices an earlier version held by quiet hours, once their
    morning has come (new ones are held, if at all, by the send claim)."""

    queued: list[int] = []
    with rt.db.session() as session:
        due = session.execute(
            select(
                ComplaintNotice.id,
                ComplaintNotice.body,
                ComplaintNotice.kind,
                Complaint.contact_id,
                Complaint.channel,
            )
            .join(Complaint, Complaint.id == ComplaintNotice.complaint_id)
            .where(ComplaintNotice.message_id.is_(None), ComplaintNotice.not_before <= now)
            .order_by(ComplaintNotice.id)
            .limit(1000)
            .with_for_update(of=ComplaintNotice.__table__, skip_locked=True)
        ).all()
        for row in due:
            message_id = queue_message(
                session, row.contact_id, row.channel, row.body, kind=row.kind, now=now
            )
            session.execute(
                update(ComplaintNotice)
                .where(ComplaintNotice.id == row.id)
                .values(message_id=message_id)
            )
            queued.append(message_id)
    enqueue_sends(rt, queued)
    return len(queued)
