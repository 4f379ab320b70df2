"""One inbound message, from Twilio's form to the replies (the webhook's hot path).

1. the message is stored under its MessageSid in the same transaction that locks the
   contact's row, so a retry (or the same request in another process) waits, then
   finds the stored row and returns the stored replies instead of acting again;
2. the engine and effects run in that transaction: if they fail, it is rolled back
   whole and a second one keeps the message, marked failed, and the resident gets an
   apology instead of a 500;
3. one commit stores message, session, effects and replies; messages for other people
   are queued after the commit.

It runs for every message, so it is kept short: SQL written once
(``bot.inbound_sql``), on PostgreSQL two round trips in all (the statements before the
engine, then the writes with the COMMIT).
"""
from __future__ import annotations

import logging
from datetime import datetime, timedelta, timezone
from typing import Any

from sqlalchemy import Connection
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from bot import effects
from bot import inbound_sql as sql
from bot.directory import DbDirectory
from bot.models import messaging as m
from bot.runtime import Runtime
from bot.twilio_form import InboundMessage
from conversations.catalogue import render
from conversations.model import (
    INTERRUPTED,
    Conversation,
    Dialog,
    Inbound,
    Outcome,
    Reply,
)

log = logging.getLogger(__name__)


def receive(rt: Runtime, message: InboundMessage, now: datetime | None = None) -> list[str]:
    """Store ``message``, run the engine once, and return the reply texts.

    A second delivery of the same MessageSid returns the replies stored the first time.
    """
    now = now or datetime.now(timezone.utc)
    for attempt in (1, 2):
        try:
            return _receive(rt, message, now)
        except DBAPIError as exc:
            # The pool does not ping each connection before use (a round trip per
            # message); a connection the server dropped shows up here instead, and
            # receiving is idempotent (MessageSid), so one retry on a fresh one is safe.
            if attempt == 2 or not exc.connection_invalidated:
                raise
            log.warning("database connection lost; retrying message %s", message.sid)
    raise AssertionError("unreachable")


class _HandlingFailed(Exception):
    """The engine or an effect raised: roll the whole transaction back."""


def _receive(rt: Runtime, message: InboundMessage, now: datetime) -> list[str]:
    queued: list[int] = []
    broadcasts: list[int] = []
    try:
        with sql.message_transaction(rt.db) as (session, conn):
            contact, inbound_id, open_row = sql.open_message(conn, message, now)
            if inbound_id is None:
                replies = _stored_replies(conn, message.sid)
                sql.finish(session, conn, [])
                return replies
            try:
                writes: sql.Writes = []
                texts = _handle(
                    rt, session, contact, inbound_id, open_row, message, now, queued, writes,
                    broadcasts,
                )
                sql.finish(session, conn, writes)
            except DBAPIError as exc:
                if exc.connection_invalidated:
                    raise  # receive() retries on a fresh connection
                raise _HandlingFailed() from exc
            except Exception as exc:
                raise _HandlingFailed() from exc
    except _HandlingFailed:
        log.exception("handling message %s failed", message.sid)
        return _store_failed(rt, message, now)
    enqueue_sends(rt, queued)
    if broadcasts:
        from bot.services.notices import start_jobs

        start_jobs(rt, broadcasts)
    return texts


def _store_failed(rt: Runtime, message: InboundMessage, now: datetime) -> list[str]:
    """Keep a message whose handling failed, marked failed, with an apology as reply.

    Its first transaction was rolled back whole (cheaper on the happy path than a
    savepoint around the engine); this one stores what that one would have kept.
    """
    with sql.message_transaction(rt.db) as (session, conn):
        contact, inbound_id, _ = sql.open_message(conn, message, now, m.FAILED_HANDLING)
        if inbound_id is None:  # stored meanwhile by a retry in another process
            replies = _stored_replies(conn, message.sid)
            sql.finish(session, conn, [])
            return replies
        texts = [render("error.internal", contact.language)]
        writes: sql.Writes = []
        _store_replies(writes, contact.id, inbound_id, message.channel, texts, now)
        sql.finish(session, conn, writes)
    return texts


def enqueue_sends(rt: Runtime, message_ids: list[int]) -> None:
    """Push send jobs for stored outbound messages; if Redis is down the sweep will."""
    if not message_ids:
        return
    from workers.outbound import send_message
    from workers.queue import SEND_RETRY

    for message_id in message_ids:
        try:
            rt.jobs.enqueue(send_message, message_id, retry=SEND_RETRY)
        except Exception:  # noqa: BLE001 - the row stays queued; the sweep picks it up
            log.warning("could not enqueue message %s; the sweep will", message_id, exc_info=True)


def _stored_replies(conn: Connection, sid: str) -> list[str]:
    return [row.body for row in sql.STORED_REPLIES.rows(conn, {"sid": sid})]


def _handle(
    rt: Runtime,
    session: Session,
    contact: Any,
    inbound_id: int,
    open_row: Any,
    message: InboundMessage,
    now: datetime,
    queued: list[int],
    writes: sql.Writes,
    broadcasts: list[int] | None = None,
) -> list[str]:
    """Run the engine and effects; the session and reply writes go to ``writes``."""
    dialog = None
    expired = False
    if open_row is not None:
        if open_row.expires_at <= now:
            # At once, not in ``writes``: effects must not see it still active.
            sql.END_SESSION.rows(session.connection(), _ended(open_row.id, m.EXPIRED, now))
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
    results = effects.apply(outcome.effects, ctx) if outcome.effects else {}
    _save_dialog(rt, writes, contact.id, open_row, outcome, now)
    texts = render_replies(outcome.replies, ctx.language, results)
    _store_replies(writes, contact.id, inbound_id, message.channel, texts, now)
    queued.extend(ctx.queued_message_ids)
    if broadcasts is not None:
        broadcasts.extend(ctx.broadcast_ids)
    return texts


def render_replies(replies: list[Reply], language: str, results: dict[str, Any]) -> list[str]:
    """Catalogue texts for ``replies``; effect results fill missing parameters."""
    return [render(r.key, language, **{**results, **r.params}) for r in replies]


def _save_dialog(
    rt: Runtime, writes: sql.Writes, contact_id: int, open_row: Any, outcome: Outcome,
    now: datetime,
) -> None:
    expires = now + timedelta(minutes=rt.settings.session_timeout_minutes)
    new = outcome.dialog
    if open_row is not None:
        continues = new is not None and new.flow == open_row.flow and outcome.ended != INTERRUPTED
        if continues:
            writes.append((sql.UPDATE_SESSION, {
                "id": open_row.id, "step": new.step, "data": new.data, "now": now,
                "expires_at": expires,
            }))
            return
        writes.append((sql.END_SESSION, _ended(open_row.id, outcome.ended, now)))
    if new is not None:
        writes.append((sql.INSERT_SESSION, {
            "contact_id": contact_id, "flow": new.flow, "step": new.step, "data": new.data,
            "status": m.ACTIVE, "now": now, "expires_at": expires,
        }))


def _ended(session_id: int, status: str, now: datetime) -> dict[str, Any]:
    return {"id": session_id, "status": status, "now": now}


def _store_replies(
    writes: sql.Writes, contact_id: int, inbound_id: int, channel: str, texts: list[str],
    now: datetime,
) -> None:
    rows = [
        {"contact_id": contact_id, "channel": channel, "body": text, "reply_to_id": inbound_id,
         "now": now}
        for text in texts
    ]
    if rows:
        # One row (the usual case) as a plain execute: a single prepared statement.
        writes.append((sql.INSERT_REPLY, rows[0] if len(rows) == 1 else rows))
