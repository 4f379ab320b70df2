"""The officers' dashboard home. Every dashboard page needs a login."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

from flask import Blueprint, render_template
from flask_login import current_user, login_required
from sqlalchemy import func, select

from bot.models import Contact, Kelurahan, Message
from bot.services.officers import area_label
from bot.web import get_db

bp = Blueprint("dashboard", __name__)


@bp.get("/")
@login_required
def index():  # type: ignore[no-untyped-def]
    db = get_db()
    since = datetime.now(timezone.utc) - timedelta(days=1)
    kelurahan = db.get(Kelurahan, current_user.kelurahan_id) if current_user.kelurahan_id else None
    counts = {
        "contacts": db.scalar(select(func.count()).select_from(Contact)) or 0,
        "inbound_24h": db.scalar(
            select(func.count()).select_from(Message)
            .where(Message.direction == "in", Message.created_at >= since)
        ) or 0,
        "failed_24h": db.scalar(
            select(func.count()).select_from(Message)
            .where(Message.direction == "out", Message.status.in_(("failed", "undelivered")),
                   Message.created_at >= since)
        ) or 0,
    }
    return render_template(
        "dashboard.html", counts=counts, area=area_label(current_user, kelurahan)
    )
