"""The registry of dialog flows: which keyword starts which flow, and the menu."""
from __future__ import annotations

from typing import Iterable

from conversations.flow import Flow


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


def default_registry() -> Registry:
    """Every flow of the product, in menu order.

    Each dialog flow lives in its own module under ``conversations.flows``; adding a
    flow means adding it here.
    """
    from conversations.flows import default_flows

    return Registry(default_flows())
