"""HAPUS DATA: a resident's request to erase their personal data, and the erasure.

The life of a request (``bot.models.privacy``):
1. the resident texts HAPUS DATA: a PENDING request (one open per number), receipt
   confirmed in one SMS (``conversations.flows.erasure``);
2. an admin approves it on the dashboard: APPROVED, the last SMS (``erasure.done``) is
   queued; or refuses it with a reason, which the resident is told: REFUSED;
3. once that last SMS has left (or failed for good, or was never sendable), or two
   days after the approval at the latest, the sweep erases: ERASED.

What the erasure keeps and what it removes (pseudonymisation):
- the contact row stays (KSM memberships, RSVPs, broadcast sends and messages point at
  it, so the program's counts still add up) but its ``phone`` becomes ``hapus:<id>``,
  its name goes, it is opted out and marked ``erased_at``; a new message from the same
  number later is a new contact;
- KSM membership rows stay (member counts, women's share, the KSM's money) with the
  name replaced by ``(data dihapus)``;
- every message to and from the number keeps its row (status, time, channel) and
  loses its text and media;
- its complaints stay (code, kind, area, amount, dates, status, audit trail) cut from
  the contact like the retention policy does (``bot.privacy.retention.detach``): the
  numbers written in their text masked, the audit trail saying why;
- its open conversation sessions, CEK misses and the number on the poor list go (the
  poor list's names are the program's own record and stay).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from bot.effect_context import EffectContext
from bot.models import (
    Complaint,
    ComplaintCheckMiss,
    Contact,
    ConversationSession,
    ErasureRequest,
    KsmMember,
    Message,
    Officer,
    PoorResident,
)
from bot.models import messaging as m
from bot.models import privacy as p
from bot.outbox import queue_message
from bot.phone import ERASED_PREFIX
from bot.privacy import retention
from conversations.catalogue import render
from conversations.flows.erasure import RequestErasure
from conversations.gsm import to_gsm7

ERASED_NAME = "(data dihapus)"
# The last SMS is waited for this long at most (quiet hours, a gateway phone offline).
FINAL_MESSAGE_WAIT = timedelta(days=2)
# Statuses after which the last SMS will not move any more (or never left at all).
_GONE = {m.SENT, m.DELIVERED, m.READ, m.ANSWERED, m.UNDELIVERED, m.FAILED, m.SKIPPED, m.UNKNOWN,
         m.EXPIRED}
MAX_REASON = 120


class ErasureError(Exception):
    """A decision that cannot be taken; the message says why, in Indonesian."""


def request_erasure(effect: RequestErasure, ctx: EffectContext) -> None:
    """Record the request, unless this number already has one waiting. A simulated
    contact (the dashboard's simulator) gets the same answer and no request: there is
    nobody's data to erase."""
    if ctx.simulated:
        return
    waiting = ctx.session.scalar(
        select(ErasureRequest.id).where(
            ErasureRequest.contact_id == ctx.contact_id,
            ErasureRequest.status.in_((p.PENDING, p.APPROVED)),
        )
    )
    if waiting is None:
        ctx.session.add(
            ErasureRequest(contact_id=ctx.contact_id, inbound_message_id=ctx.inbound_id,
                           channel=ctx.channel, status=p.PENDING, created_at=ctx.now)
        )


def pending_count(session: Session) -> int:
    """Requests waiting for an admin's decision."""
    return session.scalar(
        select(func.count()).select_from(ErasureRequest).where(ErasureRequest.status == p.PENDING)
    ) or 0


def approve(session: Session, request: ErasureRequest, officer: Officer,
            now: datetime) -> list[int]:
    """Approve a pending request: queue the resident's last SMS. Returns the message ids
    to enqueue after commit. The erasure itself follows that SMS (:func:`erase_due`)."""
    if request.status != p.PENDING:
        raise ErasureError("Permintaan ini sudah diputuskan.")
    contact = session.get(Contact, request.contact_id)
    request.status, request.decided_by_id, request.decided_at = p.APPROVED, officer.id, now
    body = render("erasure.done", contact.language if contact else "id")
    request.final_message_id = queue_message(session, request.contact_id, request.channel, body,
                                             kind=p.ANSWER_KIND, now=now)
    session.flush()
    return [request.final_message_id]


def refuse(session: Session, request: ErasureRequest, officer: Officer, reason: str,
           now: datetime) -> list[int]:
    """Refuse a pending request with a reason the resident is sent."""
    if request.status != p.PENDING:
        raise ErasureError("Permintaan ini sudah diputuskan.")
    reason = to_gsm7(" ".join((reason or "").split()))[:MAX_REASON].rstrip(" .")
    if not reason:
        raise ErasureError("Tulis alasan penolakan: warga menerimanya lewat SMS.")
    contact = session.get(Contact, request.contact_id)
    request.status, request.decided_by_id, request.decided_at = p.REFUSED, officer.id, now
    request.reason = reason
    body = render("erasure.refused", contact.language if contact else "id", reason=reason)
    request.final_message_id = queue_message(session, request.contact_id, request.channel, body,
                                             kind=p.ANSWER_KIND, now=now)
    session.flush()
    return [request.final_message_id]


def erase(session: Session, request: ErasureRequest, now: datetime) -> None:
    """Erase the contact's number and name, keeping what the audit needs (see module)."""
    contact = session.get(Contact, request.contact_id)
    if contact is None or contact.erased_at is not None:
        request.status, request.erased_at = p.ERASED, now
        return
    number = contact.phone
    complaints = list(session.scalars(select(Complaint).where(Complaint.contact_id == contact.id)))
    retention.detach(session, complaints, now, "erased")
    retention.blank_messages(
        session, list(session.scalars(select(Message.id).where(Message.contact_id == contact.id))),
        now,
    )
    session.execute(
        update(KsmMember).where(KsmMember.contact_id == contact.id).values(name=ERASED_NAME)
    )
    session.execute(delete(ConversationSession).where(ConversationSession.contact_id == contact.id))
    session.execute(delete(ComplaintCheckMiss).where(ComplaintCheckMiss.contact_id == contact.id))
    session.execute(update(PoorResident).where(PoorResident.phone == number).values(phone=None))
    contact.phone = f"{ERASED_PREFIX}{contact.id}"
    contact.name = None
    contact.opted_out, contact.opted_out_at = True, now
    contact.last_whatsapp_at = None
    contact.erased_at = now
    request.status, request.erased_at = p.ERASED, now
    session.flush()


def erase_due(rt, now: datetime) -> int:  # type: ignore[no-untyped-def]
    """Sweep task: erase the approved requests whose last SMS has gone (or waited long
    enough). Returns how many numbers were erased."""
    done = 0
    with rt.db.session() as session:
        rows = session.execute(
            select(ErasureRequest, Message.status)
            .outerjoin(Message, Message.id == ErasureRequest.final_message_id)
            .where(ErasureRequest.status == p.APPROVED)
            .order_by(ErasureRequest.id)
        ).all()
        for request, status in rows:
            waited = request.decided_at is not None and request.decided_at < now - FINAL_MESSAGE_WAIT
            if status in _GONE or status is None or waited:
                erase(session, request, now)
                done += 1
    return done
