"""Whether two complaint texts tell one incident, and why, in words an officer reads at a
glance ("RT 2 sama, objek MCK sama", "orang sama: Pak Amir", "teks mirip").

Two tellings of one incident share the facts that tell incidents apart (RT, RW, road,
person, KSM, object, amount, month, state) more than they share words: a short SMS is
mostly place and program words. So the facts are compared as such
(:mod:`bot.complaints.incident_slots`): when both texts name a different value for one
of them (RT 2 against RT 6, Pak Amir against Pak Udin, MCK against sumur, ``belum
dibayar`` against ``sudah dibayar``), or a different role, part, problem, program, unit,
goods, time of day, meeting, counted quantity or kind of message
(:mod:`bot.complaints.incident_vocabulary`: ``peran berbeda: bendahara / ketua``) the
pair is not suggested, however alike the rest
(a text that leaves one out is no conflict). Otherwise the score is a text similarity
of the normalised words (without who is named: that is a fact) plus points for each
fact both name alike.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from rapidfuzz import fuzz

from bot.complaints import incident_contrast, incident_slots, incident_vocabulary
from bot.complaints.incident_slots import Slots

# Words that say nothing about which incident it is. The words of state and negation
# (tidak, belum, sudah, masih) are not among them: "sudah dibayar tapi masih ditagih" and
# "belum dibayar" are two incidents.
STOPWORDS = frozenset(
    "yang di ke dari dan atau ini itu dengan untuk pada dalam juga saja aja bisa akan "
    "karena kalau tapi padahal sama oleh jadi kok ya kan pun lagi saya kami kita warga "
    "mohon tolong dong sih nya para apa apakah bagaimana kenapa bapak ibu lapor".split()
)
# Points a fact named alike in both adds to the text similarity (tuned on
# bench/data/duplicates-tune.csv, duplicates-tune2.csv and tests/data/duplicate_pairs.csv;
# bench/duplicates.py).
AGREEMENT_POINTS = {"rt": 4, "rw": 2, "place": 6, "house": 4, "person": 8, "ksm": 6,
                    "objects": 3, "material": 2, "money": 8, "percent": 5, "month": 4,
                    "stage": 4, "role": 3, "part": 3, "problem": 3, "program": 2, "unit": 2,
                    "goods": 3, "daytime": 2, "meeting": 3, "quantity": 3}
LABELS = {"role": "peran", "quantity": "banyaknya", "speech": "jenis pesan"}
TEXT_WEIGHT = 0.9
MAX_AGREEMENT = 20
# The score of a pair with a conflict: never at the threshold.
CONFLICT_CAP = 30.0
SIMILAR_TEXT = 70  # "teks mirip" from this text similarity up


@dataclass(frozen=True)
class Verdict:
    """How alike two complaint texts are: ``score`` 0-100, ``reasons`` (the facts named
    alike, in Bahasa Indonesia) and ``conflicts`` (the facts named differently)."""

    score: float
    reasons: tuple[str, ...]
    conflicts: tuple[str, ...]


def normalise(text: str) -> str:
    """``text`` as compared: lowercase words read through the residents' lexicon
    (abbreviations, keypad spellings and other names of one thing as the program writes
    them), numbers without leading zeros (``RT 03`` and ``rt3`` read alike), amounts as
    one word, no function words, light stemming."""
    return " ".join(_stem(w) for w in incident_slots.words(text) if w not in STOPWORDS)


def _stem(word: str) -> str:
    """A light cut of the affixes that vary most between two tellings (``dipotong`` /
    ``potong``, ``upahnya`` / ``upah``)."""
    for suffix in ("nya", "kan", "lah"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 4:
            word = word[: -len(suffix)]
            break
    if word.startswith("di") and len(word) >= 6:
        word = word[2:]
    return word


def text_similarity(a: str, b: str) -> float:
    """0-100 over normalised texts: rapidfuzz's token_set_ratio, so that one telling
    inside a longer one still reads alike. What tells two incidents apart is not left
    to it: a fact named differently vetoes the pair (:func:`compare`)."""
    if not a or not b:
        return 0.0
    return float(fuzz.token_set_ratio(a, b))


def compare(text_a: str, text_b: str) -> Verdict:
    """Whether ``text_a`` and ``text_b`` tell one incident (symmetric)."""
    (a, norm_a, aligned_a), (b, norm_b, aligned_b) = _reading(text_a), _reading(text_b)
    text = text_similarity(norm_a, norm_b)
    agreed, conflicts = _facts(a, b)
    if not conflicts:  # the word two near-copies differ by (incident_contrast)
        conflicts = [f"beda: {mine} / {theirs}" for mine, theirs
                     in incident_contrast.swaps(aligned_a, aligned_b, STOPWORDS)]
    points = min(MAX_AGREEMENT, sum(AGREEMENT_POINTS[name] for name, _ in agreed))
    score = min(100.0, TEXT_WEIGHT * text + points)
    reasons = [shown for _, shown in agreed]
    if text >= SIMILAR_TEXT:
        reasons.append("teks mirip")
    if conflicts:
        score = min(score, CONFLICT_CAP * score / 100)
    return Verdict(round(score, 1), tuple(reasons), tuple(conflicts))


_WHO = incident_slots.ROLES | incident_slots.TITLES


@lru_cache(maxsize=1024)
def _reading(text: str) -> tuple[Slots, str, incident_contrast.Aligned]:
    """A text's facts, its normalised words and its words as aligned
    (:func:`incident_contrast.canonical`), once per text: a complaint page compares one
    text with up to ``MAX_CANDIDATES`` others. None of them is to be changed."""
    found = incident_slots.read(text or "")
    # Who is named is a fact of its own (a person, a KSM, a title or role): left in the
    # words, "Pak Joko ketua KSM Sinar" would make any two deeds of his read alike.
    named = _WHO | set(found.person) | found.ksm
    return (found, " ".join(_stem(w) for w in found.words if w not in STOPWORDS and w not in named),
            incident_contrast.canonical(found.words))


def _facts(a: Slots, b: Slots) -> tuple[list[tuple[str, str]], list[str]]:
    """The facts both name alike (slot, as shown) and those they name differently."""
    agreed: list[tuple[str, str]] = []
    conflicts: list[str] = []
    words_a, words_b = set(a.words), set(b.words)
    for name, label in (("rt", "RT"), ("rw", "RW"), ("house", "rumah no"),
                        ("money", "jumlah"), ("percent", "angka"), ("month", "bulan"),
                        ("stage", "tahap"), ("objects", "objek"), ("material", "bahan")):
        mine, theirs = getattr(a, name), getattr(b, name)
        common = mine & theirs
        if common:
            agreed.append((name, f"{label} {_shown(name, common)} sama"))
        elif mine and theirs:
            conflicts.append(f"{label} beda")
    for name, label in (("person", "orang"), ("ksm", "KSM"), ("place", "tempat")):
        mine, theirs = getattr(a, name), getattr(b, name)
        found = _named_in(mine, words_b, set(theirs)) | _named_in(theirs, words_a, set(mine))
        if found:
            agreed.append((name, f"{label} sama: {_shown(name, found, mine | theirs)}"))
        if name == "place":  # a gang against a gang, a kelurahan against a kelurahan
            kinds = {p.split()[0] for p in mine} & {p.split()[0] for p in theirs}
            if any(not {p for p in found if p.split()[0] == k} for k in kinds):
                conflicts.append(f"{label} beda")
        elif mine and theirs and not found:
            conflicts.append(f"{label} beda")
    _kinds(a.kinds, b.kinds, agreed, conflicts)
    for state in sorted(a.state.keys() & b.state.keys()):
        if len(a.state[state]) == 1 and a.state[state] != b.state[state] and len(b.state[state]) == 1:
            conflicts.append(f"keadaan beda: {state}")
    return agreed, conflicts


def _kinds(a: dict[str, set[str]], b: dict[str, set[str]],
           agreed: list[tuple[str, str]], conflicts: list[str]) -> None:
    """Who acted, the part, the problem, the program... (:mod:`incident_vocabulary`):
    alike ("bagian sama: atap") or named differently ("peran berbeda: bendahara /
    ketua")."""
    for kind in sorted(a.keys() & b.keys()):
        mine, theirs = a[kind], b[kind]
        label = incident_vocabulary.KINDS[kind][0] if kind in incident_vocabulary.KINDS else LABELS[kind]
        if kind == "role":
            common = {r for r in mine if any(incident_vocabulary.roles_agree(r, t) for t in theirs)}
            differ = not common
        elif kind == "quantity":
            common, differ = mine & theirs, incident_vocabulary.quantities_conflict(mine, theirs)
        else:
            common = mine & theirs
            differ = not common
        if differ:
            conflicts.append(f"{label} berbeda: {', '.join(sorted(mine))} / {', '.join(sorted(theirs))}")
        elif common and kind != "speech":
            agreed.append((kind, f"{label} sama: {', '.join(sorted(common))}"))


def _named_in(named: set[str] | dict[str, str], words: set[str], other: set[str]) -> set[str]:
    """The names of ``named`` the other text has anywhere, titled or not (``pk joko`` and
    ``JOKO KETUA KSM``). A place (``gang anggrek iii``) is found by its name unless the
    other text names that place with another number (``gang anggrek i``)."""
    found = set()
    for value in named:
        parts = value.split()
        key = parts[1] if len(parts) > 1 else value
        if key.startswith("ke") and key.endswith("an") and key[2:-2] in words:
            key = key[2:-2]  # KSM kebersihan, KSM Bersih Lestari
        rivals = {o for o in other if o.split()[1:2] == [key] and o != value}
        if value in other or (key in words and not rivals):
            found.add(value)
    return found


def _shown(name: str, values: set, shown_as: object = None) -> str:  # type: ignore[type-arg]
    first = sorted(values, key=str)[0]
    if name == "money":
        return "Rp " + f"{first:,}".replace(",", ".")
    if name == "percent":
        return f"{first:g}%".replace(".", ",")
    if name == "person" and isinstance(shown_as, dict):
        return shown_as.get(first, first.capitalize())
    if name in ("ksm", "month"):
        return first.capitalize()
    if name == "place":
        return " ".join(w.capitalize() if i else ("Gg" if w == "gang" else "Jl" if w == "jalan" else w.capitalize())
                        for i, w in enumerate(first.split()))
    return str(first)
