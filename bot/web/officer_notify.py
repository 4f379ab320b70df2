"""The officer's own notification settings (``/notifikasi/``): their phone, verified by
a code sent to it, the channel, and the mode (at once, a 07.00 digest, or off).

Only the logged-in officer's own settings: no route takes an officer's id, so no one
sees or changes another's number.
"""
from __future__ import annotations

from datetime import datetime, timezone

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from bot.models import Officer
from bot.officers import notify, phone_verification
from bot.outbox import enqueue_sends
from bot.phone import display
from bot.web.request import get_db, get_runtime

bp = Blueprint("officer_notify", __name__, url_prefix="/notifikasi")


def _officer() -> Officer:
    return get_db().get(Officer, current_user.id)


def _now() -> datetime:
    return datetime.now(timezone.utc)


@bp.get("/")
@login_required
def index():  # type: ignore[no-untyped-def]
    db = get_db()
    officer = _officer()
    code = phone_verification.pending(db, officer, _now())
    return render_template(
        "officer_notify.html", state=notify.state(db, officer), code=code,
        code_phone=display(phone_verification.pending_phone(db, code)) if code else None,
        modes=notify.MODE_LABELS, channels=notify.CHANNEL_LABELS)


@bp.post("/nomor")
@login_required
def send_code():  # type: ignore[no-untyped-def]
    db = get_db()
    channel = request.form.get("channel", "")
    try:
        message_id = phone_verification.request_code(
            db, _officer(), request.form.get("phone", ""), channel, _now())
    except phone_verification.VerificationError as exc:
        db.rollback()
        flash(str(exc), "error")
        return redirect(url_for(".index"))
    db.commit()
    enqueue_sends(get_runtime(), [message_id])
    flash(f"Kode dikirim lewat {notify.CHANNEL_LABELS[channel]}; berlaku 15 menit. "
          "Pukul 21.00-06.00 kode baru dikirim pagi hari.", "info")
    return redirect(url_for(".index", _anchor="kode"))


@bp.post("/kode")
@login_required
def confirm():  # type: ignore[no-untyped-def]
    db = get_db()
    try:
        contact = phone_verification.confirm_code(db, _officer(), request.form.get("code", ""),
                                                  _now())
    except phone_verification.VerificationError as exc:
        db.commit()  # the try counts
        flash(str(exc), "error")
        return redirect(url_for(".index", _anchor="kode"))
    db.commit()
    flash(f"Nomor {display(contact.phone)} terverifikasi. Pilih cara pemberitahuan.", "info")
    return redirect(url_for(".index", _anchor="pilihan"))


@bp.post("/pilihan")
@login_required
def choose():  # type: ignore[no-untyped-def]
    db = get_db()
    try:
        notify.choose(db, _officer(), request.form.get("mode", ""),
                      request.form.get("channel", ""))
    except notify.NotifyError as exc:
        db.rollback()
        flash(str(exc), "error")
        return redirect(url_for(".index", _anchor="pilihan"))
    db.commit()
    flash("Tersimpan.", "info")
    return redirect(url_for(".index"))
