"""The word two near-copies differ by: ``BKM Padasuka`` against ``BKM Cikutra``,
``pelatihan menjahit`` against ``pelatihan bordir``, ``toko Sinar Jaya`` against ``toko
Sumber Makmur``, ``Senin malam`` against ``Kamis malam``.

Residents who report one incident tell it in their own words: two tellings share its
facts, not its sentences. Two texts that are the same sentence except for a word or
two in one place are, far more often, two incidents of one kind: another kelurahan,
shop, posyandu, day, course or person. The fact tables
(:mod:`bot.complaints.incident_slots`, :mod:`bot.complaints.incident_vocabulary`) know
the kinds of fact they name; this finds such a swap in any words, by aligning the two
texts word by word (difflib's matching blocks):

- the texts are near-copies: at least ``NEAR_COPY`` of the shorter one's words are
  matched, in order, in the other;
- one place holds other words in each (at most ``MAX_SWAP`` words a side), with a word
  of content in each that is not another spelling of one in the other (a typo, ``kwitansi``
  and ``kuitansi``; or the lexicon's other name of one thing, read before this).

Words that tellings of one incident trade freely are not such a swap: function words,
``tidak``/``belum``, ``sudah``/``udah``, ``cuma``/``hanya``, ``dapat``/``terima``. The
state they carry is compared as a fact of its own. Pure: no database.

Measured on bench/data/duplicates-tune*.csv and tests/data/duplicate_pairs.csv
(bench/duplicates.py, bench/RESULTS-duplicates.md, round 4).
"""
from __future__ import annotations

from dataclasses import dataclass
from difflib import SequenceMatcher

from bot.complaints import incident_slots, incident_vocabulary

NEAR_COPY = 0.8
MAX_SWAP = 3
# Two spellings of one word: the Dice coefficient of their character trigrams.
SAME_WORD = 0.5
# Words that two tellings of one incident trade freely (what they say of its state is
# read as a fact: ``incident_slots.PREDICATES``).
TRADED = incident_slots.NEGATORS | incident_slots.AFFIRMERS | frozenset(
    "masih cuma hanya semua saja aja dapat terima ada jadi kata bilang sekali banget bgt "
    "sangat udah sdh lagi terus trs".split())

# A word of the vocabulary reads as its value: ``jebol`` and ``retak`` both as ``rusak``.
_VALUE = {word: value for _, table in incident_vocabulary.KINDS.values()
          for word, value in table.items() if " " not in word}


@dataclass(frozen=True)
class Aligned:
    """A text's words as aligned (``words``: each vocabulary word as its value, others
    as their root) and as shown to the officer (``shown``), one for one."""

    words: tuple[str, ...]
    shown: tuple[str, ...]


def canonical(words: list[str]) -> Aligned:
    """``words`` (as :func:`incident_slots.words` writes them) ready to align."""
    return Aligned(tuple(_VALUE.get(w) or _VALUE.get(incident_slots.root(w)) or incident_slots.root(w)
                         for w in words), tuple(words))


def swaps(a: Aligned, b: Aligned, function_words: frozenset[str]) -> list[tuple[str, str]]:
    """The words the near-copies ``a`` and ``b`` hold in one place instead of each
    other, as shown: ``[("padasuka", "cikutra")]``; none when they are not near-copies."""
    if not a.words or not b.words:
        return []
    shorter = min(len(a.words), len(b.words))
    matcher = SequenceMatcher(None, a.words, b.words, autojunk=False)
    # quick_ratio() bounds the words matched from above, and costs a tenth of matching.
    if matcher.quick_ratio() * (len(a.words) + len(b.words)) / 2 < NEAR_COPY * shorter:
        return []
    if sum(block.size for block in matcher.get_matching_blocks()) < NEAR_COPY * shorter:
        return []
    ignored = function_words | TRADED
    found = []
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        mine, theirs = a.words[i1:i2], b.words[j1:j2]
        if op != "replace" or len(mine) > MAX_SWAP or len(theirs) > MAX_SWAP:
            continue
        if "".join(mine) == "".join(theirs):  # "mekarsari" and "mekar sari"
            continue
        content_a = [w for w in mine if w not in ignored]
        content_b = [w for w in theirs if w not in ignored]
        if content_a and content_b and not any(
                _spelt_alike(x, y) for x in content_a for y in content_b):
            found.append((" ".join(a.shown[i1:i2]), " ".join(b.shown[j1:j2])))
    return found


def _spelt_alike(a: str, b: str) -> bool:
    if a == b:
        return True
    if _number(a) or _number(b):
        return False  # 2008 and 2009, Rp 50.000 and Rp 60.000
    ta, tb = _trigrams(a), _trigrams(b)
    return 2 * len(ta & tb) / (len(ta) + len(tb)) >= SAME_WORD


def _number(word: str) -> bool:
    """A count, year or amount as ``incident_slots.words`` writes it (``2008``, ``rp50000``)."""
    return word[:1].isdigit() or (word.startswith("rp") and word[2:].isdigit())


def _trigrams(word: str) -> set[str]:
    padded = f" {word} "
    return {padded[i:i + 3] for i in range(len(padded) - 2)}
