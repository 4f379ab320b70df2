"""The process's runtime: settings, database, job queue, sender and conversation engine.

``create_app()`` and the worker entry point each build one from settings and install it;
jobs find it with :func:`current`. Nothing is opened at import time.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any

from bot import usefulness
from bot.db import Database
from bot.jobs import InlineJobQueue, JobQueue, RqJobQueue
from bot.providers.registry import make_sender
from bot.senders import Sender
from bot.settings import Settings, from_env
from conversations.engine import Engine

log = logging.getLogger(__name__)

# The web process enqueues after its commit, while Twilio waits for the reply (15 s at
# most): Redis on the same network answers in a millisecond, so half a second means it
# is hung, and the rows it failed to enqueue stay queued for the sweep.
WEB_REDIS_TIMEOUT = 0.5
# After one failed enqueue the web process skips Redis this long (a breaker), so a
# message that queues several sends waits one timeout, not one each.
WEB_ENQUEUE_PAUSE = 15.0
# Workers are not answering anyone; RQ raises the timeout of its own dequeue connection
# above its blocking wait by itself (Worker._set_connection).
WORKER_REDIS_TIMEOUT = 5.0


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


def build(settings: Settings, sender: Sender | None = None, jobs: JobQueue | None = None,
          for_worker: bool = False) -> Runtime:
    """Open what ``settings`` name. The sender is Twilio when an account is configured,
    else the printing outbox.

    Args:
        for_worker: a worker's runtime: longer Redis timeouts and no enqueue breaker.
            The web's (the default) gives up on Redis quickly so a reply is never held.
    """
    db = Database(settings.database_url)
    redis = None
    if settings.redis_url:
        redis = redis_client(settings.redis_url, for_worker)
    if jobs is None:
        if redis is None:
            jobs = InlineJobQueue()
        else:
            jobs = RqJobQueue(redis, pause_after_failure=0.0 if for_worker else WEB_ENQUEUE_PAUSE)
    if sender is None:
        sender = make_sender(settings)
    runtime = Runtime(settings=settings, db=db, jobs=jobs, sender=sender, engine=Engine(),
                      redis=redis)
    # What the outbox needs of the settings without every caller passing them: until
    # when a message of each kind is useful (bot.usefulness.settings_of).
    db.sessions.configure(info={usefulness.SETTINGS_KEY: lambda: runtime.settings})
    return runtime


def redis_client(url: str, for_worker: bool = False) -> Any:
    """A Redis client with the web's or a worker's timeouts, and no retries: redis-py's
    ``from_url`` does not retry today, but ``Redis()``'s default retries ten times, which
    would multiply every timeout by eleven."""
    from redis import Redis
    from redis.backoff import NoBackoff
    from redis.retry import Retry

    timeout = WORKER_REDIS_TIMEOUT if for_worker else WEB_REDIS_TIMEOUT
    return Redis.from_url(url, socket_timeout=timeout, socket_connect_timeout=min(timeout, 2.0),
                          retry=Retry(NoBackoff(), 0))


def install(runtime: Runtime) -> Runtime:
    global _current
    _current = runtime
    return runtime


def current() -> Runtime:
    """The installed runtime; a worker process builds one from the environment."""
    global _current
    if _current is None:
        _current = build(from_env(), for_worker=True)
    return _current
