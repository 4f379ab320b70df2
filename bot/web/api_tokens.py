"""The officer's own API tokens: issue, see (never the token again), revoke, and
the latest requests made with them."""
from __future__ import annotations

from datetime import datetime, timezone

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from bot.officers import api_tokens
from bot.web.request import get_db

bp = Blueprint("api_tokens", __name__, url_prefix="/tokens")


@bp.get("/")
@login_required
def index():  # type: ignore[no-untyped-def]
    db = get_db()
    return render_template("api_tokens.html", tokens=api_tokens.of_officer(db, current_user.id),
                           uses=api_tokens.uses(db, current_user.id),
                           now=datetime.now(timezone.utc), new_token=None)


@bp.post("/")
@login_required
def issue():  # type: ignore[no-untyped-def]
    db = get_db()
    raw = (request.form.get("days") or "").strip()
    days = int(raw) if raw.isdigit() else api_tokens.DEFAULT_DAYS
    token = api_tokens.issue(db, current_user, request.form.get("name", ""), days)
    db.commit()
    return render_template("api_tokens.html", tokens=api_tokens.of_officer(db, current_user.id),
                           uses=api_tokens.uses(db, current_user.id),
                           now=datetime.now(timezone.utc), new_token=token)


@bp.post("/<int:token_id>/revoke")
@login_required
def revoke(token_id: int):  # type: ignore[no-untyped-def]
    db = get_db()
    if not api_tokens.revoke(db, current_user.id, token_id, datetime.now(timezone.utc)):
        abort(404)
    db.commit()
    flash("Token dicabut.", "info")
    return redirect(url_for("api_tokens.index"))
