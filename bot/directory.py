"""The engine's read-only look-ups, answered from the database.

Flows call these through ``turn.directory``; tests of flows use an in-memory stand-in
with the same methods. Each domain adds its look-ups here (as a mixin of its own).
"""
from __future__ import annotations

from sqlalchemy.orm import Session

from bot.services.announcements import AnnouncementLookups
from bot.services.complaint_lookups import ComplaintLookups
from bot.services.ksm_lookups import KsmLookups
from bot.services.meeting_lookups import MeetingLookups
from bot.services.monev import MonevLookups
from bot.services.public_info import PublicInfoLookups


class DbDirectory(KsmLookups, ComplaintLookups, MeetingLookups, MonevLookups,
                  AnnouncementLookups, PublicInfoLookups):
    """Look-ups inside the inbound transaction."""

    def __init__(self, session: Session, contact_id: int, simulated: bool = False) -> None:
        self.session = session
        self.contact_id = contact_id
        # A number the dashboard's simulator plays: real KSMs are not there for it.
        self.simulated = simulated
