"""HAPUS DATA: a resident asks that their personal data be erased.

The bot confirms receipt in one SMS and records the request (``RequestErasure``); an
admin approves or refuses it on the dashboard (``bot.web.privacy``); the resident gets
a last SMS before the number is erased (``bot.privacy.erasure``). Not in the menu: a
resident who wants it names it.
"""
from __future__ import annotations

from dataclasses import dataclass

import conversations.flows.erasure_texts  # noqa: F401  (defines this flow's texts)
from conversations.flow import Flow
from conversations.model import Dialog, Effect, Outcome, Reply, Turn

FLOW_NAME = "erasure"
KEYWORDS = {
    "HAPUS DATA": FLOW_NAME,
    "HAPUS DATA SAYA": FLOW_NAME,
    "HAPUS NOMOR": FLOW_NAME,
    "HAPUS NOMOR SAYA": FLOW_NAME,
    "DELETE MY DATA": FLOW_NAME,
    # Keypad shorthand: "hapus dt", "hapusdata", "hapus no sy"; English without "my".
    "HAPUS DT": FLOW_NAME,
    "HAPUSDATA": FLOW_NAME,
    "HAPUS NO": FLOW_NAME,
    "HAPUS NMR": FLOW_NAME,
    "DELETE DATA": FLOW_NAME,
}


@dataclass(frozen=True)
class RequestErasure(Effect):
    """The contact asks that their data be erased (one open request per contact)."""


class ErasureFlow(Flow):
    """HAPUS DATA: record the request, confirm receipt; nothing more is asked."""

    name = FLOW_NAME
    keywords = KEYWORDS
    menu_key = None
    collects = False

    def takes(self, args: str) -> bool:
        # "HAPUS DATA saya pak", "hapus nomor saya dari sini": the words after it are
        # about the request, which needs nothing more; inside a dialog it interrupts.
        return True

    def start(self, turn: Turn) -> Outcome:
        return Outcome(replies=[Reply("erasure.received")], effects=[RequestErasure()])

    def resume(self, turn: Turn, dialog: Dialog) -> Outcome:  # pragma: no cover - no dialog
        return self.start(turn)
