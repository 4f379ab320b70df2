"""The process's runtime: settings, database, job queue, sender and conversation engine.

``create_app()`` and the worker entry point each build one from settings and install it;
jobs find it with :func:`current`. Nothing is opened at import time.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any

from bot.db import Database
from bot.settings import Settings
from conversations.engine import Engine
from workers.queue import InlineJobQueue, JobQueue, RqJobQueue
from workers.senders import OutboxSender, Sender, TwilioSender

log = logging.getLogger(__name__)


@dataclass
class Runtime:
    settings: Settings
    db: Database
    jobs: JobQueue
    sender: Sender
    engine: Engine
    redis: Any = None
    extras: dict[str, Any] = field(default_factory=dict)

    def close(self) -> None:
        if isinstance(self.jobs, InlineJobQueue):
            self.jobs.stop()
        self.db.dispose()
        if self.redis is not None:
            self.redis.close()


_current: Runtime | None = None


def build(settings: Settings, sender: Sender | None = None, jobs: JobQueue | None = None) -> Runtime:
    """Open what ``settings`` name. The sender is Twilio when an account is configured,
    else the printing outbox."""
    db = Database(settings.database_url)
    redis = None
    if settings.redis_url:
        from redis import Redis

        redis = Redis.from_url(settings.redis_url, socket_timeout=5, socket_connect_timeout=2)
    if jobs is None:
        jobs = RqJobQueue(redis) if redis is not None else InlineJobQueue()
    if sender is None:
        sender = make_sender(settings)
    return Runtime(settings=settings, db=db, jobs=jobs, sender=sender, engine=Engine(), redis=redis)


def make_sender(settings: Settings) -> Sender:
    if settings.twilio_account_sid and settings.twilio_auth_token:
        return TwilioSender(
            settings.twilio_account_sid,
            settings.twilio_auth_token,
            sms_from=settings.twilio_sms_from,
            messaging_service_sid=settings.twilio_messaging_service_sid,
            whatsapp_from=settings.twilio_whatsapp_from,
            api_base_url=settings.twilio_api_base_url,
        )
    return OutboxSender()


def install(runtime: Runtime) -> Runtime:
    global _current
    _current = runtime
    return runtime


def current() -> Runtime:
    """The installed runtime; a worker process builds one from the environment."""
    global _current
    if _current is None:
        from bot.settings import from_env

        _current = build(from_env())
    return _current
