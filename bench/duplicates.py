"""Precision and recall of the duplicate-complaint suggestions on a labelled set.

Reads a CSV of pairs (``text_a, text_b, same`` 1/0, and ``kind``/``topic`` when given):
by default tests/data/duplicate_pairs.csv, else ``--pairs FILE`` (bench/data/
duplicates-tune.csv to tune on; bench/data/duplicates-heldout.csv for the final figures
only). A pair is suggested when ``duplicates.similarity`` reaches the threshold. Prints
precision, recall and F1 at the threshold in use, a threshold sweep, ROC AUC, the cost
per pair, and, with ``--misses`` on a tuning file, the pairs it gets wrong by kind (never
for the held-out set: its rows are not for reading while tuning).

    .venv/bin/python bench/duplicates.py [--pairs FILE] [--misses]
"""
from __future__ import annotations

import argparse
import csv
import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot.complaints.duplicates import MAX_CANDIDATES, THRESHOLD, similarity  # noqa: E402
from bot.complaints import incident_match  # noqa: E402
from bot.complaints.incident_match import compare  # noqa: E402

PAIRS = Path(__file__).resolve().parent.parent / "tests" / "data" / "duplicate_pairs.csv"
SWEEP = (30, 35, 40, 45, 50, 55, 60, 65, 70, 75, 80, 85)


def load(path: Path = PAIRS) -> list[tuple[str, str, bool]]:
    """The pairs of ``path`` as (text_a, text_b, same)."""
    return [(a, b, same) for a, b, same, _ in load_with_kind(path)]


def load_with_kind(path: Path) -> list[tuple[str, str, bool, str]]:
    """The pairs of ``path`` with their kind (``diff-rt``, ``same-keypad``...; the topic
    in the older file)."""
    with path.open(newline="", encoding="utf-8") as f:
        return [(r["text_a"], r["text_b"], r["same"] == "1", r.get("kind") or r.get("topic") or "")
                for r in csv.DictReader(f)]


def measure(scored: list[tuple[float, bool]], threshold: float) -> tuple[float, float, int, int]:
    """Precision, recall, false positives, false negatives at ``threshold``."""
    tp = sum(1 for s, same in scored if same and s >= threshold)
    fp = sum(1 for s, same in scored if not same and s >= threshold)
    fn = sum(1 for s, same in scored if same and s < threshold)
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    return precision, recall, fp, fn


def f1(precision: float, recall: float) -> float:
    return 2 * precision * recall / (precision + recall) if precision + recall else 0.0


def roc_auc(scored: list[tuple[float, bool]]) -> float:
    """The chance a random same pair scores above a random different one (ties half)."""
    pos = [s for s, same in scored if same]
    neg = [s for s, same in scored if not same]
    if not pos or not neg:
        return float("nan")
    wins = sum(1.0 if p > n else 0.5 if p == n else 0.0 for p in pos for n in neg)
    return wins / (len(pos) * len(neg))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pairs", type=Path, default=PAIRS)
    parser.add_argument("--misses", action="store_true")
    args = parser.parse_args()
    held_out = "heldout" in args.pairs.name
    pairs = load_with_kind(args.pairs)
    started = time.perf_counter()
    scored = [(similarity(a, b), same) for a, b, same, _ in pairs]
    per_pair = (time.perf_counter() - started) / len(pairs) * 1e6
    positives = sum(1 for *_, same, _ in pairs if same)
    print(f"{args.pairs.name}: {len(pairs)} pairs ({positives} same, "
          f"{len(pairs) - positives} different), {per_pair:.0f} us per pair")
    p, r, fp, fn = measure(scored, THRESHOLD)
    print(f"at the threshold in use ({THRESHOLD:g}): precision {p:.3f}  recall {r:.3f}  "
          f"F1 {f1(p, r):.3f}  (false+ {fp}, false- {fn})")
    print(f"ROC AUC {roc_auc(scored):.3f}")
    print("threshold  precision  recall     F1  false+  false-")
    for t in sorted({*SWEEP, THRESHOLD}):
        p, r, fp, fn = measure(scored, t)
        mark = "  <- in use" if t == THRESHOLD else ""
        print(f"{t:9g}  {p:9.3f}  {r:6.3f}  {f1(p, r):5.3f}  {fp:6d}  {fn:6d}{mark}")
    # What a complaint page pays at most: one text against a full candidate set.
    texts = [t for a, b, *_ in pairs for t in (a, b)][:MAX_CANDIDATES]
    incident_match._reading.cache_clear()  # a page reads its candidates afresh
    started = time.perf_counter()
    for text in texts:
        similarity(texts[0], text)
    print(f"one page view, {len(texts)} candidates scored: "
          f"{(time.perf_counter() - started) * 1000:.1f} ms")
    if not args.misses:
        return
    if held_out:
        print("(misses are not printed for the held-out set)")
        return
    wrong = Counter()
    for (a, b, same, kind), (s, _) in zip(pairs, scored):
        if same != (s >= THRESHOLD):
            wrong[kind] += 1
            v = compare(a, b)
            print(f"{'MISSED' if same else 'WRONG '} {s:5.1f} {kind:18} | {a} | {b}"
                  f"\n       why: {', '.join(v.reasons) or '-'}; conflicts: {', '.join(v.conflicts) or '-'}")
    print("wrong by kind: " + ", ".join(f"{k} {n}" for k, n in wrong.most_common()))


if __name__ == "__main__":
    main()
