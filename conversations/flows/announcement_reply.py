"""TANYA / SANGGAH: a resident asks about, or objects to, the priority announcement of
their kelurahan. It becomes a PPM complaint linked to the announcement."""
from __future__ import annotations

from dataclasses import dataclass

import conversations.flows.announcement_texts  # noqa: F401
from conversations.flow import PROSE_OPENERS, Flow, Invalid, check_text
from conversations.flows.complaint import OTHER, QUESTION, FileComplaint
from conversations.keywords import match
from conversations.model import Dialog, Effect, Outcome, Reply, Turn
from conversations.unprompted import after_politeness

TEXT_MAX = 500
KINDS = {"TANYA": "tanya", "PERTANYAAN": "tanya", "SANGGAH": "sanggah", "SANGGAHAN": "sanggah",
         "KEBERATAN": "sanggah"}


@dataclass(frozen=True)
class ReplyToAnnouncement(Effect):
    """File a complaint about the announcement, under ``code``."""

    announcement_id: int
    kind: str  # tanya / sanggah
    text: str
    channel: str
    code: str


class AnnouncementReplyFlow(Flow):
    """TANYA <text> / SANGGAH <text>; without text the bot asks for it."""

    name = "announcement_reply"
    keywords = {keyword: "announcement_reply" for keyword in KINDS}
    collects = False

    def takes(self, args: str) -> bool:
        return bool(args.strip())

    def answers_keyword(self, dialog: Dialog, flow_name: str) -> bool:
        # "Tanya, kenapa ..." or "Info dong, kapan ..." is the question itself.
        return flow_name == self.name or flow_name in PROSE_OPENERS

    def start(self, turn: Turn) -> Outcome:
        # "Bu, saya mau sanggah ..." reached here past its polite words: skip them too.
        found = match(after_politeness(turn.inbound.text) or turn.inbound.text, KINDS)
        kind = found.value if found is not None else "tanya"
        announcement_id = turn.directory.latest_announcement()
        data = {"kind": kind, "announcement_id": announcement_id}
        if not turn.args.strip():
            ask = "ann.ask.text" if announcement_id is not None else "ann.ask.text_plain"
            return Outcome(replies=[Reply(ask)], dialog=Dialog(self.name, "text", data))
        return self._file(turn, turn.args, data)

    def resume(self, turn: Turn, dialog: Dialog) -> Outcome:
        return self._file(turn, turn.inbound.text, dict(dialog.data), dialog)

    def _file(self, turn: Turn, text: str, data: dict, dialog: Dialog | None = None) -> Outcome:
        try:
            value = check_text(text, TEXT_MAX)
        except Invalid as invalid:
            return Outcome(replies=[invalid.reply],
                           dialog=dialog or Dialog(self.name, "text", data))
        code = turn.directory.new_complaint_code()
        if data["announcement_id"] is None:
            # Nothing announced yet: still a question (or objection) for the PPM to answer.
            kind = QUESTION if data["kind"] == "tanya" else OTHER
            filed = FileComplaint(text=value, channel=turn.inbound.channel, code=code, kind=kind)
            return Outcome(replies=[Reply("ann.reply.filed_plain", {"code": code})],
                           effects=[filed])
        effect = ReplyToAnnouncement(announcement_id=data["announcement_id"], kind=data["kind"],
                                     text=value, channel=turn.inbound.channel, code=code)
        return Outcome(replies=[Reply("ann.reply.filed", {"code": code})], effects=[effect])
