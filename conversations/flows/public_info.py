"""INFO <kelurahan name or code>: this month's public figures of a kelurahan in one SMS.

The figures are the public page's (``bot.areas.public_figures``): counts under 3 as
``<3``, sums of them as ranges, simulated data left out. Bare ``INFO`` stays the help
menu and ``INFO KSM`` the KSM status (longer keywords win).
"""
from __future__ import annotations

from typing import Any

import conversations.flows.public_info_texts  # noqa: F401  (defines the texts)
from conversations.catalogue import render
from conversations.flow import Flow
from conversations.gsm import segments, to_gsm7
from conversations.keywords import normalise
from conversations.model import Outcome, Reply, Turn
from conversations.unprompted import FILLERS

NAME = "public_info"
KEYWORDS = {"INFO": NAME}
MONTHS_SHORT = ("Jan", "Feb", "Mar", "Apr", "Mei", "Jun", "Jul", "Agu", "Sep", "Okt", "Nov", "Des")
MAX_TYPED = 30
MAX_CHOICES = 3
MAX_NAME_WORDS = 5  # "kel Sukamaju kota Bandung"


class PublicInfoFlow(Flow):
    """Answers at once and never keeps a dialog; ``INFO <kelurahan>`` sent inside another
    dialog interrupts it (the engine's rule, :meth:`takes`)."""

    name = NAME
    keywords = KEYWORDS
    menu_key = None
    collects = False
    query = True

    def takes(self, args: str) -> bool:
        """A kelurahan's name or code is a few words (``Sukamaju``, ``Sukamaju Bandung``,
        ``32.73.14.1004``); a longer text after INFO inside a dialog is read as its answer."""
        return 0 < len(normalise(args).split()) <= MAX_NAME_WORDS

    def start(self, turn: Turn) -> Outcome:
        typed = place_typed(turn.args)
        if not normalise(typed):
            return Outcome(replies=[Reply("public.info.ask")])
        found: dict[str, Any] = turn.directory.public_info(typed)
        language = turn.language
        shown = to_gsm7(typed)[:MAX_TYPED]
        if found["status"] == "found":
            return Outcome(replies=[figures_reply(language, found)])
        if found["status"] == "ambiguous":
            return Outcome(replies=[ambiguous_reply(language, found)])
        if found.get("near"):
            return Outcome(replies=[fit(language, "public.info.near", "name", {
                "name": shown, "near": to_gsm7(", ".join(found["near"]))})])
        return Outcome(replies=[fit(language, "public.info.unknown", "name", {"name": shown})])


# Words residents put before a kelurahan's name (``INFO kel. Sukamaju``).
AREA_WORDS = {"KEL", "KELURAHAN", "DESA", "DS", "KAMPUNG"}
# Words after the name that are not part of it: its RW/RT, "bulan ini", "skrg".
AFTER_PLACE = {"RW", "RT", "SKRG", "SEKARANG"}
_AROUND_WORD = "!?,;:'\"()*.#"


def place_typed(args: str) -> str:
    """The kelurahan name or code in ``args``: without punctuation around its words,
    the word "kelurahan" before it, or polite words after it (``pak``, ``ya bu``)."""
    typed = [w for w in (w.strip(_AROUND_WORD) for w in args.split()) if w]
    while len(typed) > 1 and typed[0].upper() in AREA_WORDS:
        typed = typed[1:]
    upper = [w.upper() for w in typed]
    for cut, word in enumerate(upper[1:], 1):  # "Sukamaju RW 05": the kelurahan is enough
        if word in AFTER_PLACE or upper[cut:cut + 2] == ["BULAN", "INI"]:
            typed = typed[:cut]
            break
    while len(typed) > 1 and typed[-1].upper() in FILLERS:
        typed = typed[:-1]
    return " ".join(typed)


def month_short(month: str) -> str:
    """``2026-12`` -> ``Des 2026``."""
    year, number = month.split("-")
    return f"{MONTHS_SHORT[int(number) - 1]} {year}"


def fit(language: str, key: str, field: str, params: dict[str, Any]) -> Reply:
    """``key`` with ``params``, ``field`` cut until the text is one SMS segment."""
    value = str(params[field])
    while len(value) > 3 and segments(render(key, language, **{**params, field: value})) > 1:
        value = value[:-2].rstrip()
    return Reply(key, {**params, field: value})


def figures_reply(language: str, found: dict[str, Any]) -> Reply:
    params = {
        "name": to_gsm7(found["name"]),
        "month": month_short(found["month"]),
        **{key: found[key] for key in ("received", "resolved", "on_time", "ksm_verified",
                                       "ksm_total", "funded")},
    }
    return fit(language, "public.info.figures", "name", params)


def ambiguous_reply(language: str, found: dict[str, Any]) -> Reply:
    """Up to three of the kelurahan with that name, each with its code and kota; kota
    names are cut shorter until the answer is one SMS."""
    choices = found["choices"][:MAX_CHOICES]
    width = 40
    while True:
        items = "; ".join(f"{x['code']} {to_gsm7(x['kota'])[:width].rstrip()}" for x in choices)
        params = {"count": found["count"], "name": to_gsm7(found["name"])[:MAX_TYPED],
                  "items": items}
        if segments(render("public.info.ambiguous", language, **params)) == 1 or width <= 4:
            return Reply("public.info.ambiguous", params)
        width -= 2
