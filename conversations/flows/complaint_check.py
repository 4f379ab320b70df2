"""CEK <code> (also STATUS <code>, CEK ADUAN, STATUS ADUAN): a complaint's status in one SMS.

Only the number that filed the complaint gets its details, and its own code always
answers. A code that does not exist, a mistyped one and someone else's code all get the
same answer, and each counts as a miss (``conversations.flows.code_misses``). STATUS with a
5-digit code is a KSM's status (``ksm_status``).
"""

from __future__ import annotations

import re
from typing import Any

from conversations import lexicon
from conversations.catalogue import render
from conversations.dates_written import day_words
from conversations.flow import Flow
from conversations.flows import complaint_code
from conversations.flows.code_misses import missed
from conversations.flows.ksm_common import KSM_CODE_DIGITS
from conversations.flows.ksm_status import StatusFlow
from conversations.gsm import segments, to_gsm7
from conversations.model import Dialog, Outcome, Reply, Turn

CHECK_FLOW_NAME = "complaint_check"
# Bare STATUS is left to the KSM status service (issue 3); "STATUS ADUAN <code>" is ours
# (the longer keyword wins). See the branch note for STATUS <digits>.
CHECK_KEYWORDS = {
    "CEK": CHECK_FLOW_NAME,
    "CEK ADUAN": CHECK_FLOW_NAME,
    "STATUS ADUAN": CHECK_FLOW_NAME,
    "STATUS": CHECK_FLOW_NAME,
}
class ComplaintCheckFlow(Flow):
    """CEK <code>: the complaint's status, for the number that filed it only.

    A code that does not exist and someone else's code get the same answer; after
    ``code_misses.MAX_CHECK_MISSES`` wrong codes in an hour the number is told to wait
    (its own codes still answer).
    """

    name = CHECK_FLOW_NAME
    keywords = CHECK_KEYWORDS
    menu_key = "complaint.check.menu"
    collects = False
    query = True

    def takes(self, args: str) -> bool:
        # "cek 123456789 ya min": polite words after the code do not make it prose.
        return looks_like_code(" ".join(lexicon.without_polite(args)))

    def start(self, turn: Turn) -> Outcome:
        # The nine digits where words around them hold other numbers ("udah 2 minggu").
        code = lexicon.complaint_code_in(turn.args) or complaint_code.clean(turn.args)
        if len(code) == KSM_CODE_DIGITS:
            # STATUS 49341: a KSM code (5 digits) cannot be a complaint code (9 digits).
            return StatusFlow().start(turn)
        if not code:
            return self._own(turn)
        return self.check(turn, code)

    def asked_in_own_words(self, text: str) -> str | None:
        """``aduan sy sampai mana?``, ``kumaha aduan abdi``, ``status pengaduan 904 294
        976 gimana``: the code typed, or "" for the number's own complaints."""
        if not lexicon.asks_after_complaint(text):
            return None
        return lexicon.complaint_code_in(text) or ""

    def answers_notice(self, turn: Turn) -> Outcome | None:
        """A resident asking after their complaint in own words, with no dialog open:
        answered as CEK (with the code they typed, else their own complaints)."""
        args = self.asked_in_own_words(turn.inbound.text)
        if turn.directory is None or args is None:
            return None
        return self.check(turn, args) if args else self._own(turn)

    def _own(self, turn: Turn) -> Outcome:
        """CEK with no code: the number's own complaint, or a list of them to pick from;
        with none, the code is asked for."""
        codes = turn.directory.own_complaint_codes()
        if len(codes) == 1:
            return self.check(turn, codes[0])
        if not codes:
            return Outcome(replies=[Reply("complaint.check.ask_code")],
                           dialog=Dialog(self.name, "code", {}))
        items = ", ".join(f"{n}) {complaint_code.grouped(code)}"
                          for n, code in enumerate(codes, 1))
        return Outcome(replies=[Reply("complaint.check.pick", {"items": items})],
                       dialog=Dialog(self.name, "code", {"codes": codes}))

    def resume(self, turn: Turn, dialog: Dialog) -> Outcome:
        codes = dialog.data.get("codes") or []
        picked = lexicon.number(turn.inbound.text)
        if codes and picked is not None and 1 <= picked <= len(codes):
            return self.check(turn, codes[picked - 1])
        code = complaint_code.clean(turn.inbound.text)
        if not code:
            # "gk tau kodenya": where the code is, not the same question again.
            return Outcome(replies=[Reply("complaint.check.no_code")])
        return self.check(turn, code)

    def check(self, turn: Turn, code: str) -> Outcome:
        """Answer a status request for ``code`` (digits only)."""
        directory = turn.directory
        # The number's own complaint always answers (its own typos must not lock it
        # out); looking it up tells nothing about anyone else's codes.
        found = directory.own_complaint(code) if complaint_code.is_valid(code) else None
        if found is not None:
            return Outcome(replies=[status_reply(turn.language, code, found)])
        return missed(turn, Reply("complaint.check.not_found"))


def looks_like_code(text: str) -> bool:
    """Digits as a code is typed (spaces, dots, dashes between them), five or more."""
    return bool(re.fullmatch(r"[\d\s.\-]+", text.strip())) and len(complaint_code.clean(text)) >= 5


def status_reply(language: str, code: str, found: dict[str, Any]) -> Reply:
    """The one-SMS status answer; the officer's last public response is cut to fit."""
    status = render(f"complaint.status.{found['status']}", language)
    # The day in words ("Selasa 8 Des"): "08-12-2026" is a run of digits for filters.
    day = day_words(found["date"], language, year=bool(found.get("year")))
    params = {"code": code, "status": status, "date": day}
    response = to_gsm7(" ".join((found.get("response") or "").split()))
    if not response:
        return Reply(
            "complaint.check.status",
            {**params, "response": render("complaint.check.no_response", language)},
        )
    fixed = render(
        "complaint.check.status",
        language,
        **params,
        response=render("complaint.check.response", language, text=""),
    )
    if segments(fixed + response) > 1:
        response = response[: max(160 - len(fixed) - 3, 0)].rstrip() + "..."
        # GSM-7 extension characters count twice: cut further until it fits.
        while len(response) > 3 and segments(fixed + response) > 1:
            response = response[:-4].rstrip() + "..."
    return Reply(
        "complaint.check.status",
        {**params, "response": render("complaint.check.response", language, text=response)},
    )
