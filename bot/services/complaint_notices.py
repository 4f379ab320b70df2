"""Messages to a complainant: sent at once, or held through the kelurahan's 21:00-06:00
quiet hours as :class:`ComplaintNotice` rows that the sweep releases in the morning.

Opt-out is not checked here: the send job checks it at send time.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from bot.models import Complaint, ComplaintNotice, Kelurahan
from bot.outbox import queue_message
from bot.services.working_days import DEFAULT_ZONE
from conversations.gsm import to_gsm7
from workers.quiet_hours import quiet_until


def time_zone_of(session: Session, complaint: Complaint) -> str:
    """The IANA name of the complaint's kelurahan time zone (WIB without a kelurahan)."""
    name = None
    if complaint.kelurahan_id:
        name = session.scalar(
            select(Kelurahan.time_zone).where(Kelurahan.id == complaint.kelurahan_id)
        )
    return name or DEFAULT_ZONE


def notify(
    session: Session, complaint: Complaint, body: str, kind: str, now: datetime
) -> int | None:
    """Queue ``body`` for the complainant on the complaint's channel, or hold it until
    06:00 local. Returns the outbound message id to enqueue after commit, if any."""
    if complaint.contact_id is None:
        return None  # cut from its complainant (retention): nobody to tell
    body = to_gsm7(body)
    hold = quiet_until(now, time_zone_of(session, complaint))
    if hold is not None:
        session.add(
            ComplaintNotice(
                complaint_id=complaint.id, body=body, kind=kind, not_before=hold, created_at=now
            )
        )
        session.flush()
        return None
    return queue_message(session, complaint.contact_id, complaint.channel, body, kind=kind, now=now)


def release_due_notices(rt, now: datetime) -> int:  # type: ignore[no-untyped-def]
    """Sweep task: queue the notices held by quiet hours whose morning has come."""
    from bot.inbound import enqueue_sends

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
