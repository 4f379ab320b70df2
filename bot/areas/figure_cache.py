"""A short-lived cache of public figures, shared through Redis when the app has one."""

from __future__ import annotations

import json
import logging
import threading
import time
from typing import Any, Callable

log = logging.getLogger(__name__)

TTL_SECONDS = 60
_PREFIX = "ksm-bot:public:v3:"  # v3: a kota's figures carry the per-kelurahan breakdown
# After Redis fails, this process keeps to its own memory for this long (a breaker), so
# a page never waits a Redis timeout per request.
REDIS_PAUSE = 15.0
MEMORY_ENTRIES = 4096


class FigureCache:
    """Figures by key for ``ttl`` seconds: in this process, and in Redis when given so
    that every web process (and machine) computes each area once per TTL.

    A value read from Redis is kept in memory until the moment it expires in Redis (the
    expiry travels with it), so a figure is never older than ``ttl`` and a hot page costs
    no round trip at all.
    """

    def __init__(self, redis: Any = None, ttl: int = TTL_SECONDS) -> None:
        self.redis = redis
        self.ttl = ttl
        self._lock = threading.Lock()
        self._memory: dict[str, tuple[float, Any]] = {}  # key -> (expires, wall clock; value)
        self._redis_down_until = 0.0

    def _use_redis(self) -> bool:
        return self.redis is not None and time.monotonic() >= self._redis_down_until

    def _redis_failed(self, exc: Exception) -> None:
        log.warning("public figures cache: Redis failed (%s); using memory", type(exc).__name__)
        self._redis_down_until = time.monotonic() + REDIS_PAUSE

    def _remember(self, key: str, expires: float, value: Any) -> None:
        with self._lock:
            if len(self._memory) >= MEMORY_ENTRIES:
                self._memory.clear()
            self._memory[key] = (expires, value)

    def get(self, key: str) -> Any | None:
        now = time.time()
        with self._lock:
            entry = self._memory.get(key)
        if entry is not None and entry[0] > now:
            return entry[1]
        if self._use_redis():
            try:
                raw = self.redis.get(_PREFIX + key)
            except Exception as exc:  # noqa: BLE001 - any Redis trouble: compute instead
                self._redis_failed(exc)
                return None
            if raw is not None:
                stored = json.loads(raw)
                if stored["expires"] > now:
                    self._remember(key, stored["expires"], stored["value"])
                    return stored["value"]
        return None

    def set(self, key: str, value: Any) -> None:
        expires = time.time() + self.ttl
        self._remember(key, expires, value)
        if self._use_redis():
            try:
                self.redis.set(_PREFIX + key, json.dumps({"expires": expires, "value": value}),
                               ex=self.ttl)
            except Exception as exc:  # noqa: BLE001
                self._redis_failed(exc)

    def fetch(self, key: str, compute: Callable[[], Any]) -> Any:
        """The cached value of ``key``, computed and stored on a miss."""
        value = self.get(key)
        if value is None:
            value = compute()
            self.set(key, value)
        return value


def cache_for(runtime: Any) -> FigureCache:
    """The runtime's figure cache (one per process, on its Redis if it has one)."""
    cache = runtime.extras.get("public_figures_cache")
    if cache is None:
        cache = runtime.extras.setdefault("public_figures_cache", FigureCache(runtime.redis))
    return cache
