"""/inbox/: residents' messages no service placed, for the officers of their area to
answer (``bot.officers.inbox``)."""
from __future__ import annotations

from datetime import datetime, timezone

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from bot.outbox import enqueue_sends
from bot.areas import scope as area_scope
from bot.models import InboxItem
from bot.officers import inbox
from bot.web.request import get_db, get_runtime

bp = Blueprint("inbox", __name__, url_prefix="/inbox")


@bp.get("/")
@login_required
def index():  # type: ignore[no-untyped-def]
    return render_template("inbox.html", items=inbox.open_items(get_db(), current_user),
                           max_reply=inbox.MAX_REPLY)


@bp.post("/<int:item_id>/reply")
@login_required
def reply(item_id: int):  # type: ignore[no-untyped-def]
    db = get_db()
    item = area_scope.get_in_area(db, current_user, InboxItem, item_id)
    try:
        message_id = inbox.reply(db, item, current_user, request.form.get("text", ""),
                                 datetime.now(timezone.utc))
    except inbox.ReplyError as exc:
        flash(str(exc), "error")
        return redirect(url_for("inbox.index"))
    db.commit()
    enqueue_sends(get_runtime(), [message_id])
    flash("Balasan dikirim.", "ok")
    return redirect(url_for("inbox.index"))
