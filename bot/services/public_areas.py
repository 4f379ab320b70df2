"""Finding the areas of the public pages: a kelurahan by its Kemendagri code or by the
name a resident typed, a kota by its code, the kota list and a name search."""

from __future__ import annotations

import difflib
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.models import Kelurahan
from bot.services.area_import import normalise_code


@dataclass(frozen=True)
class Kota:
    code: str
    name: str
    provinsi: str


def kelurahan_by_code(session: Session, raw: str) -> Kelurahan | None:
    """The kelurahan with this Kemendagri code (dotted or digits only), else None."""
    code = normalise_code(raw or "")
    if code is None or code.count(".") != 3:
        return None
    return session.scalar(select(Kelurahan).where(Kelurahan.code == code))


def kota_by_code(session: Session, raw: str) -> Kota | None:
    """The kota with this code (``32.73`` or ``3273``), named as its kelurahan name it."""
    text = kota_code(raw)
    if text is None:
        return None
    row = session.execute(
        select(Kelurahan.kota, Kelurahan.provinsi, func.count())
        .where(Kelurahan.code.like(f"{text}.%"))
        .group_by(Kelurahan.kota, Kelurahan.provinsi)
        .order_by(func.count().desc())
        .limit(1)
    ).first()
    return Kota(text, row[0], row[1]) if row else None


def kota_list(session: Session) -> list[dict[str, str]]:
    """Every kota that has coded kelurahan: code, name, provinsi (by provinsi, name)."""
    code = func.substr(Kelurahan.code, 1, 5)
    rows = session.execute(
        select(code, Kelurahan.kota, Kelurahan.provinsi)
        .where(Kelurahan.code.is_not(None))
        .group_by(code, Kelurahan.kota, Kelurahan.provinsi)
    ).all()
    seen: dict[str, dict[str, str]] = {}
    for kota_code, name, provinsi in rows:
        seen.setdefault(kota_code, {"code": kota_code, "name": name, "provinsi": provinsi})
    return sorted(seen.values(), key=lambda x: (x["provinsi"], x["name"]))


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
