"""The gateway phones' limits where the send jobs meet them: the daily cap per SIM
(``bot.gateway_caps``) and a phone that stops answering.

Both send paths use it: ``workers.outbound`` (one message) and
``workers.broadcast_batch`` (a broadcast's rows). A message every SIM of its
kelurahan's phones has no room for today waits for the next local day: a single message
is queued again for then (:func:`wait_for_cap`), a broadcast row goes back to pending
with that ``not_before``; either expires instead when its date comes first.
"""
from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import update

from bot import gateway_caps, gateway_devices
from bot.channels import Phone, Route
from bot.models import Message
from bot.models import messaging as m
from bot.outbox import SEND_MESSAGE
from bot.usefulness import is_past

log = logging.getLogger(__name__)
TABLE = Message.__table__


def with_slot(rt: Any, phones: Sequence[Phone], route: Route, kelurahan_id: int | None,
              spread: int, now: datetime, wanted: str | None = None,
              full: set[str] | None = None) -> gateway_caps.Pick:
    """``route`` with the phone and SIM that have room today (``bot.gateway_caps.pick``)."""
    return gateway_caps.pick(gateway_caps.counts_for(rt), rt.settings.smsgate_daily_cap_per_sim,
                             phones, route, kelurahan_id, spread, now, wanted, full)


def wait_for_cap(rt: Any, message_id: int, until: datetime, expires_at: datetime | None,
                 now: datetime) -> str:
    """The claimed message ``message_id`` has no SIM with room today: queued again for
    ``until`` (the next local day) with a job for then, or expired now when that is past
    its use. Returns what happened, for the job's result."""
    mine = (TABLE.c.id == message_id, TABLE.c.status == m.CLAIMED)
    with rt.db.session() as session:
        if is_past(expires_at, until):
            session.execute(update(TABLE).where(*mine).values(
                status=m.EXPIRED, claimed_at=None, next_attempt_at=None, updated_at=now))
            return "expired"
        waiting = session.execute(update(TABLE).where(*mine).values(
            status=m.QUEUED, claimed_at=None, next_attempt_at=until, updated_at=now)).rowcount
    if waiting:
        try:
            rt.jobs.enqueue(SEND_MESSAGE, message_id, delay=until - now)
        except Exception:  # noqa: BLE001 - queued with its due time: the sweep sends it
            log.warning("could not enqueue message %s for the next day; the sweep will",
                        message_id, exc_info=True)
    return f"capped until {until.isoformat()}"


def phone_failed(rt: Any, device_id: str | None, now: datetime) -> None:
    """A send through the phone ``device_id`` failed in a way worth retrying: one more
    failure in a row; a phone that keeps failing goes offline (``bot.channels``)."""
    if device_id is None:
        return
    try:
        with rt.db.session() as session:
            gateway_devices.failed_on(session, device_id, now)
    except Exception:  # noqa: BLE001 - bookkeeping; the message's own retry matters more
        log.warning("could not count a failure of phone %s", device_id, exc_info=True)
