"""Officers told of their complaints at once (``bot.officers.notify``): a complaint
assigned to them by a colleague, escalated to their level in their area, or overdue.

Each message names the complaint by its code, says what happened and links to its page;
it never carries the complainant's name, number or words. Nobody is told of their own
action. The sweep's :func:`tell_overdue` tells each overdue deadline once.
"""
from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from bot.models import Complaint, Officer
from bot.models import complaint as c
from bot.models import officer as roles
from bot.complaints.queue import scope
from bot.officers import labels, notify
from bot.outbox import enqueue_sends

# Every text fits one SMS with a link of up to ~70 characters (tests check the longest).
TEXTS = {
    "assigned": "Aduan {code} ditugaskan kepada Anda oleh {by}.",
    "assigned_many": "{count} aduan ditugaskan kepada Anda oleh {by}.",
    "escalated": "Aduan {code} dinaikkan ke tingkat {level}, wilayah Anda.",
    "auto_escalated": "Aduan {code} lewat tenggat, naik otomatis ke tingkat {level}, wilayah Anda.",
    "moved_away": "Aduan {code} yang Anda tangani lewat tenggat, naik otomatis ke tingkat {level}.",
    "overdue": "Aduan {code} lewat tenggat (status {status}).",
    "digest": ("Ringkasan {day}: {assigned} baru ditugaskan ke Anda, {escalated} naik ke "
               "tingkat Anda, {overdue} lewat tenggat."),
}
EXAMPLE = {"code": "123456789", "by": "petugas_ppm_kota_12", "level": "kota/kabupaten",
           "status": "ditindaklanjuti", "day": "30/11", "assigned": 120, "escalated": 120,
           "overdue": 1200, "count": 50}
OVERDUE_WITHIN = timedelta(days=1)  # older deadlines were told, or are in the digest
BATCH = 500


def render(kind: str, **params: object) -> str:
    return TEXTS[kind].format(**params)


def examples(link: str) -> list[str]:
    """Every text with long values and ``link``, as an officer would get it."""
    return [f"{render(kind, **EXAMPLE)} {link}" for kind in TEXTS]


def complaint_link(settings: Any, complaint: Complaint) -> str:
    return notify.page_url(settings, f"/complaints/{complaint.id}")


def sees(session: Session, officer: Officer, complaint: Complaint) -> bool:
    """The officer's queue holds ``complaint`` (their area; never a simulated one)."""
    return session.scalar(select(Complaint.id).where(
        Complaint.id == complaint.id, scope(officer))) is not None


def on_assigned(session: Session, complaint: Complaint, assignee: Officer, by: Officer,
                now: datetime, settings: Any) -> list[int]:
    """A colleague handed ``complaint`` to ``assignee``."""
    if assignee.id == by.id or not sees(session, assignee, complaint):
        return []
    message_id = notify.tell_officer(
        session, assignee, render("assigned", code=complaint.code, by=by.username[:20]),
        complaint_link(settings, complaint), now=now)
    return [message_id] if message_id else []


def on_assigned_many(session: Session, complaints: list[Complaint], assignee_id: int | None,
                     by: Officer, now: datetime, settings: Any) -> list[int]:
    """A colleague handed several complaints to one officer at once: one message, with a
    link to their own queue (one complaint: as :func:`on_assigned`)."""
    assignee = session.get(Officer, assignee_id) if assignee_id else None
    if assignee is None or assignee.id == by.id:
        return []
    complaints = [x for x in complaints if sees(session, assignee, x)]
    if len(complaints) == 1:
        return on_assigned(session, complaints[0], assignee, by, now, settings)
    if not complaints:
        return []
    message_id = notify.tell_officer(
        session, assignee, render("assigned_many", count=len(complaints), by=by.username[:20]),
        notify.page_url(settings, "/complaints/?mine=1"), now=now)
    return [message_id] if message_id else []


def level_officers(session: Session, complaint: Complaint,
                   not_id: int | None = None) -> list[Officer]:
    """The officers told at once who act at the complaint's level and see it (admins
    are told only of what is assigned to them)."""
    found = session.scalars(select(Officer).where(
        *notify.subscribed(), Officer.level == complaint.level,
        Officer.role.in_((roles.PPM, roles.BKM)),
        Officer.id != (not_id or 0)).order_by(Officer.id)).all()
    return [x for x in found if sees(session, x, complaint)]


def on_escalated(session: Session, complaint: Complaint, by: Officer | None, now: datetime,
                 settings: Any, previous_assignee_id: int | None = None) -> list[int]:
    """``complaint`` moved up a level: by ``by``, or by itself (None) when overdue, in
    which case the officer who had it hears that it left them."""
    level = labels.LEVEL_IN_SENTENCE[complaint.level]
    kind = "escalated" if by is not None else "auto_escalated"
    text = render(kind, code=complaint.code, level=level)
    link = complaint_link(settings, complaint)
    ids = [notify.tell_officer(session, x, text, link, now=now)
           for x in level_officers(session, complaint, by.id if by else None)]
    if by is None and previous_assignee_id is not None:
        before = session.get(Officer, previous_assignee_id)
        if before is not None:
            ids.append(notify.tell_officer(
                session, before, render("moved_away", code=complaint.code, level=level),
                notify.page_url(settings, "/complaints/"), now=now))
    return [i for i in ids if i]


def tell_overdue(rt: Any, now: datetime) -> int:
    """Sweep task: each open complaint whose deadline passed (within the last day) is told
    once per deadline, to whoever has it, else to its level's officers. Those that climb
    a level by themselves when overdue (new and verified below pusat) are told by their
    move instead (:func:`on_escalated`). Safe to run twice.

    Returns:
        How many messages it queued.
    """
    queued: list[int] = []
    with rt.db.session() as session:
        if session.scalar(select(Officer.id).where(*notify.subscribed()).limit(1)) is None:
            return 0
        due = session.scalars(
            select(Complaint)
            .where(Complaint.status.in_((c.NEW, c.VERIFIED, c.IN_FOLLOW_UP)),
                   Complaint.due_at < now, Complaint.due_at >= now - OVERDUE_WITHIN,
                   or_(Complaint.status == c.IN_FOLLOW_UP, Complaint.level == roles.PUSAT))
            .order_by(Complaint.due_at).limit(BATCH)
        ).all()
        for complaint in due:
            assignee = (session.get(Officer, complaint.assigned_officer_id)
                        if complaint.assigned_officer_id else None)
            officers = [assignee] if assignee is not None else level_officers(session, complaint)
            text = render("overdue", code=complaint.code,
                          status=labels.say(labels.COMPLAINT_STATUS, complaint.status).lower())
            key = f"overdue:{complaint.id}:{int(complaint.due_at.timestamp())}"
            for officer in officers:
                message_id = notify.tell_officer(session, officer, text,
                                                 complaint_link(rt.settings, complaint),
                                                 key=key, now=now)
                if message_id:
                    queued.append(message_id)
    enqueue_sends(rt, queued)
    return len(queued)
