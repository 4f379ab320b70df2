"""Handling: a contact's received messages through the engine, one at a time, in order.

Receiving (``bot.inbound``) stores a message as ``received`` and queues
:data:`HANDLE_CONTACT` for its contact; a worker (the in-process runner on the embedded
default) runs :func:`handle_contact`. Each message is one transaction:

1. the contact's handling lock (``inbound_store.lock_contact``): two handlers of one
   resident, on any number of workers and machines, take turns;
2. the contact's oldest ``received`` message: messages are handled in the order they
   were stored, whichever job happens to run;
3. the engine and the effects; the dialog's new state; the replies stored as queued
   outbound rows; the message marked ``handled``; one commit;
4. after the commit, the replies go out as any other message does (every reply, on
   every channel, takes the outbox): the handling job sends them itself
   (``workers.handling.send_replies``: one job per message, not one more per reply);
   called without a sender (the simulator, the terminal chat), it queues their send
   jobs (``bot.outbox.enqueue_sends``).

If the engine or an effect raises, that transaction is rolled back whole and the
message stays ``received`` with one more attempt counted; the contact's later messages
wait behind it, and the sweep queues the handling again. After
``Settings.handling_attempts`` it is marked failed, put in the officers' inbox of the
resident's area (``bot.officers.inbox``: a person reads and answers it), the resident
gets an apology, and the messages behind it go on.

The simulator and ``ksm-bot chat`` store the typed message and call
:func:`handle_contact` themselves (:func:`answer_typed`).
"""
from __future__ import annotations

import logging
import uuid
from datetime import datetime, timedelta
from typing import Any, Callable

from sqlalchemy import Connection
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from bot import clock, effects, sender_limits
from bot import inbound_store as store
from bot.db import is_unavailable
from bot.directory import DbDirectory
from bot.inbound_message import InboundMessage
from bot.models import messaging as m
from bot.officers import inbox
from bot.outbox import enqueue_sends, start_broadcasts
from bot.runtime import Runtime
from bot.usefulness import REPLY, useful_until
from conversations.catalogue import render
from conversations.model import (
    INTERRUPTED,
    PARKED,
    Conversation,
    Dialog,
    Inbound,
    Media,
    Outcome,
    Reply,
)

log = logging.getLogger(__name__)

HANDLE_CONTACT = "workers.handling.handle_contact"
# What a handler does with the ids of the outbound rows a message's handling committed.
SendReplies = Callable[[Runtime, list[int]], None]
# A received message older than this with no handling done: its job was lost (Redis
# down, a worker killed) or its handling failed; the sweep queues it again.
STALE_RECEIVED = timedelta(minutes=1)


def queue_handling(rt: Runtime, contact_id: int) -> None:
    """Queue the handling of ``contact_id``'s received messages; if Redis is down the
    sweep will (:func:`contacts_waiting`)."""
    try:
        rt.jobs.enqueue(HANDLE_CONTACT, contact_id)
    except Exception as exc:  # noqa: BLE001 - the message is stored: the sweep finds it
        log.warning("could not queue handling for contact %s (%s); the sweep will",
                    contact_id, exc)


def handle_contact(rt: Runtime, contact_id: int, send: SendReplies = enqueue_sends) -> int:
    """Handle every message ``contact_id`` has waiting, oldest first; after each
    message's commit, ``send`` its replies (by default: queue their send jobs).

    Returns:
        How many were handled (failed for good included).

    Raises:
        Whatever the database raised when it could not be reached: the messages stay
        received for the next job or the sweep.
    """
    done = 0
    while (outcome := _handle_next_retrying(rt, contact_id, send)) is not None:
        if outcome is False:  # failed, with attempts left: the sweep tries again
            break
        done += 1
    return done


def answer_typed(rt: Runtime, phone: str, body: str, channel: str, source: str) -> list[str]:
    """A message typed by an officer (``ksm-bot chat``, the dashboard simulator) as if
    the resident at ``phone`` had written it by ``channel``: stored, handled at once in
    this process, and its replies returned (they are queued too, as every reply is).
    ``source`` starts its unique key."""
    message = InboundMessage(external_id=source + uuid.uuid4().hex, phone=phone,
                             channel=channel, body=body)
    with rt.db.session() as session:
        contact_id, _ = store.store_received(session.connection(), message, clock.now(rt))
    handle_contact(rt, contact_id)
    with rt.db.session() as session:
        return store.replies_to(session.connection(), message.external_id)


def contacts_waiting(rt: Runtime, now: datetime, limit: int = 5000) -> list[int]:
    """Contacts with a message received before ``now - STALE_RECEIVED`` and not handled."""
    with rt.db.session() as session:
        return store.contacts_with_stale_received(session.connection(),
                                                  now - STALE_RECEIVED, limit)


def _handle_next_retrying(rt: Runtime, contact_id: int, send: SendReplies) -> bool | None:
    for attempt in (1, 2):
        try:
            return _handle_next(rt, contact_id, send)
        except DBAPIError as exc:
            # A connection the server dropped while it sat in the pool shows up here; the
            # transaction was rolled back whole, so one retry on a fresh one is safe.
            if attempt == 2 or not exc.connection_invalidated:
                raise
            log.warning("database connection lost; handling contact %s again", contact_id)
    raise AssertionError("unreachable")


class _HandlingFailed(Exception):
    """The engine or an effect raised: roll the whole transaction back."""

    def __init__(self, message_id: int) -> None:
        super().__init__(message_id)
        self.message_id = message_id


def _handle_next(rt: Runtime, contact_id: int, send: SendReplies) -> bool | None:
    """Handle the contact's oldest received message. Returns None when there is none,
    True when it was handled (or failed for good), False when it failed and waits."""
    queued: list[int] = []
    broadcasts: list[int] = []
    try:
        with rt.db.session() as session:
            conn = session.connection()
            store.lock_contact(conn, contact_id)
            received = store.next_received(conn, contact_id)
            if received is None:
                return None
            contact = store.contact_by_id(conn, contact_id)
            # The message is handled as of when it came: its dialog's timeout, its
            # counts against the sender's limits, the dates it speaks of.
            now = received.created_at
            try:
                limited = sender_limits.verdict(conn, contact.id, now, rt.settings)
                if limited is not None:
                    log.warning("contact %s is over its message limit (%s)", contact.id,
                                limited or "quiet")
                    texts = [render(limited, contact.language)] if limited else []
                else:
                    texts = _run_engine(rt, session, contact, received, now, queued,
                                        broadcasts)
                queued.extend(store.store_replies(conn, contact.id, received, texts, now,
                                                   _reply_useful_until(rt, now)))
                store.mark_handled(conn, received.id, now)
                session.flush()
                if contact.simulated:
                    queued[:] = store.contain_simulated(conn, queued, broadcasts)
            except DBAPIError as exc:
                if exc.connection_invalidated or is_unavailable(exc):
                    raise  # retried by the caller, or left for the sweep
                raise _HandlingFailed(received.id) from exc
            except Exception as exc:
                raise _HandlingFailed(received.id) from exc
    except _HandlingFailed as failed:
        log.exception("handling message %s failed", failed.message_id)
        return _count_failure(rt, failed.message_id, send)
    send(rt, queued)
    if broadcasts:
        start_broadcasts(rt, broadcasts)
    return True


def _reply_useful_until(rt: Runtime, now: datetime) -> datetime:
    """A reply written as of ``now`` (the message's arrival) is stale after this."""
    return useful_until(REPLY, now, rt.settings)


def _count_failure(rt: Runtime, message_id: int, send: SendReplies) -> bool:
    """One more failed attempt at ``message_id``; past the budget it is marked failed
    and the resident gets an apology. Returns whether the contact's queue goes on."""
    now = clock.now(rt)
    queued: list[int] = []
    with rt.db.session() as session:
        conn = session.connection()
        attempts = store.count_failure(conn, message_id, now)
        if attempts is None:  # handled meanwhile by another worker
            return True
        if attempts < rt.settings.handling_attempts:
            return False
        store.mark_handled(conn, message_id, now, m.FAILED_HANDLING)
        received = store.received_by_id(conn, message_id)
        contact = store.contact_by_id(conn, received.contact_id)
        queued = store.store_replies(conn, contact.id, received,
                                     [render("error.internal", contact.language)], now,
                                     _reply_useful_until(rt, now))
        inbox.keep_message(session, message_id, contact.id, now)  # a person reads it
    send(rt, queued)
    return True


def _run_engine(
    rt: Runtime,
    session: Session,
    contact: store.ContactRow,
    received: store.Received,
    now: datetime,
    queued: list[int],
    broadcasts: list[int],
) -> list[str]:
    """Run the engine and effects, and write the dialog's new state; returns the
    reply texts."""
    conn = session.connection()
    open_row = store.open_session(conn, contact.id)
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
        text=received.body,
        channel=received.channel,
        phone=contact.phone,
        media=[Media(x["url"], x["type"]) for x in received.media or ()],
        received_at=now,
        message_id=received.id,
    )
    outcome = rt.engine.handle(conversation, inbound,
                               DbDirectory(session, contact.id, contact.simulated))

    ctx = effects.EffectContext(
        session=session,
        contact_id=contact.id,
        phone=contact.phone,
        channel=received.channel,
        inbound_id=received.id,
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
