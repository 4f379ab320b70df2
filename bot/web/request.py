"""What every view reads from the request: the runtime and the request's ORM session."""
from __future__ import annotations

from flask import current_app, g
from sqlalchemy.orm import Session

from bot.runtime import Runtime


def get_runtime() -> Runtime:
    return current_app.extensions["ksm_runtime"]


def get_db() -> Session:
    """The request's ORM session (opened on first use, closed at teardown)."""
    if "db_session" not in g:
        g.db_session = get_runtime().db.request_session()
    return g.db_session


def close_db(_exc: BaseException | None) -> None:
    session = g.pop("db_session", None)
    if session is not None:
        session.close()
