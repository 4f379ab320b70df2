"""Admins keep each kelurahan's BKM roster: the names that keep a complaint from the BKM
when a resident names one of them (``bot.complaints.bkm_roster``)."""
from __future__ import annotations

from datetime import datetime, timezone

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from sqlalchemy import select

from bot.models import BkmMember, Kelurahan
from bot.complaints import bkm_roster
from bot.web.request import get_db
from bot.web.auth import require_role

bp = Blueprint("bkm_roster", __name__, url_prefix="/admin/bkm-roster")


@bp.get("/")
@require_role()
def index():  # type: ignore[no-untyped-def]
    db = get_db()
    kelurahan_id = request.args.get("kelurahan", type=int)
    kelurahan = db.get(Kelurahan, kelurahan_id) if kelurahan_id else None
    members = (
        db.scalars(
            select(BkmMember).where(BkmMember.kelurahan_id == kelurahan.id).order_by(BkmMember.name)
        ).all()
        if kelurahan
        else []
    )
    choices = db.execute(
        select(Kelurahan.id, Kelurahan.name, Kelurahan.kota)
        .order_by(Kelurahan.name, Kelurahan.kota)
        .limit(500)
    ).all()
    return render_template(
        "bkm_roster.html",
        kelurahan=kelurahan,
        members=members,
        officers=bkm_roster.roster(db, kelurahan.id)[len(members):] if kelurahan else [],
        choices=choices,
    )


@bp.post("/")
@require_role()
def add():  # type: ignore[no-untyped-def]
    db = get_db()
    kelurahan = db.get(Kelurahan, request.form.get("kelurahan_id", type=int) or 0)
    if kelurahan is None:
        abort(404)
    try:
        moved = bkm_roster.add(
            db, kelurahan.id, request.form.get("name", ""), datetime.now(timezone.utc)
        )
    except ValueError as exc:
        db.rollback()
        flash(str(exc), "error")
    else:
        db.commit()
        flash(
            f"Ditambahkan. {moved} aduan terbuka yang menyebut nama ini disembunyikan dari BKM.",
            "info",
        )
    return redirect(url_for(".index", kelurahan=kelurahan.id))


@bp.post("/<int:member_id>/remove")
@require_role()
def remove(member_id: int):  # type: ignore[no-untyped-def]
    db = get_db()
    member = db.get(BkmMember, member_id)
    if member is None:
        abort(404)
    kelurahan_id = member.kelurahan_id
    db.delete(member)
    db.commit()
    flash("Dihapus dari roster.", "info")
    return redirect(url_for(".index", kelurahan=kelurahan_id))
