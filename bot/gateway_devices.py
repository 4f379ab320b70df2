"""What the bot knows of each gateway phone: when it was last heard from, its sends.

Written by the webhook (events name their phone) and the send job (the API's answer for
a send to a chosen phone); read by ``bot.channels`` to pick the phone a message
leaves from, and by the admin jobs page. Bookkeeping only: nothing here may stop an
event from being stored or a message from being sent.

An admin ties a phone to a kelurahan (:func:`assign`: the dashboard's jobs page, or
``ksm-bot smsgate assign``), named by its official code; every change is logged.
"""
from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, func, select, update

from bot.channels import Phone, phone_online
from bot.db import upsert
from bot.inbound_message import PhoneReport
from bot.models import GatewayDevice, GatewayEvent, Kelurahan
from bot.models.gateway import EVENT_MEMORY

log = logging.getLogger(__name__)
TABLE = GatewayDevice.__table__
EVENTS = GatewayEvent.__table__
# A busy phone's every event would otherwise be a write: once a minute is enough for a
# 15-minute timeout.
PING_RESOLUTION = timedelta(seconds=60)


def note(session: Any, report: PhoneReport, now: datetime) -> None:
    """What a webhook event says of its phone: heard from, and its sending went well
    (``"sent"``) or not (``"failed"``, counted once however often it is re-delivered)."""
    heard_from(session, report.device_id, now)
    if report.sim is not None:
        saw_sim(session, report.device_id, report.sim)
    if report.outcome == "sent":
        sent_by(session, report.device_id, now)
    elif report.outcome == "failed" and first_delivery(session, report.event_id, now):
        failed_on(session, report.device_id, now)


def heard_from(session: Any, device_id: str, now: datetime) -> None:
    """The phone ``device_id`` sent an event: it exists and its app runs."""
    stmt = upsert(session)(TABLE).values(device_id=device_id, last_ping_at=now,
                                         recent_failures=0, created_at=now)
    session.execute(stmt.on_conflict_do_update(
        index_elements=[TABLE.c.device_id],
        set_={"last_ping_at": now},
        where=(TABLE.c.last_ping_at.is_(None)
               | (TABLE.c.last_ping_at < now - PING_RESOLUTION)),
    ))


def sent_by(session: Any, device_id: str, now: datetime) -> None:
    """The phone reports an SMS sent or delivered: it can send; its failures are over."""
    session.execute(update(TABLE).where(TABLE.c.device_id == device_id)
                    .values(last_sent_at=now, recent_failures=0))


def saw_sim(session: Any, device_id: str, sim: int) -> None:
    """A report of the phone named its SIM slot ``sim``: kept among its slots (one
    write the first time a slot is named, none after)."""
    listed = "," + func.coalesce(TABLE.c.sims, "") + ","
    known = session.execute(select(TABLE.c.sims).where(
        TABLE.c.device_id == device_id, listed.contains(f",{sim},"))).first()
    if known is not None:
        return
    sims = session.scalar(select(TABLE.c.sims).where(TABLE.c.device_id == device_id))
    slots = sorted({*sim_slots(sims), sim})
    session.execute(update(TABLE).where(TABLE.c.device_id == device_id)
                    .values(sims=",".join(map(str, slots))))


def sim_slots(sims: str | None) -> tuple[int, ...]:
    """``"1,2"`` -> ``(1, 2)``."""
    return tuple(int(x) for x in (sims or "").split(",") if x.strip().isdigit())


def first_delivery(session: Any, event_id: str, now: datetime) -> bool:
    """Whether the gateway event ``event_id`` arrives for the first time (it is kept so
    that a re-delivery is known as one)."""
    return session.execute(upsert(session)(EVENTS).values(event_id=event_id, received_at=now)
                           .on_conflict_do_nothing(index_elements=[EVENTS.c.event_id])
                           .returning(EVENTS.c.event_id)).first() is not None


def forget_old_events(session: Any, now: datetime) -> int:
    """Drop the event ids the gateway can no longer re-deliver; returns how many."""
    return session.execute(delete(EVENTS).where(EVENTS.c.received_at < now - EVENT_MEMORY)).rowcount


def failed_on(session: Any, device_id: str, now: datetime) -> None:
    """A send through this phone failed (the API for it, or the phone's own report)."""
    session.execute(update(TABLE).where(TABLE.c.device_id == device_id)
                    .values(recent_failures=TABLE.c.recent_failures + 1, last_failed_at=now))


# Read at every claim of an SMS: built once, as the send path's other statements.
_PHONES = (select(TABLE.c.device_id, TABLE.c.kelurahan_id, TABLE.c.last_ping_at,
                  TABLE.c.recent_failures, TABLE.c.last_failed_at, TABLE.c.sims,
                  Kelurahan.time_zone)
           .outerjoin(Kelurahan, Kelurahan.id == TABLE.c.kelurahan_id)
           .order_by(TABLE.c.device_id))


def phones(session: Any, now: datetime) -> list[Phone]:
    """Every known phone with its kelurahan, whether it is online at ``now``, its SIM
    slots and its kelurahan's time zone (the day of its daily cap)."""
    rows = session.execute(_PHONES).all()
    return [Phone(r.device_id, r.kelurahan_id,
                  phone_online(r.last_ping_at, r.recent_failures, r.last_failed_at, now),
                  sim_slots(r.sims), r.time_zone)
            for r in rows]


class UnknownPhoneOrArea(ValueError):
    """No such gateway phone, or no kelurahan with that code; the text says which."""


def assign(session: Any, device_id: str, kelurahan_code: str | None, by: str) -> Kelurahan | None:
    """Tie the phone ``device_id`` to the kelurahan with the official ``kelurahan_code``
    (None: to none; its SMS then go to any kelurahan). ``by`` names who did it, for the
    log. Returns the kelurahan.

    Raises:
        UnknownPhoneOrArea: the phone never reached the webhook, or no such code.
    """
    device = session.scalar(select(GatewayDevice).where(GatewayDevice.device_id == device_id))
    if device is None:
        raise UnknownPhoneOrArea(f"Ponsel {device_id!r} tidak dikenal: ponsel muncul setelah "
                                 "event pertamanya sampai ke webhook.")
    kelurahan = None
    if kelurahan_code is not None:
        kelurahan = session.scalar(select(Kelurahan).where(Kelurahan.code == kelurahan_code))
        if kelurahan is None:
            raise UnknownPhoneOrArea(f"Tidak ada kelurahan dengan kode {kelurahan_code!r} "
                                     "(contoh kode: 32.73.14.1004).")
    before = session.get(Kelurahan, device.kelurahan_id) if device.kelurahan_id else None
    device.kelurahan_id = kelurahan.id if kelurahan is not None else None
    log.info("gateway phone %s: kelurahan %s -> %s, by %s", device_id, _named(before),
             _named(kelurahan), by)
    return kelurahan


def _named(kelurahan: Kelurahan | None) -> str:
    return f"{kelurahan.code} {kelurahan.name}" if kelurahan is not None else "none"
