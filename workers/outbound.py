"""The send job: one stored outbound message through the sender, at most once per claim.

Life of an outbound message row (statuses in ``bot/models/messaging.py``)::

    queued --claim--> claimed --commit, then the HTTP call--> sending --> sent
      ^  ^               |                                      |   \\-> failed (permanent
      |  |  lease over:  |                                      |         error, or budget)
      |  +-- never called (sweep)         lease over (sweep):   +--> unknown (an officer
      |                                   maybe sent, not resent        decides)
      +-- retryable error: next_attempt_at = now + BACKOFF[attempts - 1]

- The claim is one ``UPDATE ... WHERE status = 'queued' AND due``: a second job for the
  same row, or one that comes early, finds nothing and does nothing. Opt-out and quiet
  hours are checked in the claim's transaction.
- Usefulness (``bot.usefulness``): a claimed row past its ``expires_at``, or one that
  quiet hours would hold past it, becomes ``expired`` (final: the sweep re-queues only
  ``queued``, ``claimed`` and ``held`` rows, and each comes back through this claim); a
  retryable error whose next attempt would fall past it expires the row at once. The
  gateway is given the same instant (``validUntil``) for what it holds for a phone.
- "Provably never called": the row becomes ``sending`` in its own commit right before
  the provider call. That UPDATE also counts the attempt, so the normal path costs one
  extra small UPDATE (claim, call marker, result). A row still ``claimed`` after
  :data:`CLAIM_LEASE` never reached the provider: the sweep queues it again. A row still
  ``sending`` after :data:`IN_FLIGHT_LEASE` may have gone out: the sweep marks it
  ``unknown`` and it is not resent automatically (a duplicate costs a resident; an
  officer sees it on the admin jobs page and can send it again), as for broadcast rows
  (``workers/broadcasts.py``). ``claimed_at`` is the claim's token: a worker slower than
  its lease finds the row taken back and does not call the provider, and a late result
  still lands on a row the sweep marked ``unknown``.
- Retries have one mechanism, the row: a retryable error (429, 5xx, unreachable) puts
  it back to ``queued`` with ``next_attempt_at`` from :data:`BACKOFF`, and the job
  enqueues itself delayed to that time. The queue's own retry is not used
  (``bot.outbox.enqueue_sends`` passes none): it counted attempts per job chain, and every
  job the sweep started began a fresh chain (28 attempts in 3.7 minutes against 503s).
  The budget is the row's ``attempts``: after :data:`MAX_ATTEMPTS` provider calls the
  message is ``failed`` with the last error code. The sweep is the safety net: it
  re-enqueues queued rows overdue by ``STALE_QUEUED`` (their job was lost: Redis down,
  worker killed), and only those. The in-process runner (embedded default) runs the
  same delayed jobs, so it behaves the same.
"""
from __future__ import annotations

import logging
import threading
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Iterator

from sqlalchemy import bindparam, func, or_, select, update

from bot import clock
from bot import gateway_devices, send_outcome
from bot.channels import Prices, Reach, choose_route, sms_provider
from bot.models import Contact, Message, privacy
from bot.models import messaging as m
from bot.providers.registry import provider
from bot.runtime import current
from bot.senders import Outgoing, SendError
from bot.usefulness import is_past
from workers.quiet_hours import held_until, resident_zone
from workers import gateway_slots
from workers.rate_limit import acquire, jitter_for, limiter_for, sender_key

log = logging.getLogger(__name__)

# Only the replies to what a resident just sent still go to an opted-out number (an
# officer's answer to a complaint does not: CEK shows it when asked); nothing else.
PROMPTED_KINDS = {"reply"}
# The decision on a resident's HAPUS DATA also reaches an opted-out number: they asked for
# it and were promised it (quiet hours still apply: it is not an immediate reply).
ASKED_KINDS = PROMPTED_KINDS | {privacy.ANSWER_KIND}

BACKOFF = (10, 60, 300, 900, 3600)  # seconds before attempt 2, 3, ... after a retryable error
MAX_ATTEMPTS = len(BACKOFF) + 1  # provider calls per message
# Claimed longer than this: the worker died before the call (a claim reaches the call in
# seconds; a slower one finds its claim gone and sends nothing, so this may be short).
CLAIM_LEASE = timedelta(minutes=1)
IN_FLIGHT_LEASE = timedelta(minutes=2)  # well past the sender's 10 s HTTP timeout
TABLE = Message.__table__

# The statements every send runs, built once (no statement to build and no cache key to
# compute per message: a fifth of a send's CPU in bench/e2e.py's profile).
_DUE = or_(TABLE.c.next_attempt_at.is_(None), TABLE.c.next_attempt_at <= bindparam("now"))
_CLAIM = (update(TABLE)
          .where(TABLE.c.id == bindparam("message_id"), TABLE.c.status == m.QUEUED, _DUE)
          .values(status=m.CLAIMED, claimed_at=bindparam("now"), updated_at=bindparam("now"))
          .returning(TABLE.c.contact_id, TABLE.c.channel, TABLE.c.body, TABLE.c.kind,
                     TABLE.c.media, TABLE.c.provider, TABLE.c.device_id, TABLE.c.expires_at))
# A claimed row that is past its use (or would be by the time quiet hours end) leaves
# the send path for good: not sent, not held, not retried.
_MARK_EXPIRED = (update(TABLE)
                 .where(TABLE.c.id == bindparam("message_id"), TABLE.c.status == m.CLAIMED)
                 .values(status=m.EXPIRED, claimed_at=None, next_attempt_at=None,
                         updated_at=bindparam("now")))
_CLAIMED_CONTACT = (select(Contact.phone, Contact.opted_out, Contact.invalid_number,
                           Contact.simulated, Contact.last_whatsapp_at, Contact.kelurahan_id,
                           Contact.uses_sms, Contact.uses_whatsapp, Contact.last_seen_at,
                           resident_zone().label("time_zone"))
                    .where(Contact.id == bindparam("contact_id")))
_MARK_SENDING = (update(TABLE)
                 .where(TABLE.c.id == bindparam("message_id"), TABLE.c.status == m.CLAIMED,
                        TABLE.c.claimed_at == bindparam("claimed"))
                 .values(status=m.SENDING, claimed_at=bindparam("stamp"),
                         attempts=TABLE.c.attempts + 1, updated_at=bindparam("stamp"))
                 .returning(TABLE.c.attempts))
_MARK_SENT = (update(TABLE)
              .where(TABLE.c.id == bindparam("message_id"),  # as _in_flight: sending or unknown
                     TABLE.c.status.in_((m.SENDING, m.UNKNOWN)),
                     TABLE.c.claimed_at == bindparam("in_flight_since"))
              .values(status=m.SENT, external_id=bindparam("new_external_id"),
                      sent_at=bindparam("stamp"), error_code=None, next_attempt_at=None,
                      channel=bindparam("new_channel"), provider=bindparam("new_provider"),
                      device_id=bindparam("new_device_id"), updated_at=bindparam("stamp")))
_QUEUED_REPLIES = (select(TABLE.c.id)
                   .where(TABLE.c.contact_id == bindparam("contact_id"), TABLE.c.kind == "reply",
                          TABLE.c.status == m.QUEUED, TABLE.c.id <= bindparam("up_to"), _DUE)
                   .order_by(TABLE.c.id).limit(50))


@dataclass(frozen=True)
class Claim:
    """A row this worker moved to ``claimed`` at ``claimed_at``, and what to send."""

    message_id: int
    contact_id: int
    claimed_at: datetime
    outgoing: Outgoing


@dataclass(frozen=True)
class ProviderCall:
    """A claim whose ``sending`` marker is committed: the provider may now be called."""

    claim: Claim
    started_at: datetime
    attempts: int


def send_message(message_id: int) -> str:
    """Send the queued outbound message ``message_id`` if it is due.

    Claims the row so that a second run, on any worker, does nothing; commits the
    ``sending`` marker; calls the provider. Permanent errors mark the message failed
    (and the contact opted out or invalid); retryable ones queue it again for its next
    attempt and enqueue this job for then (see the module docstring).

    A reply goes out in the order the replies to its resident were written: under the
    contact's send lock, the job first sends that contact's earlier replies still queued
    and due (the confirmation before the next question, one message's replies before the
    next one's), whichever job runs first on whichever worker.

    Returns:
        What happened, for the job's result.
    """
    rt = current()
    contact_id = _reply_contact(rt, message_id)
    if contact_id is None:
        return _send_one(rt, message_id)
    return _send_replies(rt, contact_id, message_id)[message_id]


def send_messages(message_ids: list[int]) -> None:
    """Send these just-committed rows now, in this job (the handling job's replies and
    notices): each contact's replies in order under its send lock, as
    :func:`send_message` sends them, with one look-up and one lock per contact instead
    of one per row."""
    rt = current()
    with rt.db.session() as session:
        rows = session.execute(
            select(TABLE.c.id, TABLE.c.contact_id, TABLE.c.kind)
            .where(TABLE.c.id.in_(message_ids), TABLE.c.status == m.QUEUED)
            .order_by(TABLE.c.id)).all()
    last_reply: dict[int, int] = {}
    for row in rows:
        if row.kind == "reply":
            last_reply[row.contact_id] = row.id
        else:
            _send_one(rt, row.id)
    for contact_id, up_to in last_reply.items():
        _send_replies(rt, contact_id, up_to)


def _reply_contact(rt: Any, message_id: int) -> int | None:
    """The contact of ``message_id`` if it is a reply still queued, else None."""
    with rt.db.session() as session:
        return session.scalar(select(TABLE.c.contact_id).where(
            TABLE.c.id == message_id, TABLE.c.kind == "reply", TABLE.c.status == m.QUEUED))


def _send_replies(rt: Any, contact_id: int, up_to: int) -> dict[int, str]:
    """Under the contact's send lock, its replies still queued and due up to ``up_to``,
    oldest first, then ``up_to`` itself if it was not among them (its claim says why:
    not due, not queued); what happened to each."""
    with _contact_send_lock(rt, contact_id) as conn:
        replies = _queued_replies(rt, conn, contact_id, up_to)
        if up_to not in replies:
            replies.append(up_to)
        return {reply: _send_one(rt, reply) for reply in replies}


def _queued_replies(rt: Any, conn: Any, contact_id: int, up_to: int) -> list[int]:
    """The contact's replies up to ``up_to`` still queued and due, oldest first; on the
    lock's own connection where there is one."""
    params = {"contact_id": contact_id, "up_to": up_to, "now": clock.now(rt)}
    if conn is not None:
        return list(conn.scalars(_QUEUED_REPLIES, params))
    with rt.db.session() as session:
        return list(session.scalars(_QUEUED_REPLIES, params))


_SEND_LOCK = 0x6B736E  # the key space of the contacts' send locks ("ksn")
_SEND_LOCK_TAKE = select(func.pg_advisory_lock(_SEND_LOCK, bindparam("contact_id")))
_SEND_LOCK_GIVE = select(func.pg_advisory_unlock(_SEND_LOCK, bindparam("contact_id")))
_local_send_locks: dict[int, threading.Lock] = {}
_local_send_locks_guard = threading.Lock()


@contextmanager
def _contact_send_lock(rt: Any, contact_id: int) -> Iterator[Any]:
    """One sender of a contact's replies at a time: on PostgreSQL a session advisory lock
    (every worker, every machine), held on a connection of its own in autocommit (no
    transaction to open and close around the lock and its unlock) while the replies go
    out, and yielded for reads; on SQLite (one process) a lock of this process, and
    None."""
    if rt.db.is_sqlite:
        with _local_send_locks_guard:
            lock = _local_send_locks.setdefault(contact_id, threading.Lock())
        with lock:
            yield None
        return
    with rt.db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(_SEND_LOCK_TAKE, {"contact_id": contact_id})
        try:
            yield conn
        finally:
            conn.execute(_SEND_LOCK_GIVE, {"contact_id": contact_id})


def _send_one(rt: Any, message_id: int) -> str:
    claimed = claim(rt, message_id, clock.now(rt))
    if isinstance(claimed, str):
        return claimed
    try:
        call = start_provider_call(rt, claimed)
    except BaseException:
        # Redis or the database went away before the provider was called: the message
        # did not go out, so it is queued again now instead of after the claim's lease.
        _give_back(rt, claimed)
        raise
    if call is None:
        return "lost"  # slower than the lease: the sweep gave the row back
    return call_provider(rt, call)


def _give_back(rt: Any, claimed: Claim) -> None:
    """claimed -> queued, if the claim is still this job's (best effort: the sweep
    gives it back after CLAIM_LEASE anyway)."""
    try:
        with rt.db.session() as session:
            session.execute(
                update(TABLE)
                .where(TABLE.c.id == claimed.message_id, TABLE.c.status == m.CLAIMED,
                       TABLE.c.claimed_at == claimed.claimed_at)
                .values(status=m.QUEUED, claimed_at=None, updated_at=clock.now(rt)))
    except Exception:  # noqa: BLE001 - the database is gone too: the lease will do
        log.warning("message %s: could not give the claim back", claimed.message_id)


def claim(rt: Any, message_id: int, now: datetime) -> Claim | str:
    """Take the queued, due row for this worker (queued -> claimed).

    Returns:
        The claim, or why there is nothing to send: ``"not queued"``, ``"not due"``,
        ``"expired"`` (past its ``expires_at``, or would be when quiet hours end),
        ``"skipped"`` (opted out, invalid number, simulated), ``"held"`` (quiet hours)
        or ``"capped until ..."`` (every SIM that may carry it is at its daily cap).
    """
    # Core statements only: a connection, not an ORM session (a worker claims every reply).
    with rt.db.engine.begin() as conn:
        row = conn.execute(_CLAIM, {"message_id": message_id, "now": now}).first()
        if row is None:
            status = conn.scalar(select(TABLE.c.status).where(TABLE.c.id == message_id))
            return "not due" if status == m.QUEUED else "not queued"
        contact = conn.execute(_CLAIMED_CONTACT, {"contact_id": row.contact_id}).one()
        mine = (TABLE.c.id == message_id, TABLE.c.status == m.CLAIMED)
        if is_past(row.expires_at, now):
            conn.execute(_MARK_EXPIRED, {"message_id": message_id, "now": now})
            return "expired"
        # A simulated contact is played in the dashboard; its number may be anyone's.
        if (contact.invalid_number or contact.simulated
                or (contact.opted_out and row.kind not in ASKED_KINDS)):
            conn.execute(update(TABLE).where(*mine).values(status=m.SKIPPED, claimed_at=None))
            return "skipped"
        hold = None if row.kind in PROMPTED_KINDS else held_until(rt.settings, now,
                                                                    contact.time_zone)
        if is_past(row.expires_at, hold):
            # Released at 06:00 it would already be stale: it expires now, not then.
            conn.execute(_MARK_EXPIRED, {"message_id": message_id, "now": now})
            return "expired"
        if hold is not None:
            # The sweep queues it again once it is 06:00 for this contact.
            conn.execute(update(TABLE).where(*mine).values(status=m.HELD, claimed_at=None))
            return "held"
        phones = gateway_devices.phones(conn, now) if rt.settings.smsgate_url else []

    # WhatsApp outside the 24-hour window: the kind's approved template, else SMS; a
    # reply by SMS goes back through the provider and phone the resident wrote to
    # (another phone of its kelurahan if that one is offline); anything else to a
    # resident on both channels goes the cheapest way (bot.channels).
    route = choose_route(row.channel, contact.last_whatsapp_at, now, row.body,
                         content_sid=rt.settings.whatsapp_templates.get(row.kind or ""),
                         sms=sms_provider(rt.settings, row.channel, row.provider,
                                          row.device_id, phones, contact.kelurahan_id,
                                          message_id),
                         kind=row.kind,
                         reach=Reach.of(contact.uses_sms, contact.uses_whatsapp,
                                        contact.last_whatsapp_at, contact.last_seen_at),
                         prices=Prices.of(rt.settings))
    # The phone's SIM with room today (a reply is counted, never held: bot.gateway_caps).
    pick = gateway_slots.with_slot(rt, phones, route, contact.kelurahan_id, message_id, now,
                                   route.device_id if row.kind in PROMPTED_KINDS else None)
    if pick.wait_until is not None:
        return gateway_slots.wait_for_cap(rt, message_id, pick.wait_until, row.expires_at, now)
    route = pick.route
    outgoing = Outgoing(
        to=contact.phone,
        channel=route.channel,
        body=route.body,
        media_urls=(tuple(x["url"] for x in (row.media or []))
                    if route.channel == "whatsapp" else ()),
        status_callback=_status_callback(rt.settings.public_base_url),
        expires_at=row.expires_at,
        content_sid=route.content_sid,
        content_variables=route.content_variables,
        provider=route.provider,
        device_id=route.device_id,
        sim=route.sim,
    )
    return Claim(message_id, row.contact_id, now, outgoing)


def start_provider_call(rt: Any, claimed: Claim) -> ProviderCall | None:
    """Wait for the sender's rate, then commit the marker (claimed -> sending).

    Returns:
        The call to make, or None when the claim is no longer this worker's.
    """
    # Replies share the sender's rate with broadcasts; a reservation per message
    # puts a reply at most one slot per busy worker behind a running broadcast.
    key, per_second = _rate_key(rt, claimed.outgoing)
    acquire(limiter_for(rt), key, per_second, jitter_for(rt.settings, key))
    stamp = clock.now(rt)
    with rt.db.engine.begin() as conn:
        attempts = conn.execute(_MARK_SENDING, {
            "message_id": claimed.message_id, "claimed": claimed.claimed_at, "stamp": stamp,
        }).scalar()
    if attempts is None:
        log.warning("message %s: claim lost before the provider call; not sent by this job",
                    claimed.message_id)
        return None
    return ProviderCall(claimed, stamp, attempts)


def call_provider(rt: Any, call: ProviderCall) -> str:
    """Hand the message to the provider and record the result on the row."""
    claimed = call.claim
    try:
        external_id = rt.sender.send(claimed.outgoing)
    except SendError as error:
        carrier = provider(claimed.outgoing.provider)
        if carrier.slow_down(error.code, error.http_status):
            limiter_for(rt).slow_down(_rate_key(rt, claimed.outgoing)[0])
        return _failed(rt, call, error, carrier.error_outcome(error.code, error.http_status))
    stamp = clock.now(rt)
    with rt.db.engine.begin() as conn:
        conn.execute(_MARK_SENT, {
            "message_id": claimed.message_id, "in_flight_since": call.started_at,
            "new_external_id": external_id, "stamp": stamp,
            "new_channel": claimed.outgoing.channel, "new_provider": claimed.outgoing.provider,
            "new_device_id": claimed.outgoing.device_id})
    return f"sent {external_id}"


def _rate_key(rt: Any, outgoing: Outgoing) -> tuple[str, float]:
    return sender_key(rt.settings, outgoing.channel, outgoing.provider, outgoing.device_id)


def _in_flight(call: ProviderCall) -> tuple[Any, ...]:
    """This call's row: still sending, or marked unknown by a sweep that gave up on it."""
    return (TABLE.c.id == call.claim.message_id, TABLE.c.status.in_((m.SENDING, m.UNKNOWN)),
            TABLE.c.claimed_at == call.started_at)


def _failed(rt: Any, call: ProviderCall, error: SendError, outcome: str) -> str:
    message_id = call.claim.message_id
    now = clock.now(rt)
    retryable = outcome == send_outcome.RETRY
    if retryable:
        gateway_slots.phone_failed(rt, call.claim.outgoing.device_id, now)
    if retryable and call.attempts < MAX_ATTEMPTS:
        due = now + timedelta(seconds=BACKOFF[call.attempts - 1])
        if is_past(call.claim.outgoing.expires_at, due):
            return _expired_after_error(rt, call, error, now)
        with rt.db.session() as session:
            queued = session.execute(
                update(TABLE).where(*_in_flight(call))
                .values(status=m.QUEUED, error_code=error.code, next_attempt_at=due,
                        claimed_at=None, updated_at=now)
            ).rowcount
        log.warning("message %s: retryable send error %s (%s); attempt %s of %s at %s",
                    message_id, error.code, error, call.attempts + 1, MAX_ATTEMPTS, due)
        if queued:
            _enqueue_at(rt, message_id, due - now)
        return f"retry at {due.isoformat()} ({error.code})"
    with rt.db.session() as session:
        session.execute(
            update(TABLE).where(*_in_flight(call))
            .values(status=m.FAILED, error_code=error.code, next_attempt_at=None, updated_at=now)
        )
        send_outcome.mark_contact(session, call.claim.contact_id, outcome, now)
    log.warning("message %s failed for good after %s attempts: %s %s",
                message_id, call.attempts, error.code, error)
    return f"failed {error.code}"


def _expired_after_error(rt: Any, call: ProviderCall, error: SendError, now: datetime) -> str:
    """A retryable error whose next attempt would come after the message's use: it
    expires now, with the error kept, instead of waiting to expire at its claim."""
    with rt.db.session() as session:
        session.execute(
            update(TABLE).where(*_in_flight(call))
            .values(status=m.EXPIRED, error_code=error.code, next_attempt_at=None,
                    updated_at=now))
    log.warning("message %s: send error %s and no time left to retry; expired",
                call.claim.message_id, error.code)
    return f"expired ({error.code})"


def _enqueue_at(rt: Any, message_id: int, delay: timedelta) -> None:
    try:
        rt.jobs.enqueue(send_message, message_id, delay=delay)
    except Exception:  # noqa: BLE001 - the row is queued with its due time; the sweep will
        log.warning("could not enqueue the retry of message %s; the sweep will", message_id,
                    exc_info=True)


def _status_callback(public_base_url: str | None) -> str | None:
    return f"{public_base_url}/webhooks/twilio/status" if public_base_url else None
