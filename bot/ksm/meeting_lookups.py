"""The meeting flows' read-only look-ups (``turn.directory``), over the database.

Mixed into ``bot.directory.DbDirectory``.
"""
from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Select, bindparam, func, select
from sqlalchemy.orm import Session

from bot.models import Contact, Kelurahan, Ksm, KsmMember, Meeting, MeetingReminder
from bot.models import ksm as k
from bot.models import meeting as mt
from conversations.flows.meeting_common import DEFAULT_ZONE, MeetingView


def _select(*where: Any) -> Select[Any]:
    return (
        select(Meeting.id, Meeting.ksm_id, Ksm.name, Meeting.starts_at, Meeting.place,
               Kelurahan.time_zone, Meeting.recurrence)
        .join(Ksm, Ksm.id == Meeting.ksm_id)
        .join(Kelurahan, Kelurahan.id == Ksm.kelurahan_id)
        .where(Meeting.status == mt.SCHEDULED, Meeting.starts_at > bindparam("now"), *where)
        .order_by(Meeting.starts_at, Meeting.id)
        .limit(1)
    )


_MY_KSMS = select(KsmMember.ksm_id).where(KsmMember.contact_id == bindparam("contact_id"),
                                          KsmMember.status == k.CONFIRMED)
_NEXT_OF_KSM = _select(Meeting.ksm_id == bindparam("ksm_id"))
_NEXT_OF_MEMBER = _select(Meeting.ksm_id.in_(_MY_KSMS))
# Every upcoming meeting of the member's KSMs, with the last time members were told
# about it: its notice (sent when it was saved) or a members' reminder since.
_LAST_REMINDER = (
    select(MeetingReminder.meeting_id, func.max(MeetingReminder.sent_at).label("sent_at"))
    .where(MeetingReminder.kind.in_((mt.DAY_BEFORE, mt.SOON)),
           MeetingReminder.sent_at.is_not(None),
           MeetingReminder.broadcast_ids.not_in(("skipped", "cancelled")))
    .group_by(MeetingReminder.meeting_id).subquery())
_UPCOMING_OF_MEMBER = (
    _select(Meeting.ksm_id.in_(_MY_KSMS)).limit(None)
    .add_columns(Meeting.created_at, _LAST_REMINDER.c.sent_at)
    .outerjoin(_LAST_REMINDER, _LAST_REMINDER.c.meeting_id == Meeting.id))


def _first(session: Session, statement: Select[Any], **params: Any) -> MeetingView | None:
    row = session.execute(statement, params).first()
    if row is None:
        return None
    meeting_id, ksm_id, name, starts_at, place, zone, recurrence = row
    return MeetingView(id=meeting_id, ksm_id=ksm_id, ksm_name=name, starts_at=starts_at,
                       place=place, time_zone=zone or DEFAULT_ZONE, recurrence=recurrence)


# Confirmed members (not the leader) whom a notice will not reach: they sent BERHENTI,
# or their number was refused for good (the broadcast skips both).
_UNREACHABLE = (
    select(KsmMember.name)
    .join(Contact, Contact.id == KsmMember.contact_id)
    .join(Ksm, Ksm.id == KsmMember.ksm_id)
    .where(KsmMember.ksm_id == bindparam("ksm_id"), KsmMember.status == k.CONFIRMED,
           KsmMember.contact_id != Ksm.leader_contact_id,
           (Contact.opted_out.is_(True)) | (Contact.invalid_number.is_(True)))
    .order_by(KsmMember.id))


class MeetingLookups:
    """Look-ups for RAPAT and HADIR / TIDAK HADIR."""

    session: Session
    contact_id: int

    def kelurahan_time_zone(self, kelurahan_id: int) -> str:
        return self.session.scalar(
            select(Kelurahan.time_zone).where(Kelurahan.id == kelurahan_id)) or DEFAULT_ZONE

    def next_meeting(self, ksm_id: int, now: datetime) -> MeetingView | None:
        return _first(self.session, _NEXT_OF_KSM, ksm_id=ksm_id, now=now)

    def unreachable_members(self, ksm_id: int) -> list[str]:
        """Names of the KSM's members (not its leader) a notice will not reach."""
        return list(self.session.scalars(_UNREACHABLE, {"ksm_id": ksm_id}))

    def my_next_meeting(self, now: datetime) -> MeetingView | None:
        """The soonest meeting of any KSM the contact is a confirmed member of."""
        return _first(self.session, _NEXT_OF_MEMBER, contact_id=self.contact_id, now=now)

    def my_meetings(self, now: datetime) -> list[MeetingView]:
        """Upcoming meetings of the contact's KSMs, soonest first, each with
        ``told_at``."""
        views = []
        rows = self.session.execute(_UPCOMING_OF_MEMBER,
                                    {"contact_id": self.contact_id, "now": now}).all()
        for meeting_id, ksm_id, name, starts_at, place, zone, recurrence, created, sent in rows:
            told = max(t for t in (created, sent) if t is not None) if created or sent else None
            views.append(MeetingView(id=meeting_id, ksm_id=ksm_id, ksm_name=name,
                                     starts_at=starts_at, place=place,
                                     time_zone=zone or DEFAULT_ZONE, recurrence=recurrence,
                                     told_at=told))
        return views
