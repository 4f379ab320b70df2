"""Dates as leaders write them: the hand-written reader (conversations/dates_id.py)
against dateparser (Indonesian), on expressions written by someone who read neither.

    .venv/bin/pip install dateparser   # only for this bench; the bot does not use it
    .venv/bin/python bench/dates.py [bench/data/dates-2026-12-07.jsonl]

Each line of the set is {"text", "date", "time"} as an Indonesian reader understands it,
received at the moment the set's name gives (``NOWS``). An expression is read right when the
date (and the time, where one is given) is the one meant. For the hand-written reader,
which refuses what it cannot use, a date that has passed counts as right when it says
so ("past"), and a date with no time when it asks for the time ("no_time"): that is
what the bot answers. It prints the share read right by each, by the set's notes.
"""
from __future__ import annotations

import json
import sys
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from conversations.dates_id import WhenError, parse_when  # noqa: E402

WIB = ZoneInfo("Asia/Jakarta")
DATA = Path(__file__).parent / "data"
# Each set, with the moment its writer was told the message arrives. The first was used
# to improve the reader; the held-out one, written afterwards by another writer, was not.
NOWS = {"dates-2026-12-07.jsonl": datetime(2026, 11, 18, 10, 0, tzinfo=WIB),
        "dates-heldout-2026-12-07.jsonl": datetime(2026, 12, 3, 15, 0, tzinfo=WIB)}
NOW = NOWS["dates-2026-12-07.jsonl"]


def ours(case: dict[str, str], now: datetime) -> bool:
    meant = date.fromisoformat(case["date"])
    try:
        at = parse_when(case["text"], now).at
    except WhenError as error:
        if error.reason in ("past", "past_date"):
            return meant < now.date() or (meant == now.date() and case["time"] is not None)
        return error.reason == "no_time" and case["time"] is None
    if at.date() != meant:
        return False
    return case["time"] is None or at.strftime("%H:%M") == case["time"]


def theirs(case: dict[str, str], now: datetime) -> bool:
    import dateparser
    from dateparser.search import search_dates

    settings = {"RELATIVE_BASE": now.replace(tzinfo=None), "PREFER_DATES_FROM": "future",
                "DATE_ORDER": "DMY", "PREFER_DAY_OF_MONTH": "first"}
    found = dateparser.parse(case["text"], languages=["id"], settings=settings)
    if found is None:  # words around the date: look for it inside the text
        hits = search_dates(case["text"], languages=["id"], settings=settings) or []
        found = hits[0][1] if hits else None
    if found is None or found.date() != date.fromisoformat(case["date"]):
        return False
    return case["time"] is None or found.strftime("%H:%M") == case["time"]


def main() -> None:
    args = [a for a in sys.argv[1:] if a != "-v"]
    paths = [Path(a) for a in args] or [DATA / name for name in NOWS]
    readers = {"hand-written": ours}
    try:
        import dateparser  # noqa: F401
        readers["dateparser"] = theirs
    except ImportError:
        print("dateparser is not installed: only the hand-written reader is measured")
    for path in paths:
        now = NOWS.get(path.name, NOW)
        cases = [json.loads(line) for line in path.read_text().splitlines() if line.strip()]
        print(f"{len(cases)} expressions from {path.name}, received {now:%a %d %b %Y %H:%M}")
        for name, read in readers.items():
            right = [c for c in cases if read(c, now)]
            print(f"{name:>13}: {len(right)}/{len(cases)} read right ({len(right) / len(cases):.0%})")
            if "-v" in sys.argv:
                for case in cases:
                    if case not in right:
                        print(f"    missed: {case['text']!r} -> {case['date']} {case['time']}")


if __name__ == "__main__":
    main()
