"""Admins' list of messages that expired instead of going out (``bot.usefulness``): the
list behind the dashboard home's figure "pesan kedaluwarsa 7 hari", from the same
query (``bot.expired_messages``). Admin role only: it shows numbers and texts of the
whole system."""
from __future__ import annotations

from datetime import timedelta

from flask import Blueprint, render_template, request

from bot import clock
from bot.expired_messages import WINDOW, expired_since
from bot.web.auth import require_role
from bot.web.request import get_db, get_runtime

bp = Blueprint("expired", __name__, url_prefix="/admin/kedaluwarsa")
LONGEST_DAYS = 90


@bp.get("/")
@require_role()
def index():  # type: ignore[no-untyped-def]
    days = request.args.get("hari", type=int) or WINDOW.days
    days = max(1, min(days, LONGEST_DAYS))
    since = clock.now(get_runtime()) - timedelta(days=days)
    return render_template("expired_messages.html", days=days,
                           expired=expired_since(get_db(), since))
