"""One module per dialog flow."""
from __future__ import annotations

from conversations.flow import Flow


def default_flows() -> list[Flow]:
    """The product's flows, in the order the menu lists them."""
    from conversations.flows.complaint import ComplaintFlow
    from conversations.flows.complaint_check import ComplaintCheckFlow

    return [ComplaintFlow(), ComplaintCheckFlow()]
