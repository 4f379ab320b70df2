"""Precision and recall of the duplicate-complaint suggestions on a labelled set.

Reads tests/data/duplicate_pairs.csv (text_a, text_b, same 1/0, topic): pairs of
complaints written as residents text them; the negatives are all of the same topic
(a different incident, KSM, person or place). A pair is suggested when
``complaint_duplicates.similarity`` reaches the threshold. Prints the figures at the
threshold in use and a sweep around it, and the pairs it gets wrong.

    .venv/bin/python bench/duplicates.py [--misses]
"""
from __future__ import annotations

import csv
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from rapidfuzz import fuzz  # noqa: E402

from bot.complaints.duplicates import (  # noqa: E402
    MAX_CANDIDATES,
    THRESHOLD,
    normalise,
    similarity,
)

PAIRS = Path(__file__).resolve().parent.parent / "tests" / "data" / "duplicate_pairs.csv"
SWEEP = (40, 45, 50, 55, 60, 65, 70, 75, 80, 85)


def load(path: Path = PAIRS) -> list[tuple[str, str, bool]]:
    with path.open(newline="", encoding="utf-8") as f:
        return [(r["text_a"], r["text_b"], r["same"] == "1") for r in csv.DictReader(f)]


def measure(scored: list[tuple[float, bool]], threshold: float) -> tuple[float, float, int, int]:
    """Precision, recall, false positives, false negatives at ``threshold``."""
    tp = sum(1 for s, same in scored if same and s >= threshold)
    fp = sum(1 for s, same in scored if not same and s >= threshold)
    fn = sum(1 for s, same in scored if same and s < threshold)
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    return precision, recall, fp, fn


def main() -> None:
    pairs = load()
    started = time.perf_counter()
    scored = [(similarity(a, b), same) for a, b, same in pairs]
    per_pair = (time.perf_counter() - started) / len(pairs) * 1e6
    positives = sum(1 for _, _, same in pairs if same)
    print(f"{len(pairs)} pairs ({positives} same, {len(pairs) - positives} different), "
          f"{per_pair:.0f} us per pair")
    print("threshold  precision  recall  false+  false-")
    for t in sorted({*SWEEP, THRESHOLD}):
        p, r, fp, fn = measure(scored, t)
        mark = "  <- in use" if t == THRESHOLD else ""
        print(f"{t:9.0f}  {p:9.3f}  {r:6.3f}  {fp:6d}  {fn:6d}{mark}")
    # What a complaint page pays at most: one text against a full candidate set.
    texts = [t for a, b, _ in pairs for t in (a, b)][:MAX_CANDIDATES]
    started = time.perf_counter()
    base = normalise(texts[0])
    for text in texts:
        fuzz.token_set_ratio(base, normalise(text))
    print(f"one page view, {len(texts)} candidates scored: "
          f"{(time.perf_counter() - started) * 1000:.1f} ms")
    if "--misses" in sys.argv:
        for (a, b, same), (s, _) in zip(pairs, scored):
            if same != (s >= THRESHOLD):
                print(f"{'MISSED' if same else 'WRONG '} {s:5.1f} | {a} | {b}")


if __name__ == "__main__":
    main()
