"""A daily cap per SIM of each gateway phone, and the phone and SIM an SMS leaves from.

Operators cap and block SIMs that send like spammers, so each SIM of a gateway phone
sends at most SMSGATE_DAILY_CAP_PER_SIM SMS a local day (the day of the phone's
kelurahan, WIB when it has none), beside the per-minute rate per phone
(``workers.rate_limit``). A dual-SIM phone (its reports named two slots:
``Phone.sims``) has a cap per SIM, and its messages alternate between the SIMs; a
phone with one slot known sends from its default SIM, under one cap.

The counts live where the rate limiter's schedule lives: in Redis when there is one
(shared by every worker), else in this process (the embedded default runs one). A send
takes its count before the provider call; one that then fails keeps it (counting one
too many is the cautious side).

When the phone a message would leave from reached its cap, its other SIM takes it, then
the next phone of the kelurahan (``bot.channels.phone_order``); with every one of them
at its cap it waits for the next local day (:attr:`Pick.wait_until`): not failed, not
dropped, and expired instead if its date comes first (the send paths decide that).
A reply to what a resident wrote is counted but never held: the resident is waiting
and wrote to that phone.
"""
from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta
from typing import Any, Protocol

from bot.channels import SMSGATE, Phone, Route, phone_order
from conversations.flows.meeting_common import zone

# A day's counter is kept a little longer than its day (the zones differ by two hours).
COUNT_TTL_SECONDS = 2 * 24 * 3600

_TAKE = """
local used = tonumber(redis.call('GET', KEYS[1]) or '0')
if used >= tonumber(ARGV[1]) then return 0 end
redis.call('INCR', KEYS[1])
redis.call('EXPIRE', KEYS[1], ARGV[2])
return 1
"""


@dataclass(frozen=True)
class Slot:
    """One SIM of one phone: ``sim`` None is the phone's default SIM."""

    device_id: str
    sim: int | None = None


def slots(phone: Phone) -> list[Slot]:
    """The SIMs of ``phone`` that have a cap of their own."""
    if len(phone.sims) < 2:
        return [Slot(phone.device_id)]
    return [Slot(phone.device_id, sim) for sim in phone.sims]


def local_day(now: datetime, time_zone: str | None) -> date:
    return now.astimezone(zone(time_zone)).date()


def next_day(now: datetime, time_zone: str | None) -> datetime:
    """The next local midnight in ``time_zone``, UTC-aware like ``now``."""
    tz = zone(time_zone)
    tomorrow = now.astimezone(tz).date() + timedelta(days=1)
    return datetime.combine(tomorrow, time(0, 0), tzinfo=tz).astimezone(now.tzinfo)


def count_key(slot: Slot, day: date) -> str:
    return f"{slot.device_id}:{slot.sim or '-'}:{day.isoformat()}"


class DailyCounts(Protocol):
    def take(self, key: str, cap: int) -> bool:
        """Count one send under ``key`` if fewer than ``cap`` were counted."""
        ...

    def count(self, key: str) -> None:
        """Count one send under ``key`` whatever the cap (a reply)."""
        ...

    def used(self, keys: Sequence[str]) -> list[int]:
        """How many sends each key counted."""
        ...


class RedisDailyCounts:
    """The shared counts: every worker on the same Redis draws from one count per SIM."""

    def __init__(self, redis: Any, prefix: str = "ksm-bot:cap:") -> None:
        self.redis = redis
        self.prefix = prefix
        self._take = redis.register_script(_TAKE)

    def take(self, key: str, cap: int) -> bool:
        return bool(self._take(keys=[self.prefix + key], args=[cap, COUNT_TTL_SECONDS]))

    def count(self, key: str) -> None:
        pipe = self.redis.pipeline()
        pipe.incr(self.prefix + key)
        pipe.expire(self.prefix + key, COUNT_TTL_SECONDS)
        pipe.execute()

    def used(self, keys: Sequence[str]) -> list[int]:
        if not keys:
            return []
        return [int(v or 0) for v in self.redis.mget([self.prefix + k for k in keys])]


class LocalDailyCounts:
    """The embedded default's counts, within one process (as its rate limiter)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._counts: dict[str, int] = {}

    def take(self, key: str, cap: int) -> bool:
        with self._lock:
            if self._counts.get(key, 0) >= cap:
                return False
            self._counts[key] = self._counts.get(key, 0) + 1
            return True

    def count(self, key: str) -> None:
        with self._lock:
            self._counts[key] = self._counts.get(key, 0) + 1

    def used(self, keys: Sequence[str]) -> list[int]:
        with self._lock:
            return [self._counts.get(k, 0) for k in keys]


def counts_for(rt: Any) -> DailyCounts:
    """The runtime's counts, made once per process: Redis when there is one."""
    counts = rt.extras.get("daily_counts")
    if counts is None:
        counts = RedisDailyCounts(rt.redis) if rt.redis is not None else LocalDailyCounts()
        rt.extras["daily_counts"] = counts
    return counts


@dataclass(frozen=True)
class Pick:
    """The route with its phone and SIM, or the instant to wait for (every SIM that
    may carry it reached its cap today)."""

    route: Route
    wait_until: datetime | None = None


def pick(counts: DailyCounts, cap: int, phones: Sequence[Phone], route: Route,
         kelurahan_id: int | None, spread: int, now: datetime,
         wanted: str | None = None, full: set[str] | None = None) -> Pick:
    """The phone and SIM ``route`` leaves from, its count taken.

    Args:
        counts: :func:`counts_for`'s.
        cap: SMSGATE_DAILY_CAP_PER_SIM.
        phones: every known phone (``bot.gateway_devices.phones``).
        route: as ``bot.channels.choose_route`` chose it (its phone the first choice).
        spread: the number that shared the load (the message's id).
        wanted: the phone a reply is bound to: counted, never held.
        full: keys found at their cap, shared by the calls of one batch (fewer look-ups).
    """
    if route.channel != "sms" or route.provider != SMSGATE or route.device_id is None:
        return Pick(route)
    known = {p.device_id: p for p in phones}
    if wanted is not None:
        phone = known.get(route.device_id, Phone(route.device_id, None, True))
        slot = slots(phone)[0]
        counts.count(count_key(slot, local_day(now, phone.time_zone)))
        return Pick(replace(route, sim=slot.sim))
    order = phone_order(phones, None, kelurahan_id, spread)
    if not order:  # no phone online: it waits at the gateway for its phone, uncounted
        return Pick(route)
    full = set() if full is None else full
    turn = spread // len(order)
    for phone in order:
        mine = slots(phone)
        start = turn % len(mine)
        for slot in mine[start:] + mine[:start]:
            key = count_key(slot, local_day(now, phone.time_zone))
            if key in full:
                continue
            if counts.take(key, cap):
                return Pick(replace(route, device_id=slot.device_id, sim=slot.sim))
            full.add(key)
    return Pick(route, min(next_day(now, p.time_zone) for p in order))


def used_today(counts: DailyCounts, phones: Sequence[Phone],
               now: datetime) -> dict[Slot, int]:
    """How many SMS each SIM of ``phones`` sent today (the estimate's starting point)."""
    every = [(slot, count_key(slot, local_day(now, p.time_zone)))
             for p in phones for slot in slots(p)]
    used = counts.used([key for _, key in every])
    return {slot: n for (slot, _), n in zip(every, used)}
