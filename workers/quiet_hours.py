"""Quiet hours: nothing unprompted reaches a resident between 21:00 and 06:00 local time.

The one rule, applied where a worker claims a message to send and nowhere else (the
single message: ``workers.outbound.claim``; a broadcast's rows:
``workers.broadcast_batch``): a message waits at the claim, never at enqueue, because the
hour changes while it waits and ``QUIET_HOURS=off`` must reach every path. The sweep asks
:func:`held_until` only to know when a held message's morning has come.

Local means the resident's time zone (:func:`resident_zone`); a contact with none is taken
to be in WIB, where most residents live. Functions of an explicit ``now`` so that tests
need no clock. The rule itself (the hours) is ``bot.quiet_hours``.
"""
from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import aliased
from sqlalchemy.sql.elements import ColumnElement

from bot.models import Complaint, Contact, Kelurahan
from bot.quiet_hours import QUIET_FROM, QUIET_UNTIL, is_quiet, quiet_until

__all__ = ["QUIET_FROM", "QUIET_UNTIL", "held_until", "is_quiet", "quiet_until", "resident_zone"]


def held_until(settings: Any, now: datetime, time_zone: str | None) -> datetime | None:
    """Until when an unprompted message to someone in ``time_zone`` must wait: 06:00 local
    during the quiet hours; None outside them, or when ``QUIET_HOURS=off``."""
    if not settings.quiet_hours:
        return None
    return quiet_until(now, time_zone)


def resident_zone() -> ColumnElement[Any]:
    """The time zone of the :class:`Contact` in the enclosing query: its own when known
    (an officer's phone keeps their area's), else their kelurahan's, else that of their latest complaint's kelurahan (a complainant in no KSM has no
    kelurahan of their own), else NULL (WIB). Built once: every send claim reads it,
    and building it cost a tenth of a claim (bench/e2e.py's profile)."""
    return _RESIDENT_ZONE


def _resident_zone() -> ColumnElement[Any]:
    own, filed = aliased(Kelurahan), aliased(Kelurahan)
    return func.coalesce(
        Contact.time_zone,  # known without a kelurahan: an officer's phone (their area's)
        select(own.time_zone).where(own.id == Contact.kelurahan_id).scalar_subquery(),
        select(filed.time_zone)
        .join(Complaint, Complaint.kelurahan_id == filed.id)
        .where(Complaint.contact_id == Contact.id)
        .order_by(Complaint.id.desc())
        .limit(1)
        .scalar_subquery(),
    )


_RESIDENT_ZONE = _resident_zone()
