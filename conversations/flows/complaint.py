"""The complaint flow (ADUAN, LAPOR, KELUHAN, PENGADUAN); CEK is in ``complaint_check``.

``ADUAN <text>`` stores the complaint at once (its code comes back in the first reply);
the questions after it are all optional and each answer updates the stored complaint.
``ADUAN`` alone asks for the text first. WhatsApp media sent while the dialog is open
attach to the complaint. Later effects find the complaint by ``ref``: the id of the
inbound message that filed it, kept in the dialog data.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Callable

import conversations.flows.complaint_texts  # noqa: F401  (defines the texts)
from conversations.flow import SKIP_WORDS, Flow, Invalid, check_text, choose
from conversations.keywords import normalise
from conversations.unprompted import reads_like_complaint
from conversations.model import Dialog, Effect, Media, Outcome, Reply, Turn

FLOW_NAME = "complaint"
CHECK_FLOW_NAME = "complaint_check"
# Bare STATUS is left to the KSM status service (issue 3); "STATUS ADUAN <code>" is ours
# (the longer keyword wins). See the branch note for STATUS <digits>.
CHECK_KEYWORDS = {
    "CEK": CHECK_FLOW_NAME,
    "CEK ADUAN": CHECK_FLOW_NAME,
    "STATUS ADUAN": CHECK_FLOW_NAME,
    "STATUS": CHECK_FLOW_NAME,
}
KINDS = ("question", "suggestion", "misuse_of_funds", "procedure_violation", "other")
MISUSE = "misuse_of_funds"
# The complaint is kept whole up to what one inbound message can carry (Twilio's and
# the gateway's body limit, ``bot.twilio_form.MAX_BODY``).
MAX_TEXT = 1600


@dataclass(frozen=True)
class FileComplaint(Effect):
    """Store a new complaint with its first text; the handler returns ``{"code": ...}``."""

    text: str
    channel: str
    media: tuple[Media, ...] = ()
    kind: str | None = None  # one of KINDS when already known (TANYA: a question)


@dataclass(frozen=True)
class UpdateComplaint(Effect):
    """The complainant answered a question: set ``field`` to ``value``."""

    ref: int | None
    field: str
    value: Any


@dataclass(frozen=True)
class AttachComplaintMedia(Effect):
    ref: int | None
    media: tuple[Media, ...]


# --- answer parsers -------------------------------------------------------------------

_AMOUNT = re.compile(r"^(\d+(?:[.,]\d+)*)(jt|juta|rb|ribu|k|m|miliar|milyar|t|triliun)?$")
_MULTIPLIER = {
    "jt": 10**6,
    "juta": 10**6,
    "rb": 10**3,
    "ribu": 10**3,
    "k": 10**3,
    "m": 10**9,
    "miliar": 10**9,
    "milyar": 10**9,
    "t": 10**12,
    "triliun": 10**12,
}


def parse_rupiah(text: str) -> int:
    """Rupiah as residents write it: ``5jt``, ``5.000.000``, ``Rp 5 juta``, ``1,5 jt``.

    Raises:
        Invalid: not an amount.
    """
    value = re.sub(r"\s+", "", (text or "").lower())
    value = re.sub(r"^rp\.?", "", value)
    value = re.sub(r"(,-|,00|\.-|-)$", "", value).rstrip(".")
    found = _AMOUNT.match(value)
    if not found:
        raise Invalid("complaint.error.amount")
    number, suffix = found.groups()
    if suffix:
        # With a word like "juta", one separator followed by 1-2 digits is a decimal point.
        decimal = re.fullmatch(r"(\d+)[.,](\d{1,2})", number)
        amount = (
            float(f"{decimal[1]}.{decimal[2]}") if decimal else float(re.sub(r"[.,]", "", number))
        )
        result = int(round(amount * _MULTIPLIER[suffix]))
    else:
        result = int(re.sub(r"[.,]", "", number))
    if result <= 0 or result > 10**15:
        raise Invalid("complaint.error.amount")
    return result


_YES = {"1", "YA", "Y", "YES", "IYA", "RAHASIA", "RAHASIAKAN"}
_NO = {"2", "TIDAK", "TDK", "T", "NO", "N", "GAK", "NGGAK", "ENGGAK"}


def parse_anonymous(text: str) -> bool:
    word = normalise(text)
    first = word.split(" ")[0] if word else ""
    if word in _YES or first in _YES:
        return True
    if word in _NO or first in _NO:
        return False
    raise Invalid("complaint.error.yes_no")


@dataclass(frozen=True)
class Step:
    """One optional question: its answer goes to the complaint's ``field``."""

    name: str
    prompt: str
    parse: Callable[[str], Any]
    ask_if: Callable[[dict[str, Any]], bool] | None = None


STEPS = (
    Step("area", "complaint.ask_area", lambda text: check_text(text, 200)),
    Step(
        "kind",
        "complaint.ask_kind",
        lambda text: KINDS[
            choose(
                text,
                ["Pertanyaan", "Saran", "Penyalahgunaan dana", "Pelanggaran prosedur", "Lainnya"],
            )
        ],
    ),
    Step("accused", "complaint.ask_accused", lambda text: check_text(text, 300)),
    Step(
        "amount",
        "complaint.ask_amount",
        parse_rupiah,
        ask_if=lambda data: data.get("kind") == MISUSE,
    ),
    Step("anonymous", "complaint.ask_anonymous", parse_anonymous),
)
_STEP_NAMES = [s.name for s in STEPS]


def _media(turn: Turn) -> tuple[Media, ...]:
    return tuple(turn.inbound.media)


class ComplaintFlow(Flow):
    """ADUAN: file a complaint, then answer optional questions about it."""

    name = FLOW_NAME
    keywords = {
        "ADUAN": FLOW_NAME,
        "LAPOR": FLOW_NAME,
        "KELUHAN": FLOW_NAME,
        "PENGADUAN": FLOW_NAME,
        "ADUKAN": FLOW_NAME,
    }
    menu_key = "complaint.menu"

    def start(self, turn: Turn) -> Outcome:
        text = " ".join(turn.args.split())
        if not text:
            pending = [{"url": m.url, "type": m.content_type} for m in _media(turn)]
            return Outcome(
                replies=[Reply("complaint.ask_text")],
                dialog=Dialog(self.name, "text", {"media": pending} if pending else {}),
            )
        return self._file(turn, text, extra_media=())

    offer_key = "complaint.offer"

    def takes(self, args: str) -> bool:
        return bool(args.strip())

    def recognises(self, text: str) -> bool:
        return reads_like_complaint(text)

    def answers_keyword(self, dialog: Dialog, flow_name: str) -> bool:
        # The complaint's own text may well begin "Lapor, ..." or "Aduan saya ...".
        return dialog.step == "text" and flow_name == self.name

    def kept(self, turn: Turn, dialog: Dialog) -> Reply | None:
        ref = dialog.data.get("ref")
        if dialog.step == "text" or ref is None:
            return None  # not stored yet
        code = turn.directory.complaint_code(ref) if turn.directory else None
        return Reply("complaint.kept", {"code": code or "-"})

    def resume(self, turn: Turn, dialog: Dialog) -> Outcome:
        data = dict(dialog.data)
        if dialog.step == "text":
            return self._answer_text(turn, dialog, data)
        effects: list[Effect] = []
        replies: list[Reply] = []
        media = _media(turn)
        if media:
            effects.append(AttachComplaintMedia(data.get("ref"), media))
            if not turn.inbound.text.strip():
                return Outcome(
                    replies=[Reply("complaint.media_saved")], dialog=dialog, effects=effects
                )
        step = next((s for s in STEPS if s.name == dialog.step), None)
        if step is None:  # the flow changed under a stored session: go on from the start
            return self._next(turn, data, after=None, effects=effects, replies=replies)
        answer = turn.inbound.text
        if normalise(answer) in SKIP_WORDS:
            data[step.name] = None
        else:
            try:
                value = step.parse(answer)
            except Invalid as invalid:
                return Outcome(replies=[invalid.reply], dialog=dialog, effects=effects)
            data[step.name] = value
            effects.append(UpdateComplaint(data.get("ref"), step.name, value))
        return self._next(turn, data, after=step.name, effects=effects, replies=replies)

    def _answer_text(self, turn: Turn, dialog: Dialog, data: dict[str, Any]) -> Outcome:
        media = _media(turn)
        if media and not turn.inbound.text.strip():
            pending = list(data.get("media", [])) + [
                {"url": m.url, "type": m.content_type} for m in media
            ]
            return Outcome(
                replies=[Reply("complaint.media_wait")],
                dialog=Dialog(self.name, "text", {**data, "media": pending}),
            )
        try:
            text = check_text(turn.inbound.text, MAX_TEXT)
        except Invalid as invalid:
            return Outcome(replies=[invalid.reply], dialog=dialog)
        earlier = tuple(Media(m["url"], m.get("type", "")) for m in data.get("media", []))
        return self._file(turn, text, extra_media=earlier)

    def _file(self, turn: Turn, text: str, extra_media: tuple[Media, ...]) -> Outcome:
        text = text[:MAX_TEXT]
        effect = FileComplaint(
            text=text, channel=turn.inbound.channel, media=extra_media + _media(turn)
        )
        data = {"ref": turn.inbound.message_id}
        replies = [Reply("complaint.received")]
        if len(turn.inbound.text) >= MAX_TEXT:
            # The message reached the inbound limit: what came after it never arrived.
            replies.append(Reply("complaint.cut", {"n": len(text)}))
        return self._next(turn, data, after=None, effects=[effect], replies=replies)

    def _next(
        self,
        turn: Turn,
        data: dict[str, Any],
        after: str | None,
        effects: list[Effect],
        replies: list[Reply],
    ) -> Outcome:
        start = _STEP_NAMES.index(after) + 1 if after in _STEP_NAMES else 0
        for step in STEPS[start:]:
            if step.name in data:
                continue
            if step.ask_if is not None and not step.ask_if(data):
                continue
            replies.append(Reply(step.prompt))
            return Outcome(
                replies=replies, dialog=Dialog(self.name, step.name, data), effects=effects
            )
        code = turn.directory.complaint_code(data.get("ref")) if turn.directory else None
        replies.append(Reply("complaint.done", {"code": code or "-"}))
        return Outcome(replies=replies, dialog=None, effects=effects)
