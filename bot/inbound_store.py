"""The statements of receiving (``bot.inbound``) and handling
(``bot.messaging.handling``) a message.

Every statement here is SQLAlchemy Core built from the models' tables, the same on
PostgreSQL and SQLite: the one data path of the project, so a column's Python-side
default applies here as everywhere else. Receiving costs, in one transaction: the
contact upsert, the contact's id, the inbound insert, and the commit. Handling costs,
in another: the contact's lock, the oldest received message, the contact, the open
session, then what the engine decided (effects, session, replies, the message marked
handled) and the commit.

There was hand-written SQL on raw libpq here once, two round trips per message. It
shared the connection with psycopg, whose ``DEALLOCATE ALL`` after any rollback dropped
its prepared statements behind its back: the next message on that connection failed.
psycopg now prepares the frequent statements itself (after five runs on a connection)
and knows when they are gone.

How to add a field:
- to the contact or the message: add the column to the model and an Alembic migration;
  if the hot path must set it from the inbound message, add it to
  :func:`contact_values` or :func:`message_values` (otherwise the column's default
  applies);
- to what the flows read of the contact: add it to ``_CONTACT_READ`` and
  :class:`ContactRow`.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Connection, and_, bindparam, exists, func, insert, select, union_all, update
from sqlalchemy.dialects import postgresql, sqlite

from bot.inbound_message import InboundMessage
from bot.models import BroadcastSend, Contact, ConversationSession, Message
from bot.models import broadcast as b
from bot.models import messaging as m
from conversations.model import WHATSAPP

_contact = Contact.__table__
_message = Message.__table__
_session = ConversationSession.__table__

# A contact row is rewritten only when something changed or its times are this old:
# rewriting it on every message left each contact a chain of dead row versions that
# every look-up walked. A WhatsApp window start recorded this much early only closes
# the window that much early.
TOUCH_EVERY = timedelta(minutes=10)


@dataclass(frozen=True)
class ContactRow:
    """What the hot path needs of the contact."""

    id: int
    language: str
    opted_out: bool
    phone: str
    simulated: bool = False


_CONTACT_READ = select(_contact.c.id, _contact.c.language, _contact.c.opted_out,
                       _contact.c.phone, _contact.c.simulated)
_OPEN_SESSION = (
    select(_session.c.id, _session.c.flow, _session.c.step, _session.c.data,
           _session.c.expires_at)
    .where(_session.c.status == m.ACTIVE)
)


def contact_values(message: InboundMessage, now: datetime) -> dict[str, Any]:
    """The contact's columns as this message sets them."""
    whatsapp = message.channel == WHATSAPP
    return {
        "phone": message.phone,
        "uses_sms": not whatsapp,
        "uses_whatsapp": whatsapp,
        "name": message.profile_name,
        "last_whatsapp_at": now if whatsapp else None,
        "last_seen_at": now,
        "created_at": now,
    }


def message_values(contact_id: int, message: InboundMessage, now: datetime,
                   status: str) -> dict[str, Any]:
    """The inbound message's row."""
    media = [{"url": x.url, "type": x.content_type} for x in message.media] or None
    return {
        "contact_id": contact_id, "direction": m.IN, "channel": message.channel,
        "body": message.body, "media": media, "external_id": message.external_id, "status": status,
        "attempts": 0, "created_at": now, "updated_at": now,
        "provider": message.provider, "device_id": message.device_id,
    }


def _upsert(insert_of: Any) -> Any:
    return _upsert_of(insert_of(_contact))


def _upsert_of(stmt: Any) -> Any:
    """Create the contact, or lock (and, when due, touch) the one with this phone.

    On PostgreSQL ON CONFLICT DO UPDATE locks the row even when its WHERE is false, so
    every message of one contact (and a retry of the same MessageSid in another
    process) waits here for the one before to commit. SQLite's write lock (BEGIN
    IMMEDIATE) orders everything anyway.
    """
    excluded = stmt.excluded
    old = bindparam("touch_before", type_=_contact.c.last_seen_at.type)
    return stmt.on_conflict_do_update(
        index_elements=[_contact.c.phone],
        set_={
            "last_seen_at": excluded.last_seen_at,
            "invalid_number": False,
            "uses_sms": _contact.c.uses_sms | excluded.uses_sms,
            "uses_whatsapp": _contact.c.uses_whatsapp | excluded.uses_whatsapp,
            "last_whatsapp_at": func.coalesce(excluded.last_whatsapp_at,
                                              _contact.c.last_whatsapp_at),
        },
        where=(
            _contact.c.invalid_number
            | (excluded.uses_sms & ~_contact.c.uses_sms)
            | (excluded.uses_whatsapp & ~_contact.c.uses_whatsapp)
            | (_contact.c.last_seen_at < old)
            | and_(excluded.last_whatsapp_at.is_not(None),
                   func.coalesce(_contact.c.last_whatsapp_at, old) <= old)
        ),
    )


def _store_inbound(insert_of: Any) -> Any:
    return (insert_of(_message).on_conflict_do_nothing(index_elements=[_message.c.external_id])
            .returning(_message.c.id))


# The hot path's statements are built once, per dialect, and run with parameters:
# building an upsert with its ``excluded`` columns cost more Python than running it,
# and a statement built once is one entry of SQLAlchemy's compiled cache.
_UPSERT_CONTACT = {"postgresql": _upsert(postgresql.insert), "sqlite": _upsert(sqlite.insert)}
_STORE_INBOUND = {"postgresql": _store_inbound(postgresql.insert),
                  "sqlite": _store_inbound(sqlite.insert)}
_CONTACT_ID_BY_PHONE = select(_contact.c.id).where(_contact.c.phone == bindparam("phone"))


def _receive_in_one_statement() -> Any:
    """PostgreSQL: the contact's upsert, its id and the inbound insert as one statement
    (one round trip instead of three; the receiving webhook's hot path). It returns no
    row when the message is stored already (a retry) or when the contact's row came
    from a transaction that committed while this statement waited for it (a new
    resident's first two messages at once): :func:`store_received` then takes the
    steps one by one."""
    contact_keys = list(contact_values(_SAMPLE, _EPOCH))
    values = {key: bindparam("c_" + key, type_=_contact.c[key].type) for key in contact_keys}
    # The columns' scalar defaults, written out: a CTE's INSERT gets no Python defaults.
    values.update({col.key: col.default.arg for col in _contact.c
                   if col.key not in values and col.default is not None
                   and col.default.is_scalar})
    upserted = _upsert_of(postgresql.insert(_contact).values(values)).returning(_contact.c.id).cte("up")
    contact = union_all(
        select(upserted.c.id),
        select(_contact.c.id).where(_contact.c.phone == bindparam("c_phone"),
                                    ~exists(select(upserted.c.id))),
    ).subquery("found")
    message_keys = [k for k in message_values(0, _SAMPLE, _EPOCH, m.RECEIVED) if k != "contact_id"]
    row = select(contact.c.id, *[bindparam("m_" + k, type_=_message.c[k].type)
                                 for k in message_keys])
    return (postgresql.insert(_message).from_select(["contact_id", *message_keys], row)
            .add_cte(upserted)
            .on_conflict_do_nothing(index_elements=[_message.c.external_id])
            .returning(_message.c.id, _message.c.contact_id))
_OPEN_SESSION_OF = _OPEN_SESSION.where(_session.c.contact_id == bindparam("contact_id"))
_UPDATE_SESSION = update(_session).where(_session.c.id == bindparam("session_id"))
_INSERT_SESSION = insert(_session)


def store_new(conn: Connection, message: InboundMessage, now: datetime) -> int | None:
    """PostgreSQL: the contact's upsert and ``message`` stored as received in one
    statement, which needs no transaction around it (the webhook runs it in
    autocommit: no BEGIN and COMMIT round trips). The contact's id, or None when the
    statement stored nothing: a retry, or a new resident's first two messages at once;
    :func:`store_received` then settles it in a transaction."""
    row = conn.execute(_RECEIVE_PG, {
        **{"c_" + k: v for k, v in contact_values(message, now).items()},
        **{"m_" + k: v for k, v in message_values(0, message, now, m.RECEIVED).items()},
        "touch_before": now - TOUCH_EVERY}).first()
    return None if row is None else row.contact_id


def store_received(conn: Connection, message: InboundMessage, now: datetime) -> tuple[int, bool]:
    """Create or lock the contact and store ``message`` as received, unless its
    ``external_id`` is stored already (a retried webhook, a replayed spool entry).

    Returns:
        (the contact's id; whether the message waits to be handled: the new one, or one
        stored before whose handling has not run yet).
    """
    if conn.dialect.name == "postgresql" and (contact_id := store_new(conn, message, now)) is not None:
        return contact_id, True
    return store_in_steps(conn, message, now)


def store_in_steps(conn: Connection, message: InboundMessage, now: datetime) -> tuple[int, bool]:
    """:func:`store_received` one statement at a time (in a transaction): on SQLite, and
    on PostgreSQL when :func:`store_new` stored nothing."""
    dialect = conn.dialect.name
    conn.execute(_UPSERT_CONTACT[dialect],
                 {**contact_values(message, now), "touch_before": now - TOUCH_EVERY})
    contact_id = conn.execute(_CONTACT_ID_BY_PHONE, {"phone": message.phone}).scalar_one()
    inbound_id = conn.execute(_STORE_INBOUND[dialect],
                              message_values(contact_id, message, now, m.RECEIVED)).scalar()
    if inbound_id is not None:
        return contact_id, True
    status = conn.execute(select(_message.c.status)
                          .where(_message.c.external_id == message.external_id)).scalar()
    return contact_id, status == m.RECEIVED


@dataclass(frozen=True)
class Received:
    """A stored inbound message waiting to be handled."""

    id: int
    body: str
    channel: str
    media: list[dict[str, Any]] | None
    created_at: datetime
    provider: str | None
    device_id: str | None
    attempts: int


_NEXT_RECEIVED = (
    select(_message.c.id, _message.c.body, _message.c.channel, _message.c.media,
           _message.c.created_at, _message.c.provider, _message.c.device_id,
           _message.c.attempts)
    .where(_message.c.contact_id == bindparam("contact_id"),
           _message.c.status == m.RECEIVED, _message.c.direction == m.IN)
    .order_by(_message.c.id).limit(1)
)
_CONTACT_BY_ID = _CONTACT_READ.where(_contact.c.id == bindparam("contact_id"))
# The key space of the handling lock (PostgreSQL advisory locks are two int4s).
_HANDLING_LOCK = 0x6B736D  # "ksm"


_LOCK_CONTACT = select(func.pg_advisory_xact_lock(_HANDLING_LOCK, bindparam("contact_id")))
# Built once: the handling of every message runs these (no statement to build and no
# cache key to compute each time).
_MARK_HANDLED = (update(_message).where(_message.c.id == bindparam("message_id"))
                 .values(status=bindparam("new_status"), updated_at=bindparam("now")))
_STORE_REPLY = insert(_message).returning(_message.c.id)  # the values: the row's columns


def lock_contact(conn: Connection, contact_id: int) -> None:
    """Hold the contact's handling lock until this transaction ends.

    On PostgreSQL an advisory transaction lock on the contact's id: a second handler of
    the same contact, on any worker or machine, waits here. The webhook does not take it,
    so storing a message never waits for one being handled. SQLite's write lock (BEGIN
    IMMEDIATE) orders every writer anyway.
    """
    if conn.dialect.name == "postgresql":
        conn.execute(_LOCK_CONTACT, {"contact_id": contact_id})


def next_received(conn: Connection, contact_id: int) -> Received | None:
    """The contact's oldest message still waiting to be handled."""
    row = conn.execute(_NEXT_RECEIVED, {"contact_id": contact_id}).first()
    return None if row is None else Received(**row._asdict())


def contact_by_id(conn: Connection, contact_id: int) -> ContactRow:
    row = conn.execute(_CONTACT_BY_ID, {"contact_id": contact_id}).one()
    return ContactRow(row.id, row.language, row.opted_out, row.phone, row.simulated)


def open_session(conn: Connection, contact_id: int) -> Any:
    """The contact's open dialog's row, or None."""
    return conn.execute(_OPEN_SESSION_OF, {"contact_id": contact_id}).first()


def mark_handled(conn: Connection, message_id: int, now: datetime,
                 status: str = m.HANDLED) -> None:
    conn.execute(_MARK_HANDLED, {"message_id": message_id, "new_status": status, "now": now})


def count_failure(conn: Connection, message_id: int, now: datetime) -> int | None:
    """One more failed handling of a received message; its attempts so far, or None when
    it is no longer waiting."""
    return conn.execute(
        update(_message).where(_message.c.id == message_id, _message.c.status == m.RECEIVED)
        .values(attempts=_message.c.attempts + 1, updated_at=now)
        .returning(_message.c.attempts)
    ).scalar()


def received_by_id(conn: Connection, message_id: int) -> Any:
    """An inbound message's row (what a reply to it copies), with its contact."""
    return conn.execute(select(_message).where(_message.c.id == message_id)).one()


def contacts_with_stale_received(conn: Connection, before: datetime, limit: int) -> list[int]:
    """Contacts with a message received before ``before`` and still not handled."""
    return list(conn.scalars(
        select(_message.c.contact_id)
        .where(_message.c.status == m.RECEIVED, _message.c.direction == m.IN,
               _message.c.created_at < before)
        .group_by(_message.c.contact_id).order_by(func.min(_message.c.id)).limit(limit)
    ))


def replies_to(conn: Connection, external_id: str) -> list[str]:
    """The replies stored for the inbound message ``external_id``."""
    inbound = _message.alias("inbound")
    return list(conn.scalars(
        select(_message.c.body)
        .join(inbound, _message.c.reply_to_id == inbound.c.id)
        .where(inbound.c.external_id == external_id, _message.c.kind == "reply")
        .order_by(_message.c.id)
    ))


def store_replies(conn: Connection, contact_id: int, received: Received, texts: list[str],
                  now: datetime, expires_at: datetime | None = None) -> list[int]:
    """Store the reply texts as queued, on the channel, provider and device the message
    ``received`` came by, not to be sent after ``expires_at`` (``bot.usefulness``);
    returns their ids, in order, for the send jobs."""
    return [
        conn.execute(_STORE_REPLY, {
            "contact_id": contact_id, "direction": m.OUT, "channel": received.channel,
            "body": text, "status": m.QUEUED, "reply_to_id": received.id, "kind": "reply",
            "attempts": 0, "created_at": now, "updated_at": now, "expires_at": expires_at,
            "provider": received.provider, "device_id": received.device_id}).scalar_one()
        for text in texts
    ]


def update_session(conn: Connection, session_id: int, step: str, data: dict[str, Any],
                   now: datetime, expires_at: datetime) -> None:
    conn.execute(_UPDATE_SESSION, {"session_id": session_id, "step": step, "data": data,
                                   "updated_at": now, "expires_at": expires_at})


def insert_session(conn: Connection, contact_id: int, flow: str, step: str,
                   data: dict[str, Any], now: datetime, expires_at: datetime) -> None:
    conn.execute(_INSERT_SESSION, {
        "contact_id": contact_id, "flow": flow, "step": step, "data": data, "status": m.ACTIVE,
        "created_at": now, "updated_at": now, "expires_at": expires_at})


def end_session(conn: Connection, session_id: int, status: str, now: datetime) -> None:
    conn.execute(_UPDATE_SESSION, {"session_id": session_id, "status": status,
                                   "ended_at": now, "updated_at": now})


def contain_simulated(conn: Connection, message_ids: list[int],
                      broadcast_ids: list[int]) -> list[int]:
    """What a simulated contact's message set off, kept from real phones.

    Outbound messages and broadcast rows for contacts that are not simulated (a real
    leader told of a simulated member, a real number invited by a simulated leader) are
    marked skipped. Returns the message ids still to be sent (to simulated contacts,
    where the send job skips them too, so the simulator shows them).
    """
    real = select(_contact.c.id).where(_contact.c.simulated.is_(False))
    if message_ids:
        conn.execute(update(_message)
                     .where(_message.c.id.in_(message_ids), _message.c.contact_id.in_(real))
                     .values(status=m.SKIPPED))
    if broadcast_ids:
        sends = BroadcastSend.__table__
        conn.execute(update(sends)
                     .where(sends.c.broadcast_id.in_(broadcast_ids),
                            sends.c.status == b.PENDING, sends.c.contact_id.in_(real))
                     .values(status=b.SKIPPED))
    if not message_ids:
        return []
    return list(conn.execute(select(_message.c.id).where(
        _message.c.id.in_(message_ids), _message.c.status == m.QUEUED)).scalars())


_SAMPLE = InboundMessage(external_id="", phone="", channel="sms", body="")
_EPOCH = datetime(2000, 1, 1)
_RECEIVE_PG = _receive_in_one_statement()
