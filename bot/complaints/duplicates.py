"""Possible duplicates of a complaint: open complaints of the same kelurahan and kind
whose text says much the same, shown to the officer on both complaints' pages.

SMS complaints carry no map pin, so the text is all there is. It is normalised the way
residents write (lowercase, no punctuation, common SMS abbreviations spelt out, RT/RW
numbers without leading zeros, function words dropped) and scored with rapidfuzz's
``token_set_ratio``: word order and extra words do not matter, which is how two people
tell the same incident. It is computed when a page is viewed, over a bounded set (same
kelurahan, open, filed within ``WINDOW_DAYS`` of each other, at most ``MAX_CANDIDATES``),
and always inside the officer's scope: nothing the officer may not see is suggested.
The threshold is measured on tests/data/duplicate_pairs.csv (bench/duplicates.py).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import timedelta

from rapidfuzz import fuzz
from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from bot.models import Complaint, Officer
from bot.models import complaint as c
from bot.complaints import queue

THRESHOLD = 60.0
WINDOW_DAYS = 60
MAX_CANDIDATES = 300
MAX_SHOWN = 5
OPEN = (c.NEW, c.VERIFIED, c.IN_FOLLOW_UP)

# How residents shorten words in SMS; each maps to the word spelt out.
ABBREVIATIONS = {
    "yg": "yang", "tdk": "tidak", "tak": "tidak", "gak": "tidak", "ga": "tidak",
    "gk": "tidak", "nggak": "tidak", "ngga": "tidak", "enggak": "tidak", "dgn": "dengan",
    "dg": "dengan", "sy": "saya", "sya": "saya", "aq": "saya", "aku": "saya", "dr": "dari",
    "utk": "untuk", "untk": "untuk", "buat": "untuk", "krn": "karena", "krna": "karena",
    "karna": "karena", "blum": "belum", "sdh": "sudah", "udh": "sudah", "udah": "sudah",
    "jg": "juga", "kalo": "kalau", "klo": "kalau", "kl": "kalau", "org": "orang",
    "pd": "pada", "tsb": "tersebut", "dpt": "dapat", "dapet": "dapat", "sm": "sama",
    "lg": "lagi", "bln": "bulan", "thn": "tahun", "mgg": "minggu", "rb": "ribu",
    "jt": "juta", "kel": "kelurahan", "kec": "kecamatan", "bpk": "bapak", "pak": "bapak",
    "bu": "ibu", "tlg": "tolong", "mhn": "mohon", "dlm": "dalam", "spt": "seperti",
    "trs": "terus", "tp": "tapi", "tpi": "tapi", "pdhl": "padahal", "msh": "masih",
    "skrg": "sekarang", "skrng": "sekarang", "kmrn": "kemarin", "bbrp": "beberapa",
    "smua": "semua", "gmn": "bagaimana", "gimana": "bagaimana", "cm": "cuma",
    "cuman": "cuma", "hanya": "cuma", "jln": "jalan", "gg": "gang", "ttd": "tanda tangan",
    "dipake": "dipakai", "pake": "pakai", "duit": "uang", "ket": "keterangan",
    "blh": "boleh", "spy": "supaya", "jgn": "jangan", "mnt": "minta", "adm": "administrasi",
    "hp": "handphone", "wa": "whatsapp", "fasilitator": "faskel", "got": "drainase",
    "saluran": "drainase", "wc": "mck", "pju": "lampu",
}
# Words that say nothing about which incident it is.
STOPWORDS = frozenset(
    "yang di ke dari dan atau ini itu ada dengan untuk pada dalam sudah belum juga saja aja "
    "tidak bisa akan karena kalau tapi padahal masih sama oleh jadi kok ya ga kan pun lagi "
    "saya kami kita warga mohon tolong dong sih nya para apa apakah bagaimana kenapa persen".split()
)
# "BLM" is the program's grant (Bantuan Langsung Masyarakat); lowercase "blm" in SMS is
# usually "belum" (not yet), except right after these words ("dana blm" is the grant).
_GRANT_BEFORE = frozenset({"dana", "bantuan", "uang", "program"})
_WORD = re.compile(r"[A-Za-z]+|\d+")


def normalise(text: str) -> str:
    """``text`` as compared: lowercase words, abbreviations spelt out, no function words,
    numbers without leading zeros (``RT 03`` and ``rt3`` read alike), light stemming."""
    shouting = text.isupper()
    words: list[str] = []
    previous = ""
    for raw in _WORD.findall(text or ""):
        word = raw.lower()
        if raw.isdigit():
            word = str(int(raw))
        elif word == "blm":
            grant = (raw.isupper() and not shouting) or previous in _GRANT_BEFORE
            word = "blm" if grant else "belum"
        else:
            word = ABBREVIATIONS.get(word, word)
        previous = word
        if word not in STOPWORDS:
            words.append(_stem(word))
    return " ".join(words)


def _stem(word: str) -> str:
    """A light cut of the affixes that vary most between two tellings (``dipotong`` /
    ``potong``, ``upahnya`` / ``upah``): +0.9 points of recall on the labelled set."""
    for suffix in ("nya", "kan", "lah"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 4:
            word = word[: -len(suffix)]
            break
    if word.startswith("di") and len(word) >= 6:
        word = word[2:]
    return word


def similarity(text_a: str, text_b: str) -> float:
    """0-100: how much the two complaint texts say the same (symmetric)."""
    a, b = normalise(text_a), normalise(text_b)
    if not a or not b:
        return 0.0
    return float(fuzz.token_set_ratio(a, b))


@dataclass(frozen=True)
class Suggestion:
    """A possible duplicate as the officer sees it."""

    complaint: Complaint
    score: int


def candidates(session: Session, officer: Officer, complaint: Complaint) -> list[Complaint]:
    """Open complaints the officer may see that could be the same as ``complaint``: same
    kelurahan, a compatible kind (the same, or not given by either), filed within
    ``WINDOW_DAYS`` of it, not merged. Newest first, at most ``MAX_CANDIDATES``."""
    if complaint.kelurahan_id is None or complaint.status not in OPEN:
        return []
    window = timedelta(days=WINDOW_DAYS)
    query = queue.scoped(officer).where(
        Complaint.kelurahan_id == complaint.kelurahan_id,
        Complaint.status.in_(OPEN),
        Complaint.id != complaint.id,
        Complaint.created_at >= complaint.created_at - window,
        Complaint.created_at <= complaint.created_at + window,
    )
    if complaint.kind is not None:
        query = query.where(or_(Complaint.kind == complaint.kind, Complaint.kind.is_(None)))
    return list(session.scalars(query.order_by(Complaint.id.desc()).limit(MAX_CANDIDATES)))


def suggestions(
    session: Session, officer: Officer, complaint: Complaint, threshold: float = THRESHOLD
) -> list[Suggestion]:
    """The likely duplicates of ``complaint`` among :func:`candidates`, best first."""
    base = normalise(complaint.text)
    if not base:
        return []
    found = []
    for other in candidates(session, officer, complaint):
        text = normalise(other.text)
        score = fuzz.token_set_ratio(base, text) if text else 0.0
        if score >= threshold:
            found.append(Suggestion(other, round(score)))
    found.sort(key=lambda s: (-s.score, -s.complaint.id))
    return found[:MAX_SHOWN]

