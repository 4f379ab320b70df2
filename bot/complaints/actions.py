"""What officers do to a complaint: change its status, escalate it, mark that it names
a BKM member, place it, reply (who handles it: ``bot.complaints.assignment``). Every action is written to the audit trail and every
change the complainant should know of becomes a message to them.

Messages go through ``bot.complaints.notices`` (quiet hours: at send time).
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from bot.models import Complaint, ComplaintEvent, Contact, Kelurahan, Message, Officer
from bot.models import messaging as m
from bot.models import complaint as c
from bot.models import officer as roles
from bot.officers import labels
from bot.complaints import officer_alerts
from bot.complaints.bkm_roster import keep_from_bkm
from bot.complaints.followers import tell_followers
from bot.complaints.notices import notify, time_zone_of
from bot.complaints.queue import ACT_ROLES, in_area
from bot.complaints.events import record
from bot.complaints.bkm_roster import flag_names_bkm_member
from bot.complaints.intake import place, working_days_allowed
from bot.areas.working_days import deadline
from conversations.catalogue import render

MAX_REASON = 500
REPLY_ROLES = (roles.ADMIN, roles.PPM)
MAX_REPLY = 400
LEVEL_NAMES = labels.LEVEL_IN_SENTENCE


def clock() -> datetime:
    """The current time; tests replace it to act inside or outside the quiet hours."""
    return datetime.now(timezone.utc)


class ActionError(ValueError):
    """The action is not allowed or incomplete; the text says why (in Indonesian)."""


def _language(session: Session, complaint: Complaint) -> str:
    return (
        session.scalar(select(Contact.language).where(Contact.id == complaint.contact_id)) or "id"
    )


def check_role(officer: Officer) -> None:
    if officer.role not in ACT_ROLES:
        raise ActionError("Peran Anda hanya boleh melihat aduan.")


def _clean(text: str | None, limit: int) -> str:
    return " ".join(str(text or "").split())[:limit]


def change_status(
    session: Session,
    complaint: Complaint,
    officer: Officer,
    new_status: str,
    reason: str | None = None,
    response: str | None = None,
    now: datetime | None = None,
    settings: Any = None,
    batch: str | None = None,
) -> list[int]:
    """Move ``complaint`` along new -> verified -> in follow-up -> resolved (or to
    rejected / not our authority, with a reason) and tell the complainant.

    ``batch``: one of many changes an officer made at once (the queue's bulk tools). It
    may be taken back for :data:`UNDO_WINDOW` (:func:`undo_batch`), so its notices wait
    out that window.

    Returns:
        Outbound message ids to enqueue after the caller commits.

    Raises:
        ActionError: the transition is not allowed or the reason is missing.
    """
    check_role(officer)
    now = now or clock()
    allowed = c.TRANSITIONS.get(complaint.status, ())
    if new_status not in allowed:
        raise ActionError(
            f"Status {labels.say(labels.COMPLAINT_STATUS, complaint.status)} tidak bisa menjadi "
            f"{labels.say(labels.COMPLAINT_STATUS, new_status, 'kosong')}."
        )
    reason = _clean(reason, MAX_REASON)
    response = _clean(response, MAX_REASON)
    if new_status in c.NEEDS_REASON and not reason:
        raise ActionError("Alasan wajib diisi untuk status ini.")
    before = {
        "status": complaint.status,
        "due_at": _iso(complaint.due_at),
        "public_response": complaint.public_response,
    }
    before_reason, before_closed = complaint.status_reason, _iso(complaint.closed_at)
    complaint.status = new_status
    complaint.status_reason = reason or None
    if response:
        complaint.public_response = response
    elif reason:
        # The complainant is told the reason; CEK shows it as the last response too.
        complaint.public_response = reason
    if new_status == c.VERIFIED:
        complaint.due_at = deadline(
            now, working_days_allowed(settings, c.VERIFIED), time_zone_of(session, complaint)
        )
    elif new_status in c.CLOSED:
        complaint.due_at = None
    # In follow-up it keeps the follow-up deadline it was verified with.
    if new_status in c.CLOSED:
        complaint.closed_at = now
    if complaint.assigned_officer_id is None:
        complaint.assigned_officer_id = officer.id
    complaint.updated_at = now
    after = {
        "status": new_status,
        "due_at": _iso(complaint.due_at),
        "public_response": complaint.public_response,
    }
    if batch:
        after["batch"] = batch
    not_before = now + UNDO_WINDOW if batch else None

    def body_for(language: str, code: str) -> str:
        detail = (
            render("complaint.notice.reason", language, text=reason) if reason else (response or "")
        )
        return render(
            "complaint.notice.status",
            language,
            code=code,
            status=render(f"complaint.status.{new_status}", language),
            detail=detail,
        ).strip()

    message_id = notify(
        session, complaint, body_for(_language(session, complaint), complaint.code), "notice",
        now, not_before=not_before,
    )
    before["status_reason"] = before_reason
    before["closed_at"] = before_closed
    record(
        session,
        complaint.id,
        "status",
        officer.id,
        before,
        after,
        note=reason or None,
        message_id=message_id,
        now=now,
    )
    followed = tell_followers(session, complaint, body_for, {"status": new_status}, now,
                              not_before=not_before)
    return ([message_id] if message_id else []) + followed


# How long an officer's bulk status change may be taken back; its notices wait as long.
UNDO_WINDOW = timedelta(minutes=10)


def undo_batch(session: Session, officer: Officer, batch: str,
               now: datetime | None = None) -> tuple[int, list[str]]:
    """Take back the officer's bulk status change ``batch`` within :data:`UNDO_WINDOW`:
    each complaint still in the status it was given goes back to the one before (its
    deadline, reason and response too), the notices to its complainant and followers are
    not sent, and its audit trail says so.

    Returns:
        How many were taken back, and the codes that had changed again since (kept).

    Raises:
        ActionError: the change is older than the window, or not this officer's.
    """
    check_role(officer)
    now = now or clock()
    events = [e for e in session.scalars(
        select(ComplaintEvent).where(ComplaintEvent.action == "status",
                                     ComplaintEvent.officer_id == officer.id,
                                     ComplaintEvent.created_at >= now - UNDO_WINDOW))
        if (e.after or {}).get("batch") == batch]
    if not events:
        raise ActionError("Perubahan itu tidak bisa dibatalkan lagi (hanya dalam "
                          f"{int(UNDO_WINDOW.total_seconds() // 60)} menit).")
    undone, kept = 0, []
    for event in events:
        complaint = session.get(Complaint, event.complaint_id)
        before, after = event.before or {}, event.after or {}
        if complaint is None or complaint.status != after.get("status"):
            if complaint is not None:
                kept.append(complaint.code)
            continue
        due_at = before.get("due_at")
        closed_at = before.get("closed_at")
        complaint.status = before.get("status") or c.NEW
        complaint.due_at = datetime.fromisoformat(due_at) if due_at else None
        complaint.public_response = before.get("public_response")
        complaint.status_reason = before.get("status_reason")
        complaint.closed_at = datetime.fromisoformat(closed_at) if closed_at else None
        complaint.updated_at = now
        messages = [event.message_id] + list(session.scalars(
            select(ComplaintEvent.message_id).where(
                ComplaintEvent.action == "root_changed",
                ComplaintEvent.created_at == event.created_at,
                ComplaintEvent.complaint_id.in_(
                    select(Complaint.id).where(Complaint.merged_into_id == complaint.id)))))
        session.execute(update(Message).where(
            Message.id.in_([i for i in messages if i is not None]), Message.status == m.QUEUED)
            .values(status=m.SKIPPED, updated_at=now))
        record(session, complaint.id, "status_undone", officer.id, after,
               {"status": complaint.status}, now=now)
        undone += 1
    session.flush()
    return undone, kept


def escalate(
    session: Session,
    complaint: Complaint,
    officer: Officer,
    reason: str,
    now: datetime | None = None,
    settings: Any = None,
) -> list[int]:
    """Pass the complaint one level up (kelurahan -> kota -> provinsi -> pusat); the
    officers of that level who chose to be told at once are (``settings``: the link's
    address)."""
    check_role(officer)
    now = now or clock()
    reason = _clean(reason, MAX_REASON)
    if not reason:
        raise ActionError("Alasan eskalasi wajib diisi.")
    if complaint.status in c.CLOSED:
        raise ActionError("Aduan yang sudah ditutup tidak bisa dieskalasi.")
    index = roles.LEVELS.index(complaint.level)
    if index + 1 >= len(roles.LEVELS):
        raise ActionError("Aduan sudah di tingkat pusat.")
    new_level = roles.LEVELS[index + 1]
    before = {"level": complaint.level, "assigned_officer_id": complaint.assigned_officer_id}
    complaint.level = new_level
    complaint.assigned_officer_id = None
    complaint.updated_at = now
    def body_for(language: str, code: str) -> str:
        return render(
            "complaint.notice.escalated", language, code=code, level=LEVEL_NAMES[new_level]
        )

    message_id = notify(
        session, complaint, body_for(_language(session, complaint), complaint.code), "notice", now
    )
    record(
        session,
        complaint.id,
        "escalated",
        officer.id,
        before,
        {"level": new_level, "assigned_officer_id": None},
        note=reason,
        message_id=message_id,
        now=now,
    )
    followed = tell_followers(session, complaint, body_for, {"level": new_level}, now)
    told = officer_alerts.on_escalated(session, complaint, officer, now, settings)
    return ([message_id] if message_id else []) + followed + told


def mark_names_bkm_member(
    session: Session,
    complaint: Complaint,
    officer: Officer,
    reason: str,
    now: datetime | None = None,
) -> None:
    """The complaint names a BKM member: hide it from BKM officers and move it to kota."""
    check_role(officer)
    now = now or clock()
    reason = _clean(reason, MAX_REASON)
    if not reason:
        raise ActionError("Alasan wajib diisi.")
    flag_names_bkm_member(session, complaint, officer.id, reason, now)


def place_in(
    session: Session,
    complaint: Complaint,
    officer: Officer,
    kelurahan_id: int | None,
    now: datetime | None = None,
) -> None:
    """Give a complaint without an area its kelurahan (one in the officer's area)."""
    check_role(officer)
    now = now or clock()
    if complaint.kelurahan_id is not None:
        raise ActionError("Aduan ini sudah punya wilayah.")
    kelurahan = session.get(Kelurahan, kelurahan_id) if kelurahan_id else None
    if kelurahan is None:
        raise ActionError("Pilih kelurahan.")
    if not in_area(officer, kelurahan):
        raise ActionError("Kelurahan itu bukan wilayah Anda.")
    before = {"kelurahan_id": None, "level": complaint.level}
    place(complaint, kelurahan)
    complaint.updated_at = now
    record(
        session,
        complaint.id,
        "placed",
        officer.id,
        before,
        {"kelurahan_id": kelurahan.id, "level": complaint.level},
        note=f"{kelurahan.name}, {kelurahan.kota}, {kelurahan.provinsi}",
        now=now,
    )
    keep_from_bkm(session, complaint, now)  # now that its BKM is known


def reply(
    session: Session, complaint: Complaint, officer: Officer, text: str, now: datetime | None = None
) -> list[int]:
    """Send the officer's answer on the complaint's channel; it becomes the last public
    response that CEK shows."""
    if officer.role not in REPLY_ROLES:
        # The message is signed "Petugas PPM": a BKM officer must not speak as the PPM.
        raise ActionError("Hanya petugas PPM yang membalas pengadu.")
    now = now or clock()
    text = _clean(text, MAX_REPLY)
    if not text:
        raise ActionError("Balasan kosong.")
    before = {"public_response": complaint.public_response}
    complaint.public_response = text
    complaint.updated_at = now

    def body_for(language: str, code: str) -> str:
        return render("complaint.notice.reply", language, code=code, text=text)

    message_id = notify(
        session, complaint, body_for(_language(session, complaint), complaint.code),
        "officer_reply", now,
    )
    record(
        session,
        complaint.id,
        "reply",
        officer.id,
        before,
        {"public_response": text},
        note=text,
        message_id=message_id,
        now=now,
    )
    # The merged complainants already read this answer with CEK (their code answers with
    # this complaint's response): they are sent it too, under their own code.
    followed = tell_followers(session, complaint, body_for, {"reply": True}, now,
                              kind="officer_reply")
    return ([message_id] if message_id else []) + followed


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None
