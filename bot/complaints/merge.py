"""Merging a duplicate complaint into the one that is handled in its place.

The duplicate keeps its code (CEK with it answers with the other's status), takes the
status "merged" (it leaves the open queue and its deadline), and its complainant is
told at once and then of every later status change of the other
(``complaint_followers``). Both audit trails say so. There are no chains: a complaint
is merged into a root only, and the duplicates already merged into the one being merged
follow the new root too. There is no undo: a wrong merge is put right by hand (the
trail keeps what happened).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.models import Complaint, Contact, Officer
from bot.models import complaint as c
from bot.complaints import actions
from bot.complaints.actions import ActionError
from bot.complaints.notices import notify
from bot.complaints.queue import ACT_ROLES, get_visible, scoped
from bot.complaints.events import record
from conversations.catalogue import render
from conversations.flows import complaint_code


def find_target(session: Session, officer: Officer, raw: str) -> Complaint | None:
    """The complaint an officer named by its code (typed with spaces or dashes, as the
    resident got it), if they see it. Only a whole, valid code: a typo must not pick
    another complaint."""
    code = complaint_code.clean(raw or "")
    if not complaint_code.is_valid(code):
        return None
    complaint_id = session.scalar(select(Complaint.id).where(Complaint.code == code))
    return get_visible(session, officer, complaint_id) if complaint_id else None


def merge(
    session: Session,
    duplicate: Complaint,
    root: Complaint,
    officer: Officer,
    now: datetime | None = None,
) -> list[int]:
    """Merge ``duplicate`` into ``root``; both must be visible to ``officer``.

    Returns:
        Outbound message ids to enqueue after the caller commits.

    Raises:
        ActionError: the merge is not allowed (text in Indonesian says why).
    """
    if officer.role not in ACT_ROLES:
        raise ActionError("Peran Anda hanya boleh melihat aduan.")
    now = now or actions.clock()  # tests set the clock there
    if get_visible(session, officer, duplicate.id) is None or get_visible(
        session, officer, root.id
    ) is None:
        raise ActionError("Aduan tujuan tidak ditemukan di wilayah Anda.")
    if duplicate.id == root.id:
        raise ActionError("Aduan tidak bisa digabung ke dirinya sendiri.")
    # Two officers merging A into B and B into A at once must not make a loop: lock both
    # rows (in id order), then judge them as they are now.
    session.execute(
        select(Complaint.id)
        .where(Complaint.id.in_((duplicate.id, root.id)))
        .order_by(Complaint.id)
        .with_for_update()
    ).all()
    session.refresh(duplicate)
    session.refresh(root)
    if duplicate.status == c.MERGED:
        raise ActionError(f"Aduan {duplicate.code} sudah digabung ke aduan lain.")
    if duplicate.status in c.CLOSED:
        raise ActionError(f"Aduan {duplicate.code} sudah ditutup; tidak digabung lagi.")
    if root.status == c.MERGED:
        target = (
            get_visible(session, officer, root.merged_into_id) if root.merged_into_id else None
        )
        where = f"aduan {target.code}" if target else "aduan induknya"
        raise ActionError(f"Aduan {root.code} sudah digabung ke {where}: gabungkan ke sana.")
    if root.status in c.CLOSED:
        raise ActionError(f"Aduan {root.code} sudah ditutup; pilih aduan yang masih berjalan.")
    if _simulated(session, duplicate) != _simulated(session, root):
        raise ActionError("Aduan dari simulator tidak digabung dengan aduan sungguhan.")
    if duplicate.names_bkm_member and not root.names_bkm_member:
        # Its complainant would follow a complaint the accused BKM handles.
        raise ActionError(
            f"Aduan {duplicate.code} menyebut anggota BKM: gabungkan hanya ke aduan yang juga "
            f"disembunyikan dari BKM (tandai dulu aduan {root.code})."
        )

    for child in session.scalars(
        select(Complaint).where(Complaint.merged_into_id == duplicate.id)
    ).all():
        child.merged_into_id = root.id
        child.updated_at = now
        record(session, child.id, "merged_into", officer.id, {"merged_into_id": duplicate.id},
               {"merged_into_id": root.id, "moved": True}, now=now)

    before = {
        "status": duplicate.status,
        "due_at": duplicate.due_at.isoformat() if duplicate.due_at else None,
        "merged_into_id": None,
    }
    duplicate.status = c.MERGED
    duplicate.merged_into_id = root.id
    duplicate.due_at = None
    duplicate.closed_at = now
    duplicate.updated_at = now
    session.flush()
    language = (
        session.scalar(select(Contact.language).where(Contact.id == duplicate.contact_id)) or "id"
    )
    message_id = notify(
        session, duplicate, render("complaint.notice.merged", language, code=duplicate.code),
        "notice", now,
    )
    record(session, duplicate.id, "merged_into", officer.id, before,
           {"status": c.MERGED, "merged_into_id": root.id}, message_id=message_id, now=now)
    record(session, root.id, "merged_from", officer.id, None, {"merged_from_id": duplicate.id},
           now=now)
    return [message_id] if message_id else []


def _simulated(session: Session, complaint: Complaint) -> bool:
    return bool(
        session.scalar(select(Contact.simulated).where(Contact.id == complaint.contact_id))
    )


def root_of(session: Session, officer: Officer, complaint: Complaint) -> Complaint | None:
    """The complaint ``complaint`` was merged into, if the officer sees it."""
    if complaint.merged_into_id is None:
        return None
    return get_visible(session, officer, complaint.merged_into_id)


def merged_here(session: Session, officer: Officer, complaint: Complaint) -> list[Complaint]:
    """The duplicates merged into ``complaint`` that the officer sees."""
    return list(
        session.scalars(
            scoped(officer, simulated=True)
            .where(Complaint.merged_into_id == complaint.id)
            .order_by(Complaint.id)
        )
    )
