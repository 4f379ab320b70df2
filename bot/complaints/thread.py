"""A complaint's conversation as its page shows it.

The dialog that filed it: every message the complainant typed from the one that opened
the complaint until that dialog ended (answers that changed nothing, LEWATI, a question
asked on the side), and the bot's replies to each, the closing one included; then the
messages its events and released notices name (officers' answers, status notices, CEK
asked later), and the replies to those. Nothing the resident wrote before the complaint
or after its dialog, for anything else.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from bot.models import Complaint, ComplaintEvent, ComplaintNotice, ConversationSession, Message
from bot.models import messaging as m


def messages(session: Session, complaint: Complaint) -> list[Message]:
    """The complaint's messages, in the order they came."""
    ids = list(session.scalars(select(ComplaintEvent.message_id).where(
        ComplaintEvent.complaint_id == complaint.id, ComplaintEvent.message_id.is_not(None))))
    ids += session.scalars(select(ComplaintNotice.message_id).where(
        ComplaintNotice.complaint_id == complaint.id, ComplaintNotice.message_id.is_not(None)))
    ids += _dialog(session, complaint)
    if not ids:
        return []
    return list(session.scalars(
        select(Message).where(or_(Message.id.in_(ids), Message.reply_to_id.in_(ids)))
        .order_by(Message.id)))


def _dialog(session: Session, complaint: Complaint) -> list[int]:
    """The complainant's messages of the dialog that filed the complaint (the dialog
    began with the message that filed it: same contact, same instant)."""
    if complaint.contact_id is None or complaint.inbound_message_id is None:
        return []  # cut from its complainant (retention), or filed by an officer
    dialog = session.scalar(
        select(ConversationSession)
        .where(ConversationSession.contact_id == complaint.contact_id,
               ConversationSession.created_at == complaint.created_at)
        .order_by(ConversationSession.id.desc()).limit(1))
    if dialog is None:
        return [complaint.inbound_message_id]
    end: datetime | None = dialog.ended_at if dialog.status != m.ACTIVE else None
    query = select(Message.id).where(
        Message.contact_id == complaint.contact_id, Message.direction == m.IN,
        Message.id >= complaint.inbound_message_id)
    if end is not None:
        query = query.where(Message.created_at <= end)
    return list(session.scalars(query.order_by(Message.id).limit(200)))
