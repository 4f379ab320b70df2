"""Until when an outbound message is worth sending: the one home of that rule.

Every outbound message row (``message.expires_at``) and every broadcast
(``broadcast.expires_at``: one date for all its recipients) carries the instant after
which sending it would do more harm than good: a meeting reminder after the meeting, an
answer to a question hours after the resident stopped waiting. The send claims
(``workers.outbound.claim``, ``workers.broadcasts.claim_batch`` and the batch sender)
are where it is enforced: a row past it becomes ``expired``, is never sent and never
retried.

The windows, counted from when the message was queued:

- a reply to what a resident just wrote: ``REPLY_USEFUL_HOURS`` (default 6);
- the code that confirms an officer's phone: as long as the code is valid (its own
  module passes that instant);
- an alert to an officer: a day (the next morning's digest says it again);
- a meeting's notice, reminder or cancellation: until the meeting starts (its module
  passes ``starts_at``);
- a priority announcement: the date the BKM officer sets when publishing, by default
  ``ANNOUNCEMENT_USEFUL_DAYS`` (14) days;
- every other notice (a KSM's or a complaint's news, a monev reminder, the answer to a
  HAPUS DATA request): ``NOTICE_USEFUL_DAYS`` (3).

The defaults are cautious on purpose: a message expires only when it is clearly
stale; a phone offline for a night does not lose a notice.
"""
from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any, Callable

from sqlalchemy.orm import Session

from bot.settings import Settings

REPLY = "reply"  # Message.kind of an answer to what a resident wrote
REPLY_KINDS = frozenset({REPLY})
ANNOUNCEMENT_KINDS = frozenset({"announcement"})
OFFICER_ALERT_KINDS = frozenset({"officer_alert"})  # the digest is one too
OFFICER_ALERT_USEFUL = timedelta(days=1)

# Where a session finds the runtime's settings: ``bot.runtime.build`` puts a callable
# returning them in every session's ``info`` (a test may replace the settings later).
SETTINGS_KEY = "settings"


def useful_until(kind: str | None, queued_at: datetime, settings: Any) -> datetime:
    """The instant past which a message of ``kind`` queued at ``queued_at`` is stale."""
    if kind in REPLY_KINDS:
        return queued_at + timedelta(hours=settings.reply_useful_hours)
    if kind in ANNOUNCEMENT_KINDS:
        return queued_at + timedelta(days=settings.announcement_useful_days)
    if kind in OFFICER_ALERT_KINDS:
        return queued_at + OFFICER_ALERT_USEFUL
    return queued_at + timedelta(days=settings.notice_useful_days)


def settings_of(session: Session) -> Any:
    """The runtime's settings as ``session`` carries them; the defaults for a session
    made outside a runtime (a migration, a script)."""
    get: Callable[[], Any] | None = session.info.get(SETTINGS_KEY)
    return get() if get is not None else Settings()


def is_past(expires_at: datetime | None, instant: datetime | None) -> bool:
    """Whether a message useful until ``expires_at`` is stale at ``instant`` (a send
    due then, a hold released then); no date: never."""
    return expires_at is not None and instant is not None and instant >= expires_at
