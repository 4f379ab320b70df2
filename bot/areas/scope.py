"""The one rule for an officer's area, shared by every page that scopes by area.

Every comparison is by id: a kelurahan officer sees their kelurahan; a kota officer
their kota's row of the areas table (``officer.area_id``), which lies in one provinsi, so
the "Kota Bandung" of another province is another id; a provinsi officer their
provinsi's row; pusat everything. An officer whose area is missing sees nothing rather
than too much.

KSMs, members, proposals, the poor list, monev and announcements apply it to the
``Kelurahan`` columns (:func:`kelurahan_condition`); the complaint queue to the
complaint's own columns (:func:`condition`).
"""
from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, false, true

from bot.models import Kelurahan, Officer
from bot.models import officer as roles


def condition(officer: Officer, kelurahan_id: Any, kota_area_id: Any,
              provinsi_area_id: Any) -> ColumnElement[bool]:
    """The officer's area as a condition on the given kelurahan, kota and provinsi id
    columns."""
    if officer.level == roles.PUSAT:
        return true()
    if officer.level == roles.KELURAHAN:
        return kelurahan_id == officer.kelurahan_id if officer.kelurahan_id else false()
    if officer.level == roles.KOTA:
        return kota_area_id == officer.area_id if officer.area_id else false()
    if officer.level == roles.PROVINSI:
        return provinsi_area_id == officer.area_id if officer.area_id else false()
    return false()


def kelurahan_condition(officer: Officer) -> ColumnElement[bool]:
    """The officer's area as a condition on ``Kelurahan``."""
    return condition(officer, Kelurahan.id, Kelurahan.kota_area_id, Kelurahan.provinsi_area_id)


def contains(officer: Officer, kelurahan: Kelurahan) -> bool:
    """True when ``kelurahan`` lies in the officer's area (the same rule, in Python)."""
    if officer.level == roles.PUSAT:
        return True
    if officer.level == roles.KELURAHAN:
        return bool(officer.kelurahan_id) and officer.kelurahan_id == kelurahan.id
    if officer.level == roles.KOTA:
        return bool(officer.area_id) and officer.area_id == kelurahan.kota_area_id
    if officer.level == roles.PROVINSI:
        return bool(officer.area_id) and officer.area_id == kelurahan.provinsi_area_id
    return False
