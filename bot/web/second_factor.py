"""Enrolling a second factor: the secret as text and as an ``otpauth://`` URI (no QR
service: the secret never leaves this site), a code to confirm it, and recovery
codes shown once."""
from __future__ import annotations

from flask import Blueprint, abort, render_template, request, session
from flask_login import current_user, login_required

from bot.models import Officer
from bot.services import second_factor
from bot.web import get_db

bp = Blueprint("second_factor", __name__, url_prefix="/2fa")


def _officer() -> Officer:
    if not second_factor.offered(current_user):
        abort(404)
    return get_db().get(Officer, current_user.id)


def _enrolment_secret() -> str:
    secret = session.get("totp_enrol")
    if not secret:
        secret = session["totp_enrol"] = second_factor.new_secret()
    return secret


@bp.get("/")
@login_required
def index():  # type: ignore[no-untyped-def]
    officer = _officer()
    if second_factor.enrolled(officer):
        return render_template("second_factor.html", officer=officer, enrolled=True)
    secret = _enrolment_secret()
    return render_template("second_factor.html", officer=officer, enrolled=False, secret=secret,
                           uri=second_factor.provisioning_uri(secret, officer.username))


@bp.post("/")
@login_required
def confirm():  # type: ignore[no-untyped-def]
    officer = _officer()
    if second_factor.enrolled(officer):
        abort(409)
    secret = _enrolment_secret()
    db = get_db()
    codes = second_factor.confirm(db, officer, secret, request.form.get("code", ""))
    if codes is None:
        return render_template(
            "second_factor.html", officer=officer, enrolled=False, secret=secret,
            uri=second_factor.provisioning_uri(secret, officer.username),
            error="Kode salah. Periksa jam ponsel dan coba kode berikutnya."), 400
    db.commit()
    session.pop("totp_enrol", None)
    return render_template("second_factor.html", officer=officer, enrolled=True, codes=codes)


@bp.post("/recovery-codes")
@login_required
def recovery_codes():  # type: ignore[no-untyped-def]
    """New recovery codes (the old ones stop working); needs a current code."""
    officer = _officer()
    db = get_db()
    if not second_factor.enrolled(officer) or not second_factor.verify(
            db, officer, request.form.get("code", "")):
        db.rollback()
        return render_template("second_factor.html", officer=officer, enrolled=True,
                               error="Kode salah."), 400
    codes = second_factor.new_recovery_codes(db, officer)
    db.commit()
    return render_template("second_factor.html", officer=officer, enrolled=True, codes=codes)
