"""Codes asked about that are not the sender's: complaint codes (CEK) and KSM codes (KSM
<code>, STATUS <5 digits>) count together, so that neither can be listed by guessing.

Each miss is an effect the service records (``bot.complaints.intake``); after
``MAX_CHECK_MISSES`` in an hour the number is told to wait instead (the count is in the
database, so every process sees it).
"""

from __future__ import annotations

from dataclasses import dataclass

from conversations.model import Effect, Outcome, Reply, Turn

# Wrong codes one number may send in an hour before it is told to wait.
MAX_CHECK_MISSES = 5


@dataclass(frozen=True)
class RecordCheckMiss(Effect):
    """A code that is not this number's complaint or KSM (counted to slow guessing)."""


def missed(turn: Turn, reply: Reply) -> Outcome:
    """A code (complaint or KSM) that is not this number's: ``reply``, counted as a
    miss; once the number has ``MAX_CHECK_MISSES`` in the hour, told to wait."""
    if turn.directory.complaint_check_misses() >= MAX_CHECK_MISSES:
        return Outcome(replies=[Reply("complaint.check.throttled")])
    return Outcome(replies=[reply], effects=[RecordCheckMiss()])
