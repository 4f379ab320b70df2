"""JSON API for the complaint queue, with per-officer bearer tokens.

``Authorization: Bearer <token>``; the token's SHA-256 is looked up among the
officers' tokens (``bot.officers.api_tokens``), which expire and can be revoked. Every
request made with a known token, refused or not, is logged in ``api_token_use``.
The same scoping and privacy rule as the HTML queue (``bot.complaints.queue``).

- ``GET  /api/complaints?status=&kind=&level=&kelurahan=&overdue=1&mine=1&before=``
- ``GET  /api/complaints/<id>``
- ``POST /api/complaints/<id>/status``  ``{"status": ..., "reason": ..., "response": ...}``
- ``POST /api/complaints/<id>/reply``   ``{"text": ...}``
- ``POST /api/complaints/<id>/escalate`` ``{"reason": ...}``
"""

from __future__ import annotations

from datetime import datetime, timezone
from functools import wraps
from typing import Any, Callable

from flask import Blueprint, g, jsonify, request
from sqlalchemy import select

from bot.models import ApiToken, Complaint, Officer
from bot.outbox import enqueue_sends
from bot.officers import api_tokens
from bot.complaints import actions
from bot.complaints import queue
from bot.areas import scope as area_scope
from bot.web.request import get_db, get_runtime

bp = Blueprint("complaints_api", __name__, url_prefix="/api/complaints")


def _error(status: int, message: str) -> Any:
    return jsonify(error=message), status


def token_required(view: Callable[..., Any]) -> Callable[..., Any]:
    """Resolve the bearer token to an active officer in ``g.api_officer``, else 401."""

    @wraps(view)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        header = request.headers.get("Authorization", "")
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            return _error(401, "missing bearer token")
        db = get_db()
        row = api_tokens.find(db, token.strip())
        if row is None:
            return _error(401, "invalid token")
        now = datetime.now(timezone.utc)
        officer = db.get(Officer, row.officer_id)
        if not api_tokens.usable(row, officer, now) or officer.role not in queue.VIEW_ROLES:
            response = _error(401, "invalid token")
        else:
            g.api_officer = officer
            try:
                response = view(*args, **kwargs)
            except Exception:
                db.rollback()
                _log_use(row.id, 500, now)
                raise
        _log_use(row.id, _status(response), now)
        return response

    return wrapped


def _status(response: Any) -> int:
    if isinstance(response, tuple):
        return int(response[1])
    return int(getattr(response, "status_code", 200))


def _log_use(token_id: int, status: int, now: datetime) -> None:
    """One row per request, after the view's own commit (or its rollback)."""
    db = get_db()
    db.rollback()  # nothing the view left uncommitted goes in with the log
    row = db.get(ApiToken, token_id)
    api_tokens.record_use(db, row, request.method, request.path, status,
                          request.remote_addr, now)
    db.commit()


@bp.get("")
@bp.get("/")
@token_required
def list_complaints():  # type: ignore[no-untyped-def]
    db = get_db()
    now = datetime.now(timezone.utc)
    officer = g.api_officer
    filters = queue.Filters.parse(request.args, default_status=None)
    rows, next_before = queue.page(db, officer, filters, now)
    names = queue.kelurahan_names(db, rows)
    return jsonify(
        complaints=[queue.as_dict(db, officer, x, now, names.get(x.kelurahan_id)) for x in rows],
        next_before=next_before,
        overdue=queue.overdue_count(db, officer, now),
    )


def _visible(complaint_id: int):  # type: ignore[no-untyped-def]
    return area_scope.find_in_area(get_db(), g.api_officer, Complaint, complaint_id)


@bp.get("/<int:complaint_id>")
@token_required
def detail(complaint_id: int):  # type: ignore[no-untyped-def]
    db = get_db()
    complaint = _visible(complaint_id)
    if complaint is None:
        return _error(404, "not found")
    names = queue.kelurahan_names(db, [complaint])
    return jsonify(
        queue.as_dict(
            db,
            g.api_officer,
            complaint,
            datetime.now(timezone.utc),
            names.get(complaint.kelurahan_id),
        )
    )


def _act(complaint_id: int, action: Callable[..., list[int]]) -> Any:
    db = get_db()
    complaint = _visible(complaint_id)
    if complaint is None:
        return _error(404, "not found")
    try:
        queued = action(db, complaint) or []
    except actions.ActionError as exc:
        db.rollback()
        return _error(422, str(exc))
    db.commit()
    enqueue_sends(get_runtime(), queued)
    return jsonify(queue.as_dict(db, g.api_officer, complaint, datetime.now(timezone.utc)))


def _body() -> dict[str, Any]:
    data = request.get_json(silent=True)
    return data if isinstance(data, dict) else {}


@bp.post("/<int:complaint_id>/status")
@token_required
def change_status(complaint_id: int):  # type: ignore[no-untyped-def]
    body = _body()
    return _act(
        complaint_id,
        lambda db, x: actions.change_status(
            db,
            x,
            g.api_officer,
            str(body.get("status") or ""),
            body.get("reason"),
            body.get("response"),
            settings=get_runtime().settings,
        ),
    )


@bp.post("/<int:complaint_id>/reply")
@token_required
def reply(complaint_id: int):  # type: ignore[no-untyped-def]
    body = _body()
    return _act(
        complaint_id, lambda db, x: actions.reply(db, x, g.api_officer, str(body.get("text") or ""))
    )


@bp.post("/<int:complaint_id>/escalate")
@token_required
def escalate(complaint_id: int):  # type: ignore[no-untyped-def]
    body = _body()
    return _act(
        complaint_id,
        lambda db, x: actions.escalate(db, x, g.api_officer, str(body.get("reason") or ""),
                                       settings=get_runtime().settings),
    )
