"""The KSM flows' read-only look-ups (``turn.directory``), over the database.

Mixed into ``bot.directory.DbDirectory``; ``self.session`` and ``self.contact_id`` come
from there.
"""
from __future__ import annotations

from sqlalchemy import and_, case, func, select
from sqlalchemy.orm import Session

from bot.models import Contact, Kelurahan, Ksm, KsmMember, PjmProgram
from bot.models import ksm as k
from conversations.flows.ksm_common import KsmView, Membership, MemberView


def ksm_views(session: Session, *where: object) -> list[KsmView]:
    """KSMs matching ``where`` with their confirmed/women/invited counts, newest first."""
    confirmed = and_(KsmMember.status == k.CONFIRMED)
    rows = session.execute(
        select(
            Ksm, Kelurahan.name,
            func.count(case((confirmed, 1))),
            func.count(case((and_(confirmed, KsmMember.gender == "P"), 1))),
            func.count(case((KsmMember.status == k.INVITED, 1))),
        )
        .join(Kelurahan, Kelurahan.id == Ksm.kelurahan_id)
        .outerjoin(KsmMember, KsmMember.ksm_id == Ksm.id)
        .where(*where)
        .group_by(Ksm.id, Kelurahan.name)
        .order_by(Ksm.id.desc())
    ).all()
    return [
        KsmView(
            id=ksm.id, code=ksm.code, name=ksm.name, kelurahan_id=ksm.kelurahan_id,
            kelurahan=kel_name, field=ksm.field, unit=ksm.unit, women_ksm=ksm.women,
            status=ksm.status, leader_contact_id=ksm.leader_contact_id, confirmed=confirmed_n,
            confirmed_women=women_n, invited=invited_n, rejection_reason=ksm.rejection_reason,
        )
        for ksm, kel_name, confirmed_n, women_n, invited_n in rows
    ]


def ksm_view(session: Session, ksm_id: int) -> KsmView:
    return ksm_views(session, Ksm.id == ksm_id)[0]


class KsmLookups:
    """Look-ups for DAFTAR, ANGGOTA, GABUNG, TOLAK, KSM and USUL."""

    session: Session
    contact_id: int

    def kelurahan_names(self) -> list[tuple[int, str]]:
        rows = self.session.execute(select(Kelurahan.id, Kelurahan.name).order_by(Kelurahan.name, Kelurahan.id))
        return [(row.id, row.name) for row in rows]

    def ksms_led(self) -> list[KsmView]:
        return ksm_views(self.session, Ksm.leader_contact_id == self.contact_id)

    def ksm_by_code(self, code: str) -> KsmView | None:
        found = ksm_views(self.session, Ksm.code == code)
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

    def my_ksms(self) -> list[Membership]:
        """The KSMs the contact leads or was invited to or joined (not declined ones)."""
        rows = self.session.execute(
            select(KsmMember.ksm_id, KsmMember.role, KsmMember.status)
            .where(KsmMember.contact_id == self.contact_id, KsmMember.status != k.DECLINED)
            .order_by(KsmMember.ksm_id.desc())
        ).all()
        if not rows:
            return []
        views = {v.id: v for v in ksm_views(self.session, Ksm.id.in_([r.ksm_id for r in rows]))}
        return [Membership(ksm=views[r.ksm_id], role=r.role, status=r.status) for r in rows]

    def ksm_members(self, ksm_id: int) -> list[MemberView]:
        rows = self.session.execute(
            select(KsmMember).where(KsmMember.ksm_id == ksm_id)
            .order_by(case((KsmMember.role == k.LEADER, 0), else_=1), KsmMember.id)
        ).scalars()
        return [MemberView(name=m.name, gender=m.gender, role=m.role, status=m.status,
                           contact_id=m.contact_id) for m in rows]

    def pjm_programs(self, kelurahan_id: int) -> list[tuple[int, str]]:
        rows = self.session.execute(
            select(PjmProgram.id, PjmProgram.name)
            .where(PjmProgram.kelurahan_id == kelurahan_id, PjmProgram.active.is_(True))
            .order_by(PjmProgram.id)
        )
        return [(row.id, row.name) for row in rows]
