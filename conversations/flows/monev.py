"""MONEV: the leader of a verified KSM answers the monthly (3-monthly, 6-monthly)
monitoring check-in: meetings held, members active, activity progress, problems.

The sweep reminds leaders when a period is due (``workers/monev_sweep.py``); the
reminder asks them to reply MONEV, which starts this dialog. A period may be reported
up to a week before it is due; one that is reported is not reminded.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

import conversations.flows.monev_texts  # noqa: F401
from conversations import lexicon
from conversations.flow import Invalid, Question, invalid_choice
from conversations.flows.ksm_common import ArgsQuestionnaire, options_text, prose
from conversations.keywords import normalise
from conversations.model import Effect, Outcome, Reply, Turn

MAX_MEETINGS = 31  # in a month; more is a typo
PROBLEMS_MAX = 200
PROGRESS = ("belum", "berjalan", "selesai")
KIND_LABELS = {"id": {"monthly": "bulanan", "quarterly": "3 bulanan", "semiannual": "6 bulanan"},
               "en": {"monthly": "monthly", "quarterly": "3-monthly", "semiannual": "6-monthly"}}
NO_PROBLEM = {"TIDAK ADA", "TIDAK", "TDK ADA", "NIHIL", "AMAN", "BAIK", "GAK ADA", "NONE", "NO"}


@dataclass(frozen=True)
class MonevDue:
    """A period the leader may report now."""

    period_id: int
    ksm_id: int
    ksm_name: str
    kind: str  # monthly / quarterly / semiannual
    members: int  # confirmed members, for checking "members active"


@dataclass(frozen=True)
class SubmitMonevReport(Effect):
    """Store the report for the period (once)."""

    period_id: int
    meetings_held: int
    members_active: int
    progress: str
    problems: str | None


def kind_label(kind: str, language: str) -> str:
    return KIND_LABELS["en" if language == "en" else "id"].get(kind, kind)


def _now(turn: Turn) -> datetime:
    return turn.inbound.received_at or datetime.now(timezone.utc)


def _due(turn: Turn) -> list[MonevDue]:
    return turn.directory.monev_due(_now(turn))


def _data(due: MonevDue) -> dict[str, Any]:
    return {"period_id": due.period_id, "name": due.ksm_name, "kind": due.kind,
            "members": due.members}


def _opening(turn: Turn) -> dict[str, Any] | Outcome:
    due = _due(turn)
    if not due:
        return Outcome(replies=[Reply("monev.none")])
    return {"period": _data(due[0])} if len(due) == 1 else {}


def _parse_period(text: str, turn: Turn, data: dict[str, Any]) -> dict[str, Any]:
    due = _due(turn)
    norm = normalise(text)
    if norm.isdigit() and 1 <= int(norm) <= len(due):
        return _data(due[int(norm) - 1])
    raise invalid_choice(max(len(due), 1))


def _number(text: str, maximum: int, key: str) -> int:
    """A count as leaders write it (``3x``, ``tiga kali pak``, ``blm pernah rapat``,
    ``semua aktif`` for the members): :func:`lexicon.count`."""
    if not normalise(text):
        raise Invalid("error.empty")
    found = lexicon.count(text, every=maximum)
    if found is None or found > maximum:
        raise Invalid(key, max=maximum)
    return found


def _parse_progress(text: str, turn: Turn, data: dict[str, Any]) -> str:
    if not normalise(text):
        raise Invalid("error.empty")
    choice = lexicon.number(text)  # "2", "3 rampung", "1 bu, belum jalan": the number
    if choice is not None and 1 <= choice <= len(PROGRESS):
        return PROGRESS[choice - 1]
    stage = lexicon.progress(text)  # "lg jalan mas", "Sampun rampung", "blm mulai"
    if stage is not None:
        return PROGRESS[stage]
    raise invalid_choice(len(PROGRESS))


def _parse_problems(text: str, turn: Turn, data: dict[str, Any]) -> str | None:
    if normalise(text) in NO_PROBLEM or lexicon.no_problem(text):
        return None
    return prose(text, PROBLEMS_MAX)


def _finish(turn: Turn, data: dict[str, Any]) -> Outcome:
    effect = SubmitMonevReport(
        period_id=data["period"]["period_id"], meetings_held=data["meetings"],
        members_active=data["active"], progress=data["progress"], problems=data["problems"])
    return Outcome(replies=[Reply("monev.thanks", {"ksm": data["period"]["name"]})],
                   effects=[effect])


class MonevFlow(ArgsQuestionnaire):
    """MONEV, and a leader's yes to the reminder without it."""

    def answers_notice(self, turn: Turn) -> Outcome | None:
        """``siap pak``, ``iya nanti sy isi``: a leader whose KSM's report is due (the
        reminder asked to reply MONEV) starts it; thanks alone does not."""
        text = turn.inbound.text
        if (turn.directory is None or lexicon.means(text, lexicon.THANKS)
                or lexicon.answer_yes_or_no(text) is not True):
            return None
        if not turn.directory.ksms_led() or not _due(turn):
            return None
        return self.start(turn)


def monev_flow() -> ArgsQuestionnaire:
    """The MONEV flow."""
    return MonevFlow(
        name="monev",
        keywords={"MONEV": "monev", "LAPORAN MONEV": "monev", "LAPORAN KSM": "monev"},
        menu_key="monev.menu",
        questions=[
            Question("period", "monev.ask.which", _parse_period, prompt_params=lambda turn, d: {
                "options": options_text([f"{x.ksm_name} ({kind_label(x.kind, turn.language)})"
                                         for x in _due(turn)])}),
            Question("meetings", "monev.ask.meetings",
                     lambda t, turn, d: _number(t, MAX_MEETINGS, "monev.error.meetings"),
                     prompt_params=lambda turn, d: {"ksm": d["period"]["name"],
                                                    "kind": kind_label(d["period"]["kind"],
                                                                       turn.language)}),
            Question("active", "monev.ask.active",
                     lambda t, turn, d: _number(t, d["period"]["members"], "monev.error.active"),
                     prompt_params=lambda turn, d: {"n": d["period"]["members"]}),
            Question("progress", "monev.ask.progress", _parse_progress),
            Question("problems", "monev.ask.problems", _parse_problems),
        ],
        finish=_finish,
        opening=_opening,
    )
