"""Per-kelurahan KSM figures for the BKM's dashboard, against the program's targets.

Targets (guideline section B): at least 30% of KSMs are women's KSMs and at least 30%
of all KSM members are women. Rejected KSMs are not counted, nor (unless asked for)
those registered from the simulator.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import and_, case, func, select
from sqlalchemy.orm import Session

from bot.areas import scope as area_scope
from bot.models import Kelurahan, Ksm, KsmMember, Officer, Proposal
from bot.models import ksm as k
from bot.ksm.area import real_ksm

TARGET = 0.30


@dataclass
class KelurahanStats:
    kelurahan_id: int
    name: str
    kota: str
    ksms: int = 0
    women_ksms: int = 0
    members: int = 0
    women_members: int = 0
    by_status: dict[str, int] = field(default_factory=dict)
    by_stage: dict[str, int] = field(default_factory=dict)
    proposals: dict[str, int] = field(default_factory=dict)

    @property
    def women_ksm_share(self) -> float:
        return self.women_ksms / self.ksms if self.ksms else 0.0

    @property
    def women_member_share(self) -> float:
        return self.women_members / self.members if self.members else 0.0

    @property
    def under_target(self) -> bool:
        return bool(self.ksms) and (self.women_ksm_share < TARGET or self.women_member_share < TARGET)


def kelurahan_stats(session: Session, officer: Officer,
                    simulated: bool = False) -> list[KelurahanStats]:
    """One row per kelurahan of the officer's area, by name; KSMs from the simulator
    count only when ``simulated`` asks for them."""
    stats = {
        kel.id: KelurahanStats(kel.id, kel.name, kel.kota)
        for kel in session.execute(select(Kelurahan).where(area_scope.in_area_filter(officer, Kelurahan)).order_by(Kelurahan.name)).scalars()
    }
    if not stats:
        return []
    ids = list(stats)
    counted = and_(Ksm.kelurahan_id.in_(ids), real_ksm(simulated))
    for kel_id, status, stage, women, n in session.execute(
        select(Ksm.kelurahan_id, Ksm.status, Ksm.cycle_stage, Ksm.women, func.count())
        .where(counted).group_by(Ksm.kelurahan_id, Ksm.status, Ksm.cycle_stage, Ksm.women)
    ):
        row = stats[kel_id]
        row.by_status[status] = row.by_status.get(status, 0) + n
        if status == k.REJECTED:
            continue
        row.ksms += n
        row.women_ksms += n if women else 0
        row.by_stage[stage] = row.by_stage.get(stage, 0) + n
    for kel_id, members, women in session.execute(
        select(Ksm.kelurahan_id, func.count(), func.count(case((KsmMember.gender == "P", 1))))
        .join(Ksm, Ksm.id == KsmMember.ksm_id)
        .where(counted, Ksm.status != k.REJECTED, KsmMember.status == k.CONFIRMED)
        .group_by(Ksm.kelurahan_id)
    ):
        stats[kel_id].members = members
        stats[kel_id].women_members = women
    for kel_id, status, n in session.execute(
        select(Ksm.kelurahan_id, Proposal.status, func.count())
        .join(Ksm, Ksm.id == Proposal.ksm_id).where(counted)
        .group_by(Ksm.kelurahan_id, Proposal.status)
    ):
        stats[kel_id].proposals[status] = n
    return list(stats.values())
