"""Bursts of KSM registrations in one kelurahan: a sign of a script or of one person
with many phones (20 numbers registered 20 KSMs in one kelurahan in 2 seconds), shown
to the BKM on the KSM pages before anyone verifies them.

No resident is refused for it: a real group may register on the same evening as its
neighbours. The BKM looks before verifying.
"""
from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections import defaultdict
from datetime import datetime, timedelta, timezone

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.models import Ksm

WINDOW = timedelta(minutes=10)  # registrations this close together...
SIZE = 5  # ...this many or more in one kelurahan are a burst


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


def bursts(session: Session, ksm_ids: list[int]) -> dict[int, int]:
    """For each of ``ksm_ids`` registered in a burst: how many KSMs its kelurahan
    registered within :data:`WINDOW` of it (itself included)."""
    if not ksm_ids:
        return {}
    asked = session.execute(select(Ksm.id, Ksm.kelurahan_id, Ksm.created_at)
                            .where(Ksm.id.in_(ksm_ids))).all()
    kelurahan_ids = {row.kelurahan_id for row in asked}
    earliest = min(_aware(row.created_at) for row in asked) - WINDOW
    latest = max(_aware(row.created_at) for row in asked) + WINDOW
    times: dict[int, list[datetime]] = defaultdict(list)
    for kelurahan_id, created_at in session.execute(
            select(Ksm.kelurahan_id, Ksm.created_at)
            .where(Ksm.kelurahan_id.in_(kelurahan_ids), Ksm.created_at >= earliest,
                   Ksm.created_at <= latest)):
        times[kelurahan_id].append(_aware(created_at))
    found = {}
    for row in asked:
        near = sorted(times[row.kelurahan_id])
        at = _aware(row.created_at)
        n = bisect_right(near, at + WINDOW) - bisect_left(near, at - WINDOW)
        if n >= SIZE:
            found[row.id] = n
    return found
