"""The BKM's monev page: each verified KSM's latest check-in and whether it is
reported, waiting, reminded again or overdue. Scoped to the officer's area."""
from __future__ import annotations

from flask import Blueprint, render_template, request
from flask_login import current_user
from sqlalchemy import and_, func, select

from bot.areas import scope as area_scope
from bot import clock
from bot.models import Kelurahan, Ksm, MonevPeriod, MonevReport
from bot.models import ksm as k
from bot.officers import labels
from bot.ksm.monev import overdue_condition, status_of
from bot.web.request import get_db, get_runtime
from bot.web.auth import require_role

bp = Blueprint("monev", __name__, url_prefix="/monev")
VIEWERS = ("bkm", "fasilitator")
PAGE = 200
LABELS = labels.MONEV_STATUS
KIND_LABELS = labels.MONEV_KIND


@bp.get("/")
@require_role(*VIEWERS)
def index():  # type: ignore[no-untyped-def]
    db = get_db()
    rt = get_runtime()
    now = clock.now(rt)  # the runtime's clock: tests pin it
    days = rt.settings.monev_reminder_days
    only_overdue = request.args.get("overdue") == "1"
    latest = (select(MonevPeriod.ksm_id, func.max(MonevPeriod.number).label("number"))
              .where(MonevPeriod.opened_at.is_not(None)).group_by(MonevPeriod.ksm_id).subquery())
    query = (
        select(Ksm, Kelurahan.name, MonevPeriod, MonevReport, Kelurahan.time_zone)
        .join(Kelurahan, Kelurahan.id == Ksm.kelurahan_id)
        .outerjoin(latest, latest.c.ksm_id == Ksm.id)
        .outerjoin(MonevPeriod, and_(MonevPeriod.ksm_id == Ksm.id,
                                     MonevPeriod.number == latest.c.number))
        .outerjoin(MonevReport, MonevReport.period_id == MonevPeriod.id)
        .where(Ksm.status == k.VERIFIED, area_scope.in_area_filter(current_user, Ksm))
    )
    overdue_count = db.scalar(select(func.count()).select_from(
        query.where(overdue_condition(now, days)).subquery()))
    if only_overdue:
        query = query.where(overdue_condition(now, days))
    rows = [
        {"ksm": ksm, "kelurahan": kel, "period": period, "report": report,
         "status": status_of(period, now, days), "zone": zone}
        for ksm, kel, period, report, zone in db.execute(
            query.order_by(Kelurahan.name, Ksm.name, Ksm.id).limit(PAGE)).all()
    ]
    return render_template("monev.html", rows=rows, labels=LABELS, kinds=KIND_LABELS,
                           only_overdue=only_overdue, overdue_count=overdue_count, page=PAGE)
