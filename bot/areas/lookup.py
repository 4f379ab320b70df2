"""Finding an area an officer typed (``create-user --kota Bandungg``) in the areas
table: the stored spelling when it exists, else an error that suggests the nearest
names."""
from __future__ import annotations

import difflib
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.models import Area as AreaRow
from bot.models import Kelurahan
from bot.models import area as levels
from bot.areas.imports import normalise_code


class AreaNotFound(ValueError):
    """The area does not exist or is ambiguous; the text says why and what is near."""


@dataclass(frozen=True)
class Area:
    kelurahan: Kelurahan | None
    kota: str | None
    provinsi: str | None


def _nearest(typed: str, names: list[str]) -> str:
    by_lower = {name.lower(): name for name in names}
    close = difflib.get_close_matches(typed.strip().lower(), list(by_lower), n=5, cutoff=0.5)
    return f"; did you mean: {', '.join(by_lower[c] for c in close)}?" if close else ""


def _distinct(session: Session, column, *where) -> list[str]:  # type: ignore[no-untyped-def]
    return list(session.scalars(select(column).where(*where).distinct().order_by(column)))


def find(session: Session, kelurahan: str | None = None, kota: str | None = None,
         provinsi: str | None = None) -> Area:
    """The area named by a kelurahan (name or code), a kota, a provinsi, or none (pusat),
    looked up in the areas table.

    Raises:
        AreaNotFound: no such area, with the nearest names; or one that needs a
            provinsi or a code to tell it apart.
    """
    where = []
    if provinsi:
        stored = _distinct(session, AreaRow.name, AreaRow.level == levels.PROVINSI,
                           func.lower(AreaRow.name) == provinsi.strip().lower())
        if not stored:
            raise AreaNotFound(f"provinsi {provinsi!r} not found" + _nearest(
                provinsi, _distinct(session, AreaRow.name, AreaRow.level == levels.PROVINSI)))
        provinsi = stored[0]
        parents = select(AreaRow.id).where(AreaRow.level == levels.PROVINSI, AreaRow.name == provinsi)
        where.append(Kelurahan.provinsi_area_id.in_(parents))
    if kota:
        inside = [AreaRow.parent_id.in_(parents)] if provinsi else []
        found = list(session.scalars(select(AreaRow).where(
            AreaRow.level == levels.KOTA, func.lower(AreaRow.name) == kota.strip().lower(), *inside)))
        if not found:
            where_text = f" in {provinsi}" if provinsi else ""
            raise AreaNotFound(f"kota {kota!r} not found{where_text}" + _nearest(
                kota, _distinct(session, AreaRow.name, AreaRow.level == levels.KOTA, *inside)))
        if len(found) > 1:
            provinces = sorted(x.parent.name if x.parent else "?" for x in found)
            raise AreaNotFound(f"{found[0].name} is in more than one provinsi ({', '.join(provinces)}): "
                               "give --provinsi")
        kota, provinsi = found[0].name, found[0].parent.name if found[0].parent else provinsi
        where = [Kelurahan.kota_area_id == found[0].id]
    if not kelurahan:
        return Area(None, kota, provinsi)
    code = normalise_code(kelurahan)
    if code is not None and code.count(".") == 3:
        matches = list(session.scalars(select(Kelurahan).where(Kelurahan.code == code, *where)))
    else:
        matches = list(session.scalars(
            select(Kelurahan).where(func.lower(Kelurahan.name) == kelurahan.strip().lower(), *where)))
    if not matches:
        names = _distinct(session, Kelurahan.name, *where) if where else _distinct(session, Kelurahan.name)
        raise AreaNotFound(f"kelurahan {kelurahan!r} not found" + _nearest(kelurahan, names))
    if len(matches) > 1:
        listed = "; ".join(f"{k.code or 'no code'} {k.name}, {k.kota}, {k.provinsi}" for k in matches[:10])
        raise AreaNotFound(f"kelurahan {kelurahan!r} is ambiguous, give its code: {listed}")
    found_kel = matches[0]
    return Area(found_kel, found_kel.kota, found_kel.provinsi)
