"""The complaint flow (ADUAN, LAPOR, KELUHAN, PENGADUAN) and the status check (CEK).

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
from conversations.catalogue import render
from conversations.flow import SKIP_WORDS, Flow, Invalid, check_text, choose
from conversations.flows import complaint_code
from conversations.gsm import segments, to_gsm7
from conversations.keywords import match, normalise
from conversations.model import INTERRUPTED, Dialog, Effect, Media, Outcome, Reply, Turn

FLOW_NAME = "complaint"
CHECK_FLOW_NAME = "complaint_check"
KINDS = ("question", "suggestion", "misuse_of_funds", "procedure_violation", "other")
MISUSE = "misuse_of_funds"
MAX_TEXT = 1000
# Wrong CEK codes one number may send in an hour before it is told to wait.
MAX_CHECK_MISSES = 5


@dataclass(frozen=True)
class FileComplaint(Effect):
    """Store a new complaint with its first text; the handler returns ``{"code": ...}``."""

    text: str
    channel: str
    media: tuple[Media, ...] = ()


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


@dataclass(frozen=True)
class RecordCheckMiss(Effect):
    """A CEK code that is not this number's complaint (counted to slow guessing)."""


# --- answer parsers -------------------------------------------------------------------

_AMOUNT = re.compile(r"^(\d+(?:[.,]\d+)*)(jt|juta|rb|ribu|k|m|miliar|milyar|t|triliun)?$")
_MULTIPLIER = {"jt": 10**6, "juta": 10**6, "rb": 10**3, "ribu": 10**3, "k": 10**3,
               "m": 10**9, "miliar": 10**9, "milyar": 10**9, "t": 10**12, "triliun": 10**12}


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
        amount = float(f"{decimal[1]}.{decimal[2]}") if decimal else float(re.sub(r"[.,]", "", number))
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
    Step("kind", "complaint.ask_kind", lambda text: KINDS[choose(text, ["Pertanyaan", "Saran", "Penyalahgunaan dana", "Pelanggaran prosedur", "Lainnya"])]),
    Step("accused", "complaint.ask_accused", lambda text: check_text(text, 300)),
    Step("amount", "complaint.ask_amount", parse_rupiah, ask_if=lambda data: data.get("kind") == MISUSE),
    Step("anonymous", "complaint.ask_anonymous", parse_anonymous),
)
_STEP_NAMES = [s.name for s in STEPS]


def _media(turn: Turn) -> tuple[Media, ...]:
    return tuple(turn.inbound.media)


def _with_args(turn: Turn, args: str) -> Turn:
    return Turn(inbound=turn.inbound, conversation=turn.conversation,
                directory=turn.directory, args=args)


def _interrupting(outcome: Outcome) -> Outcome:
    outcome.ended = INTERRUPTED
    return outcome


class ComplaintFlow(Flow):
    """ADUAN: file a complaint, then answer optional questions about it."""

    name = FLOW_NAME
    keywords = {"ADUAN": FLOW_NAME, "LAPOR": FLOW_NAME, "KELUHAN": FLOW_NAME,
                "PENGADUAN": FLOW_NAME, "ADUKAN": FLOW_NAME}
    menu_key = "complaint.menu"

    def start(self, turn: Turn) -> Outcome:
        text = " ".join(turn.args.split())
        if not text:
            pending = [{"url": m.url, "type": m.content_type} for m in _media(turn)]
            return Outcome(replies=[Reply("complaint.ask_text")],
                           dialog=Dialog(self.name, "text", {"media": pending} if pending else {}))
        return self._file(turn, text, extra_media=())

    def resume(self, turn: Turn, dialog: Dialog) -> Outcome:
        # "ADUAN <text>" or "CEK <code>" mid-dialog is a new request, not an answer.
        again = match(turn.inbound.text, dict(self.keywords))
        if again is not None and again.rest:
            return _interrupting(self.start(_with_args(turn, again.rest)))
        check = match(turn.inbound.text, dict(ComplaintCheckFlow.keywords))
        if check is not None and complaint_code.clean(check.rest):
            return _interrupting(ComplaintCheckFlow().start(_with_args(turn, check.rest)))
        data = dict(dialog.data)
        if dialog.step == "text":
            return self._answer_text(turn, dialog, data)
        effects: list[Effect] = []
        replies: list[Reply] = []
        media = _media(turn)
        if media:
            effects.append(AttachComplaintMedia(data.get("ref"), media))
            if not turn.inbound.text.strip():
                return Outcome(replies=[Reply("complaint.media_saved")], dialog=dialog, effects=effects)
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
            pending = list(data.get("media", [])) + [{"url": m.url, "type": m.content_type} for m in media]
            return Outcome(replies=[Reply("complaint.media_wait")],
                           dialog=Dialog(self.name, "text", {**data, "media": pending}))
        try:
            text = check_text(turn.inbound.text, MAX_TEXT)
        except Invalid as invalid:
            return Outcome(replies=[invalid.reply], dialog=dialog)
        earlier = tuple(Media(m["url"], m.get("type", "")) for m in data.get("media", []))
        return self._file(turn, text, extra_media=earlier)

    def _file(self, turn: Turn, text: str, extra_media: tuple[Media, ...]) -> Outcome:
        text = text[:MAX_TEXT]
        effect = FileComplaint(text=text, channel=turn.inbound.channel,
                               media=extra_media + _media(turn))
        data = {"ref": turn.inbound.message_id}
        return self._next(turn, data, after=None, effects=[effect],
                          replies=[Reply("complaint.received")])

    def _next(self, turn: Turn, data: dict[str, Any], after: str | None,
              effects: list[Effect], replies: list[Reply]) -> Outcome:
        start = _STEP_NAMES.index(after) + 1 if after in _STEP_NAMES else 0
        for step in STEPS[start:]:
            if step.name in data:
                continue
            if step.ask_if is not None and not step.ask_if(data):
                continue
            replies.append(Reply(step.prompt))
            return Outcome(replies=replies, dialog=Dialog(self.name, step.name, data), effects=effects)
        code = turn.directory.complaint_code(data.get("ref")) if turn.directory else None
        replies.append(Reply("complaint.done", {"code": code or "-"}))
        return Outcome(replies=replies, dialog=None, effects=effects)


class ComplaintCheckFlow(Flow):
    """CEK <code>: the complaint's status, for the number that filed it only.

    A code that does not exist and someone else's code get the same answer; after
    ``MAX_CHECK_MISSES`` wrong codes in an hour the number is told to wait and no code
    is looked up at all.
    """

    name = CHECK_FLOW_NAME
    # Bare STATUS is left to the KSM status service (issue 3); "STATUS ADUAN <code>" is
    # ours (the longer keyword wins). See the branch note for STATUS <digits>.
    keywords = {"CEK": CHECK_FLOW_NAME, "CEK ADUAN": CHECK_FLOW_NAME, "STATUS ADUAN": CHECK_FLOW_NAME}
    menu_key = "complaint.check.menu"

    def start(self, turn: Turn) -> Outcome:
        code = complaint_code.clean(turn.args)
        if not code:
            return Outcome(replies=[Reply("complaint.check.ask_code")],
                           dialog=Dialog(self.name, "code", {}))
        return self.check(turn, code)

    def resume(self, turn: Turn, dialog: Dialog) -> Outcome:
        complaint = match(turn.inbound.text, dict(ComplaintFlow.keywords))
        if complaint is not None and complaint.rest:
            return _interrupting(ComplaintFlow().start(_with_args(turn, complaint.rest)))
        code = complaint_code.clean(turn.inbound.text)
        if not code:
            return Outcome(replies=[Reply("complaint.check.ask_code")], dialog=dialog)
        return self.check(turn, code)

    def check(self, turn: Turn, code: str) -> Outcome:
        """Answer a status request for ``code`` (digits only)."""
        directory = turn.directory
        if directory.complaint_check_misses() >= MAX_CHECK_MISSES:
            return Outcome(replies=[Reply("complaint.check.throttled")])
        found = directory.own_complaint(code) if complaint_code.is_valid(code) else None
        if found is None:
            return Outcome(replies=[Reply("complaint.check.not_found")], effects=[RecordCheckMiss()])
        return Outcome(replies=[status_reply(turn.language, code, found)])


def status_reply(language: str, code: str, found: dict[str, Any]) -> Reply:
    """The one-SMS status answer; the officer's last public response is cut to fit."""
    status = render(f"complaint.status.{found['status']}", language)
    params = {"code": code, "status": status, "date": found["date"]}
    response = to_gsm7(" ".join((found.get("response") or "").split()))
    if not response:
        return Reply("complaint.check.status",
                     {**params, "response": render("complaint.check.no_response", language)})
    fixed = render("complaint.check.status", language, **params,
                   response=render("complaint.check.response", language, text=""))
    room = 160 - len(fixed)
    if segments(fixed + response) > 1:
        response = response[: max(room - 3, 0)].rstrip() + "..."
        while response and segments(fixed + response) > 1:
            response = response[:-4].rstrip() + "..."
    return Reply("complaint.check.status",
                 {**params, "response": render("complaint.check.response", language, text=response)})
