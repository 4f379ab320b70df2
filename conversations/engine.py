"""The conversation engine: (conversation, inbound message) -> outcome.

Pure: it reads only its arguments and the catalogue, and returns replies, the dialog to
keep open and the effects to apply. The webhook, the terminal chat and the simulator
all call :meth:`Engine.handle`; ``bot.inbound`` stores what it decides.

Commands that work at any step: MENU/INFO/BANTUAN, BATAL, STOP/BERHENTI, MULAI,
BAHASA EN/ID. A message that is exactly a service keyword starts that service, even
inside another dialog. So does a service keyword typed without a typo followed by a
whole request of that service (``ADUAN <text>``, ``CEK <code>``, ``INFO <kelurahan>``,
``HAPUS DATA ...``, ``TERIMA/TOLAK <n>``: ``Flow.takes``), unless the open step
says its answers may start with that word. Anything else inside a dialog is an answer
to its question. When a dialog is stopped, the first reply says what became of it.
"""
from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import conversations.texts  # noqa: F401  (defines the engine's catalogue texts)
from conversations import lexicon
from conversations.catalogue import render
from conversations.directory import Directory
from conversations.flow import Flow, invalid_choice
from conversations.keywords import Match, match, normalise
from conversations.model import (
    COMPLETED,
    INTERRUPTED,
    PARK_HOURS,
    PARKED,
    Conversation,
    Dialog,
    Inbound,
    KeepForOfficers,
    OptIn,
    OptOut,
    Outcome,
    Reply,
    ResumeParked,
    SetLanguage,
    Turn,
)
from conversations.registry import Registry, default_registry
from conversations.unprompted import (
    THANKS,
    after_politeness,
    asks,
    for_a_person,
    greeting,
    only_politeness,
    wants,
)

MENU_FLOW = "menu"
# The engine's offer to start a flow with what the resident wrote (step: the flow).
OFFER_FLOW = "offer"

COMMANDS = {
    "MENU": "menu", "INFO": "help", "BANTUAN": "help", "HELP": "help", "TOLONG": "help",
    "BATAL": "cancel", "CANCEL": "cancel", "BATALKAN": "cancel",
    "STOP": "stop", "BERHENTI": "stop", "UNSUBSCRIBE": "stop",
    "MULAI": "start", "START": "start", "UNSTOP": "start",
    "BAHASA": "language", "LANGUAGE": "language",
    "LANJUT": "resume", "LANJUTKAN": "resume",
}
LANGUAGE_NAMES = {
    "ID": "id", "INDONESIA": "id", "IND": "id", "BI": "id", "INDONESIAN": "id",
    "EN": "en", "ENG": "en", "ENGLISH": "en", "INGGRIS": "en",
}


class Engine:
    """Routes each message to a global command or a dialog flow.

    Args:
        registry: the flows; the product's full set by default.
    """

    def __init__(self, registry: Registry | None = None) -> None:
        self.registry = registry if registry is not None else default_registry()

    def handle(
        self, conversation: Conversation, inbound: Inbound, directory: Directory | None = None
    ) -> Outcome:
        """Decide what to answer ``inbound`` and what should happen.

        Args:
            conversation: the contact's language, opt-out flag and open dialog.
            inbound: the message.
            directory: read-only look-ups for flows (see ``conversations.directory.Directory``).

        Returns:
            The outcome. When an expired dialog preceded this message, its first reply
            says so.
        """
        if (typed := lexicon.keycaps_to_digits(inbound.text)) != inbound.text:
            inbound = replace(inbound, text=typed)  # 1️⃣ is an answer, not an emoji
        turn = Turn(inbound=inbound, conversation=conversation, directory=directory)
        outcome = self._route(turn)
        if conversation.expired:
            outcome.replies.insert(0, Reply("dialog.expired"))
        return outcome

    def _route(self, turn: Turn) -> Outcome:
        dialog = turn.conversation.dialog
        command = _command_in(turn.inbound.text, turn.conversation.opted_out)
        if command is not None:
            return self._command(command.value, command.rest, turn)

        keyword = match(turn.inbound.text, self.registry.keywords)
        if keyword is not None and not self.registry.by_name[keyword.value].addressed(keyword.rest):
            keyword = None
        if keyword is None and dialog is not None and dialog.flow not in (MENU_FLOW, OFFER_FLOW):
            keyword = self._polite_keyword(turn.inbound.text) or self._own_words_query(turn)
        if dialog is not None and dialog.flow == OFFER_FLOW:
            answered = self._offer_answer(turn, dialog)
            if answered is not None:
                return answered
            # Anything else: the offer lapses and the message is read afresh.
        stopped: Reply | None = None
        if dialog is not None and dialog.flow not in (MENU_FLOW, OFFER_FLOW):
            flow = self.registry.by_name.get(dialog.flow)
            if flow is None:
                pass  # an unknown flow (renamed since the session was stored) is dropped
            elif keyword is not None and self._interrupts(keyword, flow, dialog):
                aside = self._side_question(keyword, flow, turn, dialog)
                if aside is not None:
                    return aside
                stopped = self._stopped(flow, turn, dialog)
            else:
                return flow.resume(turn, dialog)

        if dialog is not None and dialog.flow == MENU_FLOW:
            choice = lexicon.number(turn.inbound.text)
            if choice is not None:
                return self._menu_choice(choice, turn)

        if keyword is None:
            # No dialog (or only the menu) is waiting for an answer here.
            keyword = match(turn.inbound.text, self.registry.idle_keywords)
            if keyword is not None and not self.registry.by_name[keyword.value].addressed(keyword.rest):
                keyword = None
        if keyword is not None:
            flow = self.registry.by_name[keyword.value]
            started = flow.start(_with_args(turn, keyword.rest))
            if dialog is not None:
                started.ended = PARKED if stopped is not None and stopped.key == "dialog.parked" \
                    else INTERRUPTED
            if stopped is not None:
                started.replies.insert(0, stopped)
            return started
        return self._unprompted(turn, ended=INTERRUPTED if dialog else COMPLETED)

    def _unprompted(self, turn: Turn, ended: str) -> Outcome:
        """A message with no keyword and no question waiting: an answer to a current
        notice is taken as one, a greeting gets one back, a request in the resident's own
        words an offer to act on it, anything else the menu."""
        for flow in self.registry.flows:
            answered = flow.answers_notice(turn)
            if answered is not None:
                answered.ended = ended
                return answered
        kind = greeting(turn.inbound.text)
        if kind == THANKS:
            return Outcome(replies=[Reply("greet.thanks")], ended=ended)
        if kind is not None:
            menu = self._menu(turn, ended=ended)
            menu.replies = [Reply("greet.menu", {
                "greeting": render(f"greet.{kind}", turn.language),
                **menu.replies[0].params})]
            return menu
        for flow in self.registry.flows:
            if flow.offer_key and flow.recognises(turn.inbound.text):
                return Outcome(
                    replies=[Reply(flow.offer_key)],
                    dialog=Dialog(OFFER_FLOW, flow.name, {"text": turn.inbound.text.strip()}),
                    ended=ended,
                )
        started = self._after_politeness(turn)
        if started is not None:
            if ended == INTERRUPTED:
                started.ended = INTERRUPTED
            return started
        if lexicon.mentions(turn.inbound.text, lexicon.THANKS) and not asks(turn.inbound.text):
            # A thank-you note in many words is still thanks, not work for an officer.
            return Outcome(replies=[Reply("greet.thanks")], ended=ended)
        menu = self._menu(turn, ended=ended)
        if for_a_person(turn.inbound.text) and menu.dialog is not None:
            # Not the menu alone: the message goes to a person, and the menu still works.
            menu.replies = [Reply("inbox.kept", menu.replies[0].params)]
            menu.effects.append(KeepForOfficers())
        return menu

    def _after_politeness(self, turn: Turn) -> Outcome | None:
        """``Pak, saya mau gabung 48213``: a keyword typed right after polite words
        starts its service, bare or with a whole request of it; else None."""
        polite = after_politeness(turn.inbound.text)
        keyword = match(polite, self.registry.keywords) if polite else None
        if keyword is None or keyword.typos:
            return None
        flow = self.registry.by_name[keyword.value]
        rest = "" if only_politeness(keyword.rest) else keyword.rest
        if not flow.addressed(rest) or (rest and not flow.takes(rest)):
            return None
        return flow.start(_with_args(turn, rest))

    def _polite_keyword(self, text: str) -> Match | None:
        """``Pak, info sukamaju`` or ``Bu, saya mau hapus data`` typed while a dialog is
        open: the keyword after the polite words, for the one interruption rule
        (``_interrupts``) to weigh like a keyword typed first. Bare, it counts only after
        a word of wanting (``mau``, ``tolong``): ``Pak Info`` may be a name."""
        polite = after_politeness(text)
        keyword = match(polite, self.registry.keywords) if polite else None
        if keyword is None or keyword.typos:
            return None
        if only_politeness(keyword.rest):
            keyword = replace(keyword, rest="")
        if not self.registry.by_name[keyword.value].addressed(keyword.rest):
            return None
        if not keyword.rest and not wants(text[: len(text) - len(polite or "")]):
            return None
        return keyword

    def _own_words_query(self, turn: Turn) -> Match | None:
        """``aduan sy sampai mana?`` inside a dialog: the query, as if its keyword were
        typed (answered, the open question asked again; not stored as the answer)."""
        for flow in self.registry.flows:
            args = flow.asked_in_own_words(turn.inbound.text) if flow.query else None
            if args is not None:
                return Match(value=flow.name, rest=args, typos=0)
        return None

    def _offer_answer(self, turn: Turn, dialog: Dialog) -> Outcome | None:
        """YA starts the offered flow with the text already sent; TIDAK drops it."""
        answer = lexicon.yes_or_no(turn.inbound.text)
        flow = self.registry.by_name.get(dialog.step)
        if answer is True and flow is not None:
            return flow.start(_with_args(turn, dialog.data.get("text", "")))
        if answer is False:
            return Outcome(replies=[Reply("offer.declined")])
        return None

    def _interrupts(self, keyword: Match, flow: Flow, dialog: Dialog) -> bool:
        """Whether ``keyword`` starts its service instead of answering ``dialog``.

        A bare keyword always does. With text, only a keyword typed as it is (a name
        may be one typo away from one) whose service takes the text as a whole request,
        and only where the open step does not expect answers starting with it.
        """
        if not keyword.rest:
            return True
        target = self.registry.by_name[keyword.value]
        return (keyword.typos == 0 and target.takes(keyword.rest)
                and not flow.answers_keyword(dialog, keyword.value))

    def _side_question(self, keyword: Match, flow: Flow, turn: Turn,
                       dialog: Dialog) -> Outcome | None:
        """A query (CEK, KSM, INFO <kelurahan>) typed inside a dialog: its answer, then
        the dialog's question again, the dialog kept where it was. None when the
        keyword is a new task, or the open flow cannot ask its question again."""
        target = self.registry.by_name[keyword.value]
        again = flow.open_question(turn, dialog) if target.query else None
        if again is None:
            return None
        answered = target.start(_with_args(turn, keyword.rest))
        if answered.dialog is not None:
            return None  # the query asks something itself: it is a task after all
        answered.replies.append(again)
        answered.dialog = dialog
        return answered

    @staticmethod
    def _stopped(flow: Flow, turn: Turn, dialog: Dialog) -> Reply | None:
        """The note on the dialog another service interrupts: what stays stored, or for
        answers not stored yet, that they are kept for LANJUT."""
        kept = flow.kept(turn, dialog)
        if kept is not None:
            return kept
        return Reply("dialog.parked") if flow.collects else None

    def _parks(self, turn: Turn, dialog: Dialog) -> bool:
        """Whether stopping ``dialog`` would lose answers not stored yet."""
        flow = self.registry.by_name.get(dialog.flow)
        return (flow is not None and dialog.flow not in (MENU_FLOW, OFFER_FLOW)
                and flow.collects and flow.kept(turn, dialog) is None)

    def _resume_parked(self, turn: Turn, ended: str) -> Outcome:
        """LANJUT: the dialog a new task parked, at the question it stopped on."""
        parked = None
        if turn.directory is not None and turn.inbound.received_at is not None:
            parked = turn.directory.parked_dialog(
                turn.inbound.received_at - timedelta(hours=PARK_HOURS))
        if parked is not None:
            session_id, dialog = parked
            flow = self.registry.by_name.get(dialog.flow)
            again = flow.open_question(turn, dialog) if flow is not None else None
            if again is not None:
                return Outcome(replies=[again], dialog=dialog,
                               effects=[ResumeParked(session_id)], ended=ended)
        return Outcome(replies=[Reply("dialog.nothing_parked")],
                       dialog=turn.conversation.dialog)

    def _menu_choice(self, number: int, turn: Turn) -> Outcome:
        shown = self.registry.menu()
        if not 1 <= number <= len(shown):
            return Outcome(replies=[invalid_choice(len(shown)).reply],
                           dialog=turn.conversation.dialog)
        return shown[number - 1].start(_with_args(turn, ""))

    def _menu(self, turn: Turn, ended: str = COMPLETED) -> Outcome:
        """The numbered keywords in one SMS: the answer to anything not understood."""
        shown = self.registry.menu()
        if not shown:
            return Outcome(replies=[Reply("menu.empty")], ended=ended)
        items = " ".join(f"{n} {next(iter(flow.keywords))}" for n, flow in enumerate(shown, 1))
        return Outcome(
            replies=[Reply("menu.short", {"items": items})],
            dialog=Dialog(MENU_FLOW, "choose"),
            ended=ended,
        )

    def _help(self, turn: Turn, ended: str = COMPLETED) -> Outcome:
        """The menu with a line on each service (BANTUAN/HELP): two SMS, asked for."""
        shown = self.registry.menu()
        if not shown:
            return Outcome(replies=[Reply("menu.empty")], ended=ended)
        lines = [
            f"{n} {render(flow.menu_key, turn.language)}"
            for n, flow in enumerate(shown, 1)
            if flow.menu_key
        ]
        return Outcome(
            replies=[Reply("menu.body", {"items": "\n".join(lines)})],
            dialog=Dialog(MENU_FLOW, "choose"),
            ended=ended,
        )

    def _command(self, command: str, rest: str, turn: Turn) -> Outcome:
        conversation = turn.conversation
        open_dialog = conversation.dialog is not None
        ended = INTERRUPTED if open_dialog else COMPLETED
        if command in ("menu", "help"):
            # Looking at the menu costs no answers: the dialog is parked for LANJUT.
            if open_dialog and self._parks(turn, conversation.dialog):
                ended = PARKED
            return (self._menu if command == "menu" else self._help)(turn, ended=ended)
        if command == "cancel":
            if not open_dialog:
                return Outcome(replies=[Reply("dialog.nothing_to_cancel")], ended=ended)
            flow = self.registry.by_name.get(conversation.dialog.flow)
            kept = flow.kept(turn, conversation.dialog) if flow is not None else None
            return Outcome(replies=[kept or Reply("dialog.cancelled")], ended=ended)
        if command == "stop":
            if conversation.opted_out:
                return Outcome(replies=[Reply("optout.already")], ended=ended)
            return Outcome(replies=[Reply("optout.confirmed")], effects=[OptOut()], ended=ended)
        if command == "start":
            return Outcome(replies=[Reply("optin.confirmed")], effects=[OptIn()], ended=ended)
        if command == "resume":
            return self._resume_parked(turn, ended)
        # language: keep any open dialog where it was.
        language = LANGUAGE_NAMES.get(normalise(rest))
        if language is None:
            return Outcome(replies=[Reply("language.unknown")], dialog=conversation.dialog)
        return Outcome(
            replies=[Reply("language.set")],
            effects=[SetLanguage(language)],
            dialog=conversation.dialog,
        )


def _command_in(text: str, opted_out: bool = False) -> Match | None:
    """The global command ``text`` is: the command alone (``BATAL``), BAHASA with its
    language, or the command typed right with only polite words around it (``batal
    pak``, ``ok batal``, ``sy mau berhenti``), which is never an answer to a question.
    Someone who opted out asking for the messages again in own words (``mau dapet sms
    lagi``, ``kmrn sy minta berhenti, skrg mau dikirimi info lagi``) opts in."""
    command = match(text, COMMANDS)
    if command is not None and (command.value == "language" or not command.rest):
        return command
    if opted_out and lexicon.asks_for_messages_again(text):
        return Match(value="start", rest="", typos=0)
    # Opting out and in as residents say it: "jangan sms saya lagi", "unreg", "mulai lagi".
    if lexicon.asks_to_stop(text):
        return Match(value="stop", rest="", typos=0)
    if lexicon.means(text, lexicon.OPT_IN):
        return Match(value="start", rest="", typos=0)
    for typed in (text, after_politeness(text)):
        command = match(typed, COMMANDS) if typed else None
        if (command is not None and not command.typos
                and (command.value == "language" or only_politeness(command.rest))):
            return command
    return None


def _with_args(turn: Turn, args: str) -> Turn:
    return Turn(
        inbound=turn.inbound,
        conversation=turn.conversation,
        directory=turn.directory,
        args=args,
    )
