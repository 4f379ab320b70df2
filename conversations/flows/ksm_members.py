"""KSM members: the leader adds them (ANGGOTA), residents join or accept (GABUNG) and
decline (TOLAK). An added member counts only after replying GABUNG <code>.

Someone the leader did not invite who sends GABUNG asks to join: the leader gets one SMS
naming them with a request number and answers ``TERIMA <n>`` or ``TOLAK <n>``; only
then do they count (or are told, kindly, that they were not taken).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import conversations.flows.ksm_texts  # noqa: F401  (defines the texts)
from conversations import lexicon
from conversations.flow import Flow, Invalid, Question
from conversations.flows.ksm_common import (
    CONFIRMED,
    DECLINED,
    INVITED,
    MAX_OPEN_INVITATIONS,
    MAX_OPEN_REQUESTS,
    REFUSED,
    REJECTED,
    REQUESTED,
    ArgsQuestionnaire,
    JoinRequest,
    KsmView,
    is_code,
    ksm_options,
    pick_ksm,
    parse_code,
    parse_gender,
    parse_name,
    parse_phone,
)
from conversations.model import Dialog, Effect, Outcome, Reply, Turn
from conversations.unprompted import reads_like_complaint

NAME_MAX = 40
# An answer to an invitation or a request in own words is a short message; a long one
# is something else told (a complaint, a question) and goes its own way.
ANSWER_WORDS_MAX = 16


@dataclass(frozen=True)
class AddKsmMember(Effect):
    """Invite ``phone`` to the KSM and send them the invitation; returns ``code``, ``progress``."""

    ksm_id: int
    name: str
    gender: str
    phone: str


@dataclass(frozen=True)
class JoinKsm(Effect):
    """The sender accepts an invitation or joins; the leader is told. Returns ``code``."""

    ksm_id: int
    name: str | None = None
    gender: str | None = None


@dataclass(frozen=True)
class RequestToJoinKsm(Effect):
    """The sender, not invited, asks to join; the leader is asked to answer. Returns ``code``."""

    ksm_id: int
    name: str
    gender: str


@dataclass(frozen=True)
class AnswerJoinRequest(Effect):
    """The leader accepts (or refuses) request ``number``; the joiner is told.
    Returns ``progress`` (where the KSM stands)."""

    ksm_id: int
    number: int
    accept: bool


@dataclass(frozen=True)
class DeclineKsm(Effect):
    """The sender declines an invitation (or leaves); the leader is told."""

    ksm_id: int


def _ksm_data(view: KsmView) -> dict[str, Any]:
    return {"id": view.id, "name": view.name, "code": view.code}


# ANGGOTA -----------------------------------------------------------------------------

def _open_led(turn: Turn) -> list[KsmView]:
    return [k for k in turn.directory.ksms_led() if k.status != REJECTED]


def _anggota_opening(turn: Turn) -> dict[str, Any] | Outcome:
    led = turn.directory.ksms_led()
    if not led:
        return Outcome(replies=[Reply("ksm.not_leader")])
    open_led = [k for k in led if k.status != REJECTED]
    if not open_led:
        return Outcome(replies=[Reply("ksm.closed", {"ksm": led[0].name})])
    return {"ksm": _ksm_data(open_led[0])} if len(open_led) == 1 else {}


def _parse_which(text: str, turn: Turn, data: dict[str, Any]) -> dict[str, Any]:
    led = _open_led(turn)
    view = pick_ksm(text, led)
    if view is None:
        raise Invalid("ksm.ask.which", options=ksm_options(led))
    return _ksm_data(view)


def _which_options(turn: Turn, data: dict[str, Any] | None = None) -> dict[str, Any]:
    return {"options": ksm_options(_open_led(turn))}


def _parse_member_phone(text: str, turn: Turn, data: dict[str, Any]) -> str:
    phone = parse_phone(text)
    if phone == turn.inbound.phone:
        raise Invalid("ksm.error.self")
    return phone


_LOOSE = re.compile(r"^(?P<name>.+?)[\s,]+(?P<gender>[LPlp])[\s,]+(?P<phone>[+\d][\d\s\-]{6,})$")


def _split_member_args(args: str) -> list[str]:
    """``Ani, P, 0812...`` or ``Ani P 0812...`` -> [name, gender, phone]."""
    args = args.strip()
    if not args:
        return []
    if "," in args or ";" in args:
        return [part.strip() for part in re.split(r"[,;]", args)]
    loose = _LOOSE.match(args)
    if loose:
        return [loose["name"], loose["gender"], loose["phone"]]
    return [args]


def _anggota_finish(turn: Turn, data: dict[str, Any]) -> Outcome:
    ksm = data["ksm"]
    status = turn.directory.member_status(ksm["id"], data["phone"])
    if status in (INVITED, CONFIRMED):
        return Outcome(replies=[Reply("ksm.member.already", {"ksm": ksm["name"]})])
    view = turn.directory.ksm_by_code(ksm["code"])
    if view is not None and view.invited >= MAX_OPEN_INVITATIONS:
        return Outcome(replies=[Reply("ksm.member.too_many", {"max": MAX_OPEN_INVITATIONS})])
    effect = AddKsmMember(ksm_id=ksm["id"], name=data["name"], gender=data["gender"],
                          phone=data["phone"])
    return Outcome(replies=[Reply("ksm.member.invited", {"member": data["name"]})], effects=[effect])


def add_member_flow() -> ArgsQuestionnaire:
    """ANGGOTA [name, L/P, phone]: the leader adds a member."""
    return ArgsQuestionnaire(
        name="ksm_add_member",
        keywords={"ANGGOTA": "ksm_add_member", "TAMBAH ANGGOTA": "ksm_add_member"},
        questions=[
            Question("ksm", "ksm.ask.which", _parse_which, prompt_params=_which_options),
            Question("name", "ksm.ask.member_name", lambda t, turn, d: parse_name(t, NAME_MAX),
                     prompt_params=lambda turn, d: {"ksm": d["ksm"]["name"]}),
            Question("gender", "ksm.ask.member_gender", lambda t, turn, d: parse_gender(t),
                     prompt_params=lambda turn, d: {"member": d["name"]}),
            Question("phone", "ksm.ask.member_phone", _parse_member_phone,
                     prompt_params=lambda turn, d: {"member": d["name"]}),
        ],
        finish=_anggota_finish,
        opening=_anggota_opening,
        split_args=_split_member_args,
        request=lambda args: len(_split_member_args(args)) >= 3,
        restart_keeps=("ksm",),
    )


# GABUNG ------------------------------------------------------------------------------

def _parse_join_code(text: str, turn: Turn, data: dict[str, Any]) -> dict[str, Any]:
    view = turn.directory.ksm_by_code(parse_code(text))
    if view is None:
        raise Invalid("ksm.error.unknown_code")
    return {**_ksm_data(view), "state": turn.directory.my_status_in(view.id) or "new",
            "closed": view.status == REJECTED}


def _is_new(data: dict[str, Any]) -> bool:
    ksm = data["ksm"]
    return ksm["state"] in ("new", DECLINED) and not ksm["closed"]


def _gabung_finish(turn: Turn, data: dict[str, Any]) -> Outcome:
    ksm = data["ksm"]
    params = {"ksm": ksm["name"], "code": ksm["code"]}
    if ksm["state"] == CONFIRMED:
        return Outcome(replies=[Reply("ksm.join.already", params)])
    if ksm["closed"]:
        return Outcome(replies=[Reply("ksm.join.closed", params)])
    if ksm["state"] == REQUESTED:
        return Outcome(replies=[Reply("ksm.join.still_waiting", params)])
    if ksm["state"] == REFUSED:
        return Outcome(replies=[Reply("ksm.join.refused", params)])
    if ksm["state"] == "new":
        # Not invited: the leader decides (a code alone must not make anyone a member).
        view = turn.directory.ksm_by_code(ksm["code"])
        if view is not None and view.requested >= MAX_OPEN_REQUESTS:
            return Outcome(replies=[Reply("ksm.join.busy", params)])
        effect = RequestToJoinKsm(ksm_id=ksm["id"], name=data["name"], gender=data["gender"])
        # A leader who opted out gets no SMS of it: say so, not that it was sent.
        key = ("ksm.join.waiting" if turn.directory.leader_reachable(ksm["id"])
               else "ksm.join.waiting_unreachable")
        return Outcome(replies=[Reply(key, params)], effects=[effect])
    # Invited (or once a member, who left): the leader already wanted them.
    effect = JoinKsm(ksm_id=ksm["id"], name=data.get("name"), gender=data.get("gender"))
    return Outcome(replies=[Reply("ksm.joined", params)], effects=[effect])


_CODE_THEN = re.compile(r"^\s*(\d[\d\s.\-]*\d)\s*[,;:]?\s*(\S.*)$")
_NAME_IS = re.compile(r"^nama\s+(?:saya\s+|sy\s+|aku\s+)?", re.IGNORECASE)


def _split_join_args(args: str) -> list[str]:
    """``48213`` -> [code]; ``48213 Dewi Lestari P`` or ``48213, Dewi, P`` (``nama sy
    Dewi``) -> [code, name, gender]: who asks to join can say it all in one SMS."""
    found = _CODE_THEN.match(args)
    if is_code(args) or found is None or not is_code(found[1]):
        return [args] if args.strip() else []
    rest = _NAME_IS.sub("", found[2].strip())
    return [found[1], *(_split_member_args(rest) if "," in rest or ";" in rest
                        else _split_name_gender(rest))]


def _split_name_gender(text: str) -> list[str]:
    loose = re.match(r"^(.+?)[\s,]+([LPlp])\W*$", text)
    return [loose[1], loose[2]] if loose else [text]


def _gabung_opening(turn: Turn) -> dict[str, Any]:
    """GABUNG without a code from someone with one invitation waiting: that one (as
    TOLAK does), so the invited member need not look the code up."""
    if any(ch.isdigit() for ch in turn.args):
        return {}
    pending = [m.ksm for m in turn.directory.my_ksms() if m.status == INVITED]
    if len(pending) != 1:
        return {}
    view = pending[0]
    return {"ksm": {**_ksm_data(view), "state": INVITED, "closed": view.status == REJECTED}}


class JoinFlow(ArgsQuestionnaire):
    """GABUNG, and the answer to an invitation without it."""

    def answers_notice(self, turn: Turn) -> Outcome | None:
        """An invited member's answer in their own words (``iya saya mau gabung``, ``maaf
        bu sy gk bisa ikut``) or the KSM's code alone, to the one invitation waiting for
        them: joining, or declining it."""
        text = turn.inbound.text
        typed_code = parse_code(text) if is_code(text) else None
        # The words first: most unprompted messages are no answer, and need no look-up.
        said = None if typed_code else _answer_to_invitation(text)
        if turn.directory is None or (typed_code is None and said is None):
            return None
        pending = [m.ksm for m in turn.directory.my_ksms() if m.status == INVITED]
        if len(pending) != 1 or typed_code not in (None, pending[0].code):
            return None
        if said is False:
            return decline(pending[0])
        code = pending[0].code
        return self.start(Turn(inbound=turn.inbound, conversation=turn.conversation,
                               directory=turn.directory, args=code))


def _answer_to_invitation(text: str) -> bool | None:
    """Yes or no to an invitation in own words; None for a message that reads as
    something else (a complaint that happens to say ``mau``)."""
    if not _short_answer(text):
        return None
    return lexicon.consent(text)


def _short_answer(text: str) -> bool:
    """Short enough to answer an invitation or a request, and not a complaint told."""
    return len(text.split()) <= ANSWER_WORDS_MAX and not reads_like_complaint(text)


def decline(view: KsmView) -> Outcome:
    """The sender declines the invitation to ``view`` (or leaves it); the leader is told."""
    return Outcome(replies=[Reply("ksm.declined", {"ksm": view.name})],
                   effects=[DeclineKsm(ksm_id=view.id)])


def join_flow() -> ArgsQuestionnaire:
    """GABUNG <code>: accept an invitation, or ask to join a KSM (name and gender
    asked; the leader answers)."""
    return JoinFlow(
        name="ksm_join",
        keywords={"GABUNG": "ksm_join", "JOIN": "ksm_join"},
        menu_key="ksm.menu.gabung",
        questions=[
            Question("ksm", "ksm.ask.join_code", _parse_join_code),
            Question("name", "ksm.ask.join_name", lambda t, turn, d: parse_name(t, NAME_MAX),
                     ask_if=_is_new, prompt_params=lambda turn, d: {"ksm": d["ksm"]["name"]}),
            Question("gender", "ksm.ask.gender", lambda t, turn, d: parse_gender(t), ask_if=_is_new),
        ],
        finish=_gabung_finish,
        opening=_gabung_opening,
        split_args=_split_join_args,
        request=is_code,
    )


# TOLAK -------------------------------------------------------------------------------

class DeclineFlow(Flow):
    """TOLAK [code]: decline an invitation (or leave a KSM one is a member of);
    TOLAK <n>: a leader refuses request ``n`` to join."""

    name = "ksm_decline"
    keywords = {"TOLAK": "ksm_decline"}
    collects = False

    def takes(self, args: str) -> bool:
        return is_code(args) or request_number(args) is not None

    def start(self, turn: Turn) -> Outcome:
        if any(ch.isdigit() for ch in turn.args):
            return self._decline(turn, turn.args)
        pending = [m for m in turn.directory.my_ksms() if m.status == INVITED]
        waiting = _waiting_requests(turn)
        if len(waiting) == 1 and not pending:  # "tolak aja bu": the one request they were sent
            return answer_request(turn, waiting[0], accept=False)
        if len(pending) == 1:
            return self._decline(turn, pending[0].ksm.code)
        if not pending and (_waiting_requests(turn) or turn.directory.ksms_led()):
            return request_list(turn)  # a leader's TOLAK is about requests to join
        return Outcome(replies=[Reply("ksm.error.code_missing")], dialog=Dialog(self.name, "code"))

    def resume(self, turn: Turn, dialog: Dialog) -> Outcome:
        return self._decline(turn, turn.inbound.text, dialog)

    def _decline(self, turn: Turn, text: str, dialog: Dialog | None = None) -> Outcome:
        keep = dialog or Dialog(self.name, "code")
        number = request_number(text)
        if number is not None:
            request = _request(turn, number)
            if request is not None:
                return answer_request(turn, request, accept=False)
            if number < 1000:  # too short for a KSM code: it meant a request
                return no_request(turn)
        leading = _LEADING_CODE.match(text)  # "48 213, sa su ikut kelompok lain"
        try:
            code = parse_code(leading[1] if leading is not None else text)
        except Invalid as invalid:
            return Outcome(replies=[invalid.reply], dialog=keep)
        view = turn.directory.ksm_by_code(code)
        status = turn.directory.my_status_in(view.id) if view is not None else None
        if view is None or status not in (INVITED, CONFIRMED) or view.leader_contact_id == turn.directory.contact_id:
            return Outcome(replies=[Reply("ksm.decline.none")])
        return decline(view)


# TOLAK <code> with the reason after it: the code typed first (its digits may be spaced).
_LEADING_CODE = re.compile(r"\W*(\d[\d .\-]{2,10}\d)(?=[\s,.;:!?]+[A-Za-z])")


# TERIMA / TOLAK <n>: the leader answers a request to join ------------------------------

# Words may follow the number (``TERIMA 3 pak``, ``TOLAK 3 bukan warga sini``), but no
# other number (``TERIMA 1 dan 2`` gets the list).
_REQUEST_NO = re.compile(r"^\W*(?:NO\W*)?(\d{1,4})(?:\W+\D*)?$", re.IGNORECASE)


def request_number(text: str) -> int | None:
    """The request number in ``TERIMA 3`` / ``TOLAK no. 3`` / ``terima 3 pak`` (one to
    four digits)."""
    found = _REQUEST_NO.match(text or "")
    return int(found[1]) if found else None


def _request(turn: Turn, number: int) -> JoinRequest | None:
    return next((r for r in turn.directory.join_requests() if r.number == number), None)


def _waiting_requests(turn: Turn) -> list[JoinRequest]:
    return [r for r in turn.directory.join_requests() if r.status == REQUESTED]


def no_request(turn: Turn) -> Outcome:
    """No request has that number: a leader is told so; anyone else, that TERIMA/TOLAK
    <n> is a leader's answer (they have no KSM to speak of)."""
    if turn.directory.ksms_led():
        return Outcome(replies=[Reply("ksm.request.none")])
    return Outcome(replies=[Reply("ksm.request.not_leader")])


def request_list(turn: Turn) -> Outcome:
    """The requests waiting for the leader, newest first, or that there are none."""
    waiting = _waiting_requests(turn)
    if not waiting:
        return Outcome(replies=[Reply("ksm.request.empty")])
    items = "\n".join(f"{r.number} {r.name[:20]}({r.gender or '?'}) {r.ksm[:20]}"
                      for r in waiting[:4])
    return Outcome(replies=[Reply("ksm.request.list", {"items": items, "n": waiting[0].number})])


def answer_request(turn: Turn, request: JoinRequest, accept: bool) -> Outcome:
    """The leader's answer to ``request``; answering the same way twice changes nothing."""
    params = {"member": request.name, "ksm": request.ksm, "n": request.number}
    if request.status == CONFIRMED:
        return Outcome(replies=[Reply("ksm.request.already_member", params)])
    if request.status not in (REQUESTED, REFUSED):  # left since, or declined
        return Outcome(replies=[Reply("ksm.request.none")])
    if request.ksm_closed:
        return Outcome(replies=[Reply("ksm.closed", {"ksm": request.ksm})])
    if not accept and request.status == REFUSED:
        return Outcome(replies=[Reply("ksm.request.already_refused", params)])
    effect = AnswerJoinRequest(ksm_id=request.ksm_id, number=request.number, accept=accept)
    key = "ksm.request.accepted" if accept else "ksm.request.refused"
    return Outcome(replies=[Reply(key, params)], effects=[effect])


class AcceptFlow(Flow):
    """TERIMA <n>: the leader takes the resident who asked to join as a member.

    ``TERIMA`` followed by anything but a number is not addressed to this flow
    (``Terima kasih``), and the engine reads it as if no keyword were there.
    """

    name = "ksm_accept"
    keywords = {"TERIMA": "ksm_accept", "TRM": "ksm_accept"}  # TRM: keypad shorthand
    collects = False

    def addressed(self, args: str) -> bool:
        # Any digit: meant for us (a mistyped number gets the list of requests).
        return not args.strip() or any(ch.isdigit() for ch in args)

    def takes(self, args: str) -> bool:
        return request_number(args) is not None

    def start(self, turn: Turn) -> Outcome:
        number = request_number(turn.args)
        if number is None:
            waiting = _waiting_requests(turn)
            if len(waiting) == 1:  # the leader answers the one request they were sent
                return answer_request(turn, waiting[0], accept=True)
            return request_list(turn)
        request = _request(turn, number)
        if request is None:
            return no_request(turn)
        return answer_request(turn, request, accept=True)

    def resume(self, turn: Turn, dialog: Dialog) -> Outcome:  # it keeps no dialog
        return request_list(turn)

    def answers_notice(self, turn: Turn) -> Outcome | None:
        """A leader's yes or no in own words (``ok terima aja``, ``jgn pak, sudah
        penuh``) to the one request to join that waits for them."""
        text = turn.inbound.text
        if turn.directory is None or not _short_answer(text):
            return None
        said = lexicon.consent(text)
        if said is None or (said and (lexicon.means(text, lexicon.YES)
                                      or lexicon.means(text, lexicon.THANKS))):
            return None  # a bare "ok" or "siap" is too little to take someone in
        waiting = _waiting_requests(turn)
        if len(waiting) != 1:
            return None
        return answer_request(turn, waiting[0], accept=said)
