"""Receiving: one inbound message stored, its handling queued (the webhooks' hot path).

Receiving is only receiving, as in RapidPro's courier. A webhook checks the signature,
parses the provider's request into one :class:`InboundMessage`, and calls
:func:`receive`:

1. the message is stored as ``received`` under its provider's id (``external_id``), in
   one short transaction with the contact's upsert; a second delivery of the same id
   stores nothing;
2. after the commit the contact's handling is queued
   (``bot.messaging.handling.queue_handling``); if Redis is down the sweep queues it;
3. the webhook answers the provider at once (Twilio: an empty TwiML). The engine never
   runs in the webhook's process: every reply is a queued outbound message.

When the database cannot be reached at all, the message is spooled (``bot.spool``) and
received here later. The statements are in ``bot.inbound_store``.
"""
from __future__ import annotations

import logging
from datetime import datetime, timezone

from sqlalchemy.exc import DBAPIError

from bot import inbound_store as store
from bot.db import is_unavailable
from bot.inbound_message import InboundMessage
from bot.messaging.handling import queue_handling
from bot.runtime import Runtime
from bot.spool import Spool

log = logging.getLogger(__name__)


def receive(rt: Runtime, message: InboundMessage, now: datetime | None = None,
            replayed: bool = False) -> None:
    """Store ``message`` and queue its handling, or spool it while the database is down.

    ``replayed``: the message comes from the spool (``bot.spool``); a failure to store it
    is then raised, and the spool keeps it.
    """
    now = now or datetime.now(timezone.utc)
    if replayed:
        _store_and_queue(rt, message, now)
        return
    spool = spool_of(rt)
    if spool.holds(message.phone):  # behind the resident's spooled messages, not before
        spool.put(message, now)
        return
    try:
        _store_and_queue(rt, message, now)
    except Exception as exc:
        if not is_unavailable(exc):
            raise
        log.warning("database unavailable (%s) for message %s", exc.__class__.__name__,
                    message.external_id)
        spool.put(message, now)


def spool_of(rt: Runtime) -> Spool:
    """The process's spool for ``rt`` (made on first use), replaying into :func:`receive`."""
    spool = rt.extras.get("spool")
    if spool is None:
        spool = rt.extras.setdefault("spool", Spool(rt, receive))
    return spool


def _store_and_queue(rt: Runtime, message: InboundMessage, now: datetime) -> None:
    for attempt in (1, 2):
        try:
            # Connections, not an ORM session: receiving is Core statements only. On
            # PostgreSQL a new message is one statement in autocommit (one round trip);
            # a retry, or a new resident's first two messages at once, takes the steps
            # in a transaction.
            contact_id = None
            if not rt.db.is_sqlite:
                with rt.db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                    contact_id = store.store_new(conn, message, now)
            if contact_id is None:
                with rt.db.engine.begin() as conn:
                    contact_id, waiting = store.store_in_steps(conn, message, now)
            else:
                waiting = True
            break
        except DBAPIError as exc:
            # A connection the server dropped while it sat in the pool shows up here;
            # storing is idempotent (``external_id``), so one retry on a fresh one is safe.
            if attempt == 2 or not exc.connection_invalidated:
                raise
            log.warning("database connection lost; storing message %s again",
                        message.external_id)
    if waiting:
        queue_handling(rt, contact_id)
