"""The look-up behind INFO <kelurahan> (``conversations.flows.public_info``): the same
masked, cached figures as the public page, for this month."""
from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from bot.models import ksm as k
from bot import runtime
from bot.areas import public_figures as figures
from bot.areas.figure_cache import FigureCache, cache_for
from bot.areas.public_areas import find_kelurahan, nearest_names


def _cache() -> FigureCache | None:
    if runtime._current is None:  # no app or worker built one: compute, do not cache
        return None
    return cache_for(runtime._current)


def info(session: Session, typed: str) -> dict[str, Any]:
    """``found`` with this month's figures, ``ambiguous`` with the candidates (code and
    kota), or ``unknown`` with the nearest names."""
    matches = find_kelurahan(session, typed)
    if not matches:
        return {"status": "unknown", "near": nearest_names(session, typed)}
    if len(matches) > 1:
        return {"status": "ambiguous", "name": matches[0].name, "count": len(matches),
                "choices": [{"code": m.code or str(m.id), "kota": m.kota} for m in matches]}
    kelurahan = matches[0]
    cache = _cache()
    if cache is not None and kelurahan.code:
        data = figures.kelurahan_page(cache, lambda: session, kelurahan.code)
    else:
        data = figures.kelurahan_figures(session, kelurahan)
    assert data is not None
    total = data["complaints"]["total"]
    verified = next(r["count"] for r in data["ksm"]["rows"] if r["status"] == k.VERIFIED)
    return {
        "status": "found",
        "name": kelurahan.name,
        "month": data["month"],
        "received": total["received"],
        "resolved": total["resolved"],
        "on_time": total["on_time"],
        "ksm_verified": verified,
        "ksm_total": data["ksm"]["total"],
        "funded": str(data["funded"]["count"]),
    }


class PublicInfoLookups:
    """Mixed into ``bot.directory.DbDirectory``."""

    session: Session

    def public_info(self, typed: str) -> dict[str, Any]:
        """This month's public figures of the kelurahan ``typed`` names (see :func:`info`)."""
        return info(self.session, typed)
