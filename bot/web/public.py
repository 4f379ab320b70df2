"""Public pages, no login: each kelurahan's and kota's monthly figures, and an index.

Figures come from ``bot.areas.public_figures`` (masked, cached per area and month).
The pages set no cookie and say ``Cache-Control: public`` so a proxy may serve them too.
"""

from __future__ import annotations

from flask import Blueprint, Response, render_template, request

from bot.models import complaint as c
from bot.officers import labels
from bot.areas import public_figures as figures
from bot.areas.figure_cache import TTL_SECONDS, FigureCache, cache_for
from bot.areas.working_days import MONTHS_ID
from bot.web.request import get_db, get_runtime

bp = Blueprint("public", __name__, url_prefix="/publik")

CACHE_CONTROL = f"public, max-age={TTL_SECONDS}"
KIND_LABELS = {
    c.QUESTION: "Pertanyaan, informasi",
    c.SUGGESTION: "Saran, kritik",
    c.MISUSE_OF_FUNDS: "Penyalahgunaan dana",
    c.PROCEDURE: "Pelanggaran prosedur",
    c.OTHER: "Lainnya",
    figures.UNKNOWN_KIND: "Jenis belum diisi",
}


def month_label(month: str) -> str:
    """``2026-12`` -> ``Desember 2026``."""
    year, number = month.split("-")
    return f"{MONTHS_ID[int(number) - 1]} {year}"


class _BadMonth(Exception):
    """``?bulan=`` names no month with figures (``2026-13``, a future month, words)."""


def _month_arg() -> str | None:
    month = (request.args.get("bulan") or "").strip()
    if not month:
        return None
    if len(month) != 7 or not figures.is_known_month(month):
        raise _BadMonth(month[:20])
    return month


def _bad_month(month: str) -> Response:
    return _public(render_template("public/bad_month.html", month=month,
                                   months=[(m, month_label(m)) for m in figures.recent_months()]),
                   400)


def _public(html: str, status: int = 200) -> Response:
    response = Response(html, status=status, mimetype="text/html")
    if status == 200:
        response.headers["Cache-Control"] = CACHE_CONTROL
    else:
        response.headers["Cache-Control"] = "public, max-age=60"
    return response


def _not_found() -> Response:
    return _public(render_template("public/not_found.html"), 404)


def _render(template: str, data: dict) -> Response:  # type: ignore[type-arg]
    """The page of these figures, rendered once per process for as long as they are the
    cached ones (a kota's page has a row per kelurahan: rendering it costs far more than
    finding its figures). Keyed by the figures' own computation time, so a page is never
    older than its figures."""
    months = figures.recent_months()
    key = f"{template}:{data['area']['code']}:{data['month']}:{data['computed_at']}:{months[0]}"
    return _public(_rendered_pages().fetch(key, lambda: render_template(
        template, data=data, kinds=KIND_LABELS, ksm_labels=labels.KSM_STATUS,
        month=month_label(data["month"]), months=[(m, month_label(m)) for m in months],
        rupiah=labels.rupiah)))


def _rendered_pages() -> FigureCache:
    extras = get_runtime().extras
    pages = extras.get("public_pages_rendered")
    if pages is None:  # this process's memory only: the figures are what Redis shares
        pages = extras.setdefault("public_pages_rendered", FigureCache(None))
    return pages


@bp.get("/")
def index() -> Response:
    q = " ".join((request.args.get("q") or "").split())[:60]
    cache = cache_for(get_runtime())
    kotas = figures.index_page(cache, get_db)
    found = figures.search_page(cache, get_db, q) if q else None
    return _public(render_template("public/index.html", kotas=kotas, q=q, found=found))


@bp.get("/kota/<code>")
def kota(code: str) -> Response:
    try:
        data = figures.kota_page(cache_for(get_runtime()), get_db, code, _month_arg())
    except _BadMonth as exc:
        return _bad_month(str(exc))
    return _not_found() if data is None else _render("public/area.html", data)


@bp.get("/<code>")
def kelurahan(code: str) -> Response:
    try:
        data = figures.kelurahan_page(cache_for(get_runtime()), get_db, code, _month_arg())
    except _BadMonth as exc:
        return _bad_month(str(exc))
    return _not_found() if data is None else _render("public/area.html", data)
