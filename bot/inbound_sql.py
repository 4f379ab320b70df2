"""The statements of the inbound hot path (``bot.inbound``), written once as SQL.

Every message runs these, so they are built once at import (no per-request statement
construction), return what the next step needs (RETURNING), and are few: a message
costs BEGIN, the contact upsert, the inbound insert with the open-session read
(:func:`open_message`), then the session and reply writes and COMMIT (:func:`finish`).
On PostgreSQL each of those two groups is one round trip of prepared statements
(``bot.statements``, ``bot.pg_pipeline``). SQLite (3.35+) runs the same SQL through
SQLAlchemy one statement at a time, except the combined insert-and-read, which it
cannot do in one statement.
"""
from __future__ import annotations

from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any, Iterator

import psycopg
from sqlalchemy import Boolean, Connection, Integer, String
from sqlalchemy.orm import Session

from bot.models import messaging as m
from bot.models.base import JsonType, UtcDateTime
from bot.pg_pipeline import run
from bot.statements import Statement, driver_of
from conversations.model import WHATSAPP

if TYPE_CHECKING:
    from bot.db import Database
    from bot.inbound import InboundMessage


# Creates the contact, or updates the one with this phone.
_UPSERT_CONTACT = (
    "INSERT INTO contact (phone, language, uses_sms, uses_whatsapp, opted_out,"
    " invalid_number, name, last_whatsapp_at, last_seen_at, created_at)"
    " VALUES (:phone, 'id', :uses_sms, :uses_whatsapp, :no, :no, :name, :last_whatsapp_at,"
    " :now, :now)"
    " ON CONFLICT (phone) DO UPDATE SET last_seen_at = excluded.last_seen_at,"
    " invalid_number = excluded.invalid_number,"
    " uses_sms = contact.uses_sms OR excluded.uses_sms,"
    " uses_whatsapp = contact.uses_whatsapp OR excluded.uses_whatsapp,"
    " last_whatsapp_at = COALESCE(excluded.last_whatsapp_at, contact.last_whatsapp_at)"
)
_CONTACT_TYPES = {"times": ("last_whatsapp_at", "now"),
                  "booleans": ("uses_sms", "uses_whatsapp", "no")}

# SQLite: creates or touches the contact. (SQLite's write lock orders everything.)
UPSERT_CONTACT = Statement(
    _UPSERT_CONTACT + " RETURNING id, language, opted_out, phone", **_CONTACT_TYPES,
    id=Integer, language=String, opted_out=Boolean, phone=String,
)

# PostgreSQL: creates or locks the contact; the row lock orders every message of one
# contact (and a retry of the same MessageSid) one after the other. The row is
# rewritten only when something changed or its times are over 10 minutes old: ON
# CONFLICT DO UPDATE locks the row even when its WHERE is false, which is all the
# ordering needs. Rewriting a contact on every message left each of them a chain of
# dead row versions that every look-up walked. A WhatsApp window start recorded up to
# 10 minutes early only closes the window that much early. It returns nothing: the
# next statement reads the contact (after the lock).
LOCK_CONTACT = Statement(
    _UPSERT_CONTACT
    + " WHERE contact.invalid_number"
    " OR (excluded.uses_sms AND NOT contact.uses_sms)"
    " OR (excluded.uses_whatsapp AND NOT contact.uses_whatsapp)"
    " OR contact.last_seen_at < excluded.last_seen_at - interval '10 minutes'"
    " OR contact.last_whatsapp_at < excluded.last_whatsapp_at - interval '10 minutes'"
    " OR (contact.last_whatsapp_at IS NULL AND excluded.last_whatsapp_at IS NOT NULL)",
    **_CONTACT_TYPES,
)

_INSERT_INBOUND = (
    "INSERT INTO message (contact_id, direction, channel, body, media, twilio_sid, status,"
    " attempts, created_at, updated_at)"
    f" VALUES (:contact_id, '{m.IN}', :channel, :body, :media, :sid, :status, 0, :now, :now)"
    " ON CONFLICT (twilio_sid) DO NOTHING RETURNING id"
)
INSERT_INBOUND = Statement(_INSERT_INBOUND, json=("media",), times=("now",), id=Integer)

_SESSION_COLUMNS = {
    "id": Integer, "flow": String, "step": String, "data": JsonType, "expires_at": UtcDateTime,
}
# PostgreSQL: read the contact, store the inbound message and read the contact's open
# session. It is sent in the same round trip as LOCK_CONTACT, so it finds the contact
# by phone. Its snapshot is taken after that statement has locked the contact, so it
# sees the contact and any session as committed by an earlier message of the contact.
# The session (one at most: a unique index) is read by a LATERAL ... LIMIT 1, which the
# planner cannot flatten into a join, so every plan looks it up by contact, the generic
# one a process keeps from a new deployment's empty tables included. A plain LEFT JOIN
# was planned there as a scan of every open session, filtered afterwards
# (tests/test_query_plans.py).
INSERT_INBOUND_READ_SESSION = Statement(
    "WITH c AS (SELECT id, language, opted_out, phone FROM contact WHERE phone = :phone),"
    " inbound AS (INSERT INTO message (contact_id, direction, channel, body, media,"
    " twilio_sid, status, attempts, created_at, updated_at)"
    f" SELECT c.id, '{m.IN}', :channel, :body, :media, :sid, :status, 0, :now, :now FROM c"
    " ON CONFLICT (twilio_sid) DO NOTHING RETURNING id)"
    " SELECT c.id AS contact_id, c.language, c.opted_out, c.phone,"
    " (SELECT id FROM inbound) AS inbound_id, s.id, s.flow, s.step, s.data,"
    " s.expires_at FROM c LEFT JOIN LATERAL (SELECT id, flow, step, data, expires_at"
    " FROM conversation_session"
    f" WHERE contact_id = c.id AND status = '{m.ACTIVE}' LIMIT 1) AS s ON true",
    json=("media",), times=("now",), contact_id=Integer, language=String, opted_out=Boolean,
    phone=String, inbound_id=Integer, **_SESSION_COLUMNS,
)


@dataclass(frozen=True)
class ContactRow:
    """What the hot path needs of the contact."""

    id: int
    language: str
    opted_out: bool
    phone: str


OPEN_SESSION = Statement(
    "SELECT id, flow, step, data, expires_at FROM conversation_session"
    f" WHERE contact_id = :contact_id AND status = '{m.ACTIVE}'",
    **_SESSION_COLUMNS,
)

STORED_REPLIES = Statement(
    "SELECT reply.body FROM message AS reply JOIN message AS inbound"
    " ON reply.reply_to_id = inbound.id"
    " WHERE inbound.twilio_sid = :sid AND reply.kind = 'reply' ORDER BY reply.id",
    body=String,
)

INSERT_REPLY = Statement(
    "INSERT INTO message (contact_id, direction, channel, body, status, reply_to_id, kind,"
    " attempts, created_at, updated_at)"
    f" VALUES (:contact_id, '{m.OUT}', :channel, :body, '{m.ANSWERED}', :reply_to_id,"
    " 'reply', 0, :now, :now)",
    times=("now",),
)

UPDATE_SESSION = Statement(
    "UPDATE conversation_session SET step = :step, data = :data, updated_at = :now,"
    " expires_at = :expires_at WHERE id = :id",
    json=("data",), times=("now", "expires_at"),
)

INSERT_SESSION = Statement(
    "INSERT INTO conversation_session (contact_id, flow, step, data, status, created_at,"
    " updated_at, expires_at)"
    " VALUES (:contact_id, :flow, :step, :data, :status, :now, :now, :expires_at)",
    json=("data",), times=("now", "expires_at"),
)

END_SESSION = Statement(
    "UPDATE conversation_session SET status = :status, ended_at = :now, updated_at = :now"
    " WHERE id = :id",
    times=("now",),
)


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
    contact_id: int | None, message: InboundMessage, now: datetime, status: str
) -> dict[str, Any]:
    media = [{"url": x.url, "type": x.content_type} for x in message.media] or None
    return {
        "contact_id": contact_id, "channel": message.channel, "body": message.body,
        "media": media, "sid": message.sid, "status": status, "now": now,
    }


def open_message(
    conn: Connection, message: InboundMessage, now: datetime, status: str = m.HANDLED
) -> tuple[Any, int | None, Any]:
    """Create or lock the contact, insert the inbound message unless its MessageSid is
    stored, and read the contact's open session.

    The message is stored with its final ``status`` at once (handled): the same
    transaction handles it, and if handling fails that transaction is rolled back and
    the message stored again, as failed.

    Returns:
        (the contact's row; the new message's id, or None when the MessageSid was
        stored before; the open session's row or None).
    """
    contact_p = contact_params(message, now)
    if conn.dialect.name != "postgresql":
        contact = UPSERT_CONTACT.first(conn, contact_p)
        inserted = INSERT_INBOUND.first(conn, inbound_params(contact.id, message, now, status))
        if inserted is None:
            return contact, None, None
        return contact, inserted.id, OPEN_SESSION.first(conn, {"contact_id": contact.id})
    params = inbound_params(None, message, now, status)
    params["phone"] = message.phone
    with driver_of(conn) as driver:
        # BEGIN here (see message_transaction()): one round trip for all three.
        _, _, (row,) = run(driver, [
            (b"BEGIN", None),
            *LOCK_CONTACT.commands(contact_p),
            *INSERT_INBOUND_READ_SESSION.commands(params),
        ])
    contact = ContactRow(row.contact_id, row.language, row.opted_out, row.phone)
    return contact, row.inbound_id, (row if row.id is not None else None)


Writes = list[tuple[Statement, Any]]


def finish(session: Session, conn: Connection, writes: Writes) -> None:
    """Run ``writes`` and, on PostgreSQL, commit in the same round trip (on SQLite
    :func:`message_transaction` commits when it ends).

    Anything an effect left pending in the ORM session is flushed first (a session
    nobody used costs nothing here).
    """
    session.flush()
    if conn.dialect.name != "postgresql":
        for statement, params in writes:
            statement.rows(conn, params)
        return
    commands = [c for statement, params in writes for c in statement.commands(params)]
    with driver_of(conn) as driver:
        run(driver, [*commands, (b"COMMIT", None)])


@contextmanager
def message_transaction(db: Database) -> Iterator[tuple[Session, Connection]]:
    """An ORM session and its connection for one inbound message's transaction, which
    :func:`open_message` begins and :func:`finish` commits; an exception rolls it back.

    On PostgreSQL the connection is in autocommit mode for psycopg and the transaction
    is begun and committed by explicit statements sent in the round trips of
    :func:`open_message` and :func:`finish`: psycopg's own BEGIN would cost a round
    trip of its own. Effects and look-ups use the session as usual; their statements
    run inside that transaction.
    """
    if db.is_sqlite:
        with db.sessions() as session, session.begin():
            yield session, session.connection()
        return
    assert db.autocommit_engine is not None
    with db.autocommit_engine.connect() as conn:
        session = Session(bind=conn, expire_on_commit=False)
        try:
            yield session, conn
        except BaseException:
            _rollback(conn)
            raise
        finally:
            session.close()


def _rollback(conn: Connection) -> None:
    if conn.invalidated:
        return
    driver = conn.connection.driver_connection
    if driver.closed or driver.info.transaction_status == psycopg.pq.TransactionStatus.IDLE:
        return
    try:
        driver.rollback()
    except psycopg.Error as exc:  # the connection is gone: the server rolled back
        conn.invalidate(exc)
