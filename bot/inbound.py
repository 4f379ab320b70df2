"""One inbound message, from Twilio's form to the replies (the webhook's hot path).

1. the message is stored under its MessageSid in the same transaction that locks the
   contact's row, so a retry (or the same request in another process) waits, then
   finds the stored row and returns the stored replies instead of acting again;
2. the engine runs inside a savepoint: if it or an effect fails, the message is kept,
   marked failed, and the resident gets an apology instead of a 500;
3. one commit stores message, session, effects and replies; messages for other people
   are queued after the commit.

Core statements, not ORM objects, keep this path short: it runs for every message.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any, Mapping

from sqlalchemy import Row, insert, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from bot import effects
from bot.models import Contact, ConversationSession, Message
from bot.models import messaging as m
from bot.phone import InvalidPhone, normalise
from bot.runtime import Runtime
from conversations.catalogue import render
from conversations.model import (
    INTERRUPTED,
    SMS,
    WHATSAPP,
    Conversation,
    Dialog,
    Inbound,
    Media,
    Outcome,
    Reply,
)

log = logging.getLogger(__name__)
MAX_BODY = 1600


class BadInbound(ValueError):
    """The request cannot be a Twilio message; the text is a one-line reason."""


@dataclass(frozen=True)
class InboundMessage:
    """A parsed Twilio inbound message."""

    sid: str
    phone: str
    channel: str
    body: str
    media: tuple[Media, ...] = ()
    profile_name: str | None = None


def parse_twilio_form(form: Mapping[str, str]) -> InboundMessage:
    """Read Twilio's webhook fields; unknown extra fields are ignored.

    Raises:
        BadInbound: no MessageSid, no From, or a From that is no phone number.
    """
    sid = (form.get("MessageSid") or form.get("SmsMessageSid") or "").strip()
    sender = (form.get("From") or "").strip()
    if not sid:
        raise BadInbound("missing MessageSid")
    if len(sid) > 64:
        raise BadInbound("MessageSid too long")
    if not sender:
        raise BadInbound("missing From")
    channel = WHATSAPP if sender.lower().startswith("whatsapp:") else SMS
    try:
        phone = normalise(sender)
    except InvalidPhone:
        raise BadInbound("From is not a phone number") from None
    media: list[Media] = []
    try:
        count = min(int(form.get("NumMedia") or 0), 10)
    except ValueError:
        count = 0
    for i in range(count):
        url = form.get(f"MediaUrl{i}")
        if url:
            media.append(Media(url=url, content_type=form.get(f"MediaContentType{i}") or ""))
    # ButtonPayload is what a WhatsApp quick-reply button carries instead of typed text.
    body = form.get("Body") or form.get("ButtonPayload") or ""
    return InboundMessage(
        sid=sid,
        phone=phone,
        channel=channel,
        body=body[:MAX_BODY],
        media=tuple(media),
        profile_name=(form.get("ProfileName") or None),
    )


def receive(rt: Runtime, message: InboundMessage, now: datetime | None = None) -> list[str]:
    """Store ``message``, run the engine once, and return the reply texts.

    A second delivery of the same MessageSid returns the replies stored the first time.
    """
    now = now or datetime.now(timezone.utc)
    queued: list[int] = []
    with rt.db.sessions() as session:
        with session.begin():
            contact = _upsert_contact(session, message, now)
            inbound_id = _store_inbound(session, contact.id, message, now)
            if inbound_id is None:
                return _stored_replies(session, message.sid)
            try:
                with session.begin_nested():
                    texts = _handle(rt, session, contact, inbound_id, message, now, queued)
            except Exception:  # noqa: BLE001 - the message is kept and the resident told
                log.exception("handling message %s failed", message.sid)
                queued.clear()
                texts = [render("error.internal", contact.language)]
                _mark_inbound(session, inbound_id, m.FAILED_HANDLING)
                _store_replies(session, contact.id, inbound_id, message.channel, texts, now)
    enqueue_sends(rt, queued)
    return texts


def enqueue_sends(rt: Runtime, message_ids: list[int]) -> None:
    """Push send jobs for stored outbound messages; if Redis is down the sweep will."""
    from workers.outbound import send_message
    from workers.queue import SEND_RETRY

    for message_id in message_ids:
        try:
            rt.jobs.enqueue(send_message, message_id, retry=SEND_RETRY)
        except Exception:  # noqa: BLE001 - the row stays queued; the sweep picks it up
            log.warning("could not enqueue message %s; the sweep will", message_id, exc_info=True)


def _insert(session: Session, table: Any) -> Any:
    dialect = session.get_bind().dialect.name
    return (pg_insert if dialect == "postgresql" else sqlite_insert)(table)


def _upsert_contact(session: Session, message: InboundMessage, now: datetime) -> Row[Any]:
    """Create or touch the contact and lock its row for this transaction."""
    whatsapp = message.channel == WHATSAPP
    stmt = _insert(session, Contact).values(
        phone=message.phone,
        language="id",
        uses_sms=not whatsapp,
        uses_whatsapp=whatsapp,
        opted_out=False,
        invalid_number=False,
        name=message.profile_name,
        last_whatsapp_at=now if whatsapp else None,
        last_seen_at=now,
        created_at=now,
    )
    table = Contact.__table__
    stmt = stmt.on_conflict_do_update(
        index_elements=[table.c.phone],
        set_={
            "last_seen_at": now,
            "invalid_number": False,
            "uses_sms" if not whatsapp else "uses_whatsapp": True,
            **({"last_whatsapp_at": now} if whatsapp else {}),
        },
    ).returning(table.c.id, table.c.language, table.c.opted_out, table.c.phone)
    return session.execute(stmt).one()


def _store_inbound(session: Session, contact_id: int, message: InboundMessage, now: datetime) -> int | None:
    table = Message.__table__
    stmt = (
        _insert(session, Message)
        .values(
            contact_id=contact_id,
            direction=m.IN,
            channel=message.channel,
            body=message.body,
            media=[{"url": x.url, "type": x.content_type} for x in message.media] or None,
            twilio_sid=message.sid,
            status=m.RECEIVED,
            attempts=0,
            created_at=now,
            updated_at=now,
        )
        .on_conflict_do_nothing(index_elements=[table.c.twilio_sid])
        .returning(table.c.id)
    )
    return session.execute(stmt).scalar()


def _stored_replies(session: Session, sid: str) -> list[str]:
    inbound = Message.__table__.alias("inbound")
    reply = Message.__table__
    rows = session.execute(
        select(reply.c.body)
        .join(inbound, reply.c.reply_to_id == inbound.c.id)
        .where(inbound.c.twilio_sid == sid, reply.c.kind == "reply")
        .order_by(reply.c.id)
    ).scalars()
    return list(rows)


def _handle(
    rt: Runtime,
    session: Session,
    contact: Row[Any],
    inbound_id: int,
    message: InboundMessage,
    now: datetime,
    queued: list[int],
) -> list[str]:
    sessions = ConversationSession.__table__
    open_row = session.execute(
        select(sessions.c.id, sessions.c.flow, sessions.c.step, sessions.c.data, sessions.c.expires_at)
        .where(sessions.c.contact_id == contact.id, sessions.c.status == m.ACTIVE)
    ).first()
    dialog = None
    expired = False
    if open_row is not None:
        if open_row.expires_at <= now:
            _end_session(session, open_row.id, m.EXPIRED, now)
            open_row, expired = None, True
        else:
            dialog = Dialog(open_row.flow, open_row.step, dict(open_row.data or {}))

    conversation = Conversation(
        language=contact.language, opted_out=contact.opted_out, dialog=dialog, expired=expired
    )
    inbound = Inbound(
        text=message.body,
        channel=message.channel,
        phone=message.phone,
        media=message.media,
        received_at=now,
        message_id=inbound_id,
    )
    from bot.directory import DbDirectory

    outcome = rt.engine.handle(conversation, inbound, DbDirectory(session, contact.id))

    ctx = effects.EffectContext(
        session=session,
        contact_id=contact.id,
        phone=contact.phone,
        channel=message.channel,
        inbound_id=inbound_id,
        now=now,
        language=contact.language,
        opted_out=contact.opted_out,
    )
    results = effects.apply(outcome.effects, ctx)
    _save_dialog(rt, session, contact.id, open_row, outcome, now)
    texts = render_replies(outcome.replies, ctx.language, results)
    _store_replies(session, contact.id, inbound_id, message.channel, texts, now)
    _mark_inbound(session, inbound_id, m.HANDLED)
    queued.extend(ctx.queued_message_ids)
    return texts


def render_replies(replies: list[Reply], language: str, results: dict[str, Any]) -> list[str]:
    """Catalogue texts for ``replies``; effect results fill missing parameters."""
    return [render(r.key, language, **{**results, **r.params}) for r in replies]


def _save_dialog(
    rt: Runtime, session: Session, contact_id: int, open_row: Row[Any] | None, outcome: Outcome, now: datetime
) -> None:
    expires = now + timedelta(minutes=rt.settings.session_timeout_minutes)
    new = outcome.dialog
    sessions = ConversationSession.__table__
    if open_row is not None:
        continues = new is not None and new.flow == open_row.flow and outcome.ended != INTERRUPTED
        if continues:
            session.execute(
                update(sessions)
                .where(sessions.c.id == open_row.id)
                .values(step=new.step, data=new.data, updated_at=now, expires_at=expires)
            )
            return
        _end_session(session, open_row.id, outcome.ended, now)
    if new is not None:
        session.execute(
            insert(sessions).values(
                contact_id=contact_id,
                flow=new.flow,
                step=new.step,
                data=new.data,
                status=m.ACTIVE,
                created_at=now,
                updated_at=now,
                expires_at=expires,
            )
        )


def _end_session(session: Session, session_id: int, status: str, now: datetime) -> None:
    sessions = ConversationSession.__table__
    session.execute(
        update(sessions)
        .where(sessions.c.id == session_id)
        .values(status=status, ended_at=now, updated_at=now)
    )


def _mark_inbound(session: Session, inbound_id: int, status: str) -> None:
    table = Message.__table__
    session.execute(update(table).where(table.c.id == inbound_id).values(status=status))


def _store_replies(
    session: Session, contact_id: int, inbound_id: int, channel: str, texts: list[str], now: datetime
) -> None:
    if not texts:
        return
    session.execute(
        insert(Message.__table__),
        [
            {
                "contact_id": contact_id,
                "direction": m.OUT,
                "channel": channel,
                "body": text,
                "status": m.ANSWERED,
                "reply_to_id": inbound_id,
                "kind": "reply",
                "attempts": 0,
                "created_at": now,
                "updated_at": now,
            }
            for text in texts
        ],
    )
