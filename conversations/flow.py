"""What a dialog flow is, and a declarative question-by-question dialog to build on.

A flow is an object with a name, the keywords that start it, and two methods:
``start`` (the resident typed a keyword) and ``resume`` (a reply inside its dialog).
Most flows are a list of :class:`Question` steps run by :class:`Questionnaire`:
steps are data, parsing is a plain function, no names are looked up by string magic.
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any, Callable, Mapping, Sequence

from conversations import lexicon
from conversations.keywords import normalise
from conversations.model import Dialog, Outcome, Reply, Turn

MAX_ANSWER_LENGTH = 300
#: Flows whose ``KEYWORD <text>`` is still an answer at a step that takes the resident's
#: own words (a complaint's text, a question): "Info pak, dana BLM belum cair" and "Hapus
#: data penerima fiktif" are complaints there (see :meth:`Flow.answers_keyword`).
PROSE_OPENERS = frozenset({"public_info", "erasure"})


class Invalid(Exception):
    """Raised by a parser: the answer is not usable; ``reply`` says how to fix it."""

    def __init__(self, key: str, **params: Any) -> None:
        super().__init__(key)
        self.reply = Reply(key, params)


class Flow:
    """Base class of every dialog flow.

    Attributes:
        name: stored in the session; unique in the registry.
        keywords: normalised keyword -> alias value (usually the flow name).
        menu_key: catalogue key of this flow's line in the menu, or None to hide it.
        idle_keywords: words that start this flow only when no dialog is open, because
            inside a dialog they are ordinary answers (a bare ``TIDAK``).
        collects: its dialog gathers answers that are lost when it is stopped, so the
            resident is told when another service interrupts it.
    """

    name: str = ""
    keywords: Mapping[str, str] = {}
    menu_key: str | None = None
    idle_keywords: Mapping[str, str] = {}
    collects: bool = True

    def addressed(self, args: str) -> bool:
        """False when ``KEYWORD args`` is not meant for this flow at all (``Terima
        kasih`` is thanks, not ``TERIMA <n>``): the engine then reads the message as if
        it had no keyword. Always, unless a flow says otherwise."""
        return True

    def takes(self, args: str) -> bool:
        """True when ``KEYWORD args`` is a whole request of this flow (``CEK <code>``,
        ``ADUAN <text>``), so that inside another dialog it starts this flow instead of
        being an answer. Never, unless a flow says so."""
        return False

    def answers_keyword(self, dialog: Dialog, flow_name: str) -> bool:
        """True when, at ``dialog``'s step, a message starting with a keyword of
        ``flow_name`` is an answer (the step's answers can truly start with it)."""
        return False

    def recognises(self, text: str) -> bool:
        """True when ``text``, sent without any keyword, reads like a request of this
        flow; the engine then offers to start it with ``text`` as the arguments."""
        return False

    #: catalogue key of that offer (it says to reply YA).
    offer_key: str | None = None

    #: a request that only answers (CEK, KSM, INFO <kelurahan>): typed inside another
    #: dialog it answers, and that dialog's question is asked again.
    query: bool = False

    def asked_in_own_words(self, text: str) -> str | None:
        """For a query: the arguments when ``text`` asks it without its keyword (``aduan
        sy sampai mana?`` is CEK), so that inside a dialog it is answered as a side
        question; None when it does not. Never, unless a flow says so."""
        return None

    def open_question(self, turn: Turn, dialog: Dialog) -> Reply | None:
        """The question ``dialog`` is waiting on, to ask again after a side question or
        LANJUT; None when this flow cannot say it."""
        return None

    def answers_notice(self, turn: Turn) -> Outcome | None:
        """A message with no keyword and no open question, read as an answer to a notice
        of this flow's that the resident was sent and that is still current (a meeting
        notice: ``iya bu insyaallah hadir``); None when it is not one."""
        return None

    def kept(self, turn: Turn, dialog: Dialog) -> Reply | None:
        """What stays stored when ``dialog`` is stopped (BATAL, or another service);
        None when nothing does."""
        return None

    def start(self, turn: Turn) -> Outcome:
        """The resident typed one of ``keywords``; ``turn.args`` is the rest."""
        raise NotImplementedError

    def resume(self, turn: Turn, dialog: Dialog) -> Outcome:
        """A message arrived while this flow's ``dialog`` was open."""
        raise NotImplementedError


@dataclass(frozen=True)
class Question:
    """One step of a questionnaire.

    Attributes:
        name: step name and the key its answer is stored under.
        prompt: catalogue key of the question.
        parse: turns the answer text into a value or raises :class:`Invalid`.
        skippable: ``LEWATI``/``SKIP`` stores None instead of an answer.
        ask_if: ask only when this returns True for the data collected so far.
        prompt_params: builds the prompt's parameters from the turn and data.
        answers_keywords: flows whose ``KEYWORD <text>`` is an answer at this step and
            does not interrupt it (see :meth:`Flow.answers_keyword`).
    """

    name: str
    prompt: str
    parse: Callable[[str, Turn, dict[str, Any]], Any]
    skippable: bool = False
    ask_if: Callable[[dict[str, Any]], bool] | None = None
    prompt_params: Callable[[Turn, dict[str, Any]], dict[str, Any]] | None = None
    answers_keywords: frozenset[str] = frozenset()
    # A free-text answer: a message that answers nothing (ok, makasih, an emoji) is not
    # stored as it; the question is asked again (``Questionnaire.understand``).
    free_text: bool = False


SKIP_WORDS = {"LEWATI", "LEWAT", "SKIP", "TIDAK TAHU", "-"}


def check_text(text: str, max_length: int = MAX_ANSWER_LENGTH) -> str:
    """Common checks on a free-text answer: not empty, not too long."""
    value = " ".join((text or "").split())
    if not value:
        raise Invalid("error.empty")
    if len(value) > max_length:
        raise Invalid("error.too_long", max=max_length)
    return value


def invalid_choice(count: int) -> Invalid:
    """The answer to a number that is not on a list of ``count`` options."""
    if count <= 1:
        return Invalid("error.choice_one")
    return Invalid("error.choice", max=count)


def choose(text: str, options: Sequence[str]) -> int:
    """Index of the option the resident picked, by number (1-based) or by its text."""
    norm = normalise(text)
    picked = lexicon.number(text)  # 2, 2️⃣, dua, yg kedua
    if picked is not None:
        index = picked - 1
        if 0 <= index < len(options):
            return index
        raise invalid_choice(len(options))
    for index, option in enumerate(options):
        if normalise(option) == norm:
            return index
    raise invalid_choice(len(options))


@dataclass
class Questionnaire(Flow):
    """A flow that asks ``questions`` in order and then calls ``finish``.

    ``begin`` may pre-fill answers from the keyword's arguments (``ADUAN <text>``);
    ``request`` says which arguments make a whole request (see :meth:`Flow.takes`);
    ``answered`` gives the effects of each answer as it comes (a complaint stored at
    its first message is updated answer by answer), not called for a skipped question.
    """

    name: str = ""
    keywords: Mapping[str, str] = field(default_factory=dict)
    menu_key: str | None = None
    questions: Sequence[Question] = ()
    finish: Callable[[Turn, dict[str, Any]], Outcome] | None = None
    begin: Callable[[Turn], tuple[dict[str, Any], list[Any]]] | None = None
    request: Callable[[str], bool] | None = None
    answered: Callable[[Turn, dict[str, Any], str, Any], list[Any]] | None = None

    def takes(self, args: str) -> bool:
        return self.request is not None and self.request(args)

    def answers_keyword(self, dialog: Dialog, flow_name: str) -> bool:
        question = self._question(dialog.step)
        return question is not None and flow_name in question.answers_keywords

    def start(self, turn: Turn) -> Outcome:
        data: dict[str, Any] = {}
        effects: list[Any] = []
        if self.begin is not None:
            data, effects = self.begin(turn)
        outcome = self._advance(turn, data, after=None)
        outcome.effects[:0] = effects
        return outcome

    def resume(self, turn: Turn, dialog: Dialog) -> Outcome:
        question = self._question(dialog.step)
        if question is None:  # the flow changed under a stored session
            return self._advance(turn, dict(dialog.data), after=None)
        answer = turn.inbound.text
        effects: list[Any] = []
        understood = self.understand(turn, dialog, question)
        if understood is not None:
            return understood
        if question.skippable and normalise(answer) in SKIP_WORDS:
            value = None
        else:
            try:
                value = question.parse(answer, turn, dict(dialog.data))
            except Invalid as invalid:
                return Outcome(replies=[invalid.reply], dialog=dialog)
            if self.answered is not None:
                effects = self.answered(turn, dict(dialog.data), question.name, value)
        data = {**dialog.data, question.name: value}
        outcome = self._advance(turn, data, after=question.name)
        outcome.effects[:0] = effects
        return outcome

    def understand(self, turn: Turn, dialog: Dialog, question: Question) -> Outcome | None:
        """What the message is before it is taken as the answer: None when it is the
        answer. At a free-text question an acknowledgement (``ok``, ``makasih``, a
        thumbs-up) answers nothing: the question is asked again, nothing is stored."""
        if question.free_text and lexicon.acknowledgement(turn.inbound.text):
            return self.ask_again(turn, dialog, question)
        return None

    def ask_again(self, turn: Turn, dialog: Dialog, question: Question,
                  before: list[Reply] | None = None) -> Outcome:
        """The open question again, after ``before``; the dialog stays where it was."""
        params = question.prompt_params(turn, dict(dialog.data)) if question.prompt_params else {}
        return Outcome(replies=[*(before or []), Reply(question.prompt, params)], dialog=dialog)

    def open_question(self, turn: Turn, dialog: Dialog) -> Reply | None:
        question = self._question(dialog.step)
        if question is None:
            return None
        return self.ask_again(turn, dialog, question).replies[-1]

    def _question(self, name: str) -> Question | None:
        return next((q for q in self.questions if q.name == name), None)

    def _advance(self, turn: Turn, data: dict[str, Any], after: str | None) -> Outcome:
        names = [q.name for q in self.questions]
        start = names.index(after) + 1 if after in names else 0
        for question in self.questions[start:]:
            if question.name in data:
                continue
            if question.ask_if is not None and not question.ask_if(data):
                continue
            params = question.prompt_params(turn, data) if question.prompt_params else {}
            return Outcome(
                replies=[Reply(question.prompt, params)],
                dialog=Dialog(self.name, question.name, data),
            )
        assert self.finish is not None, f"flow {self.name} has no finish"
        return self.finish(turn, data)


def keep(dialog: Dialog, **changes: Any) -> Dialog:
    """A copy of ``dialog`` with some fields changed."""
    return replace(dialog, **changes)
