"""The statements of the inbound hot path (``bot.inbound``), written once as SQL.

Every message runs these, so they are built once at import (no per-request statement
construction), return what the next step needs (RETURNING), and are few: a message
costs BEGIN, the contact upsert, the inbound insert with the open-session read, the
reply insert and COMMIT. Their text is the same on every call, so psycopg prepares
them on the server after a few uses. SQLite (3.35+) runs the same SQL except the
combined insert-and-read, which it cannot do in one statement.
"""
from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import Boolean, Connection, Integer, Row, String, bindparam, text

from bot.models import messaging as m
from bot.models.base import JsonType, UtcDateTime
from conversations.model import WHATSAPP

if TYPE_CHECKING:
    from bot.inbound import InboundMessage


def _times(*names: str) -> list[Any]:
    return [bindparam(name, type_=UtcDateTime) for name in names]


# Creates or touches the contact; the row lock it takes orders every message of one
# contact (and a retry of the same MessageSid) one after the other.
UPSERT_CONTACT = text(
    "INSERT INTO contact (phone, language, uses_sms, uses_whatsapp, opted_out,"
    " invalid_number, name, last_whatsapp_at, last_seen_at, created_at)"
    " VALUES (:phone, 'id', :uses_sms, :uses_whatsapp, :no, :no, :name, :last_whatsapp_at,"
    " :now, :now)"
    " ON CONFLICT (phone) DO UPDATE SET last_seen_at = excluded.last_seen_at,"
    " invalid_number = excluded.invalid_number,"
    " uses_sms = contact.uses_sms OR excluded.uses_sms,"
    " uses_whatsapp = contact.uses_whatsapp OR excluded.uses_whatsapp,"
    " last_whatsapp_at = COALESCE(excluded.last_whatsapp_at, contact.last_whatsapp_at)"
    " RETURNING id, language, opted_out, phone"
).bindparams(
    bindparam("uses_sms", type_=Boolean), bindparam("uses_whatsapp", type_=Boolean),
    bindparam("no", type_=Boolean), *_times("last_whatsapp_at", "now"),
).columns(id=Integer, language=String, opted_out=Boolean, phone=String)

_INBOUND_VALUES = (
    "INSERT INTO message (contact_id, direction, channel, body, media, twilio_sid, status,"
    " attempts, created_at, updated_at)"
    f" VALUES (:contact_id, '{m.IN}', :channel, :body, :media, :sid, :status, 0, :now, :now)"
    " ON CONFLICT (twilio_sid) DO NOTHING RETURNING id"
)
_INBOUND_TYPES = (bindparam("media", type_=JsonType), *_times("now"))

INSERT_INBOUND = text(_INBOUND_VALUES).bindparams(*_INBOUND_TYPES).columns(id=Integer)

# PostgreSQL: store the inbound message and read the contact's open session in one
# round trip. The read must not share a statement with the contact upsert: its
# snapshot would predate the row lock and could miss a session committed meanwhile.
INSERT_INBOUND_READ_SESSION = text(
    f"WITH inbound AS ({_INBOUND_VALUES})"
    " SELECT (SELECT id FROM inbound) AS inbound_id, s.id, s.flow, s.step, s.data,"
    " s.expires_at FROM (SELECT 1) AS one LEFT JOIN conversation_session AS s"
    f" ON s.contact_id = :contact_id AND s.status = '{m.ACTIVE}'"
).bindparams(*_INBOUND_TYPES).columns(
    inbound_id=Integer, id=Integer, flow=String, step=String, data=JsonType,
    expires_at=UtcDateTime,
)

OPEN_SESSION = text(
    "SELECT id, flow, step, data, expires_at FROM conversation_session"
    f" WHERE contact_id = :contact_id AND status = '{m.ACTIVE}'"
).columns(id=Integer, flow=String, step=String, data=JsonType, expires_at=UtcDateTime)

STORED_REPLIES = text(
    "SELECT reply.body FROM message AS reply JOIN message AS inbound"
    " ON reply.reply_to_id = inbound.id"
    " WHERE inbound.twilio_sid = :sid AND reply.kind = 'reply' ORDER BY reply.id"
).columns(body=String)

INSERT_REPLY = text(
    "INSERT INTO message (contact_id, direction, channel, body, status, reply_to_id, kind,"
    " attempts, created_at, updated_at)"
    f" VALUES (:contact_id, '{m.OUT}', :channel, :body, '{m.ANSWERED}', :reply_to_id,"
    " 'reply', 0, :now, :now)"
).bindparams(*_times("now"))

UPDATE_SESSION = text(
    "UPDATE conversation_session SET step = :step, data = :data, updated_at = :now,"
    " expires_at = :expires_at WHERE id = :id"
).bindparams(bindparam("data", type_=JsonType), *_times("now", "expires_at"))

INSERT_SESSION = text(
    "INSERT INTO conversation_session (contact_id, flow, step, data, status, created_at,"
    " updated_at, expires_at)"
    " VALUES (:contact_id, :flow, :step, :data, :status, :now, :now, :expires_at)"
).bindparams(bindparam("data", type_=JsonType), *_times("now", "expires_at"))

END_SESSION = text(
    "UPDATE conversation_session SET status = :status, ended_at = :now, updated_at = :now"
    " WHERE id = :id"
).bindparams(*_times("now"))


def contact_params(message: InboundMessage, now: datetime) -> dict[str, Any]:
    whatsapp = message.channel == WHATSAPP
    return {
        "phone": message.phone,
        "uses_sms": not whatsapp,
        "uses_whatsapp": whatsapp,
        "no": False,
        "name": message.profile_name,
        "last_whatsapp_at": now if whatsapp else None,
        "now": now,
    }


def inbound_params(
    contact_id: int, message: InboundMessage, now: datetime, status: str
) -> dict[str, Any]:
    media = [{"url": x.url, "type": x.content_type} for x in message.media] or None
    return {
        "contact_id": contact_id, "channel": message.channel, "body": message.body,
        "media": media, "sid": message.sid, "status": status, "now": now,
    }


def store_inbound(
    conn: Connection, contact_id: int, message: InboundMessage, now: datetime
) -> tuple[int | None, Row[Any] | None]:
    """Insert the inbound message (unless its MessageSid is stored) and read the
    contact's open session.

    It is stored as handled already: the same transaction handles it, and if handling
    fails the transaction is rolled back and the message stored again as failed.

    Returns:
        (the new message's id, or None when the MessageSid was stored before;
        the open session's row or None).
    """
    params = inbound_params(contact_id, message, now, m.HANDLED)
    if conn.dialect.name == "postgresql":
        row = conn.execute(INSERT_INBOUND_READ_SESSION, params).one()
        return row.inbound_id, (row if row.id is not None else None)
    inbound_id = conn.execute(INSERT_INBOUND, params).scalar()
    if inbound_id is None:
        return None, None
    return inbound_id, conn.execute(OPEN_SESSION, {"contact_id": contact_id}).first()
