"""Slowing password guessing: login attempts counted per username and per address.

Every attempt (a password or a second-factor code) is counted *before* it is checked,
in one atomic step (``bot.rate_counts``), and one that passes is taken back. After
``LIMIT`` counted attempts for one username, or from one address, within ``WINDOW``,
every further attempt for it (even with the right password) is refused unchecked until
``WINDOW`` after the last counted one. So 40 guesses sent at the same moment get at most
``LIMIT`` checks, and the counts, kept in the database, are shared by every web process
on every machine whether Redis is up or not.
"""
from __future__ import annotations

import logging
from datetime import datetime, timedelta, timezone
from typing import Any

from bot import rate_counts

log = logging.getLogger(__name__)

LIMIT = 10
WINDOW = 15 * 60  # seconds
_PREFIX = "login:"


class LoginAttempts:
    """Login attempts counted through the request's database session, each count
    committed at once (whatever the request does next, the attempt stays counted)."""

    def __init__(self, session: Any) -> None:
        self.session = session

    @staticmethod
    def _user(username: str) -> str:
        return f"{_PREFIX}user:{username.strip().lower()[:80]}"

    @staticmethod
    def _address(address: str | None) -> str | None:
        return f"{_PREFIX}addr:{address[:64]}" if address else None

    def take(self, username: str, address: str | None) -> int:
        """Count this attempt; returns the seconds to wait when it is one too many (it
        must then not be checked), else 0."""
        now = datetime.now(timezone.utc)
        wait = 0
        for key in filter(None, (self._user(username), self._address(address))):
            count, ends = rate_counts.add(self.session, key, timedelta(seconds=WINDOW), now, LIMIT)
            if count > LIMIT:
                wait = max(wait, int((ends - now).total_seconds()) + 1)
        self.session.commit()
        return wait

    def failed(self, username: str, address: str | None) -> None:
        """Log a wrong password or code (never the password itself)."""
        log.warning("failed login for %r from %s", username[:80], address or "?")

    def passed(self, username: str, address: str | None, finished: bool) -> None:
        """A password or code was right: it does not count; a finished login also
        starts the username's count over."""
        if (key := self._address(address)) is not None:
            rate_counts.take_back(self.session, key)
        if finished:
            rate_counts.forget(self.session, self._user(username))
        else:
            rate_counts.take_back(self.session, self._user(username))
        self.session.commit()
