"""The BKM's KSM pages: KSMs by status with verify/reject, one KSM, per-kelurahan
figures with a chart, and CSV exports. Everything is scoped to the officer's area, and
KSMs registered from the simulator count only when asked for (``?simulated=1``, as in
the complaint queue; ``bot.ksm.area.real_ksm``). One opens when asked for."""
from __future__ import annotations

from datetime import UTC, datetime

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import func, select

from bot.models import Contact, Kelurahan, Ksm, KsmMember, PoorResident, Proposal
from bot.models import ksm as k
from bot.outbox import enqueue_sends
from bot.phone import display, mask
from bot.ksm import bursts as ksm_bursts
from bot.officers import labels
from bot.areas import local_time
from bot.areas import scope as area_scope
from bot.ksm import poor_list
from bot.ksm.registration import KsmError, reject, verify
from bot.ksm.area import wants_simulated
from bot.ksm.lookups import ksm_views
from bot.ksm.stats import TARGET, kelurahan_stats
from bot.web.request import get_db, get_runtime
from bot.web.auth import require_role
from bot.web.csv_download import download

bp = Blueprint("ksm", __name__, url_prefix="/ksm")
VIEWERS = ("bkm", "fasilitator")  # admin always
POOR_LIST_ROLES = ("admin", "bkm")
STATUS_LABELS = labels.KSM_STATUS


def sees_poor_list() -> bool:
    return current_user.role in POOR_LIST_ROLES


def _ksm_in_area(ksm_id: int) -> Ksm:
    """The KSM, or 404 when it does not exist or lies outside the officer's area."""
    return area_scope.get_in_area(get_db(), current_user, Ksm, ksm_id)


@bp.get("/")
@require_role(*VIEWERS)
def index():  # type: ignore[no-untyped-def]
    status = request.args.get("status") or k.WAITING
    if status not in k.KSM_STATUSES:
        status = k.WAITING
    db = get_db()
    simulated = wants_simulated(request.args)
    counted = area_scope.in_area_filter(current_user, Ksm, simulated)
    views = ksm_views(db, Ksm.status == status, counted)
    counts = dict.fromkeys(k.KSM_STATUSES, 0)
    counts.update(db.execute(
        select(Ksm.status, func.count()).join(Kelurahan, Kelurahan.id == Ksm.kelurahan_id)
        .where(counted).group_by(Ksm.status)
    ).all())
    marked = set(db.scalars(select(Ksm.id).where(
        Ksm.id.in_([v.id for v in views]), Ksm.simulated.is_(True)))) if simulated else set()
    return render_template("ksm_list.html", views=views, status=status, counts=counts,
                           labels=STATUS_LABELS, simulated=simulated, marked=marked,
                           bursts=ksm_bursts.bursts(db, [v.id for v in views]),
                           burst_minutes=int(ksm_bursts.WINDOW.total_seconds() // 60))


@bp.get("/<int:ksm_id>")
@require_role(*VIEWERS)
def detail(ksm_id: int):  # type: ignore[no-untyped-def]
    db = get_db()
    ksm = _ksm_in_area(ksm_id)
    view = ksm_views(db, Ksm.id == ksm.id)[0]
    members = db.execute(
        select(KsmMember, Contact.phone, PoorResident)
        .join(Contact, Contact.id == KsmMember.contact_id)
        .outerjoin(PoorResident, PoorResident.id == KsmMember.poor_resident_id)
        .where(KsmMember.ksm_id == ksm.id).order_by(KsmMember.id)
    ).all()
    proposals = db.execute(select(Proposal).where(Proposal.ksm_id == ksm.id).order_by(Proposal.id)).scalars().all()
    show_list = sees_poor_list()
    return render_template(
        "ksm_detail.html", ksm=ksm, view=view, members=members, proposals=proposals,
        standing=poor_list.standing(db, ksm),
        suggestions=poor_list.suggestions(db, ksm) if show_list else {},
        show_list=show_list, phone=display if show_list else mask, labels=STATUS_LABELS, stages=k.STAGES,
        can_decide=current_user.role in ("admin", "bkm"),
        burst=ksm_bursts.bursts(db, [ksm.id]).get(ksm.id),
        burst_minutes=int(ksm_bursts.WINDOW.total_seconds() // 60),
    )


@bp.post("/<int:ksm_id>/verify")
@require_role("bkm")
def verify_ksm(ksm_id: int):  # type: ignore[no-untyped-def]
    override = request.form.get("rule_override", "")
    return _decide(ksm_id, lambda db, ksm, now: verify(db, ksm, current_user, now, override),
                   "KSM diverifikasi.")


@bp.post("/<int:ksm_id>/reject")
@require_role("bkm")
def reject_ksm(ksm_id: int):  # type: ignore[no-untyped-def]
    reason = request.form.get("reason", "")
    return _decide(ksm_id, lambda db, ksm, now: reject(db, ksm, current_user, reason, now),
                   "KSM ditolak; alasan dikirim ke ketua.")


def _decide(ksm_id: int, action, done: str):  # type: ignore[no-untyped-def]
    db = get_db()
    ksm = _ksm_in_area(ksm_id)
    try:
        message_ids = action(db, ksm, datetime.now(UTC))
    except KsmError as exc:
        db.rollback()
        flash(str(exc), "error")
        return redirect(url_for("ksm.detail", ksm_id=ksm_id))
    db.commit()
    enqueue_sends(get_runtime(), message_ids)
    flash(done, "info")
    return redirect(url_for("ksm.detail", ksm_id=ksm_id))


@bp.post("/<int:ksm_id>/stage")
@require_role("bkm")
def set_stage(ksm_id: int):  # type: ignore[no-untyped-def]
    """Stages move on their own (forming, registered, first proposal); the BKM corrects them."""
    ksm = _ksm_in_area(ksm_id)
    stage = request.form.get("stage", "")
    if stage not in k.STAGES:
        abort(400)
    ksm.cycle_stage = stage
    get_db().commit()
    flash(f"Tahap KSM: {stage}.", "info")
    return redirect(url_for("ksm.detail", ksm_id=ksm_id))


@bp.post("/members/<int:member_id>/poor-match")
@require_role("bkm")
def confirm_poor_match(member_id: int):  # type: ignore[no-untyped-def]
    db = get_db()
    member = area_scope.get_in_area(db, current_user, KsmMember, member_id)
    ksm = _ksm_in_area(member.ksm_id)
    resident = db.get(PoorResident, request.form.get("resident_id", type=int) or 0)
    if resident is None or resident.kelurahan_id != ksm.kelurahan_id:
        abort(400)
    poor_list.confirm_match(db, member, resident)
    db.commit()
    flash(f"{member.name} dicocokkan dengan daftar miskin.", "info")
    return redirect(url_for("ksm.detail", ksm_id=ksm.id))


@bp.get("/stats")
@require_role(*VIEWERS)
def stats():  # type: ignore[no-untyped-def]
    simulated = wants_simulated(request.args)
    rows = kelurahan_stats(get_db(), current_user, simulated)
    return render_template("ksm_stats.html", rows=rows, target=TARGET, labels=STATUS_LABELS,
                           stages=k.STAGES, proposal_statuses=k.PROPOSAL_STATUSES,
                           simulated=simulated)


@bp.get("/export/ksm.csv")
@require_role(*VIEWERS)
def export_ksms():  # type: ignore[no-untyped-def]
    db = get_db()
    simulated = wants_simulated(request.args)
    counted = area_scope.in_area_filter(current_user, Ksm, simulated)
    rows = db.execute(
        select(Ksm, Kelurahan.name, Kelurahan.kota, Kelurahan.time_zone)
        .join(Kelurahan, Kelurahan.id == Ksm.kelurahan_id)
        .where(counted).order_by(Kelurahan.name, Ksm.code)
    ).all()
    counts = {v.id: v for v in ksm_views(db, counted)}
    return download("ksm.csv", [
        "Kode", "Nama KSM", "Kelurahan", "Kota", "Bidang", "Unit", "KSM perempuan", "Status", "Tahap",
        "Anggota setuju", "Anggota perempuan", "Tujuan", "Alasan penolakan", "Terdaftar", "Diverifikasi",
    ] + (["Simulasi"] if simulated else []), [
        [ksm.code, ksm.name, kel, kota, ksm.field, ksm.unit, labels.YES_NO[bool(ksm.women)],
         labels.say(labels.KSM_STATUS, ksm.status), ksm.cycle_stage,
         counts[ksm.id].confirmed, counts[ksm.id].confirmed_women, ksm.goal, ksm.rejection_reason or "",
         local_time.short(ksm.created_at, zone), local_time.short(ksm.verified_at, zone, missing="")]
        + ([labels.YES_NO[bool(ksm.simulated)]] if simulated else [])
        for ksm, kel, kota, zone in rows
    ])


@bp.get("/export/members.csv")
@require_role(*VIEWERS)
def export_members():  # type: ignore[no-untyped-def]
    show = display if sees_poor_list() else mask
    rows = get_db().execute(
        select(KsmMember, Ksm.code, Ksm.name, Kelurahan.name, Contact.phone)
        .join(Ksm, Ksm.id == KsmMember.ksm_id).join(Kelurahan, Kelurahan.id == Ksm.kelurahan_id)
        .join(Contact, Contact.id == KsmMember.contact_id)
        .where(area_scope.in_area_filter(current_user, Ksm, wants_simulated(request.args)))
        .order_by(Ksm.code, KsmMember.id)
    ).all()
    header = ["Kode KSM", "Nama KSM", "Kelurahan", "Anggota", "L/P", "Peran", "Status", "HP"]
    if sees_poor_list():
        header.append("Di daftar miskin")
    out = []
    for member, code, ksm_name, kel, phone_number in rows:
        row: list[object] = [code, ksm_name, kel, member.name, member.gender or "",
                             labels.say(labels.MEMBER_ROLE, member.role),
                             labels.say(labels.MEMBER_STATUS, member.status), show(phone_number)]
        if sees_poor_list():
            row.append(labels.YES_NO[member.poor_resident_id is not None])
        out.append(row)
    return download("ksm_members.csv", header, out)


@bp.get("/poor-list")
@require_role("bkm")
def poor_residents():  # type: ignore[no-untyped-def]
    """The kelurahan's daftar jiwa miskin, with who of them is in a KSM (bkm/admin only)."""
    db = get_db()
    areas = area_scope.kelurahan_in_area(db, current_user)
    chosen = next((kel for kel in areas if kel.id == request.args.get("kelurahan_id", type=int)),
                  areas[0] if len(areas) == 1 else None)
    rows = []
    if chosen is not None:
        rows = db.execute(
            select(PoorResident, func.count(KsmMember.id))
            .outerjoin(KsmMember, KsmMember.poor_resident_id == PoorResident.id)
            .where(PoorResident.kelurahan_id == chosen.id)
            .group_by(PoorResident.id).order_by(PoorResident.rw, PoorResident.rt, PoorResident.household,
                                                 PoorResident.name)
        ).all()
    return render_template("ksm_poor_list.html", areas=areas, chosen=chosen, rows=rows, phone=display)
