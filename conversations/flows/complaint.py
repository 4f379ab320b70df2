"""The complaint flow (ADUAN, LAPOR, KELUHAN, PENGADUAN); CEK is in ``complaint_check``.

``ADUAN <text>`` stores the complaint at once (its code comes back in the first reply);
the questions after it are all optional and each answer updates the stored complaint.
``ADUAN`` alone asks for the text first. WhatsApp media sent while the dialog is open
attach to the complaint. The flow draws the complaint's code (a free one, from
``turn.directory.new_complaint_code()``): it rides in the :class:`FileComplaint` effect
and in the dialog data, so every reply names it without asking the database again.
Later effects find the complaint by ``ref``: the id of the inbound message that filed
it, kept in the dialog data too.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Callable, Mapping, Sequence

import conversations.flows.complaint_texts  # noqa: F401  (defines the texts)
from conversations import lexicon
from conversations.flow import PROSE_OPENERS, Invalid, Question, Questionnaire, check_text, choose
from conversations.keywords import normalise
from conversations.unprompted import reads_like_complaint
from conversations.model import Dialog, Effect, Media, Outcome, Reply, Turn

FLOW_NAME = "complaint"
# Complaint kinds, in the order the resident's numbered question lists them (the home
# of these words: ``bot.models.complaint`` imports them).
QUESTION = "question"
SUGGESTION = "suggestion"
MISUSE_OF_FUNDS = "misuse_of_funds"
PROCEDURE = "procedure_violation"
OTHER = "other"
KINDS = (QUESTION, SUGGESTION, MISUSE_OF_FUNDS, PROCEDURE, OTHER)
MISUSE = MISUSE_OF_FUNDS
# The complaint is kept whole up to what one inbound message can carry (Twilio's and
# the gateway's body limit, ``bot.providers.twilio.MAX_BODY``).
MAX_TEXT = 1600


@dataclass(frozen=True)
class FileComplaint(Effect):
    """Store a new complaint with its first text, under ``code``."""

    text: str
    channel: str
    code: str
    media: tuple[Media, ...] = ()
    kind: str | None = None  # one of KINDS when already known (TANYA: a question)


@dataclass(frozen=True)
class UpdateComplaint(Effect):
    """The complainant answered a question: set ``field`` to ``value``."""

    ref: int | None
    field: str
    value: Any


@dataclass(frozen=True)
class ContinueComplaint(Effect):
    """The rest of a complaint the phone sent as two messages: append ``text``."""

    ref: int | None
    text: str


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


def _answered(turn: Turn, data: dict[str, Any], name: str, value: Any) -> list[Effect]:
    """Each answer updates the complaint stored at the first message."""
    return [UpdateComplaint(data.get("ref"), name, value)]


def _code(turn: Turn, data: dict[str, Any]) -> str:
    """The complaint's code, from the dialog data."""
    if "code" in data:
        return data["code"]
    # A dialog stored before the code rode in its data (it expires within the hour).
    return turn.directory.complaint_code(data.get("ref")) or "-"


def _done(turn: Turn, data: dict[str, Any]) -> Outcome:
    return Outcome(replies=[Reply("complaint.done", {"code": _code(turn, data)})])


KIND_CHOICES = ["Pertanyaan", "Saran", "Penyalahgunaan dana", "Pelanggaran prosedur", "Lainnya"]
# The optional questions after the complaint is stored (all may be skipped: LEWATI).
QUESTIONS = (
    Question("area", "complaint.ask_area", lambda text, turn, data: check_text(text, 200),
             skippable=True, free_text=True),
    Question("kind", "complaint.ask_kind",
             lambda text, turn, data: KINDS[choose(text, KIND_CHOICES)], skippable=True),
    Question("accused", "complaint.ask_accused", lambda text, turn, data: check_text(text, 300),
             skippable=True, free_text=True),
    Question("amount", "complaint.ask_amount", lambda text, turn, data: parse_rupiah(text),
             skippable=True, ask_if=lambda data: data.get("kind") == MISUSE),
    Question("anonymous", "complaint.ask_anonymous",
             lambda text, turn, data: parse_anonymous(text), skippable=True),
)
KEYWORDS = {
    "ADUAN": FLOW_NAME,
    "LAPOR": FLOW_NAME,
    "KELUHAN": FLOW_NAME,
    "PENGADUAN": FLOW_NAME,
    "ADUKAN": FLOW_NAME,
}
# Before the questions: the complaint's own text (ADUAN alone asks for it).
TEXT_STEP = "text"
# "ADUAN anonim: ...", "aduan (rahasia) ...": the complainant asks for anonymity first.
_ANONYMOUS_OPENING = re.compile(r"^\W*(anonim|anonymous|rahasia|rahasiakan)\b\W*", re.I)
# A phone that cuts a long text sends the rest as a second message within seconds; the
# first part then stops mid-sentence (no . ! ?) and the rest does not start a new one.
CONTINUATION_SECONDS = 60
CUT_AT = 150


def _media(turn: Turn) -> tuple[Media, ...]:
    return tuple(turn.inbound.media)


@dataclass
class ComplaintFlow(Questionnaire):
    """ADUAN: file a complaint, then answer optional questions about it.

    The questions are a :class:`Questionnaire`; what is the complaint's own comes before
    them (its text, which stores it) and beside them (media sent at any step).
    """

    def addressed(self, args: str) -> bool:
        # "ADUAN saya sampai mana pak": asking after a complaint, not filing one.
        return not lexicon.asks_after_complaint(f"ADUAN {args}")

    name: str = FLOW_NAME
    keywords: Mapping[str, str] = field(default_factory=lambda: KEYWORDS)
    menu_key: str | None = "complaint.menu"
    questions: Sequence[Question] = QUESTIONS
    finish: Callable[[Turn, dict[str, Any]], Outcome] | None = _done
    request: Callable[[str], bool] | None = lambda args: bool(args.strip())
    answered: Callable[[Turn, dict[str, Any], str, Any], list[Any]] | None = _answered
    offer_key: str | None = "complaint.offer"

    def start(self, turn: Turn) -> Outcome:
        text = " ".join(turn.args.split())
        opening = _ANONYMOUS_OPENING.match(text)
        if opening and text[opening.end():].strip():
            outcome = self._file(turn, text[opening.end():], extra_media=(),
                                 anonymous=True)
            return outcome
        if not text:
            pending = [{"url": m.url, "type": m.content_type} for m in _media(turn)]
            return Outcome(
                replies=[Reply("complaint.ask_text")],
                dialog=Dialog(self.name, TEXT_STEP, {"media": pending} if pending else {}),
            )
        return self._file(turn, text, extra_media=())

    def recognises(self, text: str) -> bool:
        return reads_like_complaint(text)

    def answers_keyword(self, dialog: Dialog, flow_name: str) -> bool:
        # The complaint's own text may well begin "Lapor, ...", "Aduan saya ...", "Info
        # pak, ..." or "Hapus data penerima fiktif ...".
        return dialog.step == TEXT_STEP and (flow_name == self.name or flow_name in PROSE_OPENERS)

    def kept(self, turn: Turn, dialog: Dialog) -> Reply | None:
        if dialog.step == TEXT_STEP or dialog.data.get("ref") is None:
            return None  # not stored yet
        return Reply("complaint.kept", {"code": _code(turn, dialog.data)})

    def resume(self, turn: Turn, dialog: Dialog) -> Outcome:
        if dialog.step == TEXT_STEP:
            return self._answer_text(turn, dialog, dict(dialog.data))
        media = _media(turn)
        if not media:
            return super().resume(turn, dialog)
        attach = AttachComplaintMedia(dialog.data.get("ref"), media)
        if not turn.inbound.text.strip():
            return Outcome(replies=[Reply("complaint.media_saved", {"code": _code(turn, dialog.data)})],
                           dialog=dialog, effects=[attach])
        outcome = super().resume(turn, dialog)
        outcome.effects.insert(0, attach)
        return outcome

    def _answer_text(self, turn: Turn, dialog: Dialog, data: dict[str, Any]) -> Outcome:
        media = _media(turn)
        if media and not turn.inbound.text.strip():
            pending = list(data.get("media", [])) + [
                {"url": m.url, "type": m.content_type} for m in media
            ]
            return Outcome(
                replies=[Reply("complaint.media_wait")],
                dialog=Dialog(self.name, TEXT_STEP, {**data, "media": pending}),
            )
        try:
            text = check_text(turn.inbound.text, MAX_TEXT)
        except Invalid as invalid:
            return Outcome(replies=[invalid.reply], dialog=dialog)
        earlier = tuple(Media(m["url"], m.get("type", "")) for m in data.get("media", []))
        return self._file(turn, text, extra_media=earlier)

    def _file(self, turn: Turn, text: str, extra_media: tuple[Media, ...],
              anonymous: bool | None = None) -> Outcome:
        text = text[:MAX_TEXT]
        code = turn.directory.new_complaint_code()
        effect = FileComplaint(
            text=text, channel=turn.inbound.channel, code=code, media=extra_media + _media(turn)
        )
        replies = [Reply("complaint.received", {"code": code})]
        if len(turn.inbound.text) >= MAX_TEXT:
            # The message reached the inbound limit: what came after it never arrived.
            replies.append(Reply("complaint.cut", {"n": len(text)}))
        data: dict[str, Any] = {"ref": turn.inbound.message_id, "code": code}
        if len(text) >= CUT_AT and text[-1:].isalnum() and turn.inbound.received_at:
            data["cut_at"] = turn.inbound.received_at.isoformat()
        effects: list[Any] = [effect]
        if anonymous is not None:
            data["anonymous"] = anonymous  # asked already: not asked again at the end
            effects.append(UpdateComplaint(turn.inbound.message_id, "anonymous", anonymous))
        outcome = self._advance(turn, data, after=None)
        outcome.replies[:0] = replies
        outcome.effects[:0] = effects
        return outcome

    def understand(self, turn: Turn, dialog: Dialog, question: Question) -> Outcome | None:
        """Before an answer is stored: a request for anonymity (``rahasiakan nama saya``)
        is honoured, the rest of a complaint the phone cut is appended to it, and an
        acknowledgement answers nothing; in each case the question is asked again."""
        text = turn.inbound.text
        data = dict(dialog.data)
        wanted = lexicon.anonymity(text) if question.name != "anonymous" else None
        if wanted is not None:
            again = self.ask_again(
                turn, Dialog(self.name, dialog.step, {**data, "anonymous": wanted}), question,
                before=[Reply("complaint.anonymous_on" if wanted else "complaint.anonymous_off")])
            again.effects.append(UpdateComplaint(data.get("ref"), "anonymous", wanted))
            return again
        if self._continues(turn, data):
            data.pop("cut_at")
            again = self.ask_again(turn, Dialog(self.name, dialog.step, data), question,
                                   before=[Reply("complaint.continued")])
            again.effects.append(ContinueComplaint(data.get("ref"), " ".join(text.split())))
            return again
        return super().understand(turn, dialog, question)

    @staticmethod
    def _continues(turn: Turn, data: dict[str, Any]) -> bool:
        """The message is the rest of the complaint text the phone cut: it came within
        CONTINUATION_SECONDS of a long text that stopped mid-sentence, and goes on in
        lower case."""
        cut_at, received = data.get("cut_at"), turn.inbound.received_at
        text = turn.inbound.text.strip()
        if not cut_at or received is None or not text[:1].islower():
            return False
        return (received - datetime.fromisoformat(cut_at)).total_seconds() <= CONTINUATION_SECONDS
