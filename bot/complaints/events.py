"""A complaint's audit trail: one entry per thing that happened to it (filed, answered,
assigned, escalated, merged...), written by every part of ``bot.complaints``."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import insert
from sqlalchemy.orm import Session

from bot.models import ComplaintEvent

# Built once: each answer in ADUAN records one. A Core insert on the table: through the
# ORM (a bulk insert that also fetched the new id) it cost ~230 us of CPU, ~145 us so.
_INSERT_EVENT = insert(ComplaintEvent.__table__)


def record(
    session: Session,
    complaint_id: int,
    action: str,
    officer_id: int | None = None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    note: str | None = None,
    message_id: int | None = None,
    now: datetime | None = None,
) -> None:
    """Append one entry to the complaint's audit trail."""
    values: dict[str, Any] = dict(
        complaint_id=complaint_id,
        officer_id=officer_id,
        action=action,
        before=before,
        after=after,
        note=note,
        message_id=message_id,
    )
    if now is not None:
        values["created_at"] = now
    session.execute(_INSERT_EVENT, values)
