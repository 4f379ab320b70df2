"""Which kelurahan an officer may see: their own, their kota's, their provinsi's, or all.

Every KSM, member, proposal and poor-list query of the dashboard goes through here.
"""
from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, false, select, true
from sqlalchemy.orm import Session

from bot.models import Kelurahan, Officer
from bot.models import officer as roles


def area_condition(officer: Officer) -> ColumnElement[bool]:
    """A condition on ``Kelurahan`` that keeps the officer's area only."""
    if officer.level == roles.KELURAHAN:
        return Kelurahan.id == officer.kelurahan_id if officer.kelurahan_id else false()
    if officer.level == roles.KOTA:
        return Kelurahan.kota == officer.kota if officer.kota else false()
    if officer.level == roles.PROVINSI:
        return Kelurahan.provinsi == officer.provinsi if officer.provinsi else false()
    return true()


def kelurahan_in_area(session: Session, officer: Officer) -> list[Kelurahan]:
    return list(session.execute(
        select(Kelurahan).where(area_condition(officer)).order_by(Kelurahan.name)
    ).scalars())


def in_area(session: Session, officer: Officer, kelurahan_id: Any) -> bool:
    """True when ``kelurahan_id`` lies in the officer's area."""
    return session.scalar(
        select(Kelurahan.id).where(Kelurahan.id == kelurahan_id, area_condition(officer))
    ) is not None
