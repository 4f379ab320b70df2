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

from datetime import datetime, timezone

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from bot.models import Complaint, ComplaintEvent, Contact, Message, Officer
from bot.models import messaging as m
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
    # The complainant hears of it once it can no longer be taken back.
    message_id = notify(
        session, duplicate, render("complaint.notice.merged", language, code=duplicate.code),
        "notice", now, not_before=now + UNDO_WINDOW,
    )
    record(session, duplicate.id, "merged_into", officer.id, before,
           {"status": c.MERGED, "merged_into_id": root.id}, message_id=message_id, now=now)
    record(session, root.id, "merged_from", officer.id, None, {"merged_from_id": duplicate.id},
           now=now)
    return [message_id] if message_id else []


# How long a merge may be taken back (as a bulk status change); the complainant is told
# of it only after.
UNDO_WINDOW = actions.UNDO_WINDOW


def undo_until(session: Session, duplicate: Complaint) -> datetime | None:
    """Until when the merge of ``duplicate`` may be taken back (None: it may not: not
    merged, or merged longer ago than :data:`UNDO_WINDOW`)."""
    event = _merge_event(session, duplicate)
    if event is None or duplicate.status != c.MERGED:
        return None
    return _aware(event.created_at) + UNDO_WINDOW


def unmerge(session: Session, duplicate: Complaint, officer: Officer,
            now: datetime | None = None) -> Complaint:
    """Take back the merge of ``duplicate`` within :data:`UNDO_WINDOW`: it is open again
    as it was (status, deadline), the complaints that followed it follow it again, the
    notice to its complainant is not sent, and both trails say so. Returns the complaint
    it had been merged into.

    Raises:
        ActionError: not allowed (text in Indonesian says why).
    """
    if officer.role not in ACT_ROLES:
        raise ActionError("Peran Anda hanya boleh melihat aduan.")
    now = now or actions.clock()
    if get_visible(session, officer, duplicate.id) is None:
        raise ActionError("Aduan tidak ditemukan di wilayah Anda.")
    session.execute(select(Complaint.id).where(Complaint.id == duplicate.id)
                    .with_for_update()).all()
    session.refresh(duplicate)
    until = undo_until(session, duplicate)
    if until is None or now > until:
        raise ActionError(f"Penggabungan aduan {duplicate.code} tidak bisa dibatalkan lagi "
                          f"(hanya dalam {int(UNDO_WINDOW.total_seconds() // 60)} menit).")
    event = _merge_event(session, duplicate)
    if event is None:
        raise ActionError(f"Aduan {duplicate.code} tidak sedang digabung.")
    root = session.get(Complaint, duplicate.merged_into_id)
    # The complaints that had followed it and moved to its root with it follow it again.
    for child in session.scalars(select(Complaint).where(
            Complaint.merged_into_id == duplicate.merged_into_id, Complaint.id != duplicate.id)):
        moved = session.scalar(select(ComplaintEvent).where(
            ComplaintEvent.complaint_id == child.id, ComplaintEvent.action == "merged_into",
            ComplaintEvent.created_at == event.created_at))
        if moved is not None and (moved.before or {}).get("merged_into_id") == duplicate.id:
            child.merged_into_id = duplicate.id
            child.updated_at = now
    before = event.before or {}
    due_at = before.get("due_at")
    duplicate.status = before.get("status") or c.NEW
    duplicate.due_at = datetime.fromisoformat(due_at) if due_at else None
    duplicate.merged_into_id = None
    duplicate.closed_at = None
    duplicate.updated_at = now
    if event.message_id is not None:  # not sent yet: the window is its delay
        session.execute(update(Message).where(Message.id == event.message_id,
                                              Message.status == m.QUEUED)
                        .values(status=m.SKIPPED, updated_at=now))
    record(session, duplicate.id, "unmerged", officer.id,
           {"status": c.MERGED, "merged_into_id": root.id if root else None},
           {"status": duplicate.status}, now=now)
    if root is not None:
        record(session, root.id, "unmerged_from", officer.id, {"merged_from_id": duplicate.id},
               None, now=now)
    session.flush()
    return root


def _merge_event(session: Session, duplicate: Complaint) -> ComplaintEvent | None:
    """The officer's merge of ``duplicate`` (not a move of its root's), the latest."""
    for event in session.scalars(
            select(ComplaintEvent).where(ComplaintEvent.complaint_id == duplicate.id,
                                         ComplaintEvent.action == "merged_into")
            .order_by(ComplaintEvent.id.desc()).limit(5)):
        if not (event.after or {}).get("moved"):
            return event
    return None


def _aware(value: datetime) -> datetime:
    return value if value.tzinfo else value.replace(tzinfo=timezone.utc)


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
