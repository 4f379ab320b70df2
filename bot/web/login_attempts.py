"""Slowing password guessing: failed logins counted per username and per address.

After ``LIMIT`` failures for one username, or from one address, within ``WINDOW``,
every further attempt for it (even with the right password) is refused for ``WINDOW``
from the last counted failure. The counts live in Redis when the app has one, so every
web process on every machine shares them; on the embedded default, in this process.
"""
from __future__ import annotations

import logging
import threading
import time
from typing import Any

log = logging.getLogger(__name__)

LIMIT = 10
WINDOW = 15 * 60  # seconds
_PREFIX = "ksm-bot:login-failures:"


class LoginAttempts:
    """Failed-login counts; ``redis`` None keeps them in memory."""

    def __init__(self, redis: Any = None) -> None:
        self.redis = redis
        self._lock = threading.Lock()
        self._memory: dict[str, tuple[int, float]] = {}  # key -> (count, expires)

    @staticmethod
    def _keys(username: str, address: str | None) -> list[str]:
        keys = [f"user:{username.strip().lower()[:80]}"]
        if address:
            keys.append(f"addr:{address}")
        return keys

    def blocked_for(self, username: str, address: str | None) -> int:
        """Seconds until this username and address may try again (0: now)."""
        wait = 0
        for key in self._keys(username, address):
            count, ttl = self._get(key)
            if count >= LIMIT:
                wait = max(wait, ttl)
        return wait

    def failed(self, username: str, address: str | None) -> None:
        """Count one failed login (logged without the password)."""
        log.warning("failed login for %r from %s", username[:80], address or "?")
        for key in self._keys(username, address):
            self._add(key)

    def succeeded(self, username: str) -> None:
        """The username's count starts over; the address's stays."""
        self._delete(self._keys(username, None)[0])

    def _get(self, key: str) -> tuple[int, int]:
        if self.redis is not None:
            try:
                count, ttl = self.redis.pipeline().get(_PREFIX + key).ttl(_PREFIX + key).execute()
                return int(count or 0), max(int(ttl), 0)
            except Exception:  # noqa: BLE001 - Redis away: this process's own counts
                log.warning("login counts: Redis unavailable, counting in memory")
        with self._lock:
            count, expires = self._memory.get(key, (0, 0.0))
            left = expires - time.monotonic()
            return (count, int(left) + 1) if left > 0 else (0, 0)

    def _add(self, key: str) -> None:
        if self.redis is not None:
            try:
                # Each failure keeps the window open for WINDOW more seconds.
                self.redis.pipeline().incr(_PREFIX + key).expire(_PREFIX + key, WINDOW).execute()
                return
            except Exception:  # noqa: BLE001
                log.warning("login counts: Redis unavailable, counting in memory")
        with self._lock:
            count, expires = self._memory.get(key, (0, 0.0))
            now = time.monotonic()
            self._memory[key] = (count + 1 if expires > now else 1, now + WINDOW)

    def _delete(self, key: str) -> None:
        if self.redis is not None:
            try:
                self.redis.delete(_PREFIX + key)
            except Exception:  # noqa: BLE001
                pass
        with self._lock:
            self._memory.pop(key, None)
