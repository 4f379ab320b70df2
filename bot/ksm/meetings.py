"""Meetings: the RAPAT effects, the reminders' due times, and what the sweep sends.

Notices and reminders go to the KSM's confirmed members as broadcasts
(``bot.messaging.notices``); a reminder row is stamped ``sent_at`` in the transaction that
creates its broadcasts, so it goes out once. Each is useful until the meeting starts
(``bot.usefulness``): one not sent by then expires.
"""
from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Select, func, select, update
from sqlalchemy.orm import Session

from bot.db import upsert
from bot.effect_context import EffectContext
from bot.models import Kelurahan, Ksm, KsmMember, Meeting, MeetingReminder, Rsvp
from bot.models import ksm as k
from bot.models import meeting as mt
from bot.messaging.notices import broadcast_text
from conversations.flows.meeting_common import DEFAULT_ZONE, local_clock, local_when, reminder_times
from conversations.flows.meetings import CancelMeeting, RecordRsvp, ScheduleMeeting

NOTICE_KIND = "meeting_notice"
REMINDER_KIND = "meeting_reminder"


class MeetingError(ValueError):
    """The sender may not do this to this meeting."""


def members(ksm_id: int, leader_too: bool = True, leader_id: int | None = None) -> Select[Any]:
    """Confirmed members of a KSM, as a select of contact ids (for broadcasts)."""
    query = select(KsmMember.contact_id).where(KsmMember.ksm_id == ksm_id,
                                               KsmMember.status == k.CONFIRMED)
    if not leader_too and leader_id is not None:
        query = query.where(KsmMember.contact_id != leader_id)
    return query


def time_zone_of(session: Session, ksm: Ksm) -> str:
    return session.scalar(select(Kelurahan.time_zone).where(Kelurahan.id == ksm.kelurahan_id)) \
        or DEFAULT_ZONE


def schedule(session: Session, ksm: Ksm, starts_at: datetime, place: str, now: datetime,
             recurrence: str | None = None, created_by_id: int | None = None) -> Meeting:
    """Store a meeting and its reminders that are still ahead (a meeting set for
    tonight gets no day-before reminder)."""
    meeting = Meeting(ksm_id=ksm.id, starts_at=starts_at, place=place, status=mt.SCHEDULED,
                      recurrence=recurrence, created_by_id=created_by_id, created_at=now)
    session.add(meeting)
    session.flush()
    for kind, due_at in reminder_times(starts_at, time_zone_of(session, ksm)).items():
        if due_at > now:
            session.add(MeetingReminder(meeting_id=meeting.id, kind=kind, due_at=due_at))
    session.flush()
    return meeting


def _params(session: Session, meeting: Meeting, ksm: Ksm) -> dict[str, Any]:
    tz = time_zone_of(session, ksm)
    # Broadcast texts are rendered per language by the catalogue; the date wording is
    # Indonesian in both (day names are understood by every resident).
    return {"ksm": ksm.name, "place": meeting.place, "when": local_when(meeting.starts_at, tz),
            "clock": local_clock(meeting.starts_at, tz)}


def _own_ksm(session: Session, ksm_id: int, contact_id: int) -> Ksm:
    ksm = session.get(Ksm, ksm_id)
    if ksm is None or ksm.leader_contact_id != contact_id or ksm.status == k.REJECTED:
        raise MeetingError("only the leader of an open KSM schedules its meetings")
    return ksm


def _tell_members(ctx: EffectContext, meeting: Meeting, ksm: Ksm, key: str) -> None:
    """Notice ``key`` about ``meeting`` to the KSM's members (not the leader), sent
    after the inbound transaction commits."""
    ctx.broadcast_ids.extend(broadcast_text(
        ctx.session, NOTICE_KIND, key, _params(ctx.session, meeting, ksm),
        members(ksm.id, leader_too=False, leader_id=ksm.leader_contact_id), ctx.now,
        kelurahan_id=ksm.kelurahan_id, expires_at=meeting.starts_at))


def schedule_meeting(effect: ScheduleMeeting, ctx: EffectContext) -> None:
    """RAPAT from a KSM's leader: the meeting is stored and its members are told."""
    session = ctx.session
    ksm = _own_ksm(session, effect.ksm_id, ctx.contact_id)
    meeting = schedule(session, ksm, effect.starts_at, effect.place, ctx.now,
                       effect.recurrence, ctx.contact_id)
    _tell_members(ctx, meeting, ksm, "rapat.notice")


def cancel_meeting(effect: CancelMeeting, ctx: EffectContext) -> None:
    """The leader calls a meeting off: its reminders are dropped and its members told."""
    session = ctx.session
    meeting = session.get(Meeting, effect.meeting_id, with_for_update=True)
    if meeting is None:
        raise MeetingError("no such meeting")
    ksm = _own_ksm(session, meeting.ksm_id, ctx.contact_id)
    if meeting.status != mt.SCHEDULED:
        return
    meeting.status = mt.CANCELLED
    meeting.cancelled_at = ctx.now
    # Its reminders will never be due: stamp them so the sweep passes them by.
    session.execute(update(MeetingReminder)
                    .where(MeetingReminder.meeting_id == meeting.id,
                           MeetingReminder.sent_at.is_(None))
                    .values(sent_at=ctx.now, broadcast_ids="cancelled"))
    _tell_members(ctx, meeting, ksm, "rapat.cancelled")


def record_rsvp(effect: RecordRsvp, ctx: EffectContext) -> None:
    """A member's HADIR or TIDAK for a meeting."""
    session = ctx.session
    meeting = session.get(Meeting, effect.meeting_id)
    member = session.scalar(select(KsmMember.id).where(
        KsmMember.ksm_id == (meeting.ksm_id if meeting else None),
        KsmMember.contact_id == ctx.contact_id, KsmMember.status == k.CONFIRMED))
    if meeting is None or member is None:
        raise MeetingError("only a member answers for a meeting")
    stmt = upsert(session)(Rsvp).values(meeting_id=meeting.id, contact_id=ctx.contact_id,
                               answer=effect.answer, answered_at=ctx.now)
    session.execute(stmt.on_conflict_do_update(
        index_elements=["meeting_id", "contact_id"],
        set_={"answer": effect.answer, "answered_at": ctx.now}))


def attendance(session: Session, meeting_id: int) -> dict[str, int]:
    """RSVP counts of a meeting: ``yes``, ``no`` and ``none`` (confirmed members other
    than the leader who have not answered)."""
    meeting = session.get(Meeting, meeting_id)
    assert meeting is not None
    ksm = session.get(Ksm, meeting.ksm_id)
    assert ksm is not None
    answers = dict(session.execute(
        select(Rsvp.answer, func.count()).where(Rsvp.meeting_id == meeting_id)
        .group_by(Rsvp.answer)).all())
    invited = session.scalar(select(func.count()).select_from(
        members(ksm.id, leader_too=False, leader_id=ksm.leader_contact_id).subquery())) or 0
    yes, no = answers.get(mt.HADIR, 0), answers.get(mt.TIDAK, 0)
    return {"yes": yes, "no": no, "none": max(invited - yes - no, 0)}


def send_reminder(session: Session, reminder: MeetingReminder, now: datetime) -> list[int]:
    """Broadcast one due reminder and stamp it; returns the broadcasts to start.

    A reminder whose meeting is no longer scheduled or has begun is stamped unsent.
    """
    meeting = session.get(Meeting, reminder.meeting_id)
    assert meeting is not None
    ksm = session.get(Ksm, meeting.ksm_id)
    assert ksm is not None
    made: list[int] = []
    if meeting.status == mt.SCHEDULED and meeting.starts_at > now:
        params = _params(session, meeting, ksm)
        if reminder.kind == mt.DAY_BEFORE:
            made = broadcast_text(session, REMINDER_KIND, "rapat.remind.day_before", params,
                                  members(ksm.id), now, kelurahan_id=ksm.kelurahan_id,
                                  expires_at=meeting.starts_at)
        elif reminder.kind == mt.SOON:
            made = broadcast_text(
                session, REMINDER_KIND, "rapat.remind.soon", params,
                members(ksm.id, leader_too=False, leader_id=ksm.leader_contact_id), now,
                kelurahan_id=ksm.kelurahan_id, expires_at=meeting.starts_at)
        else:
            made = broadcast_text(
                session, REMINDER_KIND, "rapat.count",
                {**params, **attendance(session, meeting.id)},
                select(Ksm.leader_contact_id).where(Ksm.id == ksm.id), now,
                kelurahan_id=ksm.kelurahan_id, expires_at=meeting.starts_at)
    reminder.sent_at = now
    reminder.broadcast_ids = ",".join(map(str, made)) or "skipped"
    return made
