"""Officer login and logout (CSRF-protected forms) and role checks."""
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
from bot.services.officers import authenticate
from bot.web import get_db, get_runtime
from bot.web.login_attempts import LoginAttempts

bp = Blueprint("auth", __name__)
login_manager = LoginManager()


class LoginForm(FlaskForm):
    username = StringField("Nama pengguna", validators=[DataRequired(), Length(max=80)])
    password = PasswordField("Kata sandi", validators=[DataRequired(), Length(max=200)])


def init_app(app: Flask) -> None:
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = "Silakan masuk dulu."


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
        wait = attempts.blocked_for(username, request.remote_addr)
        if wait:
            minutes = -(-wait // 60)
            flash(f"Terlalu banyak percobaan yang salah. Coba lagi dalam {minutes} menit.",
                  "error")
            return render_template("login.html", form=form), 429
        officer = authenticate(get_db(), username, form.password.data)
        if officer is not None:
            attempts.succeeded(username)
            session.clear()
            login_user(officer)
            session["officer_version"] = officer.session_version
            session["seen"] = int(time.time())
            return redirect(_safe_next(request.args.get("next")))
        attempts.failed(username, request.remote_addr)
        flash("Nama pengguna atau kata sandi salah.", "error")
        return render_template("login.html", form=form), 401
    return render_template("login.html", form=form)


def _attempts() -> LoginAttempts:
    rt = get_runtime()
    attempts = rt.extras.get("login_attempts")
    if attempts is None:
        attempts = rt.extras.setdefault("login_attempts", LoginAttempts(rt.redis))
    return attempts


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
