"""The officers' daily digest: at 07.00 in their area's time zone, one message to each
officer who chose it (``bot.officers.notify``), counting the complaints assigned to them
and moved up to their level in the last 24 hours and those overdue in their queue, with
a link to the queue. Nothing is sent when all three are 0; once a day at most.
"""
from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.areas.local_time import officer_zone
from bot.complaints.escalation import ACTION as AUTO_ESCALATED
from bot.complaints.officer_alerts import render
from bot.complaints.queue import overdue_count, scope
from bot.models import Complaint, ComplaintEvent, Officer
from bot.officers import notify
from bot.outbox import enqueue_sends
from conversations.flows.meeting_common import zone

DIGEST_AT = time(7, 0)
# A sweep that missed the morning (down for hours) sends no digest that day: a 07.00
# digest read at night would be news of the day before.
DIGEST_UNTIL = time(12, 0)
WINDOW = timedelta(hours=24)


def send_digests(rt: Any, now: datetime) -> int:
    """Sweep task: the digest of each officer whose local time is 07.00 to 12.00 and who
    has not had today's. Safe to run twice.

    Returns:
        How many digests it queued.
    """
    queued: list[int] = []
    with rt.db.session() as session:
        officers = session.scalars(
            select(Officer).where(*notify.subscribed(notify.DIGEST)).order_by(Officer.id)).all()
        for officer in officers:
            local = now.astimezone(zone(officer_zone(session, officer)))
            if not DIGEST_AT <= local.time() < DIGEST_UNTIL:
                continue
            key = f"digest:{local.date().isoformat()}"
            if notify.told(session, officer.id, key):
                continue
            counts = digest_counts(session, officer, now)
            if not any(counts.values()):
                notify.record(session, officer.id, key, None, now)
                continue
            message_id = notify.tell_officer(
                session, officer, render("digest", day=f"{local:%d/%m}", **counts),
                notify.page_url(rt.settings, "/complaints/"), key=key, now=now,
                mode=notify.DIGEST)
            if message_id:
                queued.append(message_id)
    enqueue_sends(rt, queued)
    return len(queued)


def digest_counts(session: Session, officer: Officer, now: datetime) -> dict[str, int]:
    """Complaints assigned to the officer by someone else and still theirs, and complaints
    moved up to their level in their area, in the last 24 hours; the overdue ones of
    their queue (the home page's figure)."""
    since = now - WINDOW
    assigned = {
        complaint_id for complaint_id, after in session.execute(
            select(ComplaintEvent.complaint_id, ComplaintEvent.after)
            .join(Complaint, Complaint.id == ComplaintEvent.complaint_id)
            .where(ComplaintEvent.action == "assigned", ComplaintEvent.created_at >= since,
                   ComplaintEvent.officer_id != officer.id,
                   Complaint.assigned_officer_id == officer.id, scope(officer)))
        if (after or {}).get("assigned_officer_id") == officer.id
    }
    escalated = {
        complaint_id for complaint_id, after in session.execute(
            select(ComplaintEvent.complaint_id, ComplaintEvent.after)
            .join(Complaint, Complaint.id == ComplaintEvent.complaint_id)
            .where(ComplaintEvent.action.in_(("escalated", AUTO_ESCALATED)),
                   ComplaintEvent.created_at >= since, Complaint.level == officer.level,
                   scope(officer)))
        if (after or {}).get("level") == officer.level
    }
    return {"assigned": len(assigned), "escalated": len(escalated),
            "overdue": overdue_count(session, officer, now)}
