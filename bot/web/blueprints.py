"""The web app's blueprints, registered in one place (``bot.app.create_app``)."""
from __future__ import annotations

from flask import Flask

from bot.cli import register_flask_commands
from bot.web import (
    admin_jobs,
    announcements,
    api_tokens,
    areas,
    auth,
    bkm_roster,
    complaint_merge,
    complaints,
    complaints_api,
    complaints_recap,
    dashboard,
    errors,
    expired,
    health,
    inbox,
    ksm,
    ksm_proposals,
    monev,
    officer_notify,
    privacy,
    public,
    second_factor,
    simulator,
    webhooks,
    wording,
)
from bot.web.request import close_db
from bot.web.security import CookieSessions, csrf, init_headers


def init_app(app: Flask) -> None:
    app.session_interface = CookieSessions()
    csrf.init_app(app)
    init_headers(app, app.extensions["ksm_runtime"].settings.production)
    auth.init_app(app)
    wording.init_app(app)
    app.register_blueprint(webhooks.bp)
    app.register_blueprint(health.bp)
    app.register_blueprint(auth.bp)
    app.register_blueprint(second_factor.bp)
    app.register_blueprint(officer_notify.bp)
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
    app.register_blueprint(expired.bp)
    app.register_blueprint(areas.bp)
    app.register_blueprint(bkm_roster.bp)
    app.register_blueprint(privacy.bp)
    app.register_blueprint(inbox.bp)
    app.register_blueprint(public.bp)
    csrf.exempt(webhooks.bp)
    csrf.exempt(health.bp)
    app.teardown_appcontext(close_db)
    errors.init_app(app)

    register_flask_commands(app)


