"""Who sits on a kelurahan's BKM, and whether a complaint names one of them.

A complaint names a BKM member when its "who is complained about" answer says BKM
(``complaints.names_bkm``) or names a person on the kelurahan's roster: the names an
admin keeps (``BkmMember``) and the full names of the kelurahan's BKM officers. Such a
complaint is kept from the BKM and handled a level up: whoever is complained about must
not handle it.
"""
from __future__ import annotations

import re
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.models import BkmMember, Complaint, Officer
from bot.models import complaint as c
from bot.models import officer as roles
from bot.complaints.events import record

MAX_NAME = 120
# Honorifics and role words say nothing about who the person is: "Pak Rahman, ketua
# UPK" names Rahman.
_NOT_NAMES = {
    "pak", "bapak", "bpk", "bp", "bu", "ibu", "sdr", "sdri", "saudara", "saudari", "mas",
    "mbak", "kang", "teh", "h", "hj", "haji", "hajjah", "ustad", "ustadz", "ketua", "wakil",
    "bendahara", "sekretaris", "anggota", "koordinator", "bkm", "upk", "ups", "upl", "dan",
}


def name_tokens(text: str | None) -> tuple[str, ...]:
    """The words of a person's name, lower case, without honorifics and role words."""
    return tuple(w for w in re.findall(r"[a-z]+", (text or "").lower()) if w not in _NOT_NAMES)


def _contains(longer: tuple[str, ...], shorter: tuple[str, ...]) -> bool:
    n = len(shorter)
    return any(longer[i : i + n] == shorter for i in range(len(longer) - n + 1))


def matches(accused: str | None, member: str) -> bool:
    """``accused`` names ``member``: the member's whole name is in it ("Rahman Hakim
    bendahara"), or all of it is part of the member's name ("Pak Rahman").

    A first name alone is taken as a match on purpose: a wrong match only moves the
    complaint a level up, a missed one lets a BKM member handle a complaint about them.
    """
    said, name = name_tokens(accused), name_tokens(member)
    if len("".join(said)) < 3 or len("".join(name)) < 3:
        return False
    return _contains(said, name) or _contains(name, said)


def roster(session: Session, kelurahan_id: int) -> list[str]:
    """The names on the kelurahan's BKM roster and its BKM officers' full names (an
    officer whose full name is just their username has none)."""
    kept = session.scalars(select(BkmMember.name).where(BkmMember.kelurahan_id == kelurahan_id))
    officers = session.execute(
        select(Officer.full_name, Officer.username).where(
            Officer.kelurahan_id == kelurahan_id,
            Officer.role == roles.BKM,
            Officer.active.is_(True),
        )
    )
    return [*kept, *(full for full, user in officers if full and full != user)]


def member_named(session: Session, complaint: Complaint) -> str | None:
    """The roster name ``complaint.accused`` names, if any."""
    if not complaint.accused or complaint.kelurahan_id is None:
        return None
    return next(
        (n for n in roster(session, complaint.kelurahan_id) if matches(complaint.accused, n)),
        None,
    )


def hide_from_bkm(complaint: Complaint) -> None:
    """The rule for a complaint that names a BKM member: BKM officers no longer see it
    (``complaint_queue.scope``), and one handled at kelurahan level moves to the kota,
    unassigned. The callers audit it."""
    complaint.names_bkm_member = True
    if complaint.level == roles.KELURAHAN:
        complaint.level = roles.KOTA
        complaint.assigned_officer_id = None


def flag_names_bkm_member(session: Session, complaint: Complaint, officer_id: int | None,
                          note: str, now: datetime) -> None:
    """The complaint names a BKM member (:func:`hide_from_bkm`), audited with ``note``."""
    before = {"names_bkm_member": complaint.names_bkm_member, "level": complaint.level}
    hide_from_bkm(complaint)
    complaint.updated_at = now
    record(session, complaint.id, "names_bkm_member", officer_id, before,
           {"names_bkm_member": True, "level": complaint.level}, note=note, now=now)


def keep_from_bkm(session: Session, complaint: Complaint, now: datetime) -> bool:
    """Flag ``complaint`` as naming a BKM member when it names someone on the roster,
    moving it to kota level; audited. Returns True when it was flagged now."""
    if complaint.names_bkm_member or complaint.status in c.CLOSED:
        return False
    name = member_named(session, complaint)
    if name is None:
        return False
    flag_names_bkm_member(session, complaint, None, f"Cocok dengan roster BKM: {name}", now)
    return True


def add(session: Session, kelurahan_id: int, name: str, now: datetime) -> int:
    """Put ``name`` on the kelurahan's roster and keep the open complaints already
    naming them from the BKM. Returns how many complaints moved."""
    name = " ".join(name.split())[:MAX_NAME]
    if len("".join(name_tokens(name))) < 3:
        raise ValueError("Tulis nama lengkap anggota BKM.")
    session.add(BkmMember(kelurahan_id=kelurahan_id, name=name, created_at=now))
    session.flush()
    open_ones = session.scalars(
        select(Complaint).where(
            Complaint.kelurahan_id == kelurahan_id,
            Complaint.names_bkm_member.is_(False),
            Complaint.accused.is_not(None),
            Complaint.status.not_in(c.CLOSED),
        )
    ).all()
    return sum(keep_from_bkm(session, x, now) for x in open_ones)
