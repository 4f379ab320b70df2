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
AGREE, REFUSE = "agree", "refuse"
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
    # Phrases by their words, for spelt_out: spellings first, then the program's words.
    spelt = [{tuple(k.split()): tuple(v.split()) for k, v in data[table].items()}
             for table in ("spellings", "program_words")]
    return {"words": words, "numbers": numbers, "spelt": spelt}


@lru_cache(maxsize=8192)
def _fold(phrase: str) -> str:
    """Letters held down count once: IYAAA -> IYA, OKEE -> OKE (the lists are folded
    the same way, so a word that really has a double letter still matches). Cached:
    every message is read against many lists, word by word."""
    return _HELD.sub(r"\1", phrase)


@lru_cache(maxsize=256)
def _folded_words(text: str) -> tuple[str, ...]:
    """The message's words, normalised and folded, once per message (each step and
    each notice reads the same text against several lists)."""
    return tuple(_fold(w) for w in normalise(keycaps_to_digits(text)).split())


def _index(phrases: frozenset[str]) -> dict[str, tuple[tuple[str, ...], ...]]:
    """Folded ``phrases`` by their first word, longest first under each."""
    index: dict[str, set[tuple[str, ...]]] = {}
    for phrase in phrases:
        words = tuple(_fold(w) for w in phrase.split())
        if words:
            index.setdefault(words[0], set()).add(words)
    return {first: tuple(sorted(found, key=len, reverse=True)) for first, found in index.items()}


@lru_cache(maxsize=None)
def _phrase_index(kind: str, language: str) -> dict[str, tuple[tuple[str, ...], ...]]:
    """The phrases of ``kind`` by their first folded word, for :func:`mentions`."""
    return _index(words_of(kind, language))


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


def answer_yes_or_no(text: str, language: str = "id") -> bool | None:
    """The answer to a question that asked for YA or TIDAK: :func:`yes_or_no`, else the
    first word when no word of the other answer follows (``iyaa perempuan smua``, ``y
    pk bsk sy ke balai``; not ``ya tapi tidak semua``). Only where a yes or no was
    asked for: elsewhere ``ya, di RW 05`` is an answer of its own."""
    found = yes_or_no(text, language)
    if found is not None:
        return found
    yes, no = words_of(YES, language), words_of(NO, language)
    bare = _bare(text, yes | no, language)
    if not bare or bare[0].isdigit():
        return None
    first = _fold(bare[0])
    rest = {_fold(w) for w in bare[1:]}
    if first in yes and not rest & no:
        return True
    if first in no and not rest & yes:
        return False
    return None


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
    typed = _folded_words(text)
    index = _phrase_index(kind, language)
    return any(typed[i:i + len(phrase)] == phrase
               for i, word in enumerate(typed) for phrase in index.get(word, ()))


def rsvp(text: str, language: str = "id") -> str | None:
    """``hadir`` or ``tidak`` when the message answers a meeting notice in the resident's
    own words (a decline outweighs an attend: ``gak bisa datang``), else None."""
    if mentions(text, DECLINE, language):
        return "tidak"
    if mentions(text, ATTEND, language) or answer_yes_or_no(text, language) is True:
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




def _first_meaningful(text: str, language: str) -> str | None:
    bare = _bare(text, language=language)
    return bare[0] if bare else None


def consent(text: str, language: str = "id") -> bool | None:
    """A yes or no to joining a KSM, or to someone's request to join, in own words
    (``mau bu, sy ikut gabung``, ``Tolak aja bu, bukan warga sini``, ``kagak dah bang``):
    False when it refuses (a refusal outweighs: ``jgn diterima dulu``), True when it
    agrees, None when it says neither."""
    rest = _without_thanks(text, language)  # "terima kasih" is thanks, not "terima"
    if rest != normalise(keycaps_to_digits(text)) and not _bare(rest, language=language):
        return None  # thanks and polite words ("makasih ya bu"), nothing else
    text = rest
    first = _first_meaningful(text, language)
    if mentions(text, REFUSE, language) or (first is not None and _fold(first) in words_of(NO, language)):
        return False
    if mentions(text, AGREE, language) or yes_or_no(text, language) is True:
        return True
    return None


@lru_cache(maxsize=None)
def _thanks_index(language: str) -> dict[str, tuple[tuple[str, ...], ...]]:
    """The phrases of thanks that are not also a yes (``terima kasih``, not ``ok``), by
    their first folded word, longest first."""
    return _index(words_of(THANKS, language) - words_of(AGREE, language) - words_of(YES, language))


def _without_thanks(text: str, language: str) -> str:
    """``text`` (normalised) without its phrases of thanks that are not also a yes."""
    typed = normalise(keycaps_to_digits(text)).split()
    folded = _folded_words(text)
    index = _thanks_index(language)
    kept: list[str] = []
    i = 0
    while i < len(typed):
        n = next((len(p) for p in index.get(folded[i], ()) if folded[i:i + len(p)] == p), 0)
        if n:
            i += n
        else:
            kept.append(typed[i])
            i += 1
    return " ".join(kept)


def asks_for_messages_again(text: str, language: str = "id") -> bool:
    """An opt-in in own words: a word for the messages with ``lagi``/``kembali`` beside
    it and no word of stopping or refusing just before (``mau dapet sms lagi``,
    ``tlg sambungin lg pesan2nya``; not ``jangan sms saya lagi``)."""
    again, messages = words_of("again_words", language), words_of("message_words", language)
    against = words_of("stop_words", language) | words_of(NO, language)
    typed = [_fold(w) for w in normalise(text).split()]
    for i, word in enumerate(typed):
        if word not in messages:
            continue
        near = typed[max(0, i - 3):i] + typed[i + 1:i + 4]
        if any(w in again for w in near) and not any(w in against for w in typed[max(0, i - 3):i]):
            return True
    return False


_DIGITS_X = re.compile(r"(?<![0-9])(\d{1,3})[xX](?![a-zA-Z0-9])")
_PERCENT = re.compile(r"\d+\s*%")


def count(text: str, every: int | None = None, language: str = "id") -> int | None:
    """How many, as a leader writes it (``3x``, ``tiga kali pak``, ``blm pernah rapat``
    = 0, ``semuanya aktif`` = ``every``, ``tinggal sy sendiri`` = 1): the first clause
    first, then the whole message; None when it names no one count."""
    for part in (leading_clause(text), text):
        found = _count(part, every, language)
        if found is not None:
            return found
    return None


def _count(text: str, every: int | None, language: str) -> int | None:
    text = _DIGITS_X.sub(r"\1", _PERCENT.sub(" ", keycaps_to_digits(text or "")))
    if mentions(text, "none", language):
        return 0
    numbers = _load(language)["numbers"]
    typed = [_fold(w) for w in normalise(text).split()]
    seen = {int(w) for w in typed if w.isdigit() and len(w) <= 3}
    seen |= {numbers[w] for w in typed if w in numbers}
    for i in range(len(typed) - 1):  # two-word numbers: DUA BELAS
        pair = f"{typed[i]} {typed[i + 1]}"
        if pair in numbers:
            seen = (seen - {numbers.get(typed[i]), numbers.get(typed[i + 1])}) | {numbers[pair]}
    if len(seen) == 1:
        return seen.pop()
    if not seen and every is not None and mentions(text, "all", language):
        return every
    if not seen and mentions(text, "single", language):
        return 1
    return None


PROGRESS_STAGES = ("progress_not_started", "progress_under_way", "progress_finished")


def progress(text: str, language: str = "id") -> int | None:
    """The stage a KSM's activity is at (0 not started, 1 under way, 2 finished), in own
    words: the earliest phrase of a stage in the message, the longest where two begin
    together (``blm rampung`` is under way, ``blm mulai`` not started)."""
    typed = [_fold(w) for w in normalise(keycaps_to_digits(text)).split()]
    best: tuple[int, int, int] | None = None  # (start, -length, stage)
    for stage, kind in enumerate(PROGRESS_STAGES):
        for phrase in words_of(kind, language):
            wanted = [_fold(w) for w in phrase.split()]
            n = len(wanted)
            for i in range(len(typed) - n + 1):
                if typed[i:i + n] == wanted:
                    candidate = (i, -n, stage)
                    best = candidate if best is None or candidate < best else best
                    break
    return best[2] if best is not None else None


def no_problem(text: str, language: str = "id") -> bool:
    """``Alhamdulillah lancar``, ``aman pak, ga ada masalah``, ``Mboten wonten``: the
    first clause says there is no problem."""
    return mentions(leading_clause(text) or text, "no_problem", language)


def asks_after_complaint(text: str, language: str = "id") -> bool:
    """A question about one's own complaint (``aduan sy sampai mana?``, ``kumaha aduan
    abdi``, ``laporan saya kok blm ada kabar``): a word of asking after it, and the
    complaint's code or a word for the complaint said to be one's own (``aduan sy``,
    ``lapornya``); a complaint about a report (``laporan keuangan gimana``) is not one."""
    if not mentions(text, "asks_after", language):
        return False
    if complaint_code_in(text) is not None:
        return True
    typed = [_fold(w) for w in normalise(text).split()]
    about, own = words_of("complaint_words", language), words_of("own_words", language)
    return any(word in about and (word.endswith("NYA") or (after in own))
               for word, after in zip(typed, [*typed[1:], ""]))


_COMPLAINT_CODE = re.compile(r"(?<![\d])(\d(?:[ .\-]?\d){8})(?![\d])")


def complaint_code_in(text: str) -> str | None:
    """The nine digits of a complaint code anywhere in ``text``, typed whole or in groups
    (``904 294 976``, ``904-294-976``, ``9042 94976``); None when there is none."""
    found = _COMPLAINT_CODE.search(text or "")
    return re.sub(r"\D", "", found[1]) if found else None


def spelt_out(text: str, language: str = "id") -> list[str]:
    """The words of ``text`` as the program writes them: abbreviations, keypad and
    dialect spellings spelt out (``pinjmn bglr`` -> PINJAMAN BERGULIR, ``lap keu``), then
    other names of one thing by the program's word (``kran`` -> HIDRAN, ``digaji`` ->
    DIBAYAR). Upper case, as :func:`conversations.keywords.normalise` splits them; the
    longest phrase wins where two start at one word."""
    words = normalise(keycaps_to_digits(text)).split()
    for table in _load(language)["spelt"]:
        out: list[str] = []
        i = 0
        while i < len(words):
            for n in (3, 2, 1):
                found = table.get(tuple(words[i:i + n])) if i + n <= len(words) else None
                if found is not None:
                    out.extend(found)
                    i += n
                    break
            else:
                out.append(words[i])
                i += 1
        words = out
    return words
