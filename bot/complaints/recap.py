"""The monthly complaint recap per area: counts by kind, status, level and overdue."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timezone
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.models import Area, Complaint, Kelurahan, Officer
from bot.models import complaint as c
from bot.models import officer as roles
from bot.officers import labels
from bot.complaints.queue import scope
from conversations.flows.meeting_common import DEFAULT_ZONE


@dataclass
class AreaCounts:
    """One area's row of the recap."""

    area: str
    total: int = 0
    overdue: int = 0
    kinds: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    statuses: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    levels: dict[str, int] = field(default_factory=lambda: defaultdict(int))


def month_bounds(month: str | None) -> tuple[date, datetime, datetime]:
    """The first day of ``month`` (``YYYY-MM``, default this month in WIB) and its
    start and end in UTC."""
    zone = ZoneInfo(DEFAULT_ZONE)
    today = datetime.now(zone).date()
    try:
        year, number = (int(x) for x in (month or "").split("-"))
        first = date(year, number, 1)
    except ValueError:
        first = today.replace(day=1)
    following = date(first.year + (first.month == 12), first.month % 12 + 1, 1)
    start = datetime.combine(first, time.min, tzinfo=zone).astimezone(timezone.utc)
    end = datetime.combine(following, time.min, tzinfo=zone).astimezone(timezone.utc)
    return first, start, end


def recap(
    session: Session, officer: Officer, month: str | None
) -> tuple[date, list[AreaCounts], AreaCounts]:
    """Counts of the complaints received in ``month`` that the officer's queue shows
    (their area, their level and below, the BKM rule), per kelurahan (unknown area as
    its own row), and the totals.

    One row per kelurahan with a filtered count per kind, status and level: the
    database does the counting, Python only adds the rows up.
    """
    first, start, end = month_bounds(month)
    now = datetime.now(timezone.utc)
    columns: list[tuple[str, str, Any]] = [
        *[("kinds", k, Complaint.kind == k) for k in c.KINDS],
        ("kinds", "unknown", Complaint.kind.is_(None)),
        *[("statuses", st, Complaint.status == st) for st in c.STATUSES],
        *[("levels", lv, Complaint.level == lv) for lv in roles.LEVELS],
    ]
    rows = session.execute(
        select(
            Complaint.kelurahan_id,
            func.count(),
            func.count().filter(Complaint.due_at < now),
            *[func.count().filter(cond) for _, _, cond in columns],
        )
        .where(scope(officer), Complaint.created_at >= start, Complaint.created_at < end)
        .group_by(Complaint.kelurahan_id)
    ).all()
    ids = [row[0] for row in rows if row[0]]
    names = (
        {
            k.id: f"{k.name}, {k.kota}"
            for k in session.execute(
                select(Kelurahan.id, Kelurahan.name, Area.name.label("kota"))
                .outerjoin(Area, Area.id == Kelurahan.kota_area_id)
                .where(Kelurahan.id.in_(ids))
            )
        }
        if ids
        else {}
    )
    areas: list[AreaCounts] = []
    total = AreaCounts("Total")
    for kel_id, count, late, *counts in rows:
        area = AreaCounts(names.get(kel_id, "Wilayah belum diketahui"))
        areas.append(area)
        for target in (area, total):
            target.total += count
            target.overdue += late
            for (group, key, _), n in zip(columns, counts):
                if n:
                    getattr(target, group)[key] += n
    return first, sorted(areas, key=lambda a: a.area), total


CSV_KINDS = (*c.KINDS, "unknown")


def csv_rows(areas: list[AreaCounts], total: AreaCounts) -> list[list[Any]]:
    """The recap as spreadsheet rows, the header first, in Indonesian."""
    header = [
        "Wilayah",
        "Total",
        "Lewat tenggat",
        *[f"Jenis: {labels.COMPLAINT_KIND.get(k, labels.NO_KIND)}" for k in CSV_KINDS],
        *[f"Status: {labels.say(labels.COMPLAINT_STATUS, s)}" for s in c.STATUSES],
        *[f"Tingkat: {labels.say(labels.LEVEL, lv)}" for lv in roles.LEVELS],
    ]
    out: list[list[Any]] = [header]
    for a in [*areas, total]:
        out.append(
            [
                a.area,
                a.total,
                a.overdue,
                *[a.kinds.get(k, 0) for k in CSV_KINDS],
                *[a.statuses.get(s, 0) for s in c.STATUSES],
                *[a.levels.get(lv, 0) for lv in roles.LEVELS],
            ]
        )
    return out
