"""The KSM flows' read-only look-ups (``turn.directory``), over the database.

Mixed into ``bot.directory.DbDirectory``; ``self.session`` and ``self.contact_id`` come
from there.
"""
from __future__ import annotations

from collections import Counter

from functools import lru_cache
from typing import Any

from sqlalchemy import Select, and_, bindparam, case, func, select
from sqlalchemy.orm import Session

from bot.models import Contact, Kelurahan, Ksm, KsmMember, PjmProgram
from bot.models import ksm as k
from conversations.flows.ksm_common import JoinRequest, KsmView, Membership, MemberView


_KELURAHAN_NAMES = select(Kelurahan.id, Kelurahan.name, Kelurahan.kota).order_by(
    Kelurahan.name, Kelurahan.kota, Kelurahan.id)


def _short_kota(kota: str | None) -> str:
    """A kota as an SMS list can afford it: Kabupaten Garut -> Kab. Garut."""
    return (kota or "").replace("Kabupaten ", "Kab. ").strip()


def _views_select() -> Select[Any]:
    confirmed = KsmMember.status == k.CONFIRMED
    return (
        select(  # labelled as KsmView's fields
            Ksm.id, Ksm.code, Ksm.name, Ksm.kelurahan_id, Kelurahan.name.label("kelurahan"),
            Ksm.field, Ksm.unit, Ksm.women.label("women_ksm"), Ksm.status, Ksm.leader_contact_id,
            func.count(case((confirmed, 1))).label("confirmed"),
            func.count(case((and_(confirmed, KsmMember.gender == "P"), 1))).label("confirmed_women"),
            func.count(case((KsmMember.status == k.INVITED, 1))).label("invited"),
            Ksm.rejection_reason,
            func.count(case((KsmMember.status == k.REQUESTED, 1))).label("requested"),
        )
        .join(Kelurahan, Kelurahan.id == Ksm.kelurahan_id)
        .outerjoin(KsmMember, KsmMember.ksm_id == Ksm.id)
        .group_by(Ksm.id, Kelurahan.name)
        .order_by(Ksm.id.desc())
    )


def _views(rows: Any) -> list[KsmView]:
    return [KsmView(**row._asdict()) for row in rows]


def ksm_views(session: Session, *where: object) -> list[KsmView]:
    """KSMs matching ``where`` with their confirmed/women/invited counts, newest first."""
    return _views(session.execute(_views_select().where(*where)))


@lru_cache(maxsize=None)
def _views_by(column: str) -> Select[Any]:
    return _views_select().where(getattr(Ksm, column) == bindparam("value"))


def ksm_views_by(session: Session, column: str, value: object) -> list[KsmView]:
    """:func:`ksm_views` where ``Ksm.<column> == value``, the statement built once per
    column (the flows ask this on many messages)."""
    return _views(session.execute(_views_by(column), {"value": value}))


_MEMBERSHIPS = (
    select(KsmMember.ksm_id, KsmMember.role, KsmMember.status)
    # A request to join is not a place in the KSM (yet): its members stay unseen.
    .where(KsmMember.contact_id == bindparam("contact_id"),
           KsmMember.status.not_in((k.DECLINED, k.REQUESTED, k.REFUSED)))
    .order_by(KsmMember.ksm_id.desc())
)
_VIEWS_IN = _views_select().where(Ksm.id.in_(bindparam("ids", expanding=True)))


def ksm_view(session: Session, ksm_id: int) -> KsmView:
    return ksm_views_by(session, "id", ksm_id)[0]


class KsmLookups:
    """Look-ups for DAFTAR, ANGGOTA, GABUNG, TOLAK, KSM and USUL."""

    session: Session
    contact_id: int

    def kelurahan_names(self) -> list[tuple[int, str]]:
        """Every kelurahan as a resident picks it; a name that two share says its kota
        (``Sukamaju (Kota Bandung)``), or nothing would tell them apart."""
        rows = self.session.execute(_KELURAHAN_NAMES).all()
        shared = Counter(row.name.lower() for row in rows)
        return [(row.id, f"{row.name} ({_short_kota(row.kota)})"
                 if shared[row.name.lower()] > 1 and row.kota else row.name) for row in rows]

    def kelurahan_by_code(self, code: str) -> tuple[int, str] | None:
        """The kelurahan with the Kemendagri ``code`` (``32.73.14.1004``)."""
        row = self.session.execute(select(Kelurahan.id, Kelurahan.name)
                                   .where(Kelurahan.code == code)).first()
        return (row.id, row.name) if row else None

    def ksms_led(self) -> list[KsmView]:
        return ksm_views_by(self.session, "leader_contact_id", self.contact_id)

    def ksm_by_code(self, code: str) -> KsmView | None:
        """The KSM with ``code``. For a simulated number only a KSM its simulated leader
        registered: the simulator cannot join, or answer for, a real KSM."""
        found = ksm_views_by(self.session, "code", code)
        if found and getattr(self, "simulated", False):
            leader_simulated = self.session.scalar(
                select(Contact.simulated).where(Contact.id == found[0].leader_contact_id))
            if not leader_simulated:
                return None
        return found[0] if found else None

    def member_status(self, ksm_id: int, phone: str) -> str | None:
        return self.session.scalar(
            select(KsmMember.status).join(Contact, Contact.id == KsmMember.contact_id)
            .where(KsmMember.ksm_id == ksm_id, Contact.phone == phone)
        )

    def my_status_in(self, ksm_id: int) -> str | None:
        return self.session.scalar(
            select(KsmMember.status)
            .where(KsmMember.ksm_id == ksm_id, KsmMember.contact_id == self.contact_id)
        )

    def leader_reachable(self, ksm_id: int) -> bool:
        """False when the KSM's leader opted out (BERHENTI) or has a dead number: a
        notice to them would be skipped."""
        reachable = self.session.scalar(
            select(~(Contact.opted_out | Contact.invalid_number))
            .join(Ksm, Ksm.leader_contact_id == Contact.id).where(Ksm.id == ksm_id))
        return bool(reachable)

    def my_ksms(self) -> list[Membership]:
        """The KSMs the contact leads or was invited to or joined (not declined ones)."""
        rows = self.session.execute(_MEMBERSHIPS, {"contact_id": self.contact_id}).all()
        if not rows:
            return []
        views = {v.id: v for v in _views(self.session.execute(
            _VIEWS_IN, {"ids": [r.ksm_id for r in rows]}))}
        return [Membership(ksm=views[r.ksm_id], role=r.role, status=r.status) for r in rows]

    def ksm_members(self, ksm_id: int) -> list[MemberView]:
        rows = self.session.execute(
            select(KsmMember).where(KsmMember.ksm_id == ksm_id)
            .order_by(case((KsmMember.role == k.LEADER, 0), else_=1), KsmMember.id)
        ).scalars()
        return [MemberView(name=m.name, gender=m.gender, role=m.role, status=m.status,
                           contact_id=m.contact_id) for m in rows]

    def join_requests(self) -> list[JoinRequest]:
        """Requests to join the KSMs this contact leads (any answer), newest first."""
        rows = self.session.execute(
            select(KsmMember.request_no, KsmMember.ksm_id, Ksm.name.label("ksm"), KsmMember.name,
                   KsmMember.gender, KsmMember.status, Ksm.status.label("ksm_status"))
            .join(Ksm, Ksm.id == KsmMember.ksm_id)
            .where(Ksm.leader_contact_id == self.contact_id, KsmMember.request_no.is_not(None))
            .order_by(KsmMember.request_no.desc())
        )
        return [JoinRequest(number=r.request_no, ksm_id=r.ksm_id, ksm=r.ksm, name=r.name,
                            gender=r.gender, status=r.status,
                            ksm_closed=r.ksm_status == k.REJECTED) for r in rows]

    def pjm_programs(self, kelurahan_id: int) -> list[tuple[int, str]]:
        rows = self.session.execute(
            select(PjmProgram.id, PjmProgram.name)
            .where(PjmProgram.kelurahan_id == kelurahan_id, PjmProgram.active.is_(True))
            .order_by(PjmProgram.id)
        )
        return [(row.id, row.name) for row in rows]
