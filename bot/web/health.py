"""GET /healthz: does the database answer, does Redis answer, can the spool keep what
arrives while they do not."""
from __future__ import annotations

from flask import Blueprint, jsonify
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from bot.inbound import spool_of
from bot.web.request import get_runtime

bp = Blueprint("health", __name__)


def _database_problem(rt) -> Exception | None:  # type: ignore[no-untyped-def]
    """None when the database answers. A pooled connection the server dropped (a
    restart) is replaced and tried once more, so the first check after a recovery does
    not report the old connection's death."""
    for attempt in (1, 2):
        try:
            with rt.db.engine.connect() as conn:
                conn.execute(text("SELECT 1"))
            return None
        except DBAPIError as exc:
            if attempt == 2 or not exc.connection_invalidated:
                return exc
        except Exception as exc:  # noqa: BLE001 - reported, not raised
            return exc
    return None


@bp.get("/healthz")
def healthz():  # type: ignore[no-untyped-def]
    rt = get_runtime()
    report = {"database": "ok", "redis": "not configured (in-process jobs)"}
    healthy = True
    problem = _database_problem(rt)
    if problem is not None:
        report["database"] = f"error: {type(problem).__name__}"
        healthy = False
    if rt.redis is not None:
        try:
            rt.redis.ping()
            report["redis"] = "ok"
        except Exception as exc:  # noqa: BLE001
            report["redis"] = f"error: {type(exc).__name__}"
            healthy = False
    spool_problem = spool_of(rt).problem()
    report["spool"] = spool_problem or "ok"
    healthy = healthy and spool_problem is None
    report["status"] = "ok" if healthy else "unhealthy"
    return jsonify(report), 200 if healthy else 503
