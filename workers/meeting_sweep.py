"""Sweep tasks of meetings: send due reminders, close past meetings and schedule the
next routine one. Each reads what is due from the database (not one Redis job per
reminder) and enqueues broadcast send jobs after its commit."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select

from bot.models import Ksm, Meeting, MeetingReminder
from bot.models import meeting as mt
from bot.outbox import start_broadcasts
from bot.ksm.meetings import schedule, send_reminder, time_zone_of
from conversations.flows.meeting_common import next_routine, zone

BATCH = 500


def send_meeting_reminders(rt: Any, now: datetime) -> int:
    """Broadcast every reminder due at ``now`` that was not sent; returns how many."""
    started: list[int] = []
    with rt.db.session() as session:
        reminders = session.execute(
            select(MeetingReminder)
            .where(MeetingReminder.sent_at.is_(None), MeetingReminder.due_at <= now)
            .order_by(MeetingReminder.due_at, MeetingReminder.id)
            .limit(BATCH)
            .with_for_update(skip_locked=True)
        ).scalars().all()
        for reminder in reminders:
            started.extend(send_reminder(session, reminder, now))
        count = len(reminders)
    start_broadcasts(rt, started)
    return count


def roll_meetings(rt: Any, now: datetime) -> int:
    """Past meetings become done; a routine one gets its next date (members are
    reminded of it as of any meeting). Returns how many meetings were closed."""
    with rt.db.session() as session:
        past = session.execute(
            select(Meeting).where(Meeting.status == mt.SCHEDULED, Meeting.starts_at <= now)
            .order_by(Meeting.id).limit(BATCH).with_for_update(skip_locked=True)
        ).scalars().all()
        for meeting in past:
            meeting.status = mt.DONE
            if meeting.recurrence:
                ksm = session.get(Ksm, meeting.ksm_id)
                assert ksm is not None
                tz = time_zone_of(session, ksm)
                clock = meeting.starts_at.astimezone(zone(tz)).time()
                schedule(session, ksm, next_routine(max(now, meeting.starts_at), meeting.recurrence,
                                                    clock, tz),
                         meeting.place, now, meeting.recurrence, meeting.created_by_id)
        return len(past)
