"""Proposals in the dashboard: each unit's review queue, entering a proposal, and the
kelurahan's PJM Pronangkis programs. Scoped to the officer's area."""
from __future__ import annotations

from datetime import UTC, datetime

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from bot.models import Kelurahan, Ksm, Officer, PjmProgram, Proposal
from bot.models import ksm as k
from bot.outbox import enqueue_sends
from bot.ksm import proposals as ksm_proposals
from bot.officers import labels
from bot.ksm.registration import KsmError
from bot.areas import scope as area_scope
from bot.ksm.area import wants_simulated
from bot.ksm.poor_list import beneficiaries_ok
from bot.web.request import get_db, get_runtime
from bot.web.auth import require_role
from conversations.flow import Invalid
from conversations.flows.ksm_common import FIELDS
from conversations.flows.ksm_proposal import parse_amount, rupiah

bp = Blueprint("ksm_proposals", __name__, url_prefix="/ksm/proposals")
STATUS_LABELS = labels.PROPOSAL_STATUS


@bp.get("/")
@require_role("bkm", "fasilitator")
def queue():  # type: ignore[no-untyped-def]
    unit = request.args.get("unit") or ""
    status = request.args.get("status") or k.SUBMITTED
    simulated = wants_simulated(request.args)
    query = (
        select(Proposal, Ksm, PjmProgram.name, Kelurahan.name, Officer.username)
        .join(Ksm, Ksm.id == Proposal.ksm_id).join(Kelurahan, Kelurahan.id == Ksm.kelurahan_id)
        .outerjoin(PjmProgram, PjmProgram.id == Proposal.pjm_program_id)
        .outerjoin(Officer, Officer.id == Proposal.reviewed_by_id)
        .where(area_scope.in_area_filter(current_user, Ksm, simulated))
        .order_by(Proposal.id)
    )
    if unit in k.UNITS:
        query = query.where(Proposal.unit == unit)
    if status in k.PROPOSAL_STATUSES:
        query = query.where(Proposal.status == status)
    rows = get_db().execute(query).all()
    return render_template("ksm_proposals.html", rows=rows, unit=unit, status=status, units=k.UNITS,
                           simulated=simulated,
                           labels=STATUS_LABELS, rupiah=rupiah, rule_ok=beneficiaries_ok,
                           can_review=current_user.role in ("admin", "bkm"))


@bp.post("/<int:proposal_id>/review")
@require_role("bkm")
def review(proposal_id: int):  # type: ignore[no-untyped-def]
    db = get_db()
    found = area_scope.get_in_area(db, current_user, Proposal, proposal_id)
    try:
        message_ids = ksm_proposals.review(
            db, found, current_user, request.form.get("status", ""), request.form.get("notes", ""),
            bool(request.form.get("interview_done")), bool(request.form.get("field_visit_done")),
            datetime.now(UTC), request.form.get("rule_override", ""),
            request.form.get("checks_skipped", ""),
        )
    except KsmError as exc:
        db.rollback()
        flash(str(exc), "error")
        return redirect(url_for("ksm_proposals.queue", unit=found.unit))
    db.commit()
    enqueue_sends(get_runtime(), message_ids)
    flash(f"Usulan no. {found.id}: {STATUS_LABELS[found.status]}; ketua KSM diberi tahu.", "info")
    return redirect(url_for("ksm_proposals.queue", unit=found.unit))


def _int(name: str) -> int:
    value = (request.form.get(name) or "").strip()
    if not value.isdigit():
        raise KsmError(f"{name}: tulis angka.")
    return int(value)


@bp.route("/new", methods=["GET", "POST"])
@require_role("bkm")
def new():  # type: ignore[no-untyped-def]
    db = get_db()
    ksms = db.execute(
        select(Ksm).join(Kelurahan, Kelurahan.id == Ksm.kelurahan_id)
        .where(Ksm.status == k.VERIFIED, area_scope.in_area_filter(current_user, Ksm)).order_by(Ksm.name)
    ).scalars().all()
    programs = db.execute(
        select(PjmProgram).join(Kelurahan, Kelurahan.id == PjmProgram.kelurahan_id)
        .where(PjmProgram.active.is_(True), area_scope.in_area_filter(current_user, Kelurahan)).order_by(PjmProgram.name)
    ).scalars().all()
    if request.method == "POST":
        ksm = next((x for x in ksms if x.id == request.form.get("ksm_id", type=int)), None)
        try:
            if ksm is None:
                raise KsmError("Pilih KSM terverifikasi di wilayah Anda.")
            title = " ".join((request.form.get("title") or "").split())
            if not 1 <= len(title) <= 120:
                raise KsmError("Judul wajib diisi (maks 120 huruf).")
            try:
                amount = parse_amount(request.form.get("amount", ""))
            except Invalid:
                raise KsmError("Jumlah dana tidak jelas (contoh 5000000 atau 5jt).") from None
            proposal = ksm_proposals.create(
                db, ksm, title, request.form.get("pjm_program_id", type=int) or 0,
                request.form.get("field", ""), amount, _int("beneficiaries"), _int("poor_beneficiaries"),
                datetime.now(UTC), source="dashboard",
            )
        except KsmError as exc:
            db.rollback()
            flash(str(exc), "error")
            return render_template("ksm_proposal_new.html", ksms=ksms, programs=programs,
                                   fields=FIELDS, form=request.form), 400
        db.commit()
        flash(f"Usulan no. {proposal.id} masuk antrian {proposal.unit}.", "info")
        return redirect(url_for("ksm_proposals.queue", unit=proposal.unit))
    return render_template("ksm_proposal_new.html", ksms=ksms, programs=programs, fields=FIELDS, form={})


@bp.route("/programs", methods=["GET", "POST"])
@require_role("bkm", "fasilitator")
def programs():  # type: ignore[no-untyped-def]
    db = get_db()
    if request.method == "POST":
        if current_user.role not in ("admin", "bkm"):
            abort(403)
        kelurahan_id = request.form.get("kelurahan_id", type=int)
        name = " ".join((request.form.get("name") or "").split())
        if area_scope.find_in_area(db, current_user, Kelurahan, kelurahan_id) is None:
            abort(404)
        if not 1 <= len(name) <= 120:
            flash("Nama program wajib diisi (maks 120 huruf).", "error")
        else:
            db.add(PjmProgram(kelurahan_id=kelurahan_id, name=name))
            db.commit()
            flash("Program PJM ditambahkan.", "info")
        return redirect(url_for("ksm_proposals.programs"))
    rows = db.execute(
        select(PjmProgram, Kelurahan.name).join(Kelurahan, Kelurahan.id == PjmProgram.kelurahan_id)
        .where(area_scope.in_area_filter(current_user, Kelurahan)).order_by(Kelurahan.name, PjmProgram.id)
    ).all()
    return render_template("ksm_programs.html", rows=rows, kelurahan=area_scope.kelurahan_in_area(db, current_user))
