"""One inbound message, from Twilio's form to the replies (the webhook's hot path).

1. the message is stored under its provider's id (``external_id``) in the same
   transaction that locks the contact's row, so a retry (or the same request in another process) waits, then
   finds the stored row and returns the stored replies instead of acting again;
2. the engine and effects run in that transaction: if they fail, it is rolled back
   whole and a second one keeps the message, marked failed, and the resident gets an
   apology instead of a 500;
3. one commit stores message, session, effects and replies; messages for other people
   are queued after the commit;
4. when the database cannot be reached at all, the message is spooled
   (``bot.spool``) and it is received here later, its replies then sent as messages.

The statements are in ``bot.inbound_store``.
"""
from __future__ import annotations

import logging
import uuid
from datetime import datetime, timedelta, timezone
from typing import Any

from sqlalchemy import Connection
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from bot import effects, sender_limits
from bot import inbound_store as store
from bot.db import is_unavailable
from bot.directory import DbDirectory
from bot.inbound_message import InboundMessage
from bot.models import messaging as m
from bot.outbox import enqueue_sends, start_broadcasts
from bot.providers import provider
from bot.runtime import Runtime
from bot.spool import Spool
from conversations.catalogue import DEFAULT_LANGUAGE, render
from conversations.model import (
    INTERRUPTED,
    PARKED,
    Conversation,
    Dialog,
    Inbound,
    Outcome,
    Reply,
)

log = logging.getLogger(__name__)


def typed_message(phone: str, body: str, channel: str, source: str) -> InboundMessage:
    """A message typed by an officer (``ksm-bot chat``, the dashboard simulator) as if
    the resident at ``phone`` had written it by ``channel`` (SMS or WhatsApp).

    It takes Twilio's path, answered inline, so the engine and the stored replies treat
    it as that channel does; ``source`` starts its unique key.
    """
    return InboundMessage(external_id=source + uuid.uuid4().hex, phone=phone, channel=channel,
                          body=body)


def receive(rt: Runtime, message: InboundMessage, now: datetime | None = None,
            replayed: bool = False) -> list[str]:
    """Store ``message``, run the engine once, and return the reply texts.

    A second delivery of the same message (its ``external_id``) returns the replies
    stored the first time.
    ``replayed``: the message comes from the spool (``bot.spool``), received while the
    database was down. Its replies, like those of a message whose webhook answer cannot
    carry them (the gateway's: its provider's ``replies_inline`` is False), are queued to be
    sent instead of returned: then nothing is returned.
    """
    now = now or datetime.now(timezone.utc)
    if replayed:
        return _receive_retrying(rt, message, now, replayed)
    spool = spool_of(rt)
    if spool.holds(message.phone):  # behind the resident's spooled messages, not before
        return _held(spool, message, now)
    try:
        return _receive_retrying(rt, message, now, replayed)
    except Exception as exc:
        if not is_unavailable(exc):
            raise
        log.warning("database unavailable (%s) for message %s", exc.__class__.__name__,
                    message.external_id)
        return _held(spool, message, now)


def spool_of(rt: Runtime) -> Spool:
    """The process's spool for ``rt`` (made on first use), replaying into :func:`receive`."""
    spool = rt.extras.get("spool")
    if spool is None:
        spool = rt.extras.setdefault("spool", Spool(rt, receive))
    return spool


def _held(spool: Spool, message: InboundMessage, now: datetime) -> list[str]:
    spool.put(message, now)
    # Only an inline answer can tell the resident to wait: nothing can be queued now.
    inline = provider(message.provider).replies_inline
    return [render("inbound.held", DEFAULT_LANGUAGE)] if inline else []


def _receive_retrying(rt: Runtime, message: InboundMessage, now: datetime,
                      replayed: bool) -> list[str]:
    for attempt in (1, 2):
        try:
            return _receive(rt, message, now, replayed)
        except DBAPIError as exc:
            # A connection the server dropped while it sat in the pool shows up here;
            # receiving is idempotent (``external_id``), so one retry on a fresh one is safe.
            if attempt == 2 or not exc.connection_invalidated:
                raise
            log.warning("database connection lost; retrying message %s", message.external_id)
    raise AssertionError("unreachable")


class _HandlingFailed(Exception):
    """The engine or an effect raised: roll the whole transaction back."""


def _receive(rt: Runtime, message: InboundMessage, now: datetime, replayed: bool) -> list[str]:
    # Replies go back in the webhook's answer, or (a replayed message, a channel with no
    # inline answer) are queued and sent as messages.
    queue_replies = replayed or not provider(message.provider).replies_inline
    queued: list[int] = []
    broadcasts: list[int] = []
    try:
        with rt.db.session() as session:
            conn = session.connection()
            contact, inbound_id, open_row = store.open_message(conn, message, now)
            if inbound_id is None and not replayed:
                return [] if queue_replies else store.stored_replies(conn, message.external_id)
            if inbound_id is None:
                # Stored, and spooled all the same: the connection dropped while the
                # COMMIT's answer came back. The resident got only the holding reply, so
                # the replies stored as answered inline are sent as messages.
                texts = []
                queued.extend(store.queue_answered_replies(conn, message.external_id, now))
            elif (limited := sender_limits.verdict(conn, contact.id, now, rt.settings)) is not None:
                log.warning("contact %s is over its message limit (%s)", contact.id,
                            limited or "quiet")
                texts = [render(limited, contact.language)] if limited else []
                queued.extend(store.store_replies(conn, contact.id, inbound_id, message, texts,
                                                  now, queue_replies))
            else:
                try:
                    texts = _handle(rt, session, contact, inbound_id, open_row, message, now,
                                    queued, broadcasts)
                    queued.extend(store.store_replies(conn, contact.id, inbound_id,
                                                      message, texts, now, queue_replies))
                    session.flush()
                    if contact.simulated:
                        queued[:] = store.contain_simulated(conn, queued, broadcasts)
                except DBAPIError as exc:
                    if exc.connection_invalidated or is_unavailable(exc):
                        raise  # retried, or spooled, by the caller
                    raise _HandlingFailed() from exc
                except Exception as exc:
                    raise _HandlingFailed() from exc
    except _HandlingFailed:
        log.exception("handling message %s failed", message.external_id)
        return _store_failed(rt, message, now, queue_replies)
    enqueue_sends(rt, queued)
    if broadcasts:
        start_broadcasts(rt, broadcasts)
    return [] if queue_replies else texts


def _store_failed(rt: Runtime, message: InboundMessage, now: datetime,
                  queue_replies: bool) -> list[str]:
    """Keep a message whose handling failed, marked failed, with an apology as reply.

    Its first transaction was rolled back whole (cheaper on the happy path than a
    savepoint around the engine); this one stores what that one would have kept.
    """
    queued: list[int] = []
    with rt.db.session() as session:
        conn = session.connection()
        contact, inbound_id, _ = store.open_message(conn, message, now, m.FAILED_HANDLING)
        if inbound_id is None:  # stored meanwhile by a retry in another process
            return [] if queue_replies else store.stored_replies(conn, message.external_id)
        texts = [render("error.internal", contact.language)]
        queued = store.store_replies(conn, contact.id, inbound_id, message, texts,
                                     now, queue_replies)
    enqueue_sends(rt, queued)
    return [] if queue_replies else texts


def _handle(
    rt: Runtime,
    session: Session,
    contact: store.ContactRow,
    inbound_id: int,
    open_row: Any,
    message: InboundMessage,
    now: datetime,
    queued: list[int],
    broadcasts: list[int],
) -> list[str]:
    """Run the engine and effects, and write the dialog's new state; returns the
    reply texts."""
    conn = session.connection()
    dialog = None
    expired = False
    if open_row is not None:
        if open_row.expires_at <= now:
            store.end_session(conn, open_row.id, m.EXPIRED, now)
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
    outcome = rt.engine.handle(conversation, inbound, DbDirectory(session, contact.id, contact.simulated))

    ctx = effects.EffectContext(
        session=session,
        contact_id=contact.id,
        phone=contact.phone,
        channel=message.channel,
        inbound_id=inbound_id,
        now=now,
        language=contact.language,
        opted_out=contact.opted_out,
        simulated=contact.simulated,
        settings=rt.settings,
    )
    results = effects.apply(outcome.effects, ctx) if outcome.effects else {}
    session.flush()
    _save_dialog(rt, conn, contact.id, open_row, outcome, now)
    queued.extend(ctx.queued_message_ids)
    broadcasts.extend(ctx.broadcast_ids)
    return render_replies(outcome.replies, ctx.language, results)


def render_replies(replies: list[Reply], language: str, results: dict[str, Any]) -> list[str]:
    """Catalogue texts for ``replies``; effect results fill missing parameters."""
    return [render(r.key, language, **{**results, **r.params}) for r in replies]


def _save_dialog(
    rt: Runtime, conn: Connection, contact_id: int, open_row: Any, outcome: Outcome,
    now: datetime,
) -> None:
    expires = now + timedelta(minutes=rt.settings.session_timeout_minutes)
    new = outcome.dialog
    if open_row is not None:
        continues = (new is not None and new.flow == open_row.flow
                     and outcome.ended not in (INTERRUPTED, PARKED))
        if continues:
            store.update_session(conn, open_row.id, new.step, new.data, now, expires)
            return
        store.end_session(conn, open_row.id, outcome.ended, now)
    if new is not None:
        store.insert_session(conn, contact_id, new.flow, new.step, new.data, now, expires)
