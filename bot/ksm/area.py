"""Which kelurahan an officer may see: their own, their kota's, their provinsi's, or all.

Every KSM, member, proposal, poor-list, monev and announcement query of the dashboard goes through here.
KSMs registered from the dashboard's simulator (``Ksm.simulated``) count nowhere (lists,
figures, exports, proposals, the home page) unless an officer asks to see them:
:func:`real_ksm` decides, :func:`ksm_condition` adds the area.
"""
from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, and_, select, true
from sqlalchemy.orm import Session

from bot.models import Kelurahan, Ksm, Officer
from bot.areas import scope as area_scope


def area_condition(officer: Officer) -> ColumnElement[bool]:
    """A condition on ``Kelurahan`` that keeps the officer's area only (kota with its
    provinsi: see ``bot.areas.scope``)."""
    return area_scope.kelurahan_condition(officer)


def real_ksm(simulated: bool = False) -> ColumnElement[bool]:
    """A condition on ``Ksm``: not registered from the simulator, unless ``simulated``
    asks for those too."""
    return true() if simulated else Ksm.simulated.is_(False)


def ksm_condition(officer: Officer, simulated: bool = False) -> ColumnElement[bool]:
    """A condition on ``Ksm`` joined with its ``Kelurahan``: the KSMs the officer counts
    (their area; simulated ones only when asked for)."""
    return and_(area_condition(officer), real_ksm(simulated))


def wants_simulated(args: Any) -> bool:
    """Whether the request's query string asks to show simulated data (``simulated=1``,
    as the complaint queue's toggle)."""
    return (args.get("simulated") or "") in ("1", "true", "on")


def kelurahan_in_area(session: Session, officer: Officer) -> list[Kelurahan]:
    return list(session.execute(
        select(Kelurahan).where(area_condition(officer)).order_by(Kelurahan.name)
    ).scalars())


def in_area(session: Session, officer: Officer, kelurahan_id: Any) -> bool:
    """True when ``kelurahan_id`` lies in the officer's area."""
    return area_scope.find_in_area(session, officer, Kelurahan, kelurahan_id) is not None
