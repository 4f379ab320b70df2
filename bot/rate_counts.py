"""Counting in a time window, in one atomic statement per count, in the database.

Every web process on every machine shares the counts, Redis or not, and two requests
at the same moment never read the same count: the upsert increments and returns it
under the row's lock (PostgreSQL) or the database's write lock (SQLite).
"""
from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import bindparam, case, delete, update

from bot.db import upsert
from bot.models.rate_count import RateCount

TABLE = RateCount.__table__


def add(session: Any, key: str, window: timedelta, now: datetime, limit: int) -> tuple[int, datetime]:
    """Count one more ``key``; returns the count and when its window ends.

    A count within ``limit`` keeps the window open for ``window`` from now; one past it
    does not (being refused does not lengthen the wait). An ended window starts at 1.
    """
    insert_of = upsert(session)
    stmt = _ADD.get(insert_of)
    if stmt is None:
        stmt = _ADD[insert_of] = _add_statement(insert_of)
    row = session.execute(stmt, {"counted_key": key, "now": now, "ends": now + window,
                                 "limit": limit}).one()
    return row.count, row.expires_at


def _add_statement(insert_of: Any) -> Any:
    live = TABLE.c.expires_at > bindparam("now")
    return insert_of(TABLE).values(
        key=bindparam("counted_key"), count=1, expires_at=bindparam("ends"),
    ).on_conflict_do_update(index_elements=[TABLE.c.key], set_={
        "count": case((live, TABLE.c.count + 1), else_=1),
        "expires_at": case((live & (TABLE.c.count >= bindparam("limit")), TABLE.c.expires_at),
                           else_=bindparam("ends")),
    }).returning(TABLE.c.count, TABLE.c.expires_at)


# The upsert, built once per database kind: every message a resident sends counts twice.
_ADD: dict[Any, Any] = {}


def hold_until(session: Any, key: str, until: datetime) -> None:
    """Keep ``key``'s window (and so its count) open until ``until``."""
    session.execute(update(TABLE).where(TABLE.c.key == key).values(expires_at=until))


def take_back(session: Any, key: str) -> None:
    """Undo one count of ``key`` (what was counted turned out not to count)."""
    session.execute(update(TABLE).where(TABLE.c.key == key, TABLE.c.count > 0)
                    .values(count=TABLE.c.count - 1))


def forget(session: Any, key: str) -> None:
    session.execute(delete(TABLE).where(TABLE.c.key == key))


def forget_ended(session: Any, now: datetime) -> int:
    """Drop the counts whose window has ended; returns how many."""
    return session.execute(delete(TABLE).where(TABLE.c.expires_at <= now)).rowcount
