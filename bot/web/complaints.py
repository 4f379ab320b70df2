"""The officers' complaint queue in the dashboard: list with filters, detail with the
thread, media and audit trail, and the actions (status, escalate, BKM flag, take, reply).

Every query goes through ``bot.complaints.queue`` so an officer only ever sees
complaints of their level and area; an out-of-scope id is a 404 like a missing one.
"""

from __future__ import annotations

import uuid
from datetime import datetime, timezone
from functools import partial

from flask import Blueprint, flash, redirect, render_template, request, session, url_for
from flask_login import current_user
from sqlalchemy import select

from bot.models import (
    Complaint,
    ComplaintMedia,
    ComplaintNotice,
    Contact,
    Kelurahan,
    Officer,
)
from bot.models import complaint as c
from bot.models import officer as roles
from bot.outbox import enqueue_sends
from bot.officers import api_tokens
from bot.complaints import thread as complaint_thread
from bot.complaints import export as complaint_export
from bot.complaints import actions
from bot.complaints import assignment
from bot.complaints import audit
from bot.complaints import escalation
from bot.complaints import queue
from bot.complaints import officer_alerts
from bot.areas import scope as area_scope
from bot.web.request import get_db, get_runtime
from bot.web.auth import require_role
from bot.web.csv_download import download
from bot.web.wording import officer_zone

bp = Blueprint("complaints", __name__, url_prefix="/complaints")

@bp.get("/")
@require_role(*queue.VIEW_ROLES)
def index():  # type: ignore[no-untyped-def]
    db = get_db()
    now = datetime.now(timezone.utc)
    filters = queue.Filters.parse(request.args)
    rows, next_before = queue.page(db, current_user, filters, now)
    kelurahan_options = queue.kelurahan_choices(db, current_user)
    return render_template(
        "complaints_list.html",
        rows=rows,
        filters=filters,
        next_before=next_before,
        now=now,
        names=queue.kelurahan_names(db, rows),
        zones=queue.kelurahan_zones(db, rows),
        overdue=queue.overdue_count(db, current_user, now),
        unplaced=queue.unplaced_count(db, current_user),
        moved=escalation.recent_for(db, current_user, now),
        kelurahan_options=kelurahan_options,
        is_overdue=queue.is_overdue,
        shown=partial(queue.text_for, current_user),
        can_act=current_user.role in queue.ACT_ROLES,
        colleagues=(
            assignment.colleagues(db, current_user) if current_user.role in queue.ACT_ROLES else []
        ),
        bulk_statuses=(c.VERIFIED, c.IN_FOLLOW_UP, c.RESOLVED, c.REJECTED, c.NOT_OUR_AUTHORITY),
        bulk_undo=_bulk_undo_offer(now),
    )


def _bulk_undo_offer(now: datetime) -> dict[str, object] | None:
    """The officer's last bulk status change, while it may still be taken back."""
    offer = session.get("bulk_undo")
    if not offer:
        return None
    until = datetime.fromisoformat(offer["until"])
    if actions.clock() > until:
        session.pop("bulk_undo", None)
        return None
    return {**offer, "until": until}


def _visible_or_404(complaint_id: int):  # type: ignore[no-untyped-def]
    return area_scope.get_in_area(get_db(), current_user, Complaint, complaint_id)


EXPORT_LIMIT = 10_000


@bp.get("/export.csv")
@require_role(*queue.VIEW_ROLES)
def export_csv():  # type: ignore[no-untyped-def]
    """The filtered queue as CSV (newest first, at most ``EXPORT_LIMIT`` rows), with the
    same privacy rule as the page: anonymous complainants are not in it."""
    db = get_db()
    now = datetime.now(timezone.utc)
    filters = queue.Filters.parse(request.args)
    rows = list(
        db.scalars(
            queue.filtered(current_user, filters, now)
            .order_by(Complaint.id.desc())
            .limit(EXPORT_LIMIT)
        )
    )
    names = queue.kelurahan_names(db, rows)
    zones = queue.kelurahan_zones(db, rows)
    assigned_ids = {x.assigned_officer_id for x in rows if x.assigned_officer_id}
    usernames = dict(db.execute(
        select(Officer.id, Officer.username).where(Officer.id.in_(assigned_ids))
    ).all()) if assigned_ids else {}
    out = []
    for complaint in rows:
        zone = zones.get(complaint.kelurahan_id) or officer_zone()  # unplaced: the officer's
        record = queue.as_dict(
            db, current_user, complaint, now, names.get(complaint.kelurahan_id), zone=zone
        )
        out.append(complaint_export.row(record, complaint.created_at, complaint.updated_at, zone,
                                        usernames.get(complaint.assigned_officer_id)))
    return download("aduan.csv", complaint_export.HEADER, out)


@bp.get("/<int:complaint_id>")
@require_role(*queue.VIEW_ROLES)
def detail(complaint_id: int):  # type: ignore[no-untyped-def]
    db = get_db()
    complaint = _visible_or_404(complaint_id)
    now = datetime.now(timezone.utc)
    media = db.scalars(
        select(ComplaintMedia)
        .where(ComplaintMedia.complaint_id == complaint.id)
        .order_by(ComplaintMedia.id)
    ).all()
    kelurahan = db.get(Kelurahan, complaint.kelurahan_id) if complaint.kelurahan_id else None
    assigned = (
        db.scalar(select(Officer.username).where(Officer.id == complaint.assigned_officer_id))
        if complaint.assigned_officer_id
        else None
    )
    zone = kelurahan.time_zone if kelurahan else officer_zone()  # unplaced: the officer's
    return render_template(
        "complaints_detail.html",
        complaint=complaint,
        events=audit.trail(db, complaint, zone),
        media=media,
        thread=complaint_thread.messages(db, complaint),
        kelurahan=kelurahan,
        now=now,
        held=db.scalars(
            select(ComplaintNotice)
            .where(
                ComplaintNotice.complaint_id == complaint.id, ComplaintNotice.message_id.is_(None)
            )
            .order_by(ComplaintNotice.id)
        ).all(),
        person=queue.complainant(db, current_user, complaint),
        shown=partial(queue.text_for, current_user, complaint),
        opted_out=db.scalar(select(Contact.opted_out).where(Contact.id == complaint.contact_id)),
        assigned=assigned,
        zone=zone,
        overdue=queue.is_overdue(complaint, now),
        next_statuses=c.TRANSITIONS.get(complaint.status, ()),
        needs_reason=c.NEEDS_REASON,
        can_act=current_user.role in queue.ACT_ROLES,
        can_reply=current_user.role in actions.REPLY_ROLES,
        can_escalate=complaint.level != roles.PUSAT and complaint.status not in c.CLOSED,
        colleagues=(
            assignment.colleagues_for(db, current_user, complaint)
            if current_user.role in queue.ACT_ROLES and complaint.status not in c.CLOSED
            else []
        ),
        place_options=(
            queue.kelurahan_choices(db, current_user, limit=500)
            if complaint.kelurahan_id is None and current_user.role in queue.ACT_ROLES
            else None
        ),
    )


def _act(complaint_id: int, action) -> object:  # type: ignore[no-untyped-def]
    """Run ``action(db, complaint)``, commit, then enqueue the messages it queued."""
    db = get_db()
    complaint = _visible_or_404(complaint_id)
    try:
        queued = action(db, complaint) or []
    except actions.ActionError as exc:
        db.rollback()
        flash(str(exc), "error")
        return redirect(url_for(".detail", complaint_id=complaint_id, _anchor="tindakan"))
    db.commit()
    enqueue_sends(get_runtime(), queued)
    flash("Tersimpan.", "info")
    if queue.get_visible(db, current_user, complaint_id) is None:
        return redirect(url_for(".index"))  # escalated or moved out of this officer's scope
    # Back to the actions, where the officer was: the next step is one tap away.
    return redirect(url_for(".detail", complaint_id=complaint_id, _anchor="tindakan"))


@bp.post("/<int:complaint_id>/status")
@require_role(*queue.ACT_ROLES)
def change_status(complaint_id: int):  # type: ignore[no-untyped-def]
    form = request.form
    return _act(
        complaint_id,
        lambda db, x: actions.change_status(
            db,
            x,
            current_user,
            form.get("status", ""),
            form.get("reason"),
            form.get("response"),
            settings=get_runtime().settings,
        ),
    )


@bp.post("/<int:complaint_id>/escalate")
@require_role(*queue.ACT_ROLES)
def escalate(complaint_id: int):  # type: ignore[no-untyped-def]
    return _act(
        complaint_id,
        lambda db, x: actions.escalate(db, x, current_user, request.form.get("reason", ""),
                                       settings=get_runtime().settings),
    )


@bp.post("/<int:complaint_id>/bkm")
@require_role(*queue.ACT_ROLES)
def names_bkm(complaint_id: int):  # type: ignore[no-untyped-def]
    return _act(
        complaint_id,
        lambda db, x: actions.mark_names_bkm_member(
            db, x, current_user, request.form.get("reason", "")
        ),
    )


@bp.post("/<int:complaint_id>/place")
@require_role(*queue.ACT_ROLES)
def place(complaint_id: int):  # type: ignore[no-untyped-def]
    raw = request.form.get("kelurahan_id", "")
    return _act(
        complaint_id,
        lambda db, x: actions.place_in(
            db, x, current_user, int(raw) if raw.isdigit() else None
        ),
    )


@bp.post("/<int:complaint_id>/take")
@require_role(*queue.ACT_ROLES)
def take(complaint_id: int):  # type: ignore[no-untyped-def]
    return _act(complaint_id, lambda db, x: assignment.take(db, x, current_user))


@bp.post("/<int:complaint_id>/assign")
@require_role(*queue.ACT_ROLES)
def assign(complaint_id: int):  # type: ignore[no-untyped-def]
    raw = request.form.get("officer_id", "")
    return _act(
        complaint_id,
        lambda db, x: assignment.assign(db, x, current_user, int(raw) if raw.isdigit() else None,
                                     settings=get_runtime().settings),
    )


@bp.post("/bulk")
@require_role(*queue.ACT_ROLES)
def bulk():  # type: ignore[no-untyped-def]
    """Assign, or change the status of, the complaints ticked in the list: each one the
    officer may see, each change audited; those that cannot change are named."""
    db = get_db()
    form = request.form
    ids = [int(x) for x in form.getlist("ids") if x.isdigit()][: queue.PAGE_SIZE]
    what = form.get("action", "")
    if not ids or what not in ("assign", "status"):
        flash("Centang aduan dan pilih tindakan.", "error")
        return redirect(url_for(".index"))
    raw = form.get("officer_id", "")
    if what == "status" and form.get("confirm") != "1":
        # A status change tells every complainant: the officer sees which first.
        chosen = [x for x in (queue.get_visible(db, current_user, i) for i in ids) if x]
        return render_template("complaints_bulk_confirm.html", complaints=chosen,
                               status=form.get("status", ""), reason=form.get("reason", ""))
    queued: list[int] = []
    done, refused, assigned = 0, [], []
    batch = uuid.uuid4().hex[:16] if what == "status" else None
    for complaint_id in ids:
        complaint = queue.get_visible(db, current_user, complaint_id)
        if complaint is None:
            continue  # not this officer's: say nothing about it
        try:
            if what == "assign":
                assignment.assign(db, complaint, current_user,
                               int(raw) if raw.isdigit() else None, tell=False)
                assigned.append(complaint)
            else:
                queued += actions.change_status(
                    db, complaint, current_user, form.get("status", ""), form.get("reason"),
                    settings=get_runtime().settings, batch=batch,
                )
            done += 1
        except actions.ActionError as exc:
            refused.append(f"{complaint.code}: {exc}")
    queued += officer_alerts.on_assigned_many(db, assigned, int(raw) if raw.isdigit() else None,
                                              current_user, actions.clock(),
                                              get_runtime().settings)
    db.commit()
    enqueue_sends(get_runtime(), queued)
    flash(f"{done} aduan diubah.", "info")
    for line in refused[:10]:
        flash(f"Tidak diubah: {line}", "error")
    if batch and done:
        # Offered on the queue until the window ends (the notices wait as long).
        session["bulk_undo"] = {"batch": batch, "count": done,
                                "until": (actions.clock() + actions.UNDO_WINDOW).isoformat()}
    return redirect(url_for(".index"))


@bp.post("/bulk/undo")
@require_role(*queue.ACT_ROLES)
def bulk_undo():  # type: ignore[no-untyped-def]
    """Take back the officer's last bulk status change (within ``actions.UNDO_WINDOW``)."""
    db = get_db()
    offered = session.pop("bulk_undo", None) or {}
    batch = request.form.get("batch", "")
    if not batch or batch != offered.get("batch"):
        flash("Tidak ada perubahan massal yang bisa dibatalkan.", "error")
        return redirect(url_for(".index"))
    try:
        undone, kept = actions.undo_batch(db, current_user, batch)
    except actions.ActionError as exc:
        db.rollback()
        flash(str(exc), "error")
        return redirect(url_for(".index"))
    db.commit()
    flash(f"Perubahan status {undone} aduan dibatalkan; pengadunya tidak diberi tahu.", "info")
    if kept:
        flash(f"Sudah berubah lagi, tidak dibatalkan: {', '.join(kept[:10])}", "error")
    return redirect(url_for(".index"))


@bp.post("/<int:complaint_id>/reply")
@require_role(*queue.ACT_ROLES)
def reply(complaint_id: int):  # type: ignore[no-untyped-def]
    return _act(
        complaint_id, lambda db, x: actions.reply(db, x, current_user, request.form.get("text", ""))
    )


@bp.post("/api-token")
@require_role(*queue.VIEW_ROLES)
def api_token():  # type: ignore[no-untyped-def]
    """Issue a new API token for the logged-in officer (replaces the old one)."""
    db = get_db()
    officer = db.get(Officer, current_user.id)
    token = api_tokens.issue(db, officer)
    db.commit()
    return render_template("complaints_token.html", token=token)
