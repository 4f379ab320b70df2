"""DAFTAR: a resident registers a KSM and becomes its leader (ketua).

One short SMS at a time: kelurahan, KSM name, the leader's name and gender, field,
women's KSM or not, goal, and agreement to the four values. Members come after, with
ANGGOTA or GABUNG (``conversations.flows.ksm_members``).
"""
from __future__ import annotations

import re

from dataclasses import dataclass
from typing import Any

import conversations.flows.ksm_texts  # noqa: F401  (defines the texts)
from conversations.flow import Invalid, Question, invalid_choice
from conversations.flows.ksm_common import (
    FORMING,
    MAX_FORMING_PER_LEADER,
    MIN_MEMBERS,
    ArgsQuestionnaire,
    options_text,
    parse_field,
    parse_gender,
    parse_goal,
    parse_name,
    parse_yes_no,
    pick_by_name,
    plain_text,
)
from conversations.keywords import normalise
from conversations.model import Effect, Outcome, Reply, Turn

NAME_MAX = 40
GOAL_MAX = 160
LIST_MAX = 6  # more kelurahan than this: the resident types the name


@dataclass(frozen=True)
class RegisterKsm(Effect):
    """Create the KSM with the sender as its confirmed leader; returns ``code``."""

    kelurahan_id: int
    name: str
    field: str
    women: bool
    goal: str
    leader_name: str
    leader_gender: str


def _opening(turn: Turn) -> dict[str, Any] | Outcome:
    forming = [k for k in turn.directory.ksms_led() if k.status == FORMING]
    if len(forming) >= MAX_FORMING_PER_LEADER:
        return Outcome(replies=[Reply("ksm.too_many_forming", {"max": MAX_FORMING_PER_LEADER})])
    return {}


def _kelurahan_options(turn: Turn) -> list[tuple[int, str]]:
    return list(turn.directory.kelurahan_names()) if turn.directory is not None else []


def _kelurahan_prompt(turn: Turn, data: dict[str, Any]) -> dict[str, Any]:
    options = _kelurahan_options(turn)
    if 0 < len(options) <= LIST_MAX:
        return {"options": options_text([name for _id, name in options])}
    return {"options": ""}


# The kelurahan's Kemendagri code, as on official letters: 32.73.14.1004 or 3273141004.
_CODE = re.compile(r"(?<![0-9.])(\d{2})\.?(\d{2})\.?(\d{2})\.?(\d{4})(?![0-9])")


def _parse_kelurahan(text: str, turn: Turn, data: dict[str, Any]) -> dict[str, Any]:
    plain_text(text, 80)
    coded = _CODE.search(text)
    if coded and turn.directory is not None:
        found_by_code = turn.directory.kelurahan_by_code(".".join(coded.groups()))
        if found_by_code is not None:
            return {"id": found_by_code[0], "name": found_by_code[1]}
    options = _kelurahan_options(turn)
    norm = normalise(text)
    if norm.isdigit():
        index = int(norm) - 1
        if len(options) <= LIST_MAX and 0 <= index < len(options):
            kel_id, name = options[index]
            return {"id": kel_id, "name": name}
        if len(options) <= LIST_MAX:
            raise invalid_choice(max(len(options), 1))
        raise Invalid("ksm.error.kelurahan")
    found = pick_by_name(text, [name for _id, name in options])
    if found is None:
        raise Invalid("ksm.error.kelurahan")
    kel_id, name = options[found]
    return {"id": kel_id, "name": name}


def _parse_values(text: str, turn: Turn, data: dict[str, Any]) -> bool:
    if not parse_yes_no(text):
        raise Invalid("ksm.error.values")
    return True


def _finish(turn: Turn, data: dict[str, Any]) -> Outcome:
    effect = RegisterKsm(
        kelurahan_id=data["kelurahan"]["id"],
        name=data["name"],
        field=data["field"],
        women=data["women"],
        goal=data["goal"],
        leader_name=data["leader_name"],
        leader_gender=data["leader_gender"],
    )
    # The leader is the first confirmed member.
    reply = Reply("ksm.registered", {"name": data["name"], "missing": MIN_MEMBERS - 1})
    return Outcome(replies=[reply], effects=[effect])


def registration_flow() -> ArgsQuestionnaire:
    """The DAFTAR flow."""
    return ArgsQuestionnaire(
        name="ksm_registration",
        keywords={"DAFTAR": "ksm_registration", "DAFTAR KSM": "ksm_registration",
                  "REGISTER": "ksm_registration"},
        menu_key="ksm.menu.daftar",
        questions=[
            Question("kelurahan", "ksm.ask.kelurahan_list", _parse_kelurahan,
                     prompt_params=_kelurahan_prompt),
            Question("name", "ksm.ask.name", lambda t, turn, d: parse_name(t, NAME_MAX),
                     prompt_params=lambda turn, d: {"max": NAME_MAX}),
            Question("leader_name", "ksm.ask.leader_name",
                     lambda t, turn, d: parse_name(t, NAME_MAX)),
            Question("leader_gender", "ksm.ask.gender", lambda t, turn, d: parse_gender(t)),
            Question("field", "ksm.ask.field", lambda t, turn, d: parse_field(t)),
            Question("women", "ksm.ask.women", lambda t, turn, d: parse_yes_no(t)),
            Question("goal", "ksm.ask.goal", lambda t, turn, d: parse_goal(t, GOAL_MAX),
                     prompt_params=lambda turn, d: {"max": GOAL_MAX}),
            Question("values", "ksm.ask.values", _parse_values),
        ],
        finish=_finish,
        opening=_opening,
    )


