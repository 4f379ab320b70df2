"""KSM / INFO KSM / STATUS KSM: a leader or member asks where their KSM stands.

(``STATUS <code>`` and ``CEK`` belong to the complaints flow; the multi-word keywords
here win over a bare ``STATUS`` because longer keywords match first.)
"""
from __future__ import annotations

import conversations.flows.ksm_texts  # noqa: F401  (defines the texts)
from conversations.catalogue import render
from conversations.flow import Flow, Invalid
from conversations.flows.code_misses import missed
from conversations.flows.ksm_common import (
    KsmView,
    is_code,
    MemberView,
    parse_code,
    progress_text,
    status_label,
    women_warning,
)
from conversations import lexicon
from conversations.model import Dialog, Outcome, Reply, Turn
from conversations.unprompted import only_politeness

MEMBERS_BUDGET = 120  # characters of the member list in the status SMS
SHORT_NAME = 12


def _fit(name: str, width: int) -> str:
    """As many whole words of ``name`` as fit in ``width`` (a first word longer than
    that is cut, there being nothing else to show)."""
    words = name.split() or ["?"]
    shown = words[0][:width]
    for word in words[1:]:
        if len(shown) + 1 + len(word) > width:
            break
        shown += " " + word
    return shown


def short_names(names: list[str]) -> list[str]:
    """Names cut to fit a list, whole words only and without the title before them
    (``bu Siti Aminah`` is ``Siti Aminah``), still told apart: where two read the same,
    the first word and the initials of the others (``Siti NR``, ``Siti NP``), then more
    of the name, then a number."""
    names = [_untitled(name) for name in names]

    def initials(name: str) -> str:
        words = name.split() or ["?"]
        if len(words) == 1:
            return _fit(name, SHORT_NAME)
        return f"{words[0][:SHORT_NAME - 3]} {''.join(w[0] for w in words[1:])[:3]}"

    shown = [_fit(name, SHORT_NAME) for name in names]
    for fallback in (initials, lambda name: _fit(name, 2 * SHORT_NAME)):
        shown = [fallback(names[i]) if shown.count(s) > 1 else s for i, s in enumerate(shown)]
    seen: dict[str, int] = {}
    for i, s in enumerate(list(shown)):
        if shown.count(s) > 1:
            seen[s] = seen.get(s, 0) + 1
            shown[i] = f"{s} {seen[s]}"
    return shown


def _untitled(name: str) -> str:
    """The name without the title a leader may type before it (bu, pak, mbak, kang)."""
    words = name.split()
    titles = lexicon.words_of("male_titles") | lexicon.words_of("female_titles")
    while len(words) > 1 and words[0].upper().rstrip(".") in titles:
        words = words[1:]
    return " ".join(words) or name


def members_text(members: list[MemberView], language: str) -> str:
    """``Siti NR(P) ok, Budi(L) diundang, +3 lagi`` within :data:`MEMBERS_BUDGET`."""
    parts: list[str] = []
    used = 0
    names = short_names([member.name for member in members])
    for index, member in enumerate(members):
        label = render(f"ksm.mlabel.{member.status}", language)
        part = f"{names[index]}({member.gender or '?'}) {label}"
        if used + len(part) + 2 > MEMBERS_BUDGET:
            parts.append(render("ksm.more", language, n=len(members) - index))
            break
        parts.append(part)
        used += len(part) + 2
    return ", ".join(parts) or "-"


def detail(turn: Turn, view: KsmView) -> Outcome:
    """The status SMS of one KSM, and a women-share note when it is low."""
    language = turn.language
    members = turn.directory.ksm_members(view.id)
    replies = [Reply("ksm.status.one", {
        "ksm": view.name, "code": view.code, "kelurahan": view.kelurahan,
        "status": status_label(view.status, language),
        "members": members_text(members, language),
        "progress": progress_text(view, language),
    })]
    warning = women_warning(view)
    if warning is not None:
        replies.append(warning)
    return Outcome(replies=replies)


class StatusFlow(Flow):
    """Answers at once; keeps a dialog only when the code given was unusable."""

    name = "ksm_status"
    keywords = {"KSM": "ksm_status", "INFO KSM": "ksm_status", "STATUS KSM": "ksm_status",
                "CEK KSM": "ksm_status"}
    menu_key = "ksm.menu.status"
    collects = False
    query = True

    def takes(self, args: str) -> bool:
        return is_code(args)

    def start(self, turn: Turn) -> Outcome:
        if not only_politeness(turn.args):  # "KSM saya" is one's own, not a code
            return self._by_code(turn, turn.args)
        mine = turn.directory.my_ksms()
        if not mine:
            return Outcome(replies=[Reply("ksm.status.none")])
        if len(mine) == 1:
            return detail(turn, mine[0].ksm)
        items = "\n".join(
            f"{m.ksm.code} {m.ksm.name}: {status_label(m.ksm.status, turn.language)}" for m in mine[:6]
        )
        return Outcome(replies=[Reply("ksm.status.many", {"items": items})])

    def resume(self, turn: Turn, dialog: Dialog) -> Outcome:
        return self._by_code(turn, turn.inbound.text)

    def _by_code(self, turn: Turn, text: str) -> Outcome:
        try:
            code = parse_code(text)
        except Invalid as invalid:
            return Outcome(replies=[invalid.reply], dialog=Dialog(self.name, "code"))
        # Only the sender's own KSMs are looked at: a KSM code that exists and one that
        # does not get the same answer, counted and slowed like CEK, so codes cannot be
        # listed by guessing.
        mine = [m.ksm for m in turn.directory.my_ksms() if m.ksm.code == code]
        if mine:
            return detail(turn, mine[0])
        return missed(turn, Reply("ksm.status.not_found"))
