"""Blueprints of the web app and what they share."""
from __future__ import annotations


from flask import Flask, current_app, g
from sqlalchemy.orm import Session

from bot.runtime import Runtime


def get_runtime() -> Runtime:
    return current_app.extensions["ksm_runtime"]


def get_db() -> Session:
    """The request's ORM session (opened on first use, closed at teardown)."""
    if "db_session" not in g:
        g.db_session = get_runtime().db.request_session()
    return g.db_session


def _close_db(_exc: BaseException | None) -> None:
    session = g.pop("db_session", None)
    if session is not None:
        session.close()


def init_app(app: Flask) -> None:
    from bot.web import (
        api_tokens,
        auth,
        complaints,
        complaints_api,
        complaints_recap,
        dashboard,
        errors,
        health,
        ksm,
        ksm_proposals,
        second_factor,
        simulator,
        smsgate,
        webhooks,
        wording,
    )
    from bot.web import admin_jobs, announcements, areas, bkm_roster, monev
    from bot.web import complaint_merge
    from bot.web import inbox, privacy
    from bot.web import public
    from bot.web.security import CookieSessions, csrf, init_headers

    app.session_interface = CookieSessions()
    csrf.init_app(app)
    init_headers(app, app.extensions["ksm_runtime"].settings.production)
    auth.init_app(app)
    wording.init_app(app)
    app.register_blueprint(webhooks.bp)
    app.register_blueprint(smsgate.bp)
    app.register_blueprint(health.bp)
    app.register_blueprint(auth.bp)
    app.register_blueprint(second_factor.bp)
    app.register_blueprint(dashboard.bp)
    app.register_blueprint(api_tokens.bp)
    app.register_blueprint(simulator.bp)
    app.register_blueprint(ksm.bp)
    app.register_blueprint(ksm_proposals.bp)
    app.register_blueprint(complaints.bp)
    app.register_blueprint(complaints_recap.bp)
    app.register_blueprint(complaint_merge.bp)
    app.register_blueprint(complaints_api.bp)
    csrf.exempt(complaints_api.bp)
    app.register_blueprint(monev.bp)
    app.register_blueprint(announcements.bp)
    app.register_blueprint(admin_jobs.bp)
    app.register_blueprint(areas.bp)
    app.register_blueprint(bkm_roster.bp)
    app.register_blueprint(privacy.bp)
    app.register_blueprint(inbox.bp)
    app.register_blueprint(public.bp)
    csrf.exempt(webhooks.bp)
    csrf.exempt(smsgate.bp)
    csrf.exempt(health.bp)
    app.teardown_appcontext(_close_db)
    errors.init_app(app)

    from bot.cli import register_flask_commands

    register_flask_commands(app)


