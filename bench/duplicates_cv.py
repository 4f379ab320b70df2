"""Cross-validated comparison of text measures for the duplicate-complaint score (issue 26,
round 3), on the tuning sets only.

The fact features (agreement points, the conflict veto) are those of
:mod:`bot.complaints.incident_match`; only the text half changes. Each candidate score is

    min(100, text_weight * text + points_weight * points), x 0.3 on a conflict

with ``text = mix * measure * 100 + (1 - mix) * token_set_ratio``. Leave one set out:
the measure's settings, the weights and the threshold are chosen on two tuning sets
(IDF from their texts only) and scored on the third; the pooled figures add the three
test folds. Never given the held-out set.

    .venv/bin/python bench/duplicates_cv.py [--objective f1|precision]

``f1`` picks the best F1 on the training sets; ``precision`` the best precision with
recall >= 0.90 there.
"""
from __future__ import annotations

import argparse
import math
import sys
import time
from collections import Counter
from functools import lru_cache
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot.complaints import incident_match  # noqa: E402
from bot.complaints.duplicates import THRESHOLD  # noqa: E402
from duplicates import load, measure, roc_auc  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
SETS = {"tune": ROOT / "bench" / "data" / "duplicates-tune.csv",
        "tune2": ROOT / "bench" / "data" / "duplicates-tune2.csv",
        "older": ROOT / "tests" / "data" / "duplicate_pairs.csv"}
TEXT_WEIGHTS = (0.7, 0.8, 0.9, 1.0, 1.1)
POINTS_WEIGHTS = (0.5, 0.75, 1.0, 1.5)
MIXES = (0.5, 0.75, 1.0)
THRESHOLDS = range(25, 86)


class Pair:
    """One labelled pair as the detector reads it: normalised words, points, veto."""

    def __init__(self, text_a: str, text_b: str, same: bool) -> None:
        (a, self.words_a, _), (b, self.words_b, _) = incident_match._reading(text_a), incident_match._reading(text_b)
        agreed, conflicts = incident_match._facts(a, b)
        self.points = min(incident_match.MAX_AGREEMENT,
                          sum(incident_match.AGREEMENT_POINTS[name] for name, _ in agreed))
        self.conflict = bool(conflicts)
        self.token_set = incident_match.text_similarity(self.words_a, self.words_b)
        self.same = same


def _grams(word: str) -> frozenset[str]:
    padded = f" {word} "
    return frozenset(padded[i:i + 3] for i in range(len(padded) - 2))


@lru_cache(maxsize=None)
def _word_alike(a: str, b: str, cut: float) -> float:
    """1 for one word, the Dice of their character trigrams for a typo (>= ``cut``)."""
    if a == b:
        return 1.0
    if a.isdigit() or b.isdigit():
        return 0.0
    ga, gb = _grams(a), _grams(b)
    dice = 2 * len(ga & gb) / (len(ga) + len(gb))
    return dice if dice >= cut else 0.0


def _idf(texts: list[str]) -> dict[str, float]:
    texts = list(set(texts))
    df = Counter(w for t in texts for w in set(t.split()))
    top = math.log(len(texts) + 1) + 1
    return {w: math.log((len(texts) + 1) / (n + 1)) + 1 for w, n in df.items()} | {"": top}


def soft_overlap(a: str, b: str, idf: dict[str, float], kind: str, power: float, cut: float) -> float:
    """0-1: the words of each text found in the other (typos forgiven), each weighted by
    ``idf ** power`` (0: all alike). ``kind`` joins the two directions: ``cosine`` (their
    geometric mean), ``jaccard`` (matched over all) or ``min`` (the worse-covered text:
    a word only one text has always costs)."""
    words_a, words_b = set(a.split()), set(b.split())
    if not words_a or not words_b:
        return 0.0

    def covered(mine: set[str], theirs: set[str]) -> tuple[float, float]:
        weight = {w: idf.get(w, idf[""]) ** power for w in mine}
        found = sum(weight[w] * max(_word_alike(w, t, cut) for t in theirs) for w in mine)
        return found, sum(weight.values())

    (found_a, all_a), (found_b, all_b) = covered(words_a, words_b), covered(words_b, words_a)
    if kind == "cosine":
        return math.sqrt(found_a / all_a * found_b / all_b)
    if kind == "jaccard":
        found = (found_a + found_b) / 2
        return found / (all_a + all_b - found)
    return min(found_a / all_a, found_b / all_b)


MEASURES = {  # name -> list of settings tried (kind, power, cut)
    "token_set (current)": [],
    "IDF soft cosine": [("cosine", 1.0, 0.5), ("cosine", 1.0, 0.7), ("cosine", 2.0, 0.5)],
    "IDF soft Jaccard": [("jaccard", 1.0, 0.5), ("jaccard", 1.0, 0.7), ("jaccard", 2.0, 0.5)],
    "IDF soft coverage (min)": [("min", 1.0, 0.5), ("min", 1.0, 0.7), ("min", 2.0, 0.5)],
    "unweighted soft coverage (min)": [("min", 0.0, 0.5), ("min", 0.0, 0.7)],
    "unweighted soft cosine": [("cosine", 0.0, 0.5), ("cosine", 0.0, 0.7)],
}


def score(pair: Pair, value: float, mix: float, text_weight: float, points_weight: float) -> float:
    text = mix * value * 100 + (1 - mix) * pair.token_set
    total = min(100.0, text_weight * text + points_weight * pair.points)
    return total * incident_match.CONFLICT_CAP / 100 if pair.conflict else total


def _objective(scored: list[tuple[float, bool]], threshold: float, objective: str) -> float:
    precision, recall, _, _ = measure(scored, threshold)
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    if objective == "f1":
        return f1
    return (precision if recall >= 0.90 else 0.0) + f1 / 1000


def cross_validate(pairs: dict[str, list[Pair]], settings: list, objective: str) -> dict:
    """Per test set: the settings chosen on the other two and what they score there."""
    folds = {}
    for test in pairs:
        train = [name for name in pairs if name != test]
        idf = _idf([t for name in train for p in pairs[name] for t in (p.words_a, p.words_b)])
        grid = [(None, 0.0)] if not settings else [(s, m) for s in settings for m in MIXES]
        best = None
        for setting, mix in grid:
            values = {name: [soft_overlap(p.words_a, p.words_b, idf, *setting) if setting else 0.0
                             for p in pairs[name]] for name in pairs}
            for tw in TEXT_WEIGHTS:
                for pw in POINTS_WEIGHTS:
                    scored = [(score(p, v, mix, tw, pw), p.same)
                              for name in train for p, v in zip(pairs[name], values[name])]
                    for t in THRESHOLDS:
                        found = _objective(scored, t, objective)
                        if best is None or found > best[0]:
                            best = (found, setting, mix, tw, pw, t, values)
        _, setting, mix, tw, pw, t, values = best
        scored = [(score(p, v, mix, tw, pw), p.same) for p, v in zip(pairs[test], values[test])]
        folds[test] = {"chosen": (setting, mix, tw, pw, t), "scored": scored, "threshold": t}
    return folds


def _line(label: str, scored: list[tuple[float, bool]], threshold: float) -> str:
    precision, recall, fp, fn = measure(scored, threshold)
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return (f"  {label:42} P {precision:.3f}  R {recall:.3f}  F1 {f1:.3f}  "
            f"AUC {roc_auc(scored):.3f}  false+ {fp:3d}  false- {fn:3d}")


def _pooled(folds: dict) -> tuple[float, float, float, int, int]:
    tp = fp = fn = 0
    for fold in folds.values():
        _, _, f_pos, f_neg = measure(fold["scored"], fold["threshold"])
        fp, fn = fp + f_pos, fn + f_neg
        tp += sum(1 for s, same in fold["scored"] if same and s >= fold["threshold"])
    precision, recall = tp / (tp + fp), tp / (tp + fn)
    return precision, recall, 2 * precision * recall / (precision + recall), fp, fn


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--objective", choices=("f1", "precision"), default="f1")
    args = parser.parse_args()
    pairs = {name: [Pair(*row) for row in load(path)] for name, path in SETS.items()}
    print(f"the detector as shipped (threshold {THRESHOLD:g}, chosen on all three sets):")
    everything = []
    for name, found in pairs.items():
        scored = [(score(p, 0.0, 0.0, incident_match.TEXT_WEIGHT, 1.0), p.same) for p in found]
        everything += scored
        print(_line(name, scored, THRESHOLD))
    print(_line("all three", everything, THRESHOLD))
    print(f"leave one set out, objective {args.objective}:")
    for label, settings in MEASURES.items():
        folds = cross_validate(pairs, settings, args.objective)
        for test, fold in folds.items():
            setting, mix, tw, pw, t = fold["chosen"]
            print(_line(f"{label[:30]} -> {test}", fold["scored"], t)
                  + f"  [{setting} mix {mix} text x{tw} points x{pw} at {t}]")
        precision, recall, f1, fp, fn = _pooled(folds)
        print(f"  {label:42} POOLED P {precision:.3f}  R {recall:.3f}  F1 {f1:.3f}  "
              f"false+ {fp}  false- {fn}")
    # Where the text half decides: the pairs with no conflict, text measure alone.
    idf = _idf([t for found in pairs.values() for p in found for t in (p.words_a, p.words_b)])
    print("text alone, ROC AUC on the pairs with no conflict (IDF from all three sets):")
    for label, settings in MEASURES.items():
        for setting in settings[:2] or [None]:
            aucs = [roc_auc([(soft_overlap(p.words_a, p.words_b, idf, *setting) if setting else p.token_set,
                              p.same) for p in found if not p.conflict]) for found in pairs.values()]
            print(f"  {label:32} {str(setting or ''):22} " + "  ".join(
                f"{name} {auc:.3f}" for name, auc in zip(pairs, aucs)))
    texts = [t for found in pairs.values() for p in found for t in (p.words_a, p.words_b)][:300]
    _word_alike.cache_clear()
    started = time.perf_counter()
    for text in texts:
        soft_overlap(texts[0], text, idf, "cosine", 1.0, 0.5)
    print(f"soft cosine alone, one text against 300 (cache cleared): "
          f"{(time.perf_counter() - started) * 1000:.1f} ms")


if __name__ == "__main__":
    main()
