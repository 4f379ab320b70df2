"""Applying the engine's effects inside the inbound transaction.

:data:`HANDLERS` says, in one place, which function applies each effect. A handler may
return parameters for the replies (a new complaint's code) and may queue outbound
messages, which are pushed to the job queue after the transaction commits.
"""
from __future__ import annotations

from typing import Any, Callable

from bot.effect_context import EffectContext
from bot.ksm import announcements
from bot.complaints import intake as complaints
from bot.messaging import contacts
from bot.privacy import erasure
from bot.officers import inbox
from bot.ksm import registration as ksm
from bot.ksm import proposals as ksm_proposals
from bot.ksm import meetings
from bot.ksm import monev
from conversations.flows.announcement_reply import ReplyToAnnouncement
from conversations.flows.code_misses import RecordCheckMiss
from conversations.flows.complaint import (
    AttachComplaintMedia,
    ContinueComplaint,
    FileComplaint,
    UpdateComplaint,
)
from conversations.flows.erasure import RequestErasure
from conversations.flows.ksm_members import (
    AddKsmMember,
    AnswerJoinRequest,
    DeclineKsm,
    JoinKsm,
    RequestToJoinKsm,
)
from conversations.flows.ksm_proposal import SubmitProposal
from conversations.flows.ksm_registration import RegisterKsm
from conversations.flows.meetings import CancelMeeting, RecordRsvp, ScheduleMeeting
from conversations.flows.monev import SubmitMonevReport
from conversations.model import (
    Effect,
    KeepForOfficers,
    OptIn,
    OptOut,
    ResumeParked,
    SetLanguage,
)

__all__ = ["HANDLERS", "EffectContext", "apply"]

Handler = Callable[[Any, EffectContext], "dict[str, Any] | None"]

# Every effect the engine can return, and the one function that applies it.
# tests/test_effect_handlers.py fails when an Effect subclass is missing here.
HANDLERS: dict[type[Effect], Handler] = {
    # The contact's own settings
    SetLanguage: contacts.set_language,
    OptOut: contacts.opt_out,
    OptIn: contacts.opt_in,
    ResumeParked: contacts.resume_parked,
    KeepForOfficers: inbox.keep,
    RequestErasure: erasure.request_erasure,
    # Complaints (ADUAN, CEK)
    FileComplaint: complaints.file_complaint,
    ContinueComplaint: complaints.continue_complaint,
    UpdateComplaint: complaints.update_complaint,
    AttachComplaintMedia: complaints.attach_media,
    RecordCheckMiss: complaints.record_check_miss,
    ReplyToAnnouncement: announcements.reply_to_announcement,
    # KSM
    RegisterKsm: ksm.register,
    AddKsmMember: ksm.add_member,
    JoinKsm: ksm.join,
    RequestToJoinKsm: ksm.request_to_join,
    AnswerJoinRequest: ksm.answer_join_request,
    DeclineKsm: ksm.decline,
    SubmitProposal: ksm_proposals.submit,
    SubmitMonevReport: monev.submit_report,
    # Meetings (RAPAT, HADIR/TIDAK)
    ScheduleMeeting: meetings.schedule_meeting,
    CancelMeeting: meetings.cancel_meeting,
    RecordRsvp: meetings.record_rsvp,
}


def apply(effects: list[Effect], ctx: EffectContext) -> dict[str, Any]:
    """Apply ``effects`` in order; returns the reply parameters they produced."""
    results: dict[str, Any] = {}
    for effect in effects:
        handler = HANDLERS.get(type(effect))
        if handler is None:
            raise LookupError(f"no handler for effect {type(effect).__name__}")
        produced = handler(effect, ctx)
        if produced:
            results.update(produced)
    return results
