"""Duplicate complaints on the complaint page: the open complaints that may tell the
same incident (``complaint_duplicates``), what this one was merged into or holds, and
the merge itself (``complaint_merge``). Everything shown is inside the officer's scope.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user

from bot.models import Complaint
from bot.models import complaint as c
from bot.outbox import enqueue_sends
from bot.complaints import actions as complaint_actions
from bot.complaints import duplicates
from bot.complaints import merge as merging
from bot.complaints import queue
from bot.areas import scope as area_scope
from bot.complaints.actions import ActionError
from bot.web.request import get_db, get_runtime
from bot.web.auth import require_role

bp = Blueprint("complaint_merge", __name__, url_prefix="/complaints")

SNIPPET = 160


def snippet(complaint: Complaint) -> str:
    """The start of a complaint's text as the panel shows it, NIK and phone numbers
    masked for an officer who may not see the complainant (masked before it is cut)."""
    text = " ".join((queue.text_for(current_user, complaint, complaint.text) or "").split())
    return text if len(text) <= SNIPPET else text[: SNIPPET - 3].rstrip() + "..."


@bp.app_template_global("duplicate_panel")
def duplicate_panel(complaint: Complaint) -> dict[str, Any]:
    """What the complaint page shows about duplicates, for the logged-in officer."""
    db = get_db()
    merged = merging.merged_here(db, current_user, complaint)
    now = complaint_actions.clock()  # tests set the clock there
    return {
        "suggestions": duplicates.suggestions(db, current_user, complaint),
        "root": merging.root_of(db, current_user, complaint),
        "merged": merged,
        # Merges still to be taken back: this one's own, and those into it.
        "undo": [(x, until) for x in ([complaint] + merged)
                 if (until := merging.undo_until(db, x)) is not None and now <= until],
        "can_merge": current_user.role in queue.ACT_ROLES and complaint.status not in c.CLOSED,
        "snippet": snippet,
    }


@bp.post("/<int:complaint_id>/merge")
@require_role(*queue.ACT_ROLES)
def merge(complaint_id: int):  # type: ignore[no-untyped-def]
    """Merge this complaint into the one whose code is ``into``: first a page that names
    both and asks (nothing is changed), then, with ``confirm=1``, the merge."""
    db = get_db()
    duplicate = area_scope.get_in_area(db, current_user, Complaint, complaint_id)
    back = redirect(url_for("complaints.detail", complaint_id=complaint_id))
    root = merging.find_target(db, current_user, request.form.get("into", ""))
    if root is None:
        flash("Aduan tujuan tidak ditemukan di wilayah Anda.", "error")
        return back
    if request.form.get("confirm") != "1":
        return render_template("complaint_merge_confirm.html", duplicate=duplicate, root=root,
                               snippet=snippet, came_from=_came_from(complaint_id),
                               minutes=int(merging.UNDO_WINDOW.total_seconds() // 60))
    try:
        queued = merging.merge(db, duplicate, root, current_user)
    except ActionError as exc:
        db.rollback()
        flash(str(exc), "error")
        return back
    db.commit()
    enqueue_sends(get_runtime(), queued)
    flash(f"Aduan {duplicate.code} digabung ke aduan {root.code}. Salah? Batalkan di halaman "
          f"ini dalam {int(merging.UNDO_WINDOW.total_seconds() // 60)} menit.", "info")
    return redirect(url_for("complaints.detail", complaint_id=root.id))


@bp.post("/<int:complaint_id>/unmerge")
@require_role(*queue.ACT_ROLES)
def unmerge(complaint_id: int):  # type: ignore[no-untyped-def]
    """Take back the merge of this complaint (within ``merge.UNDO_WINDOW``)."""
    db = get_db()
    duplicate = area_scope.get_in_area(db, current_user, Complaint, complaint_id)
    try:
        root = merging.unmerge(db, duplicate, current_user)
    except ActionError as exc:
        db.rollback()
        flash(str(exc), "error")
        return redirect(url_for("complaints.detail", complaint_id=complaint_id))
    db.commit()
    flash(f"Penggabungan dibatalkan: aduan {duplicate.code} kembali ditangani sendiri"
          + (f", terpisah dari aduan {root.code}." if root else "."), "info")
    return redirect(url_for("complaints.detail", complaint_id=complaint_id))


def _came_from(complaint_id: int) -> int:
    """The complaint page the officer merged from (to go back to on Batal)."""
    raw = request.form.get("back", "")
    return int(raw) if raw.isdigit() else complaint_id
