"""The quick one-typo check agrees with the full edit distance it stands in for."""
from __future__ import annotations

import itertools
import random

from conversations.keywords import edit_distance, within_one


def test_within_one_agrees_with_edit_distance() -> None:
    pairs = [
        ("".join(a), "".join(b))
        for la, lb in itertools.product(range(5), repeat=2)
        for a in itertools.product("AB", repeat=la)
        for b in itertools.product("AB", repeat=lb)
    ]
    rng = random.Random(7)
    pairs += [
        ("".join(rng.choice("ABCD") for _ in range(rng.randint(0, 8))),
         "".join(rng.choice("ABCD") for _ in range(rng.randint(0, 8))))
        for _ in range(20000)
    ]
    pairs += [("DAFTAR", "DAFTR"), ("ADUAN", "ADAUN"), ("MENU", "MNEU"), ("BATAL", "BATALL")]
    for a, b in pairs:
        assert within_one(a, b) == edit_distance(a, b, limit=1), (a, b)
