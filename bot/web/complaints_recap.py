"""The monthly complaint recap page and its CSV download."""

from __future__ import annotations

from flask import Blueprint, render_template, request
from flask_login import current_user

from bot.complaints import queue
from bot.complaints.recap import CSV_KINDS, csv_rows, recap as build_recap
from bot.web.request import get_db
from bot.web.auth import require_role
from bot.web.csv_download import download

bp = Blueprint("complaints_recap", __name__, url_prefix="/complaints/recap")


@bp.get("/")
@require_role(*queue.VIEW_ROLES)
def recap():  # type: ignore[no-untyped-def]
    first, areas, total = build_recap(get_db(), current_user, request.args.get("month"))
    peak = max([*total.kinds.values(), *total.statuses.values(), 1])
    return render_template(
        "complaints_recap.html", month=first, areas=areas, total=total, kinds=CSV_KINDS, peak=peak
    )


@bp.get("/csv")
@require_role(*queue.VIEW_ROLES)
def recap_csv():  # type: ignore[no-untyped-def]
    first, areas, total = build_recap(get_db(), current_user, request.args.get("month"))
    header, *rows = csv_rows(areas, total)
    return download(f"rekap-aduan-{first:%Y-%m}.csv", header, rows)
