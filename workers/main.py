"""The worker entry point: ``ksm-bot worker`` (RQ worker with the built-in scheduler).

A worker outlives its services. RQ's own loop waits out a Redis outage only while it is
idle: an error while a job is finishing (Redis gone mid-send) makes it log "found an
unhandled exception, quitting" and return. :func:`run_worker` then waits for Redis with
backoff and works again, so the process exits only when it is told to (SIGTERM, Ctrl+C)
or at the end of ``--burst``. Nothing is lost meanwhile: every message is a database
row, and the sweep sends again what a lost job left (``workers.sweep``).
"""
from __future__ import annotations

import logging
import signal
import time
from typing import Any

from bot import runtime as runtime_module
from bot.jobs import QUEUE_NAME
from bot.privacy import pii_mask
from bot.settings import SettingsError, from_env
from workers.sweep import keep_scheduled_in_thread, schedule_next

log = logging.getLogger(__name__)

# Seconds between tries to reach Redis again: 1, 2, 4 ... up to MAX_BACKOFF.
MAX_BACKOFF = 30.0


def run_worker(burst: bool = False) -> None:
    """Build the runtime from the environment, make sure the sweep is scheduled, work,
    and work again after every outage until told to stop.

    While it works, a thread checks that the sweep is still scheduled and not left
    overdue by a dead scheduler (see :func:`workers.sweep.keep_scheduled_in_thread`).

    Uses RQ's SimpleWorker: jobs run in this process, so the database pool and the
    Twilio client are reused between jobs instead of being rebuilt after every fork.

    Raises:
        SettingsError: when REDIS_URL is not set (the embedded default needs no worker).
    """
    from rq.logutils import setup_loghandlers

    settings = from_env()
    if not settings.redis_url:
        raise SettingsError("REDIS_URL is required for ksm-bot worker (ksm-bot serve runs jobs in-process)")
    rt = runtime_module.install(runtime_module.build(settings, for_worker=True))
    # RQ's dequeue blocks for minutes and raises its connection's socket timeout above
    # that; a connection of its own keeps the runtime's (jobs, locks) at seconds.
    connection = runtime_module.redis_client(settings.redis_url, for_worker=True)
    stop = _StopSignal()
    if not _wait_for_redis(connection, stop):
        return
    schedule_next(rt)
    if not burst:
        keep_scheduled_in_thread(rt, every=max(5.0, float(settings.sweep_interval_seconds)))
    # RQ gives its loggers handlers of their own when the process has none (the worker
    # started without the ksm-bot command); set them up now so that the masking filter
    # is on them too: a resident's number in a failed job's line is written masked.
    for name in ("rq.worker", "rq.job"):
        setup_loghandlers("INFO", name=name)
    pii_mask.install()
    while True:
        worker = _Worker([QUEUE_NAME], connection=connection)
        try:
            worker.work(with_scheduler=True, burst=burst, logging_level="INFO")
        except Exception:  # noqa: BLE001 - Redis gone at start-up or in RQ's teardown
            log.error("worker stopped on an error", exc_info=True)
        if burst or worker.stop_signalled:
            return
        stop.install()
        log.error("worker stopped without being told to (Redis or PostgreSQL gone?); "
                  "working again once Redis answers")
        if not _wait_for_redis(connection, stop):
            return


class _StopSignal:
    """SIGTERM or SIGINT received while no RQ worker is listening for them."""

    def __init__(self) -> None:
        self.received = False
        self.install()

    def install(self) -> None:
        signal.signal(signal.SIGTERM, self._handle)
        signal.signal(signal.SIGINT, self._handle)

    def _handle(self, signum: int, frame: Any) -> None:
        self.received = True


def _wait_for_redis(connection: Any, stop: _StopSignal) -> bool:
    """Ping Redis with backoff until it answers (True) or a stop signal comes (False)."""
    delay = 1.0
    while not stop.received:
        try:
            connection.ping()
            return True
        except Exception as exc:  # noqa: BLE001 - any connection error: wait and try again
            log.warning("Redis does not answer (%s); trying again in %.0f s", exc, delay)
        deadline = time.monotonic() + delay
        while not stop.received and time.monotonic() < deadline:
            time.sleep(0.2)
        delay = min(delay * 2, MAX_BACKOFF)
    return False


def _worker_class() -> type:
    from rq import SimpleWorker

    class Worker(SimpleWorker):
        """RQ's SimpleWorker that remembers whether it was told to stop, to tell that
        from quitting on an error."""

        stop_signalled = False

        def request_stop(self, signum: Any, frame: Any) -> None:
            self.stop_signalled = True
            super().request_stop(signum, frame)

    return Worker


_Worker = _worker_class()
