"""One module per dialog flow."""
from __future__ import annotations

from conversations.flow import Flow


def default_flows() -> list[Flow]:
    """The product's flows, in the order the menu lists them."""
    from conversations.flows.announcement_reply import AnnouncementReplyFlow
    from conversations.flows.complaint import ComplaintFlow
    from conversations.flows.complaint_check import ComplaintCheckFlow
    from conversations.flows.erasure import ErasureFlow
    from conversations.flows.ksm_members import (
        AcceptFlow,
        DeclineFlow,
        add_member_flow,
        join_flow,
    )
    from conversations.flows.ksm_proposal import proposal_flow
    from conversations.flows.ksm_registration import registration_flow
    from conversations.flows.ksm_status import StatusFlow
    from conversations.flows.meetings import MeetingFlow, RsvpFlow
    from conversations.flows.monev import monev_flow
    from conversations.flows.public_info import PublicInfoFlow

    return [
        registration_flow(),
        ComplaintFlow(),
        ComplaintCheckFlow(),
        join_flow(),
        StatusFlow(),
        proposal_flow(),
        add_member_flow(),
        DeclineFlow(),
        AcceptFlow(),
        MeetingFlow(),
        RsvpFlow(),
        monev_flow(),
        AnnouncementReplyFlow(),
        ErasureFlow(),
        PublicInfoFlow(),
    ]
