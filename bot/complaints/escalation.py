"""Overdue complaints climb one handling level by themselves (as SP4N-LAPOR! moves
what an agency leaves untouched): not verified, or not followed up, within the working
days of ``bot.settings``. The sweep runs :func:`escalate_overdue`.

Both levels are told in their queue (:func:`recent_for`), the complainant by message,
and the officers who chose so by message too (``officer_alerts``).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, select
from sqlalchemy.orm import Session

from bot.models import Complaint, ComplaintEvent, Kelurahan, Officer
from bot.models import complaint as c
from bot.models import officer as roles
from bot.outbox import enqueue_sends
from bot.complaints import officer_alerts, queue
from bot.complaints.actions import LEVEL_NAMES, _language
from bot.complaints.followers import tell_followers
from bot.complaints.notices import notify, time_zone_of
from bot.complaints.events import record
from bot.complaints.intake import working_days_allowed
from bot.areas.working_days import deadline
from conversations.catalogue import render

ACTION = "auto_escalated"
BATCH = 500  # per sweep; the next sweep takes the rest
NOTICE_DAYS = 7  # how long the queue shows an automatic move


def escalate_overdue(rt: Any, now: datetime) -> int:
    """Sweep task: move each overdue new or verified complaint one level up, with a
    fresh deadline at its new level. Safe to run twice: a moved complaint is no longer
    overdue.

    Returns:
        How many complaints moved.
    """

    settings = rt.settings
    queued: list[int] = []
    with rt.db.session() as session:
        due = session.scalars(
            select(Complaint)
            .where(
                Complaint.status.in_((c.NEW, c.VERIFIED)),
                Complaint.due_at < now,
                Complaint.level != roles.PUSAT,
            )
            .order_by(Complaint.due_at)
            .limit(BATCH)
            .with_for_update(skip_locked=True)
        ).all()
        for complaint in due:
            had_it = complaint.assigned_officer_id
            message_id = _move_up(session, complaint, settings, now)
            if message_id:
                queued.append(message_id)
            queued += _tell_followers(session, complaint, now)
            queued += officer_alerts.on_escalated(session, complaint, None, now, settings,
                                                  previous_assignee_id=had_it)
        moved = len(due)
    enqueue_sends(rt, queued)
    return moved


def _tell_followers(session: Session, complaint: Complaint, now: datetime) -> list[int]:
    """The complainants of duplicates merged into it hear of the move too."""
    level = LEVEL_NAMES[complaint.level]
    return tell_followers(
        session, complaint,
        lambda language, code: render("complaint.notice.escalated", language, code=code,
                                      level=level),
        {"level": complaint.level}, now,
    )


def _move_up(session: Session, complaint: Complaint, settings: Any, now: datetime) -> int | None:
    days = working_days_allowed(settings, complaint.status)
    what = "diverifikasi" if complaint.status == c.NEW else "ditindaklanjuti"
    old_level = complaint.level
    new_level = roles.LEVELS[roles.LEVELS.index(old_level) + 1]
    before = {
        "level": old_level,
        "assigned_officer_id": complaint.assigned_officer_id,
        "due_at": complaint.due_at.isoformat() if complaint.due_at else None,
    }
    complaint.level = new_level
    complaint.assigned_officer_id = None
    complaint.due_at = deadline(now, days, time_zone_of(session, complaint))
    complaint.updated_at = now
    body = render(
        "complaint.notice.escalated",
        _language(session, complaint),
        code=complaint.code,
        level=LEVEL_NAMES[new_level],
    )
    message_id = notify(session, complaint, body, "notice", now)
    record(
        session,
        complaint.id,
        ACTION,
        None,
        before,
        {"level": new_level, "assigned_officer_id": None, "due_at": complaint.due_at.isoformat()},
        note=(
            f"Otomatis: belum {what} dalam {days} hari kerja, naik dari tingkat "
            f"{LEVEL_NAMES[old_level]} ke tingkat {LEVEL_NAMES[new_level]}."
        ),
        message_id=message_id,
        now=now,
    )
    return message_id


def recent_for(session: Session, officer: Officer, now: datetime) -> list[dict[str, Any]]:
    """Automatic moves of the last days that concern ``officer``'s level in their area:
    what left their level (shown by code only) and what arrived at it. ``zone`` is the
    complaint's kelurahan's, to say ``at`` in (None when unplaced: the officer's)."""
    if officer.role not in queue.VIEW_ROLES:
        return []
    area = queue.area_scope(officer)
    if officer.role != roles.ADMIN and queue.sees_unplaced(officer):
        area = area | Complaint.kelurahan_id.is_(None)
    rows = session.execute(
        select(ComplaintEvent.before, ComplaintEvent.after, ComplaintEvent.created_at,
               Complaint.id, Complaint.code, Kelurahan.time_zone)
        .join(Complaint, Complaint.id == ComplaintEvent.complaint_id)
        .outerjoin(Kelurahan, Kelurahan.id == Complaint.kelurahan_id)
        .where(
            and_(ComplaintEvent.action == ACTION,
                 ComplaintEvent.created_at >= now - timedelta(days=NOTICE_DAYS)),
            area,
        )
        .order_by(ComplaintEvent.id.desc())
        .limit(50)
    ).all()
    shown = []
    for before, after, at, complaint_id, code, zone in rows:
        old, new = (before or {}).get("level"), (after or {}).get("level")
        if officer.role != roles.ADMIN and officer.level not in (old, new):
            continue
        shown.append({
            "code": code,
            "complaint_id": complaint_id if officer.level == new or officer.role == roles.ADMIN
            else None,
            "from": LEVEL_NAMES.get(old, old),
            "to": LEVEL_NAMES.get(new, new),
            "at": at,
            "zone": zone,
        })
    return shown
