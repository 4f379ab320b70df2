"""Which kelurahan an officer may see: their own, their kota's, their provinsi's, or all.

Every KSM, member, proposal, poor-list, monev and announcement query of the dashboard goes through here.
"""
from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, select
from sqlalchemy.orm import Session

from bot.models import Kelurahan, Officer
from bot.services import area_scope


def area_condition(officer: Officer) -> ColumnElement[bool]:
    """A condition on ``Kelurahan`` that keeps the officer's area only (kota with its
    provinsi: see ``bot.services.area_scope``)."""
    return area_scope.kelurahan_condition(officer)


def kelurahan_in_area(session: Session, officer: Officer) -> list[Kelurahan]:
    return list(session.execute(
        select(Kelurahan).where(area_condition(officer)).order_by(Kelurahan.name)
    ).scalars())


def in_area(session: Session, officer: Officer, kelurahan_id: Any) -> bool:
    """True when ``kelurahan_id`` lies in the officer's area."""
    return session.scalar(
        select(Kelurahan.id).where(Kelurahan.id == kelurahan_id, area_condition(officer))
    ) is not None
