"""USUL: the leader of a verified KSM submits an activity proposal.

Title, the PJM Pronangkis program it serves (numbered from the kelurahan's list), field,
amount in Rupiah, beneficiaries and how many of them are poor. It lands in the review
queue of the BKM unit of its field.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import conversations.flows.ksm_proposal_texts
import conversations.flows.ksm_texts  # noqa: F401
from conversations.flow import Invalid, Question, invalid_choice
from conversations.flows.ksm_common import (
    FIELDS,
    VERIFIED,
    ArgsQuestionnaire,
    KsmView,
    ksm_options,
    options_text,
    pick_ksm,
    parse_field,
    plain_text,
)
from conversations.keywords import normalise
from conversations.model import Effect, Outcome, Reply, Turn

TITLE_MAX = 80
AMOUNT_MIN, AMOUNT_MAX = 10_000, 10_000_000_000
PEOPLE_MAX = 100_000
_MULTIPLIERS = {"jt": 10**6, "juta": 10**6, "j": 10**6, "rb": 10**3, "ribu": 10**3, "k": 10**3,
                "m": 10**9, "miliar": 10**9, "milyar": 10**9}


@dataclass(frozen=True)
class SubmitProposal(Effect):
    """Store the proposal in its unit's review queue; returns ``number``."""

    ksm_id: int
    title: str
    pjm_program_id: int
    field: str
    amount: int
    beneficiaries: int
    poor_beneficiaries: int


def parse_amount(text: str) -> int:
    """Rupiah as residents write it: 5000000, 5.000.000, Rp 5jt, 5,5 juta, 750rb."""
    value = re.sub(r"\s+", "", (text or "").lower()).removeprefix("rp").strip(".")
    if not value:
        raise Invalid("error.empty")
    found = re.fullmatch(r"([\d.,]+)([a-z]*)", value)
    if not found or (found[2] and found[2] not in _MULTIPLIERS):
        raise Invalid("usul.error.amount")
    digits, unit = found[1], found[2]
    try:
        if unit:
            # With a word the separator is a decimal one: 5,5jt = 5.5 million.
            if digits.count(",") + digits.count(".") > 1:
                raise ValueError
            amount = round(float(digits.replace(",", ".")) * _MULTIPLIERS[unit])
        else:
            # Without one, dots and commas separate thousands: 5.000.000.
            if not re.fullmatch(r"\d{1,3}([.,]\d{3})*|\d+", digits):
                raise ValueError
            amount = int(re.sub(r"[.,]", "", digits))
    except ValueError:
        raise Invalid("usul.error.amount") from None
    if not AMOUNT_MIN <= amount <= AMOUNT_MAX:
        raise Invalid("usul.error.amount")
    return amount


def rupiah(amount: int) -> str:
    """5000000 -> 5.000.000 (Indonesian thousands separator)."""
    return f"{amount:,}".replace(",", ".")


def _count(text: str, maximum: int = PEOPLE_MAX) -> int:
    if not (text or "").strip():
        raise Invalid("error.empty")
    norm = normalise(text)
    if not norm.isdigit() or int(norm) > maximum:
        raise Invalid("usul.error.number")
    return int(norm)


def _eligible_ksms(turn: Turn) -> list[KsmView]:
    """The verified KSMs the sender leads whose kelurahan has PJM programs listed."""
    return [k for k in turn.directory.ksms_led()
            if k.status == VERIFIED and turn.directory.pjm_programs(k.kelurahan_id)]


def _data(view: KsmView) -> dict[str, Any]:
    return {"id": view.id, "name": view.name, "code": view.code, "kelurahan_id": view.kelurahan_id}


def _opening(turn: Turn) -> dict[str, Any] | Outcome:
    if not any(k.status == VERIFIED for k in turn.directory.ksms_led()):
        return Outcome(replies=[Reply("usul.not_leader")])
    eligible = _eligible_ksms(turn)
    if not eligible:
        return Outcome(replies=[Reply("usul.no_programs")])
    return {"ksm": _data(eligible[0])} if len(eligible) == 1 else {}


def _which(turn: Turn, data: dict[str, Any] | None = None) -> dict[str, Any]:
    return {"options": ksm_options(_eligible_ksms(turn))}


def _parse_which(text: str, turn: Turn, data: dict[str, Any]) -> dict[str, Any]:
    verified = _eligible_ksms(turn)
    view = pick_ksm(text, verified)
    if view is None:
        raise invalid_choice(len(verified))
    return _data(view)


def _programs(turn: Turn, data: dict[str, Any]) -> list[tuple[int, str]]:
    return turn.directory.pjm_programs(data["ksm"]["kelurahan_id"])


def _parse_program(text: str, turn: Turn, data: dict[str, Any]) -> dict[str, Any]:
    programs = _programs(turn, data)
    if not (text or "").strip():
        raise Invalid("error.empty")
    norm = normalise(text)
    if not norm.isdigit() or not 1 <= int(norm) <= len(programs):
        raise invalid_choice(len(programs))
    program_id, name = programs[int(norm) - 1]
    return {"id": program_id, "name": name}


def _parse_poor(text: str, turn: Turn, data: dict[str, Any]) -> int:
    poor = _count(text)
    if poor > data["beneficiaries"]:
        raise Invalid("usul.error.poor_more", n=data["beneficiaries"])
    return poor


def _finish(turn: Turn, data: dict[str, Any]) -> Outcome:
    unit = FIELDS[data["field"]]
    effect = SubmitProposal(
        ksm_id=data["ksm"]["id"], title=data["title"], pjm_program_id=data["program"]["id"],
        field=data["field"], amount=data["amount"], beneficiaries=data["beneficiaries"],
        poor_beneficiaries=data["poor"],
    )
    replies = [Reply("usul.submitted", {"title": data["title"], "amount": rupiah(data["amount"]),
                                        "unit": unit})]
    poor, total = data["poor"], data["beneficiaries"]
    if (unit == "UPS" and poor < total) or (unit == "UPL" and poor * 2 <= total):
        replies.append(Reply(f"usul.rule.{unit}"))
    return Outcome(replies=replies, effects=[effect])


def proposal_flow() -> ArgsQuestionnaire:
    """The USUL flow."""
    return ArgsQuestionnaire(
        name="ksm_proposal",
        keywords={"USUL": "ksm_proposal", "USULAN": "ksm_proposal"},
        menu_key="ksm.menu.usul",
        questions=[
            Question("ksm", "ksm.ask.which", _parse_which, prompt_params=_which),
            Question("title", "usul.ask.title", lambda t, turn, d: plain_text(t, TITLE_MAX),
                     prompt_params=lambda turn, d: {"ksm": d["ksm"]["name"], "max": TITLE_MAX}),
            Question("program", "usul.ask.program", _parse_program,
                     prompt_params=lambda turn, d: {"options": options_text(
                         [name[:40] for _id, name in _programs(turn, d)])}),
            Question("field", "ksm.ask.field", lambda t, turn, d: parse_field(t)),
            Question("amount", "usul.ask.amount", lambda t, turn, d: parse_amount(t)),
            Question("beneficiaries", "usul.ask.beneficiaries", lambda t, turn, d: _count(t)),
            Question("poor", "usul.ask.poor", _parse_poor,
                     prompt_params=lambda turn, d: {"n": d["beneficiaries"]}),
        ],
        finish=_finish,
        opening=_opening,
    )
