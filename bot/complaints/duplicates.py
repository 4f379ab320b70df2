"""Possible duplicates of a complaint: open complaints of the same kelurahan and kind
that tell the same incident, shown to the officer on both complaints' pages with why.

SMS complaints carry no map pin, so the text is all there is. Two texts are compared by
what tells incidents apart (RT, RW, road, person, KSM, object, amount, month, state) and
then by their words, both read through the residents' lexicon
(:mod:`bot.complaints.incident_match`). It is computed when a page is viewed, over a
bounded set (same kelurahan, open, filed within ``WINDOW_DAYS`` of each other, at most
``MAX_CANDIDATES``), and always inside the officer's scope: nothing the officer may not
see is suggested. The threshold is measured on bench/data/duplicates-tune.csv,
duplicates-tune2.csv, duplicates-tune3.csv and tests/data/duplicate_pairs.csv, and checked
once per round on the held-out sets (bench/duplicates.py, bench/RESULTS-duplicates.md).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import or_
from sqlalchemy.orm import Session

from bot.models import Complaint, Officer
from bot.models import complaint as c
from bot.complaints import queue
from bot.complaints.incident_match import compare, normalise

__all__ = ["THRESHOLD", "Suggestion", "candidates", "normalise", "similarity", "suggestions"]

THRESHOLD = 55.0
WINDOW_DAYS = 60
MAX_CANDIDATES = 300
MAX_SHOWN = 5
OPEN = (c.NEW, c.VERIFIED, c.IN_FOLLOW_UP)


def similarity(text_a: str, text_b: str) -> float:
    """0-100: how much the two complaint texts tell the same incident (symmetric)."""
    return compare(text_a, text_b).score


@dataclass(frozen=True)
class Suggestion:
    """A possible duplicate as the officer sees it."""

    complaint: Complaint
    score: int
    reasons: tuple[str, ...] = ()


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
    """The likely duplicates of ``complaint`` among :func:`candidates`, best first, each
    with why (the facts both name alike: "RT 2 sama", "orang sama: Pak Amir")."""
    if not normalise(complaint.text or ""):
        return []
    found = []
    for other in candidates(session, officer, complaint):
        verdict = compare(complaint.text or "", other.text or "")
        if verdict.score >= threshold:
            found.append(Suggestion(other, round(verdict.score), verdict.reasons))
    found.sort(key=lambda s: (-s.score, -s.complaint.id))
    return found[:MAX_SHOWN]
