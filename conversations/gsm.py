"""GSM-7 character set and SMS segment arithmetic.

One character outside GSM-7 turns a whole SMS into UCS-2 (70 characters a segment
instead of 160), so every resident-facing text is checked against this table.
"""
from __future__ import annotations

import math

_BASIC = (
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞ\x1bÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
_EXTENDED = "^{}\\[~]|€\f"
GSM7_BASIC = frozenset(_BASIC)
GSM7_EXTENDED = frozenset(_EXTENDED)


def is_gsm7(text: str) -> bool:
    """True when every character of ``text`` can be sent in the GSM-7 alphabet."""
    return all(ch in GSM7_BASIC or ch in GSM7_EXTENDED for ch in text)


def non_gsm7_chars(text: str) -> set[str]:
    """The characters of ``text`` that would force UCS-2 encoding."""
    return {ch for ch in text if ch not in GSM7_BASIC and ch not in GSM7_EXTENDED}


def segments(text: str) -> int:
    """How many SMS segments ``text`` costs (GSM-7 160/153, UCS-2 70/67)."""
    if is_gsm7(text):
        units = sum(2 if ch in GSM7_EXTENDED else 1 for ch in text)
        single, multi = 160, 153
    else:
        # UTF-16 code units: characters outside the BMP (emoji) take two.
        units = len(text.encode("utf-16-le")) // 2
        single, multi = 70, 67
    if units <= single:
        return 1
    return math.ceil(units / multi)


PLAIN_PUNCTUATION = _REPLACEMENTS = str.maketrans({
    "\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"', "\u2013": "-",
    "\u2014": "-", "\u2026": "...", "\u00a0": " ",
})


def to_gsm7(text: str) -> str:
    """Best-effort GSM-7 version of ``text``: curly quotes and dashes made plain,
    anything else outside the alphabet replaced by '?'. Used on officer-written text
    before it goes out by SMS."""
    text = text.translate(_REPLACEMENTS)
    return "".join(ch if ch in GSM7_BASIC or ch in GSM7_EXTENDED else "?" for ch in text)
