"""Officer login and logout (CSRF-protected forms) and role checks.

Login is the password, then, for an officer with a second factor, a code
(``/login/code``): a TOTP code or a recovery code. Between the two the session holds
only who is half-way, for a few minutes. Wrong codes count in the same throttle as
wrong passwords. An admin without a second factor reaches only the enrolment page.
"""
from __future__ import annotations

import time
from functools import wraps
from typing import Any, Callable
from urllib.parse import urlsplit

from flask import (
    Blueprint, Flask, abort, flash, redirect, render_template, request, session, url_for,
)
from flask_login import LoginManager, current_user, login_required, login_user, logout_user
from flask_wtf import FlaskForm
from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired, Length

from bot.models import Officer
from bot.officers import second_factor
from bot.officers.accounts import authenticate
from bot.web.request import get_db, get_runtime
from bot.web.login_attempts import LoginAttempts

bp = Blueprint("auth", __name__)
login_manager = LoginManager()


# WTForms' own messages are English.
REQUIRED = "Wajib diisi."
TOO_LONG = "Terlalu panjang (maks. %(max)d huruf)."


class LoginForm(FlaskForm):
    username = StringField("Nama pengguna", validators=[DataRequired(REQUIRED), Length(max=80, message=TOO_LONG)])
    password = PasswordField("Kata sandi", validators=[DataRequired(REQUIRED), Length(max=200, message=TOO_LONG)])


class CodeForm(FlaskForm):
    code = StringField("Kode dari aplikasi autentikator, atau kode pemulihan",
                       validators=[DataRequired(REQUIRED), Length(max=40, message=TOO_LONG)])


# Between the password and the code: this long to type the code.
PENDING_SECONDS = 300
# What an admin without a second factor may reach: enrolment, and leaving.
_UNENROLLED_ENDPOINTS = {"second_factor.index", "second_factor.confirm", "auth.logout",
                         "static"}


def init_app(app: Flask) -> None:
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = "Silakan masuk dulu."
    app.before_request(_require_enrolment)


def _require_enrolment():  # type: ignore[no-untyped-def]
    # No cookie, no officer (every webhook): the session is not even opened.
    if "HTTP_COOKIE" not in request.environ:
        return None
    if "_user_id" not in session or request.endpoint in _UNENROLLED_ENDPOINTS:
        return None
    if (current_user.is_authenticated and second_factor.required(current_user)
            and not second_factor.enrolled(current_user)):
        flash("Akun admin wajib memakai verifikasi dua langkah. Daftarkan dulu.", "error")
        return redirect(url_for("second_factor.index"))
    return None


# A session left idle this long ends: about a working day.
IDLE_SECONDS = 10 * 3600


@login_manager.user_loader
def _load(officer_id: str) -> Officer | None:
    """The session's officer, while the session is still theirs: same session version
    (not logged out or re-passworded since), active, and used within IDLE_SECONDS."""
    try:
        officer = get_db().get(Officer, int(officer_id))
    except ValueError:
        return None
    now = int(time.time())
    if (officer is None or not officer.active
            or session.get("officer_version") != officer.session_version
            or now - int(session.get("seen", 0)) > IDLE_SECONDS):
        session.clear()
        return None
    if now - int(session.get("seen", 0)) > 60:  # the cookie changes at most once a minute
        session["seen"] = now
    return officer


def _safe_next(target: str | None) -> str:
    if target and urlsplit(target).netloc == "" and target.startswith("/") and not target.startswith("//"):
        return target
    return url_for("dashboard.index")


@bp.route("/login", methods=["GET", "POST"])
def login():  # type: ignore[no-untyped-def]
    form = LoginForm()
    if form.validate_on_submit():
        username = form.username.data.strip()
        attempts = _attempts()
        if (blocked := _blocked(attempts, username)) is not None:
            return render_template("login.html", form=form), blocked
        officer = authenticate(get_db(), username, form.password.data)
        if officer is not None:
            session.clear()
            finished = not second_factor.enrolled(officer)
            attempts.passed(username, request.remote_addr, finished)
            if not finished:
                session["pending_2fa"] = {"officer": officer.id, "at": int(time.time()),
                                          "next": _safe_next(request.args.get("next"))}
                return redirect(url_for("auth.code"))
            return _complete(officer, _safe_next(request.args.get("next")))
        attempts.failed(username, request.remote_addr)
        flash("Nama pengguna atau kata sandi salah.", "error")
        return render_template("login.html", form=form), 401
    if form.is_submitted():
        _say_form_problem(form)
        return render_template("login.html", form=form), 400
    return render_template("login.html", form=form)


@bp.route("/login/code", methods=["GET", "POST"])
def code():  # type: ignore[no-untyped-def]
    pending = session.get("pending_2fa") or {}
    db = get_db()
    officer = db.get(Officer, pending["officer"]) if pending else None
    if (officer is None or not officer.active
            or int(time.time()) - int(pending.get("at", 0)) > PENDING_SECONDS):
        session.pop("pending_2fa", None)
        flash("Silakan masuk lagi.", "error")
        return redirect(url_for("auth.login"))
    form = CodeForm()
    if form.validate_on_submit():
        attempts = _attempts()
        if (blocked := _blocked(attempts, officer.username)) is not None:
            return render_template("login_code.html", form=form), blocked
        if second_factor.verify(db, officer, form.code.data):
            db.commit()  # the step used, or the recovery code spent
            attempts.passed(officer.username, request.remote_addr, finished=True)
            return _complete(officer, pending.get("next") or url_for("dashboard.index"))
        db.rollback()
        attempts.failed(officer.username, request.remote_addr)
        if second_factor.just_used(officer, form.code.data):
            flash("Kode ini baru saja dipakai. Tunggu kode berikutnya di aplikasi "
                  "(paling lama 30 detik), lalu masukkan.", "error")
        else:
            flash("Kode salah atau sudah dipakai.", "error")
        return render_template("login_code.html", form=form), 401
    if form.is_submitted():
        _say_form_problem(form)
        return render_template("login_code.html", form=form), 400
    return render_template("login_code.html", form=form)


def _say_form_problem(form: FlaskForm) -> None:
    """Flash the first thing wrong with a submitted form, in Indonesian."""
    for field in form:
        if field.errors and field.name != "csrf_token":  # CSRF has its own Indonesian page
            flash(f"{field.label.text}: {field.errors[0]}", "error")
            return


def _blocked(attempts: LoginAttempts, username: str) -> int | None:
    """Count the attempt; 429 (with the message flashed) when it is one too many for
    the username or address: it is then not checked."""
    wait = attempts.take(username, request.remote_addr)
    if not wait:
        return None
    minutes = -(-wait // 60)
    flash(f"Terlalu banyak percobaan yang salah. Coba lagi dalam {minutes} menit.", "error")
    return 429


def _complete(officer: Officer, target: str):  # type: ignore[no-untyped-def]
    session.clear()
    login_user(officer)
    session["officer_version"] = officer.session_version
    session["seen"] = int(time.time())
    if second_factor.required(officer) and not second_factor.enrolled(officer):
        return redirect(url_for("second_factor.index"))
    return redirect(target)


def _attempts() -> LoginAttempts:
    return LoginAttempts(get_db())


@bp.post("/logout")
@login_required
def logout():  # type: ignore[no-untyped-def]
    # Every session of this officer ends, copies of this cookie included.
    db = get_db()
    officer = db.get(Officer, current_user.id)
    officer.session_version += 1
    db.commit()
    logout_user()
    session.clear()
    flash("Anda sudah keluar.", "info")
    return redirect(url_for("auth.login"))


def require_role(*allowed: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Only officers with one of ``allowed`` roles (admin always) reach the view."""

    def decorate(view: Callable[..., Any]) -> Callable[..., Any]:
        @wraps(view)
        @login_required
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            if current_user.role != "admin" and current_user.role not in allowed:
                abort(403)
            return view(*args, **kwargs)

        return wrapped

    return decorate
