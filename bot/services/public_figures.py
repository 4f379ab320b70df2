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
counts are the current status of the KSMs registered by the month's end.

Figures are cached per area and month for ``TTL_SECONDS`` (Redis when the app has it,
else this process) as the masked figures themselves: the cache holds nothing the page
does not show.
"""

from __future__ import annotations

import difflib
import json
import logging
import threading
import time
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
from bot.services.area_import import normalise_code
from bot.services.complaint_queue import not_simulated
from bot.services.complaint_recap import month_bounds

log = logging.getLogger(__name__)

MASK = "<3"
TTL_SECONDS = 60
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


# --- Areas -------------------------------------------------------------------------


@dataclass(frozen=True)
class Kota:
    code: str
    name: str
    provinsi: str


def kelurahan_by_code(session: Session, raw: str) -> Kelurahan | None:
    """The kelurahan with this Kemendagri code (dotted or digits only), else None."""
    code = normalise_code(raw or "")
    if code is None or code.count(".") != 3:
        return None
    return session.scalar(select(Kelurahan).where(Kelurahan.code == code))


def kota_by_code(session: Session, raw: str) -> Kota | None:
    """The kota with this code (``32.73`` or ``3273``), named as its kelurahan name it."""
    text = kota_code(raw)
    if text is None:
        return None
    row = session.execute(
        select(Kelurahan.kota, Kelurahan.provinsi, func.count())
        .where(Kelurahan.code.like(f"{text}.%"))
        .group_by(Kelurahan.kota, Kelurahan.provinsi)
        .order_by(func.count().desc())
        .limit(1)
    ).first()
    return Kota(text, row[0], row[1]) if row else None


def kota_list(session: Session) -> list[dict[str, str]]:
    """Every kota that has coded kelurahan: code, name, provinsi (by provinsi, name)."""
    code = func.substr(Kelurahan.code, 1, 5)
    rows = session.execute(
        select(code, Kelurahan.kota, Kelurahan.provinsi)
        .where(Kelurahan.code.is_not(None))
        .group_by(code, Kelurahan.kota, Kelurahan.provinsi)
    ).all()
    seen: dict[str, dict[str, str]] = {}
    for kota_code, name, provinsi in rows:
        seen.setdefault(kota_code, {"code": kota_code, "name": name, "provinsi": provinsi})
    return sorted(seen.values(), key=lambda x: (x["provinsi"], x["name"]))


SEARCH_LIMIT = 50


def search_kelurahan(session: Session, typed: str) -> list[dict[str, str]]:
    """Coded kelurahan whose name starts with ``typed`` (case-insensitive), at most 50."""
    typed = " ".join((typed or "").split())[:60]
    if not typed:
        return []
    pattern = typed.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
    rows = session.execute(
        select(Kelurahan.code, Kelurahan.name, Kelurahan.kota, Kelurahan.provinsi)
        .where(Kelurahan.code.is_not(None), func.lower(Kelurahan.name).like(pattern, escape="\\"))
        .order_by(Kelurahan.name, Kelurahan.kota)
        .limit(SEARCH_LIMIT)
    ).all()
    return [{"code": r[0], "name": r[1], "kota": r[2], "provinsi": r[3]} for r in rows]


def find_kelurahan(session: Session, typed: str) -> list[Kelurahan]:
    """The kelurahan a resident meant by ``typed``: a code, a name, or a name followed by
    words of its kota (``Sukajadi Bandung``). Several when the name is ambiguous; none
    when nothing matches."""
    typed = " ".join((typed or "").replace(",", " ").split())[:120]
    if not typed:
        return []
    by_code = kelurahan_by_code(session, typed.replace(" ", ""))
    if by_code is not None:
        return [by_code]
    words = typed.split(" ")
    for cut in range(len(words), 0, -1):
        name, kota_words = " ".join(words[:cut]).lower(), words[cut:]
        query = select(Kelurahan).where(func.lower(Kelurahan.name) == name)
        for word in kota_words:
            query = query.where(func.lower(Kelurahan.kota).contains(word.lower(), autoescape=True))
        found = list(session.scalars(query.order_by(Kelurahan.code, Kelurahan.id).limit(20)))
        if found:
            return found
    return []


def nearest_names(session: Session, typed: str, limit: int = 2) -> list[str]:
    """Kelurahan names close to a mistyped one (compared among names with the same
    first two letters, so the whole country's list is never loaded)."""
    typed = " ".join((typed or "").split()).lower()[:60]
    if len(typed) < 3:
        return []
    names = list(session.scalars(
        select(Kelurahan.name).where(func.lower(Kelurahan.name).like(typed[:2] + "%"))
        .distinct().limit(2000)))
    by_lower = {n.lower(): n for n in names}
    return [by_lower[x] for x in difflib.get_close_matches(typed, list(by_lower), n=limit,
                                                           cutoff=0.75)]


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
    """The KSM was not registered by a simulated contact."""
    return Ksm.leader_contact_id.not_in(select(Contact.id).where(Contact.simulated.is_(True)))


def ksm_counts(session: Session, kelurahan_ids: list[int], end: datetime) -> dict[tuple[int, str], int]:
    """Real KSMs of these kelurahan registered before ``end``, by kelurahan and status."""
    if not kelurahan_ids:
        return {}
    return {
        (kel_id, status): n
        for kel_id, status, n in session.execute(
            select(Ksm.kelurahan_id, Ksm.status, func.count())
            .where(Ksm.kelurahan_id.in_(kelurahan_ids), ksm_not_simulated(), Ksm.created_at < end)
            .group_by(Ksm.kelurahan_id, Ksm.status)
        )
    }


def funded(session: Session, kelurahan_ids: list[int], start: datetime, end: datetime) -> list[dict[str, Any]]:
    """Proposals chosen in priority announcements published in the month."""
    if not kelurahan_ids:
        return []
    rows = session.execute(
        select(Proposal.title, Proposal.amount, Ksm.name, Kelurahan.name, AnnouncementItem.rank)
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
    return [{"title": r[0], "amount": int(r[1]), "ksm": r[2], "kelurahan": r[3]} for r in rows]


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


def kelurahan_figures(session: Session, kelurahan: Kelurahan, month: str | None = None) -> dict[str, Any]:
    """The public figures of one kelurahan for ``month`` (``YYYY-MM``, default now)."""
    first, start, end = month_bounds(month)
    counts = complaint_counts(session, Complaint.kelurahan_id == kelurahan.id, start, end)
    ksms = ksm_counts(session, [kelurahan.id], end)
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
        "computed_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
    }


def kota_figures(session: Session, kota: Kota, month: str | None = None) -> dict[str, Any]:
    """The public figures of a kota: each one the sum of its kelurahan's masked figures
    (and of the complaints not placed in a kelurahan yet, as one more part)."""
    first, start, end = month_bounds(month)
    members = session.execute(
        select(Kelurahan.id, Kelurahan.code, Kelurahan.name)
        .where(Kelurahan.kota == kota.name, Kelurahan.provinsi == kota.provinsi)
        .order_by(Kelurahan.name)
    ).all()
    ids = [m[0] for m in members]
    counts = complaint_counts(
        session,
        and_(Complaint.kota == kota.name, Complaint.provinsi == kota.provinsi,
             or_(Complaint.kelurahan_id.is_(None), Complaint.kelurahan_id.in_(ids or [0]))),
        start, end,
    )
    part_ids: list[int | None] = [*ids, None]
    ksms = ksm_counts(session, ids, end)
    return {
        "area": {"level": "kota", "code": kota.code, "name": kota.name, "provinsi": kota.provinsi},
        "month": first.isoformat()[:7],
        "complaints": _complaint_table(
            lambda kind, m: [counts.get((i, kind, m), 0) for i in part_ids]),
        "ksm": _ksm_table(lambda status: [ksms.get((i, status), 0) for i in ids]),
        "funded": _funded_summary(funded(session, ids, start, end)),
        "kelurahan": [{"code": m[1], "name": m[2]} for m in members if m[1]],
        "computed_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
    }


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


# --- Cache -------------------------------------------------------------------------

_PREFIX = "ksm-bot:public:v2:"
# After Redis fails, this process keeps to its own memory for this long (a breaker), so
# a page never waits a Redis timeout per request.
REDIS_PAUSE = 15.0
MEMORY_ENTRIES = 4096


class FigureCache:
    """Figures by key for ``ttl`` seconds: in this process, and in Redis when given so
    that every web process (and machine) computes each area once per TTL.

    A value read from Redis is kept in memory until the moment it expires in Redis (the
    expiry travels with it), so a figure is never older than ``ttl`` and a hot page costs
    no round trip at all.
    """

    def __init__(self, redis: Any = None, ttl: int = TTL_SECONDS) -> None:
        self.redis = redis
        self.ttl = ttl
        self._lock = threading.Lock()
        self._memory: dict[str, tuple[float, Any]] = {}  # key -> (expires, wall clock; value)
        self._redis_down_until = 0.0

    def _use_redis(self) -> bool:
        return self.redis is not None and time.monotonic() >= self._redis_down_until

    def _redis_failed(self, exc: Exception) -> None:
        log.warning("public figures cache: Redis failed (%s); using memory", type(exc).__name__)
        self._redis_down_until = time.monotonic() + REDIS_PAUSE

    def _remember(self, key: str, expires: float, value: Any) -> None:
        with self._lock:
            if len(self._memory) >= MEMORY_ENTRIES:
                self._memory.clear()
            self._memory[key] = (expires, value)

    def get(self, key: str) -> Any | None:
        now = time.time()
        with self._lock:
            entry = self._memory.get(key)
        if entry is not None and entry[0] > now:
            return entry[1]
        if self._use_redis():
            try:
                raw = self.redis.get(_PREFIX + key)
            except Exception as exc:  # noqa: BLE001 - any Redis trouble: compute instead
                self._redis_failed(exc)
                return None
            if raw is not None:
                stored = json.loads(raw)
                if stored["expires"] > now:
                    self._remember(key, stored["expires"], stored["value"])
                    return stored["value"]
        return None

    def set(self, key: str, value: Any) -> None:
        expires = time.time() + self.ttl
        self._remember(key, expires, value)
        if self._use_redis():
            try:
                self.redis.set(_PREFIX + key, json.dumps({"expires": expires, "value": value}),
                               ex=self.ttl)
            except Exception as exc:  # noqa: BLE001
                self._redis_failed(exc)

    def fetch(self, key: str, compute: Callable[[], Any]) -> Any:
        """The cached value of ``key``, computed and stored on a miss."""
        value = self.get(key)
        if value is None:
            value = compute()
            self.set(key, value)
        return value


def cache_for(runtime: Any) -> FigureCache:
    """The runtime's figure cache (one per process, on its Redis if it has one)."""
    cache = runtime.extras.get("public_figures_cache")
    if cache is None:
        cache = runtime.extras.setdefault("public_figures_cache", FigureCache(runtime.redis))
    return cache


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
    key = f"kel:{code}:{month_key(month)}"

    def compute() -> dict[str, Any]:
        db = session()
        kelurahan = kelurahan_by_code(db, code)
        return kelurahan_figures(db, kelurahan, month) if kelurahan is not None else MISSING

    value = cache.fetch(key, compute)
    return None if value.get("missing") else value


def kota_code(raw: str) -> str | None:
    """``32.73`` from ``32.73`` or ``3273``; None when not a kota code."""
    text = (raw or "").strip()
    if text.isdigit() and len(text) == 4:
        text = f"{text[:2]}.{text[2:]}"
    if len(text) == 5 and text[:2].isdigit() and text[2] == "." and text[3:].isdigit():
        return text
    return None


def kota_page(cache: FigureCache, session: Callable[[], Session], raw_code: str,
              month: str | None = None) -> dict[str, Any] | None:
    """The figures of the kota with this code, or None when there is none."""
    code = kota_code(raw_code)
    if code is None:
        return None
    key = f"kota:{code}:{month_key(month)}"

    def compute() -> dict[str, Any]:
        db = session()
        kota = kota_by_code(db, code)
        return kota_figures(db, kota, month) if kota is not None else MISSING

    value = cache.fetch(key, compute)
    return None if value.get("missing") else value


def index_page(cache: FigureCache, session: Callable[[], Session]) -> list[dict[str, str]]:
    """The kota list of the index page (cached like the figures)."""
    return cache.fetch("index", lambda: kota_list(session()))


def search_page(cache: FigureCache, session: Callable[[], Session], typed: str) -> list[dict[str, str]]:
    """Kelurahan found by name for the index page's search (cached like the figures)."""
    typed = " ".join((typed or "").split())[:60].lower()
    return cache.fetch(f"search:{typed}", lambda: search_kelurahan(session(), typed))
