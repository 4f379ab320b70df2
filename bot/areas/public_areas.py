"""Finding the areas of the public pages: a kelurahan by its Kemendagri code or by the
name a resident typed, a kota by its code, the kota list and a name search."""

from __future__ import annotations

import difflib
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session, aliased

from bot.models import Area, Kelurahan
from bot.models import area as a
from bot.areas.imports import normalise_code


@dataclass(frozen=True)
class Kota:
    code: str
    name: str
    provinsi: str
    area_id: int


def kelurahan_by_code(session: Session, raw: str) -> Kelurahan | None:
    """The kelurahan with this Kemendagri code (dotted or digits only), else None."""
    code = normalise_code(raw or "")
    if code is None or code.count(".") != 3:
        return None
    return session.scalar(select(Kelurahan).where(Kelurahan.code == code))


def kota_by_code(session: Session, raw: str) -> Kota | None:
    """The kota with this code (``32.73`` or ``3273``): its row in the area table."""
    text = kota_code(raw)
    if text is None:
        return None
    row = session.execute(_coded_kota().where(Area.code == text)).first()
    return Kota(*row) if row else None


def kota_list(session: Session) -> list[dict[str, str]]:
    """Every kota with a code: code, name, provinsi (by provinsi, name)."""
    rows = session.execute(_coded_kota().order_by(Area.name)).all()
    return sorted(({"code": code, "name": name, "provinsi": provinsi}
                   for code, name, provinsi, _id in rows),
                  key=lambda x: (x["provinsi"], x["name"]))


def _coded_kota():  # type: ignore[no-untyped-def]
    """Kota rows of the area table that have a Kemendagri code, with their provinsi."""
    provinsi = aliased(Area)
    return (select(Area.code, Area.name, provinsi.name, Area.id)
            .join(provinsi, provinsi.id == Area.parent_id)
            .where(Area.level == a.KOTA, Area.code.is_not(None)))


SEARCH_LIMIT = 50


def search_kelurahan(session: Session, typed: str) -> list[dict[str, str]]:
    """Coded kelurahan whose name starts with ``typed`` (case-insensitive), at most 50."""
    typed = " ".join((typed or "").split())[:60]
    if not typed:
        return []
    pattern = typed.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
    rows = session.execute(
        select(Kelurahan.code, Kelurahan.name, Kelurahan.kota, Kelurahan.provinsi)
        .where(Kelurahan.code.is_not(None), func.lower(Kelurahan.name).like(pattern, escape="\\"))
        .order_by(Kelurahan.name, Kelurahan.kota)
        .limit(SEARCH_LIMIT)
    ).all()
    return [{"code": r[0], "name": r[1], "kota": r[2], "provinsi": r[3]} for r in rows]


def find_kelurahan(session: Session, typed: str) -> list[Kelurahan]:
    """The kelurahan a resident meant by ``typed``: a code, a name, or a name followed by
    words of its kota (``Sukajadi Bandung``). Several when the name is ambiguous; none
    when nothing matches."""
    typed = " ".join((typed or "").replace(",", " ").split())[:120]
    if not typed:
        return []
    by_code = kelurahan_by_code(session, typed.replace(" ", ""))
    if by_code is not None:
        return [by_code]
    words = typed.split(" ")
    for cut in range(len(words), 0, -1):
        name, kota_words = " ".join(words[:cut]).lower(), words[cut:]
        query = select(Kelurahan).where(func.lower(Kelurahan.name) == name)
        for word in kota_words:
            query = query.where(func.lower(Kelurahan.kota).contains(word.lower(), autoescape=True))
        found = list(session.scalars(query.order_by(Kelurahan.code, Kelurahan.id).limit(20)))
        if found:
            return found
    return []


def nearest_names(session: Session, typed: str, limit: int = 2) -> list[str]:
    """Kelurahan names close to a mistyped one (compared among names with the same
    first two letters, so the whole country's list is never loaded)."""
    typed = " ".join((typed or "").split()).lower()[:60]
    if len(typed) < 3:
        return []
    names = list(session.scalars(
        select(Kelurahan.name).where(func.lower(Kelurahan.name).like(typed[:2] + "%"))
        .distinct().limit(2000)))
    by_lower = {n.lower(): n for n in names}
    return [by_lower[x] for x in difflib.get_close_matches(typed, list(by_lower), n=limit,
                                                           cutoff=0.75)]


def kota_code(raw: str) -> str | None:
    """``32.73`` from ``32.73`` or ``3273``; None when not a kota code."""
    text = (raw or "").strip()
    if text.isdigit() and len(text) == 4:
        text = f"{text[:2]}.{text[2:]}"
    if len(text) == 5 and text[:2].isdigit() and text[2] == "." and text[3:].isdigit():
        return text
    return None
