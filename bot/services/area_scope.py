"""The one rule for an officer's area, shared by every page that scopes by area.

A kelurahan officer sees their kelurahan (by id); a kota officer their kota, matched
together with its provinsi because kota names repeat across provinces (there is more than
one "Kota Bandung" in the data); a provinsi officer their provinsi; pusat everything. An
officer whose area is incomplete sees nothing rather than too much.

KSMs, members, proposals, the poor list, monev and announcements apply it to the
``Kelurahan`` columns (:func:`kelurahan_condition`); the complaint queue to the
complaint's own columns (:func:`condition`).
"""
from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, and_, false, true

from bot.models import Kelurahan, Officer
from bot.models import officer as roles


def condition(officer: Officer, kelurahan_id: Any, kota: Any, provinsi: Any) -> ColumnElement[bool]:
    """The officer's area as a condition on the given kelurahan id, kota and provinsi columns."""
    if officer.level == roles.PUSAT:
        return true()
    if officer.level == roles.KELURAHAN:
        return kelurahan_id == officer.kelurahan_id if officer.kelurahan_id else false()
    if officer.level == roles.KOTA:
        if officer.kota and officer.provinsi:
            return and_(kota == officer.kota, provinsi == officer.provinsi)
        return false()
    if officer.level == roles.PROVINSI:
        return provinsi == officer.provinsi if officer.provinsi else false()
    return false()


def kelurahan_condition(officer: Officer) -> ColumnElement[bool]:
    """The officer's area as a condition on ``Kelurahan``."""
    return condition(officer, Kelurahan.id, Kelurahan.kota, Kelurahan.provinsi)


def contains(officer: Officer, kelurahan: Kelurahan) -> bool:
    """True when ``kelurahan`` lies in the officer's area (the same rule, in Python)."""
    if officer.level == roles.PUSAT:
        return True
    if officer.level == roles.KELURAHAN:
        return bool(officer.kelurahan_id) and officer.kelurahan_id == kelurahan.id
    if officer.level == roles.KOTA:
        return bool(officer.kota and officer.provinsi) and (
            (officer.kota, officer.provinsi) == (kelurahan.kota, kelurahan.provinsi))
    if officer.level == roles.PROVINSI:
        return bool(officer.provinsi) and officer.provinsi == kelurahan.provinsi
    return False
