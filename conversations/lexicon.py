"""Residents' words, by what they mean: one home for yes, no, male, female, opting out
and in, numbers in words, polite words, and the keycap digits WhatsApp keyboards send.

The words are data (``conversations/lexicon/<language>.json``): a word added there is
understood at every step that asks for its meaning, with no change of code. Matching
forgives what keypads do: case, punctuation, letters held down (``iyaaa``, ``okee``)
and polite words around the answer (``iya bu``, ``siap pak``, ``bkn dong``).

Pure: no database, no Flask; read once when first used.
"""
from __future__ import annotations

import json
import re
from functools import lru_cache
from pathlib import Path
from typing import Any

from conversations.keywords import normalise

YES, NO, MALE, FEMALE, OPT_OUT, OPT_IN = "yes", "no", "male", "female", "opt_out", "opt_in"
THANKS, ANONYMOUS_ON, ANONYMOUS_OFF = "thanks", "anonymous_on", "anonymous_off"
ATTEND, DECLINE = "attend", "decline"
_HERE = Path(__file__).resolve().parent / "lexicon"
# WhatsApp's keycap digits: the digit, VARIATION SELECTOR-16, COMBINING ENCLOSING KEYCAP.
_KEYCAP = re.compile("([0-9#*])\ufe0f?\u20e3")
_HELD = re.compile(r"([A-Z])\1+")


@lru_cache(maxsize=None)
def _load(language: str = "id") -> dict[str, Any]:
    data = json.loads((_HERE / f"{language}.json").read_text(encoding="utf-8"))
    words = {key: frozenset(_fold(w) for w in value) | frozenset(value)
             for key, value in data.items() if isinstance(value, list)}
    numbers = {_fold(w): n for w, n in data["numbers"].items()} | dict(data["numbers"])
    return {"words": words, "numbers": numbers}


def _fold(phrase: str) -> str:
    """Letters held down count once: IYAAA -> IYA, OKEE -> OKE (the lists are folded
    the same way, so a word that really has a double letter still matches)."""
    return _HELD.sub(r"\1", phrase)


def keycaps_to_digits(text: str) -> str:
    """``1️⃣`` (a WhatsApp keycap) -> ``1``: an answer, not an emoji."""
    return _KEYCAP.sub(r"\1", text)


def words_of(kind: str, language: str = "id") -> frozenset[str]:
    """Every phrase of ``kind`` (``yes``, ``no``, ``polite``...), normalised."""
    return _load(language)["words"][kind]


def _bare(text: str, keep: frozenset[str] = frozenset(), language: str = "id") -> list[str]:
    """The words of ``text`` without the polite ones (``pak``, ``dong``, ``insyaallah``),
    except those in ``keep`` (``ya`` is polite, and also yes)."""
    polite = words_of("polite", language)
    words = normalise(keycaps_to_digits(text)).split()
    out: list[str] = []
    i = 0
    while i < len(words):
        pair = " ".join(words[i:i + 2])
        if i + 1 < len(words) and pair in polite and pair not in keep:
            i += 2
            continue
        word = words[i]
        if (word in polite or _fold(word) in polite) and word not in keep and _fold(word) not in keep:
            i += 1
            continue
        out.append(word)
        i += 1
    return out


def means(text: str, kind: str, language: str = "id") -> bool:
    """Whether ``text`` says ``kind`` (``yes``, ``no``, ``opt_out``...), in a resident's
    own words, polite words around it allowed."""
    found = words_of(kind, language)
    bare = _bare(text, found, language)
    for phrase in (normalise(keycaps_to_digits(text)), " ".join(bare)):
        if phrase and (phrase in found or _fold(phrase) in found):
            return True
    # "iya ya", "siap setuju": every word that is left says it.
    return bool(bare) and all(w in found or _fold(w) in found for w in bare)


_CLAUSE = re.compile(r"[,.;!?\n]")


def leading_clause(text: str) -> str:
    """The message up to its first comma or full stop: where residents put the answer
    before explaining it (``Bukan kak, campur laki2 sm perempuan``)."""
    for part in _CLAUSE.split(text or ""):
        if part.strip():
            return part
    return ""


def _whole_or_first_clause(text: str, read: Any) -> Any:
    found = read(text)
    if found is None:
        clause = leading_clause(text)
        if clause.strip() and clause.strip() != (text or "").strip():
            found = read(clause)
    return found


def _yes_or_no(text: str, language: str) -> bool | None:
    yes, no = means(text, YES, language), means(text, NO, language)
    return None if yes == no else yes


def yes_or_no(text: str, language: str = "id") -> bool | None:
    """True for yes, False for no, None when it is neither (or both): the whole message,
    else its first clause (``YA. semua anggota perempuan``)."""
    return _whole_or_first_clause(text, lambda t: _yes_or_no(t, language))


def _gender(text: str, language: str) -> str | None:
    male, female = means(text, MALE, language), means(text, FEMALE, language)
    if male == female:
        return None
    return "L" if male else "P"


def gender(text: str, language: str = "id") -> str | None:
    """``L`` or ``P`` as the resident wrote it (laki2, cowok, perempuan, cewek, ``L, pak
    Slamet ketuanya``), or, failing that, from the title before the leader's name
    (``Ketuane Bu Sulastri pak``: a title with a name after it, not the closing "pak"
    the resident addresses the officer with); None when nothing tells."""
    found = _whole_or_first_clause(text, lambda t: _gender(t, language))
    if found is not None:
        return found
    male, female = words_of("male_titles", language), words_of("female_titles", language)
    polite = words_of("polite", language)
    typed = normalise(text).split()
    seen = set()
    for word, after in zip(typed, typed[1:]):
        if after in polite or after in male or after in female and word in female:
            continue
        if word in male:
            seen.add("L")
        elif word in female:
            seen.add("P")
    return seen.pop() if len(seen) == 1 else None


# Words that may stand around a number without changing it: "dua kali", "no. 3",
# "sy pilih no 1", "yg ke3".
_UNITS = {"KALI", "X", "ORANG", "ORG", "BUAH", "KSM", "NOMOR", "NOMER", "NO", "NMR", "PILIHAN",
          "PILIH", "PILIAH", "YG", "YANG", "KE", "ANGKA"}
_ORDINAL = re.compile(r"KE(\d{1,2})")


def _number(text: str, language: str) -> int | None:
    numbers = _load(language)["numbers"]
    typed = normalise(keycaps_to_digits(text)).split()
    # "NOMOR 1 DAFTAR": a number said to be one, whatever follows it.
    for word, after in zip(typed, typed[1:]):
        if word in {"NOMOR", "NO", "NMR", "NOMER", "PILIH", "PILIAH"}:
            value = after if after.isdigit() else None
            if value is None and (after in numbers or _fold(after) in numbers):
                return numbers.get(after, numbers.get(_fold(after)))
            if value is not None and len(value) <= 2:
                return int(value)
    words = [w for w in _bare(text, language=language) if w not in _UNITS]
    phrase = " ".join(_ORDINAL.sub(r"\1", w) for w in words)
    if phrase.isdigit() and len(phrase) <= 4:
        return int(phrase)
    for candidate in (phrase, _fold(phrase)):
        if candidate in numbers:
            return numbers[candidate]
    return None


def number(text: str, language: str = "id") -> int | None:
    """A choice or a count as residents write it: ``2``, ``2️⃣``, ``dua``, ``dua kali``,
    ``no. 3``, ``yg kedua``, ``yg ke3``, ``1 aja kak, mau daftar``; None when the message
    (or its first clause) is not just a number."""
    return _whole_or_first_clause(text, lambda t: _number(t, language))


def anonymity(text: str, language: str = "id") -> bool | None:
    """True when the message asks to keep the resident's name secret (``rahasiakan nama
    saya``, ``jgn dikasih tau ke bkm kalo sy yg lapor``), False when it asks not to
    (``tdk usah anonim``, ``nama sy boleh dicantumkan``), else None. Anywhere in it."""
    if mentions(text, ANONYMOUS_OFF, language):
        return False
    if mentions(text, ANONYMOUS_ON, language):
        return True
    return None


def acknowledgement(text: str, language: str = "id") -> bool:
    """A message that answers nothing: ok, ya, makasih, a thumbs-up or other emoji."""
    if not normalise(keycaps_to_digits(text)):
        return bool(text.strip())  # emoji or punctuation only
    return yes_or_no(text, language) is True or means(text, THANKS, language)


def mentions(text: str, kind: str, language: str = "id") -> bool:
    """Whether a phrase of ``kind`` appears anywhere in ``text``, word for word
    (``maaf gak bisa datang ada acara`` mentions the decline ``GAK BISA``)."""
    typed = [_fold(w) for w in normalise(keycaps_to_digits(text)).split()]
    for phrase in words_of(kind, language):
        wanted = [_fold(w) for w in phrase.split()]
        n = len(wanted)
        if any(typed[i:i + n] == wanted for i in range(len(typed) - n + 1)):
            return True
    return False


def rsvp(text: str, language: str = "id") -> str | None:
    """``hadir`` or ``tidak`` when the message answers a meeting notice in the resident's
    own words (a decline outweighs an attend: ``gak bisa datang``), else None."""
    if mentions(text, DECLINE, language):
        return "tidak"
    if mentions(text, ATTEND, language) or yes_or_no(text, language) is True:
        return "hadir"
    return None


def asks_to_stop(text: str, language: str = "id") -> bool:
    """Whether the resident asks for no more messages, in their own words: an opt-out
    phrase, or a word of stopping right before a word for the messages (``stop kirim2
    sms ke sy``, ``mohon nomor sy dihapus dr daftar kiriman``)."""
    if means(text, OPT_OUT, language):
        return True
    stops, messages = words_of("stop_words", language), words_of("message_words", language)
    typed = [_fold(w) for w in normalise(text).split()]
    for i, word in enumerate(typed):
        if word in messages and any(w in stops for w in typed[max(0, i - 5):i]):
            return True
    return False


def without_polite(text: str, language: str = "id") -> list[str]:
    """The words of ``text`` without the polite ones (``123456789 ya min`` -> the code)."""
    return _bare(text, language=language)
