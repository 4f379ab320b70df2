"""The Flask application factory."""
from __future__ import annotations

import gc
import logging
import os
from typing import Any

from flask import Flask

from bot import runtime as runtime_module
from bot.areas.working_days import warm_up
from bot.migrate import upgrade
from bot.privacy import pii_mask
from bot.settings import from_env
from bot.web.blueprints import init_app

log = logging.getLogger(__name__)


def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    """Build the app from the environment (and ``test_config`` in tests).

    ``test_config`` may set any setting by its environment name (``DATABASE_URL``...),
    ``TESTING``, and the objects ``SENDER`` and ``JOBS`` to use instead of the defaults.
    """
    test_config = dict(test_config or {})
    testing = bool(test_config.pop("TESTING", False))
    sender = test_config.pop("SENDER", None)
    jobs = test_config.pop("JOBS", None)
    env = dict(os.environ)
    env.update({k: str(v) for k, v in test_config.items() if v is not None})
    settings = from_env(env, testing=testing)

    app = Flask(__name__)
    app.config.update(
        SECRET_KEY=settings.secret_key,
        TESTING=testing,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=settings.production,
        WTF_CSRF_TIME_LIMIT=None,
        MAX_CONTENT_LENGTH=2 * 1024 * 1024,
    )
    if "WTF_CSRF_ENABLED" in test_config:
        app.config["WTF_CSRF_ENABLED"] = test_config["WTF_CSRF_ENABLED"] not in ("0", "False", False)

    rt = runtime_module.build(settings, sender=sender, jobs=jobs)
    runtime_module.install(rt)
    app.extensions["ksm_runtime"] = rt
    if rt.db.is_sqlite and not settings.testing:
        # The embedded default keeps itself migrated so a newcomer needs no extra step.
        upgrade(settings.database_url)

    if settings.trusted_proxies:
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=settings.trusted_proxies,  # type: ignore[method-assign]
                                x_proto=settings.trusted_proxies)

    init_app(app)
    if not settings.testing:  # tests build many apps: neither is worth it there
        warm_up()
        pii_mask.install()  # NIK and numbers: masked in logs (root's and gunicorn's handlers)
        # Everything made so far lives as long as the process: freezing it keeps the
        # collector's full passes from walking it. One full pass over the ~155,000
        # start-up objects took 72 ms and stalled every thread of the worker (a p99
        # spike). In tests frozen cycles would never be collected.
        gc.freeze()
    return app
