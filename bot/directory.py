"""The engine's read-only look-ups, answered from the database.

Flows call these through ``turn.directory``; tests of flows use an in-memory stand-in
with the same methods. Each domain adds its look-ups here (as a mixin of its own).
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.models import ConversationSession

from bot.ksm.announcements import AnnouncementLookups
from bot.complaints.lookups import ComplaintLookups
from bot.ksm.lookups import KsmLookups
from bot.ksm.meeting_lookups import MeetingLookups
from bot.ksm.monev import MonevLookups
from bot.areas.public_info import PublicInfoLookups
from conversations.model import PARKED, Dialog


class DbDirectory(KsmLookups, ComplaintLookups, MeetingLookups, MonevLookups,
                  AnnouncementLookups, PublicInfoLookups):
    """Look-ups inside the inbound transaction."""

    def __init__(self, session: Session, contact_id: int, simulated: bool = False) -> None:
        self.session = session
        self.contact_id = contact_id
        # A number the dashboard's simulator plays: real KSMs are not there for it.
        self.simulated = simulated

    def parked_dialog(self, since: datetime) -> tuple[int, Dialog] | None:
        """The dialog a new task parked last (after ``since``), for LANJUT: its session
        id and the dialog as it stood."""
        row = self.session.execute(
            select(ConversationSession.id, ConversationSession.flow, ConversationSession.step,
                   ConversationSession.data)
            .where(ConversationSession.contact_id == self.contact_id,
                   ConversationSession.status == PARKED,
                   ConversationSession.ended_at >= since)
            .order_by(ConversationSession.ended_at.desc(), ConversationSession.id.desc())
            .limit(1)).first()
        return (row.id, Dialog(row.flow, row.step, dict(row.data or {}))) if row else None
