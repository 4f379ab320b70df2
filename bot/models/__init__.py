"""Domain models, importable without Flask (workers and the CLI use them too).

One module per domain; importing this package registers every table on ``Base.metadata``.
"""
from __future__ import annotations

from bot.models.api_token import ApiToken, ApiTokenUse
from bot.models.announcement import Announcement, AnnouncementComplaint, AnnouncementItem
from bot.models.area import Area, Kelurahan
from bot.models.base import Base, utcnow
from bot.models.bkm_roster import BkmMember
from bot.models.broadcast import Broadcast, BroadcastSend
from bot.models.complaint import (
    Complaint,
    ComplaintCheckMiss,
    ComplaintEvent,
    ComplaintMedia,
    ComplaintNotice,
)
from bot.models.contact import Contact
from bot.models.gateway import GatewayDevice, GatewayEvent
from bot.models.inbox import InboxItem
from bot.models.ksm import Ksm, KsmMember, PjmProgram, Proposal, ProposalReview
from bot.models.meeting import Meeting, MeetingReminder, Rsvp
from bot.models.messaging import ConversationSession, Message
from bot.models.monev import MonevPeriod, MonevReport
from bot.models.officer import Officer, RecoveryCode
from bot.models.officer_notify import OfficerAlert, OfficerPhoneCode
from bot.models.poor import PoorResident
from bot.models.privacy import ErasureRequest
from bot.models.rate_count import RateCount

__all__ = [
    "Announcement", "AnnouncementComplaint", "Area", "AnnouncementItem", "ApiToken", "ApiTokenUse", "Base", "BkmMember", "Broadcast", "BroadcastSend", "Complaint", "ComplaintCheckMiss", "ComplaintEvent",
    "ComplaintMedia", "ComplaintNotice", "Contact", "ConversationSession", "ErasureRequest", "GatewayDevice", "GatewayEvent", "InboxItem", "Kelurahan", "Ksm",
    "KsmMember", "Meeting", "MeetingReminder", "Message", "MonevPeriod", "MonevReport",
    "Officer", "OfficerAlert", "OfficerPhoneCode", "PjmProgram", "PoorResident", "Proposal", "ProposalReview", "RateCount", "RecoveryCode", "Rsvp", "utcnow",
]
