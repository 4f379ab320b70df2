"""Messages per second per sender, shared by every worker through Redis.

The algorithm is GCRA in its reservation form: each send reserves the next free slot
(``tat``, the theoretical arrival time, advances by one interval) and waits until that
slot. One Redis round trip per message, no polling, fair between workers, and exact
over time: N messages at rate r take at least (N - 1) / r - CATCH_UP seconds however
many workers share the limit. The clock is Redis's own (``TIME``) so machines with
skewed clocks agree.

``CATCH_UP``: when every worker is late for its slot at once (a pause in a busy
machine, a slow database commit), the slots missed are not lost for good: the schedule
may lag real time by up to this much and is caught up by sending without waiting.
Without it a shared schedule loses every missed slot and a busy machine reached ~90%
of the configured rate (0.25 s still lost ~5%); with it, at most ``CATCH_UP * rate``
extra messages go back to back, which Twilio queues at the sender's own pace.

Spacing (``jitter``, SMSGATE_JITTER for a gateway phone): each send waits a random
extra of up to ``jitter`` intervals after its slot, counted from the slot, not from
the previous send, and the schedule does not move: the gaps between one phone's SMS
vary (a phone that sends like a metronome looks like a machine to its operator) while
the rate over minutes stays the configured one. The catch-up allowance grows by the
same amount, so a send late by its own spacing loses no slot.

When the provider asks for it (its ``slow_down`` in ``bot.providers.registry``: a 429, Twilio's
63018 WhatsApp rate limit) the sender is slowed down for everyone: the interval doubles (up to 32x) for a minute.
On the embedded default the same algorithm runs in-process.
"""
from __future__ import annotations

import random
import threading
import time
from typing import Any, Protocol

CATCH_UP = 1.0  # seconds
SLOW_DOWN_SECONDS = 60
MAX_SLOW_DOWN = 32

_RESERVE = """
local t = redis.call('TIME')
local now = tonumber(t[1]) + tonumber(t[2]) / 1000000
local factor = tonumber(redis.call('GET', KEYS[2]) or '1')
local interval = tonumber(ARGV[1]) * factor
local tat = tonumber(redis.call('GET', KEYS[1]) or tostring(now))
if tat < now - tonumber(ARGV[2]) then tat = now - tonumber(ARGV[2]) end
local wait = tat - now
if wait < 0 then wait = 0 end
redis.call('SET', KEYS[1], string.format('%.6f', tat + interval),
           'PX', math.ceil((wait + interval + tonumber(ARGV[2])) * 1000) + 1000)
wait = tat + tonumber(ARGV[3]) - now
if wait < 0 then wait = 0 end
return string.format('%.6f', wait)
"""

_SLOW_DOWN = """
local factor = tonumber(redis.call('GET', KEYS[1]) or '1') * 2
if factor > tonumber(ARGV[1]) then factor = tonumber(ARGV[1]) end
redis.call('SET', KEYS[1], factor, 'EX', ARGV[2])
return factor
"""


class RateLimiter(Protocol):
    def reserve(self, key: str, per_second: float, jitter: float = 0.0) -> float:
        """Take the next slot for ``key``; returns how many seconds to wait for it
        (spaced by up to ``jitter`` intervals after the slot)."""
        ...

    def slow_down(self, key: str) -> None:
        """The provider said too fast: halve ``key``'s rate for a while."""
        ...

    def slowness(self, key: str) -> float:
        """How many times slower than configured ``key`` sends now (1.0: full speed)."""
        ...


def acquire(limiter: RateLimiter, key: str, per_second: float, jitter: float = 0.0) -> None:
    """Block until this process may send one more message as ``key``."""
    wait = limiter.reserve(key, per_second, jitter)
    if wait > 0:
        time.sleep(wait)


class RedisRateLimiter:
    """The shared limiter: every worker on the same Redis draws from one schedule."""

    def __init__(self, redis: Any, prefix: str = "ksm-bot:rate:") -> None:
        self.redis = redis
        self.prefix = prefix
        self._reserve = redis.register_script(_RESERVE)
        self._slow_down = redis.register_script(_SLOW_DOWN)

    def reserve(self, key: str, per_second: float, jitter: float = 0.0) -> float:
        keys = [self.prefix + key, self.prefix + key + ":slow"]
        spacing = jitter / per_second
        return float(self._reserve(keys=keys, args=[1.0 / per_second, CATCH_UP + spacing,
                                                    random.uniform(0.0, spacing)]))

    def slow_down(self, key: str) -> None:
        self._slow_down(keys=[self.prefix + key + ":slow"], args=[MAX_SLOW_DOWN, SLOW_DOWN_SECONDS])

    def slowness(self, key: str) -> float:
        return float(self.redis.get(self.prefix + key + ":slow") or 1)


class LocalRateLimiter:
    """The embedded default's limiter: the same schedule, within one process."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._tat: dict[str, float] = {}
        self._slow: dict[str, tuple[float, float]] = {}  # key -> (factor, until)

    def reserve(self, key: str, per_second: float, jitter: float = 0.0) -> float:
        spacing = jitter / per_second
        with self._lock:
            now = time.monotonic()
            factor, until = self._slow.get(key, (1.0, 0.0))
            if until < now:
                factor = 1.0
            tat = max(self._tat.get(key, now), now - CATCH_UP - spacing)
            self._tat[key] = tat + factor / per_second
            return max(tat + random.uniform(0.0, spacing) - now, 0.0)

    def slow_down(self, key: str) -> None:
        with self._lock:
            now = time.monotonic()
            factor, until = self._slow.get(key, (1.0, 0.0))
            factor = 1.0 if until < now else factor
            self._slow[key] = (min(factor * 2, MAX_SLOW_DOWN), now + SLOW_DOWN_SECONDS)

    def slowness(self, key: str) -> float:
        with self._lock:
            factor, until = self._slow.get(key, (1.0, 0.0))
            return factor if until >= time.monotonic() else 1.0


def limiter_for(rt: Any) -> RateLimiter:
    """The runtime's limiter, made once per process: Redis when there is one."""
    limiter = rt.extras.get("rate_limiter")
    if limiter is None:
        limiter = RedisRateLimiter(rt.redis) if rt.redis is not None else LocalRateLimiter()
        rt.extras["rate_limiter"] = limiter
    return limiter


def jitter_for(settings: Any, key: str) -> float:
    """The spacing of the sender ``key`` (:func:`sender_key`'s): a gateway phone's."""
    return settings.smsgate_jitter if key.startswith("smsgate:") else 0.0


def sender_key(settings: Any, channel: str, provider: str = "twilio",
               device_id: str | None = None) -> tuple[str, float]:
    """The limiter key (one per sender number) and rate for sending on ``channel``.

    Through the gateway the sender is a phone: SMSGATE_RATE_PER_MINUTE per device
    (the gateway's own choice of phone, ``device_id`` None, shares one key).
    """
    if channel != "whatsapp" and provider == "smsgate":
        return f"smsgate:{device_id or '-'}", settings.smsgate_rate_per_minute / 60.0
    if channel == "whatsapp":
        return f"whatsapp:{settings.twilio_whatsapp_from or '-'}", settings.whatsapp_rate_per_second
    sender = settings.twilio_messaging_service_sid or settings.twilio_sms_from or "-"
    return f"sms:{sender}", settings.sms_rate_per_second
