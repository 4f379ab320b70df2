"""Admins decide residents' HAPUS DATA requests (``bot.privacy.erasure``).

Admin role only: the page shows residents' numbers, and approving erases one. Each
request shows what the number has with us (complaints, KSM memberships, messages) so
the admin sees what will be kept without it.
"""
from __future__ import annotations

from datetime import datetime, timezone

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import func, select

from bot.models import Complaint, Contact, ErasureRequest, KsmMember, Message, Officer
from bot.models import privacy as p
from bot.outbox import enqueue_sends
from bot.phone import display
from bot.privacy import erasure
from bot.web.request import get_db, get_runtime
from bot.web.auth import require_role

bp = Blueprint("privacy", __name__, url_prefix="/admin/privacy")
SHOWN = 100
STATUS_LABELS = {
    p.PENDING: "Menunggu keputusan",
    p.REFUSED: "Ditolak",
    p.APPROVED: "Disetujui, menunggu SMS terakhir terkirim",
    p.ERASED: "Data dihapus",
}


def _count(db, model, column, contact_id: int) -> int:  # type: ignore[no-untyped-def]
    return db.scalar(select(func.count()).select_from(model).where(column == contact_id)) or 0


@bp.get("/")
@require_role()
def index():  # type: ignore[no-untyped-def]
    db = get_db()
    requests = db.scalars(
        select(ErasureRequest)
        .order_by((ErasureRequest.status == p.PENDING).desc(), ErasureRequest.id.desc())
        .limit(SHOWN)
    ).all()
    rows = []
    for row in requests:
        contact = db.get(Contact, row.contact_id)
        erased = contact is None or contact.erased_at is not None
        rows.append({
            "request": row,
            "status": STATUS_LABELS.get(row.status, row.status),
            "phone": "(dihapus)" if erased else display(contact.phone),
            "name": None if erased else contact.name,
            "complaints": _count(db, Complaint, Complaint.contact_id, row.contact_id),
            "memberships": _count(db, KsmMember, KsmMember.contact_id, row.contact_id),
            "messages": _count(db, Message, Message.contact_id, row.contact_id),
            "decided_by": db.scalar(select(Officer.username).where(
                Officer.id == row.decided_by_id)) if row.decided_by_id else None,
        })
    return render_template("privacy_erasure.html", rows=rows, pending=p.PENDING)


def _decide(request_id: int, decide) -> object:  # type: ignore[no-untyped-def]
    db = get_db()
    row = db.get(ErasureRequest, request_id)
    if row is None:
        abort(404)
    try:
        queued = decide(db, row, datetime.now(timezone.utc))
    except erasure.ErasureError as exc:
        db.rollback()
        flash(str(exc), "error")
        return redirect(url_for(".index"))
    db.commit()
    enqueue_sends(get_runtime(), queued)
    flash("Tersimpan.", "info")
    return redirect(url_for(".index"))


@bp.post("/<int:request_id>/approve")
@require_role()
def approve(request_id: int):  # type: ignore[no-untyped-def]
    officer = get_db().get(Officer, current_user.id)
    return _decide(request_id, lambda db, row, now: erasure.approve(db, row, officer, now))


@bp.post("/<int:request_id>/refuse")
@require_role()
def refuse(request_id: int):  # type: ignore[no-untyped-def]
    officer = get_db().get(Officer, current_user.id)
    reason = request.form.get("reason", "")
    return _decide(request_id,
                   lambda db, row, now: erasure.refuse(db, row, officer, reason, now))
