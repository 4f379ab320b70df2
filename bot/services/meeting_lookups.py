"""The meeting flows' read-only look-ups (``turn.directory``), over the database.

Mixed into ``bot.directory.DbDirectory``.
"""
from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.models import Kelurahan, Ksm, KsmMember, Meeting
from bot.models import ksm as k
from bot.models import meeting as mt
from conversations.flows.meeting_common import DEFAULT_ZONE, MeetingView


def _views(session: Session, *where: Any, limit: int = 1) -> list[MeetingView]:
    rows = session.execute(
        select(Meeting, Ksm.name, Kelurahan.time_zone)
        .join(Ksm, Ksm.id == Meeting.ksm_id)
        .join(Kelurahan, Kelurahan.id == Ksm.kelurahan_id)
        .where(Meeting.status == mt.SCHEDULED, *where)
        .order_by(Meeting.starts_at, Meeting.id)
        .limit(limit)
    ).all()
    return [MeetingView(id=m.id, ksm_id=m.ksm_id, ksm_name=name, starts_at=m.starts_at,
                        place=m.place, time_zone=tz or DEFAULT_ZONE, recurrence=m.recurrence)
            for m, name, tz in rows]


class MeetingLookups:
    """Look-ups for RAPAT and HADIR / TIDAK HADIR."""

    session: Session
    contact_id: int

    def kelurahan_time_zone(self, kelurahan_id: int) -> str:
        return self.session.scalar(
            select(Kelurahan.time_zone).where(Kelurahan.id == kelurahan_id)) or DEFAULT_ZONE

    def next_meeting(self, ksm_id: int, now: datetime) -> MeetingView | None:
        found = _views(self.session, Meeting.ksm_id == ksm_id, Meeting.starts_at > now)
        return found[0] if found else None

    def my_next_meeting(self, now: datetime) -> MeetingView | None:
        """The soonest meeting of any KSM the contact is a confirmed member of."""
        mine = select(KsmMember.ksm_id).where(KsmMember.contact_id == self.contact_id,
                                              KsmMember.status == k.CONFIRMED)
        found = _views(self.session, Meeting.ksm_id.in_(mine), Meeting.starts_at > now)
        return found[0] if found else None
