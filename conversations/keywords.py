"""Keyword recognition that survives keypads: case, spacing, punctuation and typos.

``DAFTR``, ``daftar!``, `` Aduan.`` and ``LAPOR`` all resolve; short keywords (three
letters or fewer) must match exactly so that ``YA`` never turns into ``YAT``.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

_NON_WORD = re.compile(r"[^0-9A-Z]+")


def normalise(text: str) -> str:
    """Upper-case ``text`` and turn every run of punctuation/space into one space."""
    return _NON_WORD.sub(" ", (text or "").upper()).strip()


def words(text: str) -> list[str]:
    """The normalised words of ``text``."""
    norm = normalise(text)
    return norm.split(" ") if norm else []


def edit_distance(a: str, b: str, limit: int = 2) -> int:
    """Damerau-Levenshtein (optimal string alignment) distance, capped at ``limit + 1``."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    prev2: list[int] = []
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i] + [0] * len(b)
        for j, cb in enumerate(b, 1):
            cost = 0 if ca == cb else 1
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost)
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                cur[j] = min(cur[j], prev2[j - 2] + 1)
        prev2, prev = prev, cur
    return min(prev[-1], limit + 1)


def within_one(a: str, b: str) -> int:
    """``edit_distance(a, b, limit=1)`` without the table: 0, 1, or 2 for "more".

    Keyword matching runs for every message against every keyword, and only ever asks
    whether a word is at most one typo away.
    """
    if a == b:
        return 0
    la, lb = len(a), len(b)
    if la == lb:
        diffs = [i for i in range(la) if a[i] != b[i]]
        if len(diffs) == 1:
            return 1
        if len(diffs) == 2:
            i, j = diffs
            return 1 if j == i + 1 and a[i] == b[j] and a[j] == b[i] else 2
        return 2
    if abs(la - lb) > 1:
        return 2
    short, long_ = (a, b) if la < lb else (b, a)
    i = 0
    while i < len(short) and short[i] == long_[i]:
        i += 1
    # One insertion: the rest must line up after skipping one letter of the longer.
    return 1 if short[i:] == long_[i + 1:] else 2


# "a d u a n": three or more single letters at the start, spaced or dotted.
_SPACED = re.compile(r"^\W*((?:[A-Za-z][ .]+){2,}[A-Za-z])(?![0-9A-Za-z])")
# "cek252782508": a word glued to the digits after it.
_GLUED = re.compile(r"^(\W*[A-Za-z]{2,})(\d)")


def keypad_form(text: str) -> str:
    """``text`` with two keypad habits undone at its start, for keyword matching only:
    letters typed apart (``a d u a n`` -> ``aduan``) and a code glued to its keyword
    (``cek252782508`` -> ``cek 252782508``)."""
    text = text or ""
    spaced = _SPACED.match(text)
    if spaced:
        text = re.sub(r"[ .]+", "", spaced.group(1)) + text[spaced.end():]
    return _GLUED.sub(r"\1 \2", text, count=1)


def tolerance(keyword: str) -> int:
    """How many typos a keyword of this length forgives."""
    return 0 if len(keyword) <= 3 else 1


@dataclass(frozen=True)
class Match:
    """A recognised keyword: ``value`` is what the table maps it to, ``rest`` the
    remaining original text after the keyword words (case and punctuation kept)."""

    value: str
    rest: str
    typos: int = 0


def _strip_words(text: str, count: int) -> str:
    """``text`` without its first ``count`` words, keeping the rest as typed."""
    pattern = r"^\W*" + r"[0-9A-Za-z]+\W+" * count
    stripped = re.sub(pattern, "", text.strip() + " ", count=1)
    return stripped.strip()


@dataclass(frozen=True)
class _Entry:
    order: int  # position in the table: ties go to the earlier keyword
    words: tuple[str, ...]
    value: str


_Index = dict[int, tuple[_Entry, ...]]
_BY_IDENTITY: dict[int, tuple[dict[str, str], _Index]] = {}


def _table_index(table: dict[str, str]) -> _Index:
    """``table``'s keywords by the length of their first word, built once per table.

    A typed first word can only match a keyword whose first word is at most one letter
    longer or shorter, so a message is compared with a few keywords, not all of them.
    Tables are found by identity (the entry keeps its table alive, so the id cannot be
    reused meanwhile): they are constants, and one changed after first use would not
    be seen.
    """
    entry = _BY_IDENTITY.get(id(table))
    if entry is not None and entry[0] is table:
        return entry[1]
    buckets: dict[int, list[_Entry]] = {}
    for order, (keyword, value) in enumerate(table.items()):
        kw_words = tuple(keyword.split(" "))
        buckets.setdefault(len(kw_words[0]), []).append(_Entry(order, kw_words, value))
    index = {length: tuple(entries) for length, entries in buckets.items()}
    if len(_BY_IDENTITY) >= 64:  # a table built per call would pile up: start over
        _BY_IDENTITY.clear()
    _BY_IDENTITY[id(table)] = (table, index)
    return index


def match(text: str, table: dict[str, str]) -> Match | None:
    """Find the keyword ``text`` starts with.

    Args:
        text: what the resident typed.
        table: keyword (one or more normalised words) -> value it stands for.

    Returns:
        The best match, preferring exact and longer keywords, or None.
    """
    text = keypad_form(text)
    typed = words(text)
    if not typed:
        return None
    if len(typed) == 1 and typed[0] in table:
        # The usual message: one word, typed right. Nothing can beat an exact match
        # of all the typed words (longer keywords need more words).
        return Match(value=table[typed[0]], rest=_strip_words(text, 1))
    index = _table_index(table)
    first = len(typed[0])
    best: tuple[int, int, int, _Entry] | None = None  # (distance, -nwords, order, entry)
    for length in (first - 1, first, first + 1):
        for entry in index.get(length, ()):
            n = len(entry.words)
            if len(typed) < n:
                continue
            distance = 0
            for typed_word, kw_word in zip(typed, entry.words):
                d = within_one(typed_word, kw_word) if len(kw_word) > 3 else int(typed_word != kw_word)
                if d > tolerance(kw_word):
                    break
                distance += d
            else:
                candidate = (distance, -n, entry.order, entry)
                if best is None or candidate[:3] < best[:3]:
                    best = candidate
    if best is None:
        return None
    return Match(value=best[3].value, rest=_strip_words(text, len(best[3].words)),
                 typos=best[0])
