"""The officers' complaint queue: who sees what, filters, keyset pages, and how a
complaint is shown (the complainant hidden when anonymous, except to admin, and the
NIK and phone numbers written in its text masked for those who may not see them).

HTML, JSON API and CSV all go through :func:`scoped` and :func:`as_dict`, so the
scoping and the privacy rule live in one place.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any, Mapping

from sqlalchemy import Select, and_, false, func, or_, select, true
from sqlalchemy.orm import Session

from bot.models import Area, Complaint, Contact, Kelurahan, Officer
from bot.models import complaint as c
from bot.models import officer as roles
from bot.phone import display
from bot.areas import scope as areas
from bot.areas.scope import (
    COMPLAINT_VIEW_ROLES,
    complaint_area,
    hide_from_bkm,
    levels_overseen,
    not_simulated,
    sees_unplaced,
)
from bot.privacy import pii_mask
from bot.complaints.notices import time_zone_of
from bot.areas.working_days import last_day

PAGE_SIZE = 50
VIEW_ROLES = COMPLAINT_VIEW_ROLES
ACT_ROLES = (roles.ADMIN, roles.PPM, roles.BKM)
ANONYMOUS_LABEL = "Anonim (identitas dirahasiakan)"


def scope(officer: Officer, simulated: bool = False) -> Any:
    """The condition for the complaints ``officer`` may see: in their area, at their
    level or below (a kota officer oversees its kelurahan), and
    the complaints without an area for those who place them.

    Admin sees everything. A BKM officer never sees a complaint that names a BKM member.
    Complaints filed from the simulator count nowhere (queues, home page, recaps,
    escalation) unless ``simulated`` asks for them. The rule is
    ``bot.areas.scope``'s, the same the complaint pages load by.
    """
    return areas.in_area_filter(officer, Complaint, simulated)


@dataclass(frozen=True)
class Filters:
    """The queue's filters, parsed from a query string (bad values are ignored)."""

    status: str | None = None
    kind: str | None = None
    level: str | None = None
    kelurahan_id: int | None = None
    overdue: bool = False
    mine: bool = False
    unplaced: bool = False  # only the complaints that need an area
    # Keyset cursor: "o<id>" (among the overdue, those with a smaller id) or "n<id>"
    # (among the others): the queue lists the overdue first (:func:`page`).
    before: str | None = None
    simulated: bool = False  # include complaints filed from the dashboard's simulator
    q: str | None = None  # a complaint code (or its start), else words in the text

    @classmethod
    def parse(cls, args: Mapping[str, str], default_status: str | None = "open") -> Filters:
        """The filters of a query string. With no ``status`` the officers' queue opens on
        the open complaints (``default_status``; the API's default is every status);
        ``status=all`` asks for every status."""
        def number(name: str) -> int | None:
            raw = (args.get(name) or "").strip()
            return int(raw) if raw.isdigit() else None

        status = args.get("status") or default_status
        status = None if status == "all" else status
        kind = args.get("kind") or None
        level = args.get("level") or None
        return cls(
            status=status if status in c.STATUSES or status == "open" else None,
            before=_cursor(args.get("before") or ""),
            kind=kind if kind in c.KINDS else None,
            level=level if level in roles.LEVELS else None,
            kelurahan_id=number("kelurahan"),
            overdue=(args.get("overdue") or "") in ("1", "true", "on"),
            mine=(args.get("mine") or "") in ("1", "true", "on"),
            unplaced=(args.get("area") or "") == "none",
            simulated=(args.get("simulated") or "") in ("1", "true", "on"),
            q=" ".join((args.get("q") or "").split())[:MAX_SEARCH] or None,
        )

    def query_args(self, **changes: Any) -> dict[str, Any]:
        """These filters as query-string arguments (for links to the next page)."""
        values = {
            "status": None if self.status == "open" else self.status or "all",
            "kind": self.kind,
            "level": self.level,
            "kelurahan": self.kelurahan_id,
            "overdue": "1" if self.overdue else None,
            "mine": "1" if self.mine else None,
            "area": "none" if self.unplaced else None,
            "before": self.before,
            "simulated": "1" if self.simulated else None,
            "q": self.q,
        }
        values.update(changes)
        return {k: v for k, v in values.items() if v not in (None, "")}


def _cursor(raw: str) -> str | None:
    """A page cursor as :func:`page` writes it (``o123``, ``n123``); bare digits, as older
    links wrote them, are among the others; anything else is the first page."""
    raw = raw.strip()
    if raw.isdigit():
        return "n" + raw
    return raw if raw[:1] in ("o", "n") and raw[1:].isdigit() else None


def scoped(officer: Officer, simulated: bool = False) -> Select[Any]:
    return select(Complaint).where(scope(officer, simulated))


def filtered(officer: Officer, filters: Filters, now: datetime) -> Select[Any]:
    query = scoped(officer, filters.simulated)
    if filters.status == "open":
        query = query.where(Complaint.status.in_((c.NEW, c.VERIFIED, c.IN_FOLLOW_UP)))
    elif filters.status:
        query = query.where(Complaint.status == filters.status)
    if filters.kind:
        query = query.where(Complaint.kind == filters.kind)
    if filters.level:
        query = query.where(Complaint.level == filters.level)
    if filters.kelurahan_id:
        query = query.where(Complaint.kelurahan_id == filters.kelurahan_id)
    if filters.overdue:
        query = query.where(Complaint.due_at < now)
    if filters.mine:
        query = query.where(Complaint.assigned_officer_id == officer.id)
    if filters.unplaced:
        query = query.where(Complaint.kelurahan_id.is_(None))
    if filters.q:
        query = query.where(search(filters.q))
    return query


MAX_SEARCH = 100


def search(q: str) -> Any:
    """Digits are a complaint code (the unique index finds it, or the codes it starts);
    words are looked for, case-insensitively, in the text, who is complained about and
    the location (one expression, ``complaint.SEARCH_DOCUMENT``).

    Always within the officer's scope (:func:`filtered`). On PostgreSQL a GIN trigram
    index on that expression finds the few complaints holding the words among a
    million (migration 0019, tests/test_query_plans.py); SQLite scans the scope.
    """
    code = q.replace(" ", "")
    if code.isdigit():
        return Complaint.code == code if len(code) >= 9 else Complaint.code.startswith(code)
    pattern = "%" + q.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
    return c.SEARCH_DOCUMENT.ilike(pattern, escape="\\")


def page(
    session: Session,
    officer: Officer,
    filters: Filters,
    now: datetime | None = None,
    size: int = PAGE_SIZE,
) -> tuple[list[Complaint], str | None]:
    """One page of the queue, the overdue first, each part newest first, and the cursor
    of the next page (or None).

    Keyset pagination in two parts (``o``: due before now; ``n``: the rest), each by
    ``id < before``, keeps every page as fast as the first one.
    """
    now = now or datetime.now(timezone.utc)
    query = filtered(officer, filters, now)
    parts = [("o", Complaint.due_at < now),
             ("n", or_(Complaint.due_at.is_(None), Complaint.due_at >= now))]
    start = filters.before[0] if filters.before else "o"
    rows: list[tuple[str, Complaint]] = []
    for part, condition in parts[[p for p, _ in parts].index(start):]:
        part_query = query.where(condition)
        if filters.before and part == start:
            part_query = part_query.where(Complaint.id < int(filters.before[1:]))
        rows += [(part, row) for row in session.scalars(
            part_query.order_by(Complaint.id.desc()).limit(size + 1 - len(rows)))]
        if len(rows) > size:
            break
    more = len(rows) > size
    rows = rows[:size]
    cursor = f"{rows[-1][0]}{rows[-1][1].id}" if more and rows else None
    return [row for _, row in rows], cursor


def scope_parts(officer: Officer) -> list[Any]:
    """:func:`scope` as disjoint conditions whose union it is (the officer's area, then
    the complaints without one), so that a count can use one index per part: PostgreSQL
    reads a whole index for an OR of the two."""
    if officer.role not in VIEW_ROLES or officer.role == roles.ADMIN:
        return [scope(officer)]
    parts = [and_(Complaint.level.in_(levels_overseen(officer)), complaint_area(officer))]
    if sees_unplaced(officer):
        # An area is always a placed complaint's (complaints.place): no overlap.
        parts.append(Complaint.kelurahan_id.is_(None))
    return [and_(hide_from_bkm(officer, part), not_simulated()) for part in parts]


def overdue_count(session: Session, officer: Officer, now: datetime | None = None) -> int:
    now = now or datetime.now(timezone.utc)
    return sum(
        session.scalar(
            select(func.count()).select_from(Complaint).where(part, Complaint.due_at < now)
        )
        or 0
        for part in scope_parts(officer)
    )


def unplaced_count(session: Session, officer: Officer) -> int:
    """Open complaints in the officer's "needs an area" list (0 for those who have none)."""
    if not sees_unplaced(officer):
        return 0
    return (
        session.scalar(
            select(func.count())
            .select_from(Complaint)
            .where(
                Complaint.kelurahan_id.is_(None),
                Complaint.status.in_((c.NEW, c.VERIFIED, c.IN_FOLLOW_UP)),
                scope(officer),
            )
        )
        or 0
    )


def in_area(officer: Officer, kelurahan: Kelurahan) -> bool:
    """True when ``kelurahan`` lies in the officer's area (kota with its provinsi)."""
    return officer.role == roles.ADMIN or areas.contains(officer, kelurahan)


def get_visible(session: Session, officer: Officer, complaint_id: int) -> Complaint | None:
    """The complaint if ``officer`` may see it; None when missing or out of scope alike.
    A simulated one opens too: the officer asked for it in the list."""
    return areas.find_in_area(session, officer, Complaint, complaint_id)


def shows_identity(officer: Officer, complaint: Complaint) -> bool:
    """Anonymous complaints, and complaints not yet placed in a kelurahan (read at the
    national level), show the complainant to admin only."""
    return officer.role == roles.ADMIN or (
        not complaint.anonymous and complaint.kelurahan_id is not None)


def text_for(officer: Officer, complaint: Complaint, text: str | None) -> str | None:
    """``text`` (the complaint's, or a message of its thread) as ``officer`` may read it:
    NIK and phone numbers in it masked unless they may see the complainant."""
    if not text or shows_identity(officer, complaint):
        return text
    return pii_mask.mask(text)


def complainant(session: Session, officer: Officer, complaint: Complaint) -> dict[str, str | None]:
    """Name and number of the complainant, or the anonymous label."""
    if not shows_identity(officer, complaint):
        return {"name": ANONYMOUS_LABEL, "phone": None}
    contact = session.get(Contact, complaint.contact_id) if complaint.contact_id else None
    return {
        "name": (contact.name if contact else None) or "-",
        "phone": display(contact.phone) if contact else None,
    }


def is_overdue(complaint: Complaint, now: datetime) -> bool:
    return complaint.due_at is not None and complaint.due_at < now


def kelurahan_names(session: Session, complaints: list[Complaint]) -> dict[int, str]:
    ids = {x.kelurahan_id for x in complaints if x.kelurahan_id}
    if not ids:
        return {}
    return dict(
        session.execute(select(Kelurahan.id, Kelurahan.name).where(Kelurahan.id.in_(ids))).all()
    )


def kelurahan_zones(session: Session, complaints: list[Complaint]) -> dict[int, str]:
    ids = {x.kelurahan_id for x in complaints if x.kelurahan_id}
    if not ids:
        return {}
    return dict(
        session.execute(
            select(Kelurahan.id, Kelurahan.time_zone).where(Kelurahan.id.in_(ids))
        ).all()
    )


def as_dict(
    session: Session,
    officer: Officer,
    complaint: Complaint,
    now: datetime,
    kelurahan: str | None = None,
    zone: str | None = None,
) -> dict[str, Any]:
    """The complaint as the API and the CSV give it, with the privacy rule applied.

    ``due_date`` is the deadline's last working day in the kelurahan's zone; ``due_at``
    the instant it passes (the local midnight after). ``merged_into`` is the code of the
    complaint this one was merged into, only when ``officer`` sees that one.
    """
    person = complainant(session, officer, complaint)
    root = (get_visible(session, officer, complaint.merged_into_id)
            if complaint.merged_into_id is not None else None)
    if zone is None and complaint.due_at is not None:
        zone = time_zone_of(session, complaint)
    return {
        "id": complaint.id,
        "code": complaint.code,
        "status": complaint.status,
        # The complaint it was merged into, when the officer may see that one (else only
        # the status says it was merged).
        "merged_into": root.code if root is not None else None,
        "kind": complaint.kind,
        "level": complaint.level,
        "kelurahan_id": complaint.kelurahan_id,
        "kelurahan": kelurahan,
        "kota_area_id": complaint.kota_area_id,
        "kota": complaint.kota_name,
        "provinsi_area_id": complaint.provinsi_area_id,
        "provinsi": complaint.provinsi_name,
        "location": text_for(officer, complaint, complaint.location_text),
        "text": text_for(officer, complaint, complaint.text),
        "accused": text_for(officer, complaint, complaint.accused),
        "amount": complaint.amount,
        "anonymous": complaint.anonymous,
        "names_bkm_member": complaint.names_bkm_member,
        "channel": complaint.channel,
        "complainant_name": person["name"],
        "complainant_phone": person["phone"],
        "assigned_officer_id": complaint.assigned_officer_id,
        "status_reason": complaint.status_reason,
        "public_response": complaint.public_response,
        "due_at": complaint.due_at.isoformat() if complaint.due_at else None,
        "due_date": last_day(complaint.due_at, zone).isoformat() if complaint.due_at else None,
        "overdue": is_overdue(complaint, now),
        "created_at": complaint.created_at.isoformat(),
        "updated_at": complaint.updated_at.isoformat(),
    }


def kelurahan_choices(session: Session, officer: Officer, limit: int = 100) -> list[Any] | None:
    """Kelurahan the officer may filter by (their area), or None when there are more than
    ``limit``: a long drop-down helps nobody and costs every page load."""
    query = select(Kelurahan.id, Kelurahan.name, Area.name.label("kota")).outerjoin(
        Area, Area.id == Kelurahan.kota_area_id
    )
    if officer.role != roles.ADMIN:
        query = query.where(areas.kelurahan_condition(officer))
    rows = list(session.execute(query.order_by(Kelurahan.name, Area.name).limit(limit + 1)))
    return rows if len(rows) <= limit else None


def area_scope(officer: Officer) -> Any:
    """The officer's area at every level (for counts in the recap, which show no one)."""
    if officer.role == roles.ADMIN:
        return true()
    if officer.role not in VIEW_ROLES:
        return false()
    return hide_from_bkm(officer, complaint_area(officer))
