"""Public figures per kelurahan and kota: complaints received, resolved and resolved
within their deadline (by kind), KSMs by status, proposals funded in the priority
announcements. Shown without login (``bot.web.public``) and by SMS (``INFO <kelurahan>``).

Privacy rules, in one place:

- No complaint text, no names of residents, no numbers: only counts, and for funded
  proposals the title, amount and KSM name the priority announcement already made public.
- A count of 1 or 2 shows as ``<3``. A count of 0 shows as ``0`` (it singles nobody out).
- Every figure shown is the sum of such masked *parts*, never a sum of exact counts: a
  kelurahan's total adds up its kinds as shown (``<3`` counts as 1 to 2), and a kota's
  figure adds up its kelurahan as shown (and the complaints not placed in a kelurahan
  yet, as one more part). When a part is ``<3`` the sum is a range (``5-7``), or ``<3``
  when the range stays under 3. So "total minus the other parts" gives back only what
  the parts already say: nothing shown, on any page or by SMS, narrows a ``<3``.
- Simulated data never counts: complaints of simulated contacts
  (``complaint_queue.not_simulated``), KSMs whose leader is a simulated contact.

Complaints are counted by month in WIB (as the officers' recap): received = filed in
the month; resolved = closed as resolved in the month; within deadline = resolved no
later than the deadline in force at that moment (to verify, to follow up, or the
escalated level's), as the audit trail recorded it just before the resolution. KSM
counts are the current status of the KSMs registered in the month: each month its own,
so no two months' figures subtract to a count the masking hides (a test differences
every pair of figures where one covers the other).

A kota's page also breaks the month down per kelurahan (complaints received, resolved,
within deadline; KSMs verified; proposals funded): each row is the kelurahan's own
figures as its page shows them, built from the same masked parts, with one more row for
the complaints not placed yet; the rows' total is the kota's figures.

Figures are cached per area and month for ``figure_cache.TTL_SECONDS`` (Redis when the app has it,
else this process) as the masked figures themselves: the cache holds nothing the page
does not show.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timezone
from typing import Any, Callable, Iterable

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session

from bot.models import (
    Announcement,
    AnnouncementItem,
    Complaint,
    ComplaintEvent,
    Contact,
    Kelurahan,
    Ksm,
    Proposal,
)
from bot.models import announcement as an
from bot.models import complaint as c
from bot.models import ksm as k
from bot.areas import local_time
from bot.areas.imports import normalise_code
from bot.complaints.queue import not_simulated
from bot.complaints.recap import month_bounds
from bot.areas.figure_cache import FigureCache
from bot.ksm.area import real_ksm
from bot.areas.public_areas import (
    Kota,
    kelurahan_by_code,
    kota_by_code,
    kota_code,
    kota_list,
    search_kelurahan,
)

MASK = "<3"
UNKNOWN_KIND = "unknown"
KINDS = (*c.KINDS, UNKNOWN_KIND)
MEASURES = ("received", "resolved", "on_time")
KSM_STATUSES = k.KSM_STATUSES


@dataclass(frozen=True)
class Figure:
    """A count as the public may see it: exact (``low == high``) or a range."""

    low: int
    high: int

    @classmethod
    def part(cls, count: int) -> Figure:
        """One masked part: exact when 0 or 3 and more, else "1 or 2"."""
        return cls(count, count) if count == 0 or count >= 3 else cls(1, 2)

    def __add__(self, other: Figure) -> Figure:
        return Figure(self.low + other.low, self.high + other.high)

    def text(self) -> str:
        """``0``, ``<3``, ``7`` or ``5-7``."""
        if 0 < self.high < 3:
            return MASK
        if self.low == self.high:
            return str(self.low)
        return f"{self.low}-{self.high}"


def total(figures: Iterable[Figure]) -> Figure:
    out = Figure(0, 0)
    for figure in figures:
        out = out + figure
    return out


# --- Counting ----------------------------------------------------------------------


def _kind_key(kind: str | None) -> str:
    return kind if kind in c.KINDS else UNKNOWN_KIND


def _on_time(session: Session, resolved: list[tuple[int, datetime]]) -> set[int]:
    """Which of these resolved complaints (id, closed_at) were resolved by the deadline
    they had then: the ``before`` of the audit entry that resolved them."""
    if not resolved:
        return set()
    closed = dict(resolved)
    on_time: set[int] = set()
    ids = list(closed)
    for start in range(0, len(ids), 500):
        rows = session.execute(
            select(ComplaintEvent.complaint_id, ComplaintEvent.before, ComplaintEvent.after)
            .where(ComplaintEvent.complaint_id.in_(ids[start:start + 500]),
                   ComplaintEvent.action == "status")
        ).all()
        for complaint_id, before, after in rows:
            if (after or {}).get("status") != c.RESOLVED:
                continue
            due = (before or {}).get("due_at")
            if not due:
                continue
            try:
                due_at = datetime.fromisoformat(due)
            except ValueError:
                continue
            if due_at.tzinfo is None:
                due_at = due_at.replace(tzinfo=timezone.utc)
            closed_at = closed[complaint_id]
            if closed_at.tzinfo is None:
                closed_at = closed_at.replace(tzinfo=timezone.utc)
            if closed_at <= due_at:
                on_time.add(complaint_id)
    return on_time


Counts = dict[tuple[int | None, str, str], int]  # (kelurahan id, kind, measure) -> n


def complaint_counts(session: Session, where: Any, start: datetime, end: datetime) -> Counts:
    """Real complaints under ``where`` per kelurahan (None: not placed yet), kind and
    measure, for the month ``start``-``end``."""
    counts: Counts = defaultdict(int)
    for kel_id, kind, n in session.execute(
        select(Complaint.kelurahan_id, Complaint.kind, func.count())
        .where(where, not_simulated(), Complaint.created_at >= start, Complaint.created_at < end)
        .group_by(Complaint.kelurahan_id, Complaint.kind)
    ):
        counts[(kel_id, _kind_key(kind), "received")] += n
    resolved = session.execute(
        select(Complaint.id, Complaint.kelurahan_id, Complaint.kind, Complaint.closed_at)
        .where(where, not_simulated(), Complaint.status == c.RESOLVED,
               Complaint.closed_at >= start, Complaint.closed_at < end)
    ).all()
    on_time = _on_time(session, [(r[0], r[3]) for r in resolved])
    for complaint_id, kel_id, kind, _closed in resolved:
        counts[(kel_id, _kind_key(kind), "resolved")] += 1
        if complaint_id in on_time:
            counts[(kel_id, _kind_key(kind), "on_time")] += 1
    return counts


def ksm_not_simulated() -> Any:
    """The KSM was not registered from the simulator (the one rule: ``ksm_area.real_ksm``)."""
    return real_ksm()


def ksm_counts(session: Session, kelurahan_ids: list[int], start: datetime,
               end: datetime) -> dict[tuple[int, str], int]:
    """Real KSMs of these kelurahan registered in ``start``-``end``, by kelurahan and
    their status now. Each month counts its own registrations: counts up to the month's
    end would give, month after month, the exact number registered in between (4 in
    November and 5 in December: 1), which the masking exists to hide."""
    if not kelurahan_ids:
        return {}
    return {
        (kel_id, status): n
        for kel_id, status, n in session.execute(
            select(Ksm.kelurahan_id, Ksm.status, func.count())
            .where(Ksm.kelurahan_id.in_(kelurahan_ids), ksm_not_simulated(),
                   Ksm.created_at >= start, Ksm.created_at < end)
            .group_by(Ksm.kelurahan_id, Ksm.status)
        )
    }


def funded(session: Session, kelurahan_ids: list[int], start: datetime, end: datetime) -> list[dict[str, Any]]:
    """Proposals chosen in priority announcements published in the month."""
    return [item for _kel_id, item in _funded_by_kelurahan(session, kelurahan_ids, start, end)]


def _funded_by_kelurahan(session: Session, kelurahan_ids: list[int], start: datetime,
                         end: datetime) -> list[tuple[int, dict[str, Any]]]:
    """:func:`funded`'s items, each with the id of its kelurahan."""
    if not kelurahan_ids:
        return []
    rows = session.execute(
        select(Proposal.title, Proposal.amount, Ksm.name, Kelurahan.name, AnnouncementItem.rank,
               Kelurahan.id)
        .join(Announcement, Announcement.id == AnnouncementItem.announcement_id)
        .join(Proposal, Proposal.id == AnnouncementItem.proposal_id)
        .join(Ksm, Ksm.id == Proposal.ksm_id)
        .join(Kelurahan, Kelurahan.id == Announcement.kelurahan_id)
        .where(
            AnnouncementItem.chosen.is_(True),
            Announcement.status == an.PUBLISHED,
            Announcement.kelurahan_id.in_(kelurahan_ids),
            Announcement.published_at >= start,
            Announcement.published_at < end,
            ksm_not_simulated(),
        )
        .order_by(Kelurahan.name, Announcement.id, AnnouncementItem.rank)
    ).all()
    return [(r[5], {"title": r[0], "amount": int(r[1]), "ksm": r[2], "kelurahan": r[3]}) for r in rows]


# --- Figures -----------------------------------------------------------------------


def _complaint_table(parts: Callable[[str, str], list[int]]) -> dict[str, Any]:
    """Rows per kind and the total row, each figure the sum of masked parts."""
    rows = []
    sums: dict[str, Figure] = {m: Figure(0, 0) for m in MEASURES}
    for kind in KINDS:
        row: dict[str, Any] = {"kind": kind}
        for measure in MEASURES:
            figure = total(Figure.part(n) for n in parts(kind, measure))
            row[measure] = figure.text()
            sums[measure] = sums[measure] + figure
        rows.append(row)
    return {"rows": rows, "total": {m: sums[m].text() for m in MEASURES}}


def _ksm_table(parts: Callable[[str], list[int]]) -> dict[str, Any]:
    rows = []
    sum_ = Figure(0, 0)
    for status in KSM_STATUSES:
        figure = total(Figure.part(n) for n in parts(status))
        rows.append({"status": status, "count": figure.text()})
        sum_ = sum_ + figure
    return {"rows": rows, "total": sum_.text()}


def _funded_summary(items: list[dict[str, Any]]) -> dict[str, Any]:
    return {"items": items, "count": len(items), "amount": sum(i["amount"] for i in items)}


def _breakdown(members: list[Any], counts: Counts, ksms: dict[tuple[int, str], int],
               funded_ids: list[int]) -> dict[str, Any]:
    """One row per kelurahan of a kota (and one for the complaints not placed yet): its
    complaints as its own page totals them (the sum of its masked kinds), its verified
    KSMs as one masked part, its funded proposals (public already, so exact). The total
    row adds up the same parts, so it is the kota's own figures."""

    def complaints(kel_id: int | None) -> dict[str, Figure]:
        return {m: total(Figure.part(counts.get((kel_id, kind, m), 0)) for kind in KINDS)
                for m in MEASURES}

    rows = []
    sums: dict[str, Figure] = {m: Figure(0, 0) for m in (*MEASURES, "ksm_verified")}
    for kel_id, code, name in members:
        figures = complaints(kel_id)
        figures["ksm_verified"] = Figure.part(ksms.get((kel_id, k.VERIFIED), 0))
        for key, figure in figures.items():
            sums[key] = sums[key] + figure
        rows.append({"code": code, "name": name, "funded": funded_ids.count(kel_id),
                     **{key: figure.text() for key, figure in figures.items()}})
    unplaced = complaints(None)
    for m in MEASURES:
        sums[m] = sums[m] + unplaced[m]
    return {
        "rows": rows,
        "unplaced": ({m: unplaced[m].text() for m in MEASURES}
                     if any(f.high for f in unplaced.values()) else None),
        "total": {"funded": len(funded_ids), **{key: f.text() for key, f in sums.items()}},
    }


def kelurahan_figures(session: Session, kelurahan: Kelurahan, month: str | None = None) -> dict[str, Any]:
    """The public figures of one kelurahan for ``month`` (``YYYY-MM``, default now)."""
    first, start, end = month_bounds(month)
    counts = complaint_counts(session, Complaint.kelurahan_id == kelurahan.id, start, end)
    ksms = ksm_counts(session, [kelurahan.id], start, end)
    return {
        "area": {
            "level": "kelurahan",
            "code": kelurahan.code,
            "name": kelurahan.name,
            "kecamatan": kelurahan.kecamatan,
            "kota": kelurahan.kota,
            "kota_code": kelurahan.kota_code,
            "provinsi": kelurahan.provinsi,
        },
        "month": first.isoformat()[:7],
        "complaints": _complaint_table(lambda kind, m: [counts.get((kelurahan.id, kind, m), 0)]),
        "ksm": _ksm_table(lambda status: [ksms.get((kelurahan.id, status), 0)]),
        "funded": _funded_summary(funded(session, [kelurahan.id], start, end)),
        **_computed(kelurahan.time_zone),
    }


def kota_figures(session: Session, kota: Kota, month: str | None = None) -> dict[str, Any]:
    """The public figures of a kota: each one the sum of its kelurahan's masked figures
    (and of the complaints not placed in a kelurahan yet, as one more part)."""
    first, start, end = month_bounds(month)
    members = session.execute(
        select(Kelurahan.id, Kelurahan.code, Kelurahan.name)
        .where(Kelurahan.kota_area_id == kota.area_id)
        .order_by(Kelurahan.name)
    ).all()
    ids = [m[0] for m in members]
    counts = complaint_counts(
        session,
        and_(Complaint.kota_area_id == kota.area_id,
             or_(Complaint.kelurahan_id.is_(None), Complaint.kelurahan_id.in_(ids or [0]))),
        start, end,
    )
    part_ids: list[int | None] = [*ids, None]
    ksms = ksm_counts(session, ids, start, end)
    funded_rows = _funded_by_kelurahan(session, ids, start, end)
    return {
        "area": {"level": "kota", "code": kota.code, "name": kota.name, "provinsi": kota.provinsi},
        "month": first.isoformat()[:7],
        "complaints": _complaint_table(
            lambda kind, m: [counts.get((i, kind, m), 0) for i in part_ids]),
        "ksm": _ksm_table(lambda status: [ksms.get((i, status), 0) for i in ids]),
        "funded": _funded_summary([item for _kel_id, item in funded_rows]),
        "breakdown": _breakdown(members, counts, ksms, [kel_id for kel_id, _item in funded_rows]),
        **_computed(session.scalar(select(Kelurahan.time_zone)
                                   .where(Kelurahan.kota_area_id == kota.area_id).limit(1))),
    }


def _computed(time_zone: str | None) -> dict[str, str]:
    """When the figures were computed: to the microsecond (it names them: the rendered
    page's cache key), and as a reader of the area reads the time (``07/12/2026 14.05
    WITA``)."""
    now = datetime.now(timezone.utc)
    return {"computed_at": now.isoformat(), "computed_local": local_time.short(now, time_zone)}


def month_key(month: str | None) -> str:
    """``YYYY-MM`` of the month shown (bad input: this month)."""
    first, _, _ = month_bounds(month)
    return first.isoformat()[:7]


def recent_months(count: int = 12) -> list[str]:
    """This month and the ones before it, newest first."""
    first, _, _ = month_bounds(None)
    out = []
    year, number = first.year, first.month
    for _ in range(count):
        out.append(f"{year:04d}-{number:02d}")
        year, number = (year - 1, 12) if number == 1 else (year, number - 1)
    return out


def is_known_month(month: str) -> bool:
    """Only months up to this one have figures (a future month would be empty)."""
    try:
        year, number = (int(x) for x in month.split("-"))
        return date(2000, 1, 1) <= date(year, number, 1) <= month_bounds(None)[0]
    except ValueError:
        return False


# --- Pages (cached) -----------------------------------------------------------


MISSING = {"missing": True}


def kelurahan_page(cache: FigureCache, session: Callable[[], Session], raw_code: str,
                   month: str | None = None) -> dict[str, Any] | None:
    """The figures of the kelurahan with this code, or None when there is none.

    On a cache hit nothing touches the database: ``session`` is only called on a miss
    (an unknown code is remembered as missing for the TTL too).
    """
    code = normalise_code(raw_code or "")
    if code is None or code.count(".") != 3:
        return None
    return _area_page(cache, session, f"kel:{code}:{month_key(month)}",
                      lambda db: kelurahan_by_code(db, code),
                      lambda db, kelurahan: kelurahan_figures(db, kelurahan, month))


def kota_page(cache: FigureCache, session: Callable[[], Session], raw_code: str,
              month: str | None = None) -> dict[str, Any] | None:
    """The figures of the kota with this code, or None when there is none."""
    code = kota_code(raw_code)
    if code is None:
        return None
    return _area_page(cache, session, f"kota:{code}:{month_key(month)}",
                      lambda db: kota_by_code(db, code),
                      lambda db, kota: kota_figures(db, kota, month))


def _area_page(cache: FigureCache, session: Callable[[], Session], key: str,
               find: Callable[[Session], Any], figures_of: Callable[[Session, Any], dict[str, Any]],
               ) -> dict[str, Any] | None:
    """The cached figures of the area ``find`` looks up, or None when there is none."""

    def compute() -> dict[str, Any]:
        db = session()
        area = find(db)
        return figures_of(db, area) if area is not None else MISSING

    value = cache.fetch(key, compute)
    return None if value.get("missing") else value


def index_page(cache: FigureCache, session: Callable[[], Session]) -> list[dict[str, str]]:
    """The kota list of the index page (cached like the figures)."""
    return cache.fetch("index", lambda: kota_list(session()))


def search_page(cache: FigureCache, session: Callable[[], Session], typed: str) -> list[dict[str, str]]:
    """Kelurahan found by name for the index page's search (cached like the figures)."""
    typed = " ".join((typed or "").split())[:60].lower()
    return cache.fetch(f"search:{typed}", lambda: search_kelurahan(session(), typed))
