"""The poor-residents list (daftar jiwa miskin): import, matching members, KSM standing.

Import is all-or-nothing: every row is checked first and nothing is written when one
is wrong. A re-import replaces the kelurahan's list; members matched by an officer keep
their match when the same person (name, household, RT, RW) is on the new list.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from bot.models import Contact, Ksm, KsmMember, PoorResident, Proposal
from bot.models import ksm as k
from bot.phone import InvalidPhone, typed_number
from conversations.keywords import edit_distance
from conversations.keywords import normalise as normalise_words

# Accepted header names (Indonesian spreadsheets use their own).
COLUMNS = {
    "name": ("name", "nama"),
    "household": ("household", "kk", "no_kk", "rumah_tangga", "ruta"),
    "rt": ("rt",),
    "rw": ("rw",),
    "phone": ("phone", "hp", "no_hp", "telepon"),
}
REQUIRED = ("name", "household", "rt", "rw")


@dataclass(frozen=True)
class PoorRow:
    name: str
    household: str
    rt: str
    rw: str
    phone: str | None


class RowError(ValueError):
    """One row cannot be imported; the text says why."""


def header_map(header: Iterable[str]) -> dict[str, str]:
    """Our column name -> the file's header, for the columns found.

    Raises:
        RowError: a required column is missing.
    """
    found: dict[str, str] = {}
    for raw in header:
        key = (raw or "").strip().lower().replace(" ", "_")
        for column, aliases in COLUMNS.items():
            if key in aliases and column not in found:
                found[column] = raw
    missing = [c for c in REQUIRED if c not in found]
    if missing:
        raise RowError(f"missing column(s): {', '.join(missing)} (need name, household, rt, rw; phone optional)")
    return found


def _rt_rw(value: str, label: str) -> str:
    value = (value or "").strip()
    if not value.isdigit() or len(value) > 3:
        raise RowError(f"{label} must be a number of up to 3 digits, got {value!r}")
    return str(int(value))


def parse_row(row: Mapping[str, str | None], columns: Mapping[str, str]) -> PoorRow:
    """One CSV row, checked.

    Raises:
        RowError: the row is unusable.
    """
    def get(column: str) -> str:
        header = columns.get(column)
        return " ".join(((row.get(header) or "") if header else "").split())

    name, household = get("name"), get("household")
    if not name:
        raise RowError("name is empty")
    if len(name) > 120:
        raise RowError("name is longer than 120 characters")
    if not household:
        raise RowError("household is empty")
    if len(household) > 40:
        raise RowError("household is longer than 40 characters")
    phone = get("phone") or None
    if phone:
        try:
            phone = typed_number(phone)
        except InvalidPhone:
            raise RowError(f"phone {phone!r} is not a phone number") from None
    return PoorRow(name, household, _rt_rw(get("rt"), "rt"), _rt_rw(get("rw"), "rw"), phone)


def _person_key(name: str, household: str, rt: str, rw: str) -> tuple[str, str, str, str]:
    return (normalise_words(name), household.strip().upper(), rt, rw)


def replace_list(session: Session, kelurahan_id: int, rows: list[PoorRow]) -> int:
    """Replace the kelurahan's list with ``rows`` (in the caller's transaction) and
    match members again; returns how many members are matched afterwards."""
    old_ids = select(PoorResident.id).where(PoorResident.kelurahan_id == kelurahan_id)
    kept: dict[tuple[str, str, str, str], list[int]] = {}
    for member_id, resident in session.execute(
        select(KsmMember.id, PoorResident).join(PoorResident, PoorResident.id == KsmMember.poor_resident_id)
        .where(PoorResident.kelurahan_id == kelurahan_id, KsmMember.poor_match == "officer")
    ).all():
        kept.setdefault(_person_key(resident.name, resident.household, resident.rt, resident.rw), []).append(member_id)
    session.execute(
        update(KsmMember).where(KsmMember.poor_resident_id.in_(old_ids))
        .values(poor_resident_id=None, poor_match=None)
    )
    session.execute(delete(PoorResident).where(PoorResident.kelurahan_id == kelurahan_id))
    new = [PoorResident(kelurahan_id=kelurahan_id, name=r.name, household=r.household, rt=r.rt,
                        rw=r.rw, phone=r.phone) for r in rows]
    session.add_all(new)
    session.flush()
    for resident in new:
        for member_id in kept.get(_person_key(resident.name, resident.household, resident.rt, resident.rw), []):
            session.execute(update(KsmMember).where(KsmMember.id == member_id)
                            .values(poor_resident_id=resident.id, poor_match="officer"))
    return match_by_phone(session, kelurahan_id)


def match_by_phone(session: Session, kelurahan_id: int) -> int:
    """Match unmatched members of the kelurahan's KSMs whose phone is on the list once."""
    by_phone: dict[str, list[int]] = {}
    for resident_id, phone in session.execute(
        select(PoorResident.id, PoorResident.phone)
        .where(PoorResident.kelurahan_id == kelurahan_id, PoorResident.phone.is_not(None))
    ):
        by_phone.setdefault(phone, []).append(resident_id)
    members = session.execute(
        select(KsmMember, Contact.phone).join(Contact, Contact.id == KsmMember.contact_id)
        .join(Ksm, Ksm.id == KsmMember.ksm_id)
        .where(Ksm.kelurahan_id == kelurahan_id, KsmMember.poor_resident_id.is_(None))
    ).all()
    for member, phone in members:
        found = by_phone.get(phone, [])
        if len(found) == 1:  # a phone shared by several listed people needs an officer
            member.poor_resident_id, member.poor_match = found[0], "phone"
    session.flush()
    return session.scalar(
        select(func.count(KsmMember.id)).join(Ksm, Ksm.id == KsmMember.ksm_id)
        .where(Ksm.kelurahan_id == kelurahan_id, KsmMember.poor_resident_id.is_not(None))
    ) or 0


def suggestions(session: Session, ksm: Ksm) -> dict[int, list[PoorResident]]:
    """Unmatched confirmed members -> listed people with a similar name, for an officer."""
    unmatched = session.execute(
        select(KsmMember).where(KsmMember.ksm_id == ksm.id, KsmMember.status == k.CONFIRMED,
                                KsmMember.poor_resident_id.is_(None))
    ).scalars().all()
    if not unmatched:  # the usual case: no need to read the kelurahan's whole list
        return {}
    residents = list(session.execute(
        select(PoorResident).where(PoorResident.kelurahan_id == ksm.kelurahan_id)
    ).scalars())
    found: dict[int, list[PoorResident]] = {}
    for member in unmatched:
        name = normalise_words(member.name)
        close = [r for r in residents if _similar(name, normalise_words(r.name))]
        if close:
            found[member.id] = close[:5]
    return found


def _similar(a: str, b: str) -> bool:
    if not a or not b:
        return False
    if a == b or a in b.split(" ") or b.startswith(a + " "):
        return True
    return edit_distance(a, b, 2) <= 2


def confirm_match(session: Session, member: KsmMember, resident: PoorResident) -> None:
    """An officer confirms that the member is this listed person."""
    member.poor_resident_id, member.poor_match = resident.id, "officer"


@dataclass(frozen=True)
class Standing:
    """A KSM against the poor-list rule of its unit; ``ok`` None means not yet known."""

    ok: bool | None
    summary: str
    on_list: int
    members: int


def standing(session: Session, ksm: Ksm) -> Standing:
    """UPK: every member on the list, one per household. UPS: proposals 100% poor
    beneficiaries. UPL: proposals mostly (more than half) poor beneficiaries. Without a
    list imported for the kelurahan the rule cannot be judged (None)."""
    has_list = session.scalar(select(PoorResident.id)
                              .where(PoorResident.kelurahan_id == ksm.kelurahan_id).limit(1))
    if has_list is None:
        return Standing(None, "daftar miskin kelurahan ini belum diimpor", 0, 0)
    rows = session.execute(
        select(KsmMember.poor_resident_id, PoorResident.household)
        .outerjoin(PoorResident, PoorResident.id == KsmMember.poor_resident_id)
        .where(KsmMember.ksm_id == ksm.id, KsmMember.status == k.CONFIRMED)
    ).all()
    members = len(rows)
    on_list = sum(1 for r in rows if r.poor_resident_id is not None)
    households = [r.household for r in rows if r.household is not None]
    shared = len(households) - len(set(households))
    base = f"{on_list}/{members} anggota di daftar miskin"
    if ksm.unit == k.UPK:
        problems = []
        if on_list < members:
            problems.append(f"{members - on_list} anggota belum di daftar")
        if shared:
            problems.append(f"{shared} anggota dari KK yang sama")
        ok = not problems and members > 0
        return Standing(ok, base + ("; " + "; ".join(problems) if problems else "; memenuhi aturan UPK"),
                        on_list, members)
    proposals = session.execute(
        select(Proposal.beneficiaries, Proposal.poor_beneficiaries).where(Proposal.ksm_id == ksm.id)
    ).all()
    if not proposals:
        return Standing(None, base + "; belum ada usulan", on_list, members)
    failing = [p for p in proposals if not beneficiaries_ok(ksm.unit, p.beneficiaries, p.poor_beneficiaries)]
    rule = "100% penerima manfaat miskin" if ksm.unit == k.UPS else "sebagian besar penerima manfaat miskin"
    if failing:
        return Standing(False, f"{base}; {len(failing)} usulan belum {rule}", on_list, members)
    return Standing(True, f"{base}; usulan memenuhi aturan ({rule})", on_list, members)


def beneficiaries_ok(unit: str, beneficiaries: int, poor: int) -> bool:
    """The BLM beneficiary rule of a unit (UPK's rule is on members, not beneficiaries)."""
    if unit == k.UPS:
        return beneficiaries > 0 and poor >= beneficiaries
    if unit == k.UPL:
        return poor * 2 > beneficiaries
    return True


def match_member(session: Session, member: KsmMember, kelurahan_id: int, phone: str) -> None:
    """Match one new member by phone when exactly one listed person has that number."""
    if member.poor_resident_id is not None:
        return
    found = session.execute(
        select(PoorResident.id).where(PoorResident.kelurahan_id == kelurahan_id, PoorResident.phone == phone)
    ).scalars().all()
    if len(found) == 1:
        member.poor_resident_id, member.poor_match = found[0], "phone"
