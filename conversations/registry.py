"""The registry of dialog flows: which keyword starts which flow, and the menu."""
from __future__ import annotations

from typing import Iterable

from conversations.flow import Flow
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


class Registry:
    """The flows the engine knows, in menu order."""

    def __init__(self, flows: Iterable[Flow]) -> None:
        self.flows = list(flows)
        self.by_name = {flow.name: flow for flow in self.flows}
        if len(self.by_name) != len(self.flows):
            raise ValueError("two flows share a name")
        self.keywords: dict[str, str] = {}
        self.idle_keywords: dict[str, str] = {}
        for flow in self.flows:
            for keyword in [*flow.keywords, *flow.idle_keywords]:
                if keyword in self.keywords or keyword in self.idle_keywords:
                    raise ValueError(f"keyword {keyword} claimed twice")
                table = self.keywords if keyword in flow.keywords else self.idle_keywords
                table[keyword] = flow.name

    def menu(self) -> list[Flow]:
        """Flows shown in the numbered menu."""
        return [flow for flow in self.flows if flow.menu_key]


def default_flows() -> list[Flow]:
    """The product's flows, in the order the menu lists them; each lives in its own
    module under ``conversations.flows``, and adding a flow means adding it here."""
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


def default_registry() -> Registry:
    """Every flow of the product, in menu order."""
    return Registry(default_flows())
