"""Enrolling a second factor: the ``otpauth://`` URI as a QR code to scan, drawn here
(no QR service: the secret never leaves this site), the secret and URI as text for
apps that cannot scan, a code to confirm it, and recovery codes shown once."""
from __future__ import annotations

import segno
from flask import Blueprint, abort, render_template, request, session
from flask_login import current_user, login_required

from bot.models import Officer
from bot.officers import second_factor
from bot.web.request import get_db

bp = Blueprint("second_factor", __name__, url_prefix="/2fa")


def enrolment_qr(uri: str) -> str:
    """The QR code of ``uri`` as an SVG ``data:`` URI for an ``<img>`` (the CSP allows
    ``img-src data:``), drawn on the server: no script, no request elsewhere."""
    return segno.make(uri, error="m").svg_data_uri(scale=5, border=4)


def _enrolment(officer: Officer, secret: str, **extra: object) -> str:
    uri = second_factor.provisioning_uri(secret, officer.username)
    return render_template("second_factor.html", officer=officer, enrolled=False,
                           secret=secret, uri=uri, qr=enrolment_qr(uri), **extra)


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
    return _enrolment(officer, _enrolment_secret())


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
        return _enrolment(officer, secret,
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
