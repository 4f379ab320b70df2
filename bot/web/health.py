"""GET /healthz: does the database answer, does Redis answer."""
from __future__ import annotations

from flask import Blueprint, jsonify
from sqlalchemy import text

from bot.web import get_runtime

bp = Blueprint("health", __name__)


@bp.get("/healthz")
def healthz():  # type: ignore[no-untyped-def]
    rt = get_runtime()
    report = {"database": "ok", "redis": "not configured (in-process jobs)"}
    healthy = True
    try:
        with rt.db.engine.connect() as conn:
            conn.execute(text("SELECT 1"))
    except Exception as exc:  # noqa: BLE001 - reported, not raised
        report["database"] = f"error: {type(exc).__name__}"
        healthy = False
    if rt.redis is not None:
        try:
            rt.redis.ping()
            report["redis"] = "ok"
        except Exception as exc:  # noqa: BLE001
            report["redis"] = f"error: {type(exc).__name__}"
            healthy = False
    report["status"] = "ok" if healthy else "unhealthy"
    return jsonify(report), 200 if healthy else 503
