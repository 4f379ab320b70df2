"""The pure engine's cost per message, on what residents really write.

    .venv/bin/python bench/engine.py [--rounds 5]

Every message of the outside corpora (``tests/data/outside-*.jsonl``, 510 messages
written by people who read no code) goes through ``conversations.engine.Engine.handle``
twice: with no dialog open (a message out of the blue, read against every notice and
list of residents' words) and at the menu. The directory answers every look-up with
nothing, so only the engine and the lexicon are timed, not the database. Prints the
median of ``--rounds`` rounds in microseconds per message, and the slowest messages.
Compare runs on the same machine (the webhook bench shows the whole path).
"""
from __future__ import annotations

import argparse
import inspect
import json
import statistics
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from conversations.directory import Directory  # noqa: E402
from conversations.engine import Engine  # noqa: E402
from conversations.model import Conversation, Dialog, Inbound  # noqa: E402

DATA = Path(__file__).resolve().parent.parent / "tests" / "data"


class Nothing:
    """A directory with nothing in it: each look-up of the ``Directory`` protocol answers
    the empty value of its declared type (an empty list, 0, a zone, False or None)."""

    contact_id = 1
    _EMPTY = (("list", list), ("dict", lambda: {"status": "unknown"}), ("int", int),
              ("bool", bool), ("str", lambda: "Asia/Jakarta"))

    def __getattr__(self, name: str) -> Any:
        returns = str(inspect.signature(getattr(Directory, name)).return_annotation)
        if returns.endswith("| None"):
            return lambda *args, **kwargs: None
        empty = next((make for prefix, make in self._EMPTY if returns.startswith(prefix)),
                     lambda: None)
        return lambda *args, **kwargs: empty()


def messages() -> list[str]:
    texts = []
    for path in sorted(DATA.glob("outside-*.jsonl")):
        texts += [json.loads(line)["message"] for line in path.read_text().splitlines() if line.strip()]
    return texts


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    engine, texts = Engine(), messages()
    situations = [Conversation(language="id", opted_out=False, dialog=None, expired=False),
                  Conversation(language="id", opted_out=False, dialog=Dialog("__menu__", "choose", {}),
                               expired=False)]
    per_round, slowest, failed = [], [], 0
    for _ in range(args.rounds):
        started = time.perf_counter()
        for n, text in enumerate(texts):
            for conversation in situations:
                t = time.perf_counter()
                inbound = Inbound(text=text, channel="sms", phone="+6281200000000", media=(),
                                  received_at=None, message_id=n)
                try:
                    engine.handle(conversation, inbound, Nothing())
                except Exception:  # noqa: BLE001 - counted: a look-up the stand-in cannot answer
                    failed += 1
                slowest.append((time.perf_counter() - t, text))
        per_round.append((time.perf_counter() - started) / (2 * len(texts)))
    slowest.sort(reverse=True)
    print(f"{len(texts)} messages x 2 situations x {args.rounds} rounds")
    print(f"engine: {statistics.median(per_round) * 1e6:.0f} us per message (median of rounds;"
          f" rounds {', '.join(f'{r * 1e6:.0f}' for r in per_round)})")
    print(f"messages the stand-in directory could not serve: {failed}")
    print("slowest:", "; ".join(f"{s * 1e6:.0f} us {t[:40]!r}" for s, t in slowest[:3]))


if __name__ == "__main__":
    main()
