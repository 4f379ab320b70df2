"""Who handles a complaint: an officer takes it (or takes it over from the level
below), or hands it to a colleague of their area who may see it; the colleagues offered.
Every change is written to the audit trail; the colleague is told if they chose so.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.complaints import actions, officer_alerts
from bot.complaints.actions import LEVEL_NAMES, ActionError, check_role
from bot.complaints.events import record
from bot.complaints.queue import ACT_ROLES, get_visible
from bot.models import Complaint, Officer
from bot.models import complaint as c
from bot.models import officer as roles


def take(
    session: Session, complaint: Complaint, officer: Officer, now: datetime | None = None
) -> None:
    """Assign the complaint to ``officer`` ("assigned to me").

    An officer above the complaint's level takes it over: it moves up to their level,
    so the level below stops handling it.
    """
    check_role(officer)
    now = now or actions.clock()
    before = {"assigned_officer_id": complaint.assigned_officer_id, "level": complaint.level}
    note = None
    if officer.level in roles.LEVELS and roles.LEVELS.index(officer.level) > roles.LEVELS.index(
        complaint.level
    ):
        note = f"diambil alih oleh tingkat {LEVEL_NAMES[officer.level]}"
        complaint.level = officer.level
    complaint.assigned_officer_id = officer.id
    complaint.updated_at = now
    record(
        session,
        complaint.id,
        "taken_over" if note else "assigned",
        officer.id,
        before,
        {"assigned_officer_id": officer.id, "level": complaint.level},
        note=note,
        now=now,
    )


def colleagues(session: Session, officer: Officer, limit: int = 200) -> list[Officer]:
    """Active officers who act on complaints in ``officer``'s own area at their level:
    the people a complaint may be handed to. Admin may hand to any acting officer."""
    query = select(Officer).where(Officer.active.is_(True), Officer.role.in_(ACT_ROLES))
    if officer.role != roles.ADMIN:
        query = query.where(
            Officer.level == officer.level,
            Officer.kelurahan_id.is_(officer.kelurahan_id)
            if officer.kelurahan_id is None
            else Officer.kelurahan_id == officer.kelurahan_id,
            Officer.area_id.is_(None) if officer.area_id is None else Officer.area_id == officer.area_id,
        )
    # The officer's own role first (a PPM officer hands to PPM colleagues before BKM).
    return list(session.scalars(query.order_by(Officer.role != officer.role, Officer.username)
                                .limit(limit)))


def colleagues_for(session: Session, officer: Officer, complaint: Complaint) -> list[Officer]:
    """The colleagues who may take ``complaint``: each must be able to see it (a BKM
    officer never gets a complaint that names a BKM member)."""
    return [
        x for x in colleagues(session, officer) if get_visible(session, x, complaint.id) is not None
    ]


def assign(
    session: Session,
    complaint: Complaint,
    officer: Officer,
    assignee_id: int | None,
    now: datetime | None = None,
    settings: Any = None,
    tell: bool = True,
) -> list[int]:
    """Hand ``complaint`` to a colleague of the officer's area who may see it; they are
    told at once if they chose so (``settings``: the link's address), unless ``tell`` is
    False (the queue's bulk tool tells them once of all: ``officer_alerts.on_assigned_many``).

    Returns:
        Outbound message ids to enqueue after the caller commits.

    Raises:
        ActionError: the assignee is not such a colleague.
    """
    check_role(officer)
    now = now or actions.clock()
    if complaint.status in c.CLOSED:
        raise ActionError("Aduan yang sudah ditutup tidak ditugaskan lagi.")
    assignee = session.get(Officer, assignee_id) if assignee_id else None
    if assignee is None or assignee.id not in {x.id for x in colleagues(session, officer)}:
        raise ActionError("Pilih petugas di wilayah Anda.")
    if get_visible(session, assignee, complaint.id) is None:
        raise ActionError(f"{assignee.username} tidak boleh menangani aduan {complaint.code}.")
    before = {"assigned_officer_id": complaint.assigned_officer_id}
    complaint.assigned_officer_id = assignee.id
    complaint.updated_at = now
    record(
        session,
        complaint.id,
        "assigned",
        officer.id,
        before,
        {"assigned_officer_id": assignee.id},
        now=now,
    )
    if not tell:
        return []
    return officer_alerts.on_assigned(session, complaint, assignee, officer, now, settings)
