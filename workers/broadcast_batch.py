"""Sending one claimed batch of broadcast rows, one database commit per message.

Each row that goes out is marked ``sending`` in a commit before its provider call. Its
result (provider id or error) is written in the same commit that marks the NEXT row ``sending``:
one fsync per message instead of two, and still at most one row of this worker is
ever ``sending`` in the database. A result is flushed on its own before any wait
longer than ``FLUSH_BEFORE_WAIT`` (slow rates, the end of a batch) so statuses are not
held back, and on the way out of an exception.
"""
from __future__ import annotations

import logging
import time
from collections import Counter
from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, exists, not_, or_, select, update
from sqlalchemy.engine import Connection

from bot import clock
from bot import gateway_devices, send_outcome
from bot.channels import Phone, Prices, Route, choose_route, sms_provider
from bot.models import Broadcast, BroadcastSend, Contact
from bot.models import broadcast as b
from bot.providers.registry import provider
from bot.senders import Outgoing, SendError
from bot.usefulness import is_past
from workers.quiet_hours import held_until
from workers import gateway_slots
from workers.rate_limit import jitter_for, sender_key

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 5
# A worker touches the rows of its batch still waiting at least this often.
CLAIM_HEARTBEAT = timedelta(seconds=10)
BACKOFF = (30, 120, 600, 1800)  # seconds before retrying a retryable provider error
FLUSH_BEFORE_WAIT = 0.05
TABLE = BroadcastSend.__table__


class BatchSender:
    """Sends the rows one worker claimed with ``token``, over one database connection."""

    def __init__(self, rt: Any, limiter: Any, broadcast: Broadcast, token: str) -> None:
        self.rt = rt
        self.limiter = limiter
        self.broadcast = broadcast
        self.token = token
        self.outcomes: Counter[str] = Counter()
        self._later: list[Any] = []  # statements for the next commit
        self._phones: list[Phone] = []  # gateway phones, read once per batch
        self._full: set[str] = set()  # SIMs found at their daily cap (bot.gateway_caps)
        self._beat_at = clock.now(rt)  # the batch was claimed just now

    def send(self, recipients: list[Any]) -> Counter[str]:
        """Send every recipient of the batch; returns the outcomes counted."""
        with self.rt.db.engine.connect() as conn:
            if self.rt.settings.smsgate_url:
                with conn.begin():
                    self._phones = gateway_devices.phones(conn, clock.now(self.rt))
            try:
                for recipient in recipients:
                    self._one(conn, recipient)
            finally:
                # After a crash too: the previous row's result is not lost, and claimed
                # rows not reached go back to pending now instead of after the lease.
                self._later.append(
                    update(TABLE).where(TABLE.c.claim_token == self.token,
                                        TABLE.c.status == b.CLAIMED)
                    .values(status=b.PENDING, claim_token=None))
                self._flush(conn)
        return self.outcomes

    def _mine(self, send_id: int, status: str) -> Any:
        return and_(TABLE.c.id == send_id, TABLE.c.claim_token == self.token,
                    TABLE.c.status == status)

    def _flush(self, conn: Connection, *more: Any) -> list[Any]:
        results = []
        with conn.begin():
            for stmt in self._later:
                conn.execute(stmt)
            self._later.clear()
            for stmt in more:
                results.append(conn.execute(stmt).first())
        return results

    def _one(self, conn: Connection, recipient: Any) -> None:
        now = clock.now(self.rt)
        claimed = self._mine(recipient.send_id, b.CLAIMED)
        expires_at = self.broadcast.expires_at
        if is_past(expires_at, now):  # the batch outlived the broadcast's use
            self._expire(claimed)
            return
        if recipient.opted_out or recipient.invalid_number:
            self._later.append(update(TABLE).where(claimed).values(status=b.SKIPPED))
            self.outcomes["skipped"] += 1
            return
        hold = held_until(self.rt.settings, now, recipient.time_zone)
        if is_past(expires_at, hold):  # it would be stale by the morning
            self._expire(claimed)
            return
        if hold is not None:
            self._later.append(update(TABLE).where(claimed).values(
                status=b.PENDING, not_before=hold, claim_token=None))
            self.outcomes["held"] += 1
            return
        bc = self.broadcast
        route = choose_route(recipient.channel, recipient.last_whatsapp_at, now, bc.body_sms,
                             bc.body_whatsapp, bc.content_sid, bc.content_variables,
                             sms=sms_provider(self.rt.settings, recipient.channel,
                                              phones=self._phones,
                                              kelurahan_id=recipient.kelurahan_id,
                                              spread=recipient.send_id),
                             kind=bc.kind, reach=recipient.reach,
                             prices=Prices.of(self.rt.settings))
        pick = gateway_slots.with_slot(self.rt, self._phones, route, recipient.kelurahan_id,
                                       recipient.send_id, now, full=self._full)
        if pick.wait_until is not None:  # every SIM that may carry it is full today
            if is_past(expires_at, pick.wait_until):
                self._expire(claimed)
                return
            self._later.append(update(TABLE).where(claimed).values(
                status=b.PENDING, not_before=pick.wait_until, claim_token=None))
            self.outcomes["capped"] += 1
            return
        route = pick.route
        key, per_second = sender_key(self.rt.settings, route.channel, route.provider,
                                     route.device_id)
        wait = self.limiter.reserve(key, per_second, jitter_for(self.rt.settings, key))
        if wait > FLUSH_BEFORE_WAIT and self._later:
            self._flush(conn)
        if wait > 0:
            time.sleep(wait)

        stamp = clock.now(self.rt)
        if stamp - self._beat_at >= CLAIM_HEARTBEAT:
            # The rows still waiting their turn show this worker is alive (the sweep gives
            # back claimed rows that go quiet: workers.broadcasts.CLAIM_LEASE).
            self._later.append(update(TABLE).where(TABLE.c.claim_token == self.token,
                                                   TABLE.c.status == b.CLAIMED)
                               .values(claimed_at=stamp))
            self._beat_at = stamp
        # The opt-out is read again in the same statement that starts the send: a
        # BERHENTI that arrived while this row waited is respected.
        reachable = not_(exists().where(
            Contact.id == recipient.contact_id,
            or_(Contact.opted_out.is_(True), Contact.invalid_number.is_(True),
                Contact.simulated.is_(True))))
        (started,) = self._flush(conn, update(TABLE).where(claimed, reachable).values(
            status=b.IN_FLIGHT, claimed_at=stamp, attempts=TABLE.c.attempts + 1,
            sent_channel=route.channel, via=route.via, updated_at=stamp,
        ).returning(TABLE.c.attempts))
        if started is None:
            self._not_started(conn, recipient, claimed)
            return
        try:
            external_id = self.rt.sender.send(self._outgoing(recipient.phone, route))
        except SendError as error:
            self._provider_error(conn, key, route, recipient, started.attempts, error)
            return
        stamp = clock.now(self.rt)
        # The phone and SIM it left from, as a single message keeps them: each phone's
        # delivery figures count it (bot.gateway_health); reports fill what is None.
        self._later.append(update(TABLE).where(self._mine(recipient.send_id, b.IN_FLIGHT)).values(
            status=b.SENT, external_id=external_id, sent_at=stamp, error_code=None,
            updated_at=stamp, device_id=route.device_id, sim=route.sim))
        self.outcomes["sent"] += 1

    def _expire(self, claimed: Any) -> None:
        self._later.append(update(TABLE).where(claimed).values(
            status=b.EXPIRED, claim_token=None, updated_at=clock.now(self.rt)))
        self.outcomes["expired"] += 1

    def _not_started(self, conn: Connection, recipient: Any, claimed: Any) -> None:
        """The start update matched nothing: opted out meanwhile, or the claim was lost."""
        with conn.begin():
            skipped = conn.execute(update(TABLE).where(claimed).values(status=b.SKIPPED))
        # Rowcount 0: the sweep took the claim back (this worker was too slow).
        self.outcomes["skipped" if skipped.rowcount else "lost"] += 1

    def _outgoing(self, phone: str, route: Route) -> Outgoing:
        base = self.rt.settings.public_base_url
        return Outgoing(
            to=phone, channel=route.channel, body=route.body,
            status_callback=f"{base}/webhooks/twilio/status" if base else None,
            content_sid=route.content_sid, content_variables=route.content_variables,
            provider=route.provider, device_id=route.device_id, sim=route.sim,
            expires_at=self.broadcast.expires_at,
        )

    def _provider_error(self, conn: Connection, key: str, route: Route, recipient: Any,
                        attempts: int, error: SendError) -> None:
        stamp = clock.now(self.rt)
        in_flight = self._mine(recipient.send_id, b.IN_FLIGHT)
        carrier = provider(route.provider)
        if carrier.slow_down(error.code, error.http_status):
            self.limiter.slow_down(key)
        outcome = carrier.error_outcome(error.code, error.http_status)
        if outcome == send_outcome.RETRY and attempts < MAX_ATTEMPTS:
            # A phone that does not answer: its row goes at once from another phone.
            moved = self._rest_phone(route.device_id, stamp)
            wait = 0 if moved else BACKOFF[min(attempts - 1, len(BACKOFF) - 1)]
            if is_past(self.broadcast.expires_at, stamp + timedelta(seconds=wait)):
                # No time left to try again: expired now, the error kept.
                self._later.append(update(TABLE).where(in_flight).values(
                    status=b.EXPIRED, claim_token=None, error_code=error.code,
                    updated_at=stamp))
                self.outcomes["expired"] += 1
                return
            log.warning("broadcast send %s: retryable error %s; again in %ss",
                        recipient.send_id, error.code, wait)
            self._later.append(update(TABLE).where(in_flight).values(
                status=b.PENDING, claim_token=None, error_code=error.code, updated_at=stamp,
                not_before=clock.now(self.rt) + timedelta(seconds=wait)))
            self.outcomes["retry"] += 1
            return
        log.warning("broadcast send %s failed: %s %s", recipient.send_id, error.code, error)
        with conn.begin():
            for stmt in self._later:
                conn.execute(stmt)
            self._later.clear()
            conn.execute(update(TABLE).where(in_flight)
                         .values(status=b.FAILED, error_code=error.code, updated_at=stamp))
            send_outcome.mark_contact(conn, recipient.contact_id, outcome, stamp)
        self.outcomes["failed"] += 1


    def _rest_phone(self, device_id: str | None, now: datetime) -> bool:
        """The gateway phone ``device_id`` failed to take a send: one more failure in a
        row (``bot.channels`` rests it after a few), not tried again by this batch.
        True when another phone is online to take its rows now."""
        if device_id is None:
            return False
        gateway_slots.phone_failed(self.rt, device_id, now)
        self._phones = [replace(p, online=False) if p.device_id == device_id else p
                        for p in self._phones]
        return any(p.online for p in self._phones)


def pending_due(session: Any, broadcast_id: int, now: datetime) -> bool:
    """Whether ``broadcast_id`` has a pending row whose time has come (to be sent, or,
    the broadcast past its use, to expire)."""
    over = exists().where(Broadcast.id == broadcast_id, Broadcast.expires_at <= now)
    return session.execute(
        select(TABLE.c.id).where(
            TABLE.c.broadcast_id == broadcast_id, TABLE.c.status == b.PENDING,
            or_(TABLE.c.not_before.is_(None), TABLE.c.not_before <= now, over))
        .limit(1)
    ).first() is not None
