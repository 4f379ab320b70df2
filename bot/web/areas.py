"""Admins' list of areas: each kelurahan with its officers, KSMs and open complaints,
and the kota/provinsi officers with how many kelurahan their area holds (0: the area
is misspelt or not imported, and their queues stay empty). Admin role only."""
from __future__ import annotations

from flask import Blueprint, render_template, request
from sqlalchemy import func, or_, select
from sqlalchemy.orm import aliased

from bot.models import Area, Complaint, Kelurahan, Ksm, Officer
from bot.models import complaint as c
from bot.models import officer as roles
from bot.areas import scope as area_scope
from bot.complaints.queue import not_simulated
from bot.ksm.area import real_ksm
from bot.web.request import get_db
from bot.web.auth import require_role

bp = Blueprint("areas", __name__, url_prefix="/admin/areas")
SHOWN = 200
OPEN = (c.NEW, c.VERIFIED, c.IN_FOLLOW_UP)


@bp.get("/")
@require_role()
def index():  # type: ignore[no-untyped-def]
    db = get_db()
    q = (request.args.get("q") or "").strip()
    officers = (select(Officer.kelurahan_id, func.count().label("n"))
                .where(Officer.active.is_(True), Officer.level == roles.KELURAHAN)
                .group_by(Officer.kelurahan_id).subquery())
    ksms = (select(Ksm.kelurahan_id, func.count().label("n")).where(real_ksm())
            .group_by(Ksm.kelurahan_id).subquery())
    complaints = (select(Complaint.kelurahan_id, func.count().label("n"))
                  .where(Complaint.status.in_(OPEN), not_simulated())
                  .group_by(Complaint.kelurahan_id).subquery())
    kota, provinsi = aliased(Area), aliased(Area)
    query = (
        select(Kelurahan, func.coalesce(officers.c.n, 0), func.coalesce(ksms.c.n, 0),
               func.coalesce(complaints.c.n, 0), kota.name, provinsi.name)
        .outerjoin(kota, kota.id == Kelurahan.kota_area_id)
        .outerjoin(provinsi, provinsi.id == Kelurahan.provinsi_area_id)
        .outerjoin(officers, officers.c.kelurahan_id == Kelurahan.id)
        .outerjoin(ksms, ksms.c.kelurahan_id == Kelurahan.id)
        .outerjoin(complaints, complaints.c.kelurahan_id == Kelurahan.id)
    )
    if q:
        like = f"%{q.lower()}%"
        query = query.where(or_(Kelurahan.code.startswith(q), func.lower(Kelurahan.name).like(like),
                                func.lower(kota.name).like(like),
                                func.lower(provinsi.name).like(like)))
    else:  # the whole country is 83,000 kelurahan: by default the ones in use
        query = query.where(or_(officers.c.n > 0, ksms.c.n > 0, complaints.c.n > 0))
    rows = db.execute(query.order_by(provinsi.name, kota.name, Kelurahan.code,
                                     Kelurahan.name).limit(SHOWN + 1)).all()
    ids = [row[0].id for row in rows[:SHOWN]]
    names: dict[int, list[str]] = {}
    for kelurahan_id, username, role in db.execute(
        select(Officer.kelurahan_id, Officer.username, Officer.role)
        .where(Officer.kelurahan_id.in_(ids), Officer.level == roles.KELURAHAN,
               Officer.active.is_(True)).order_by(Officer.username)
    ):
        names.setdefault(kelurahan_id, []).append(f"{username} ({role})")
    above = []
    for officer in db.scalars(select(Officer).outerjoin(Area, Area.id == Officer.area_id).where(
            Officer.active.is_(True), Officer.level.in_((roles.KOTA, roles.PROVINSI)))
            .order_by(Area.name, Officer.username)):
        count = db.scalar(select(func.count()).select_from(Kelurahan)
                          .where(area_scope.kelurahan_condition(officer)))
        above.append((officer, count))
    unplaced = db.scalar(select(func.count()).select_from(Complaint).where(
        Complaint.kelurahan_id.is_(None), Complaint.status.in_(OPEN), not_simulated())) or 0
    total = db.scalar(select(func.count()).select_from(Kelurahan)) or 0
    return render_template("admin_areas.html", rows=rows[:SHOWN], more=len(rows) > SHOWN, names=names,
                           above=above, unplaced=unplaced, total=total, q=q)
