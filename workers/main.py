"""The worker entry point: ``ksm-bot worker`` (RQ worker with the built-in scheduler)."""
from __future__ import annotations

import logging

from bot import runtime as runtime_module
from bot.settings import SettingsError, from_env
from workers.queue import QUEUE_NAME
from workers.sweep import keep_scheduled_in_thread, schedule_next

log = logging.getLogger(__name__)


def run_worker(burst: bool = False) -> None:
    """Build the runtime from the environment, make sure the sweep is scheduled, work.

    While it works, a thread checks that the sweep is still scheduled and schedules it
    again if Redis lost it (see :func:`workers.sweep.keep_scheduled_in_thread`).

    Uses RQ's SimpleWorker: jobs run in this process, so the database pool and the
    Twilio client are reused between jobs instead of being rebuilt after every fork.

    Raises:
        SettingsError: when REDIS_URL is not set (the embedded default needs no worker).
    """
    from rq import SimpleWorker
    from rq.logutils import setup_loghandlers

    from bot.services import pii_mask

    settings = from_env()
    if not settings.redis_url:
        raise SettingsError("REDIS_URL is required for ksm-bot worker (ksm-bot serve runs jobs in-process)")
    rt = runtime_module.install(runtime_module.build(settings, for_worker=True))
    schedule_next(rt)
    if not burst:
        keep_scheduled_in_thread(rt, every=max(5.0, float(settings.sweep_interval_seconds)))
    # RQ's dequeue blocks for minutes and raises its connection's socket timeout above
    # that; a connection of its own keeps the runtime's (jobs, locks) at seconds.
    # RQ gives its loggers handlers of their own when the process has none (the worker
    # started without the ksm-bot command); set them up now so that the masking filter
    # is on them too: a resident's number in a failed job's line is written masked.
    for name in ("rq.worker", "rq.job"):
        setup_loghandlers("INFO", name=name)
    pii_mask.install()
    worker = SimpleWorker([QUEUE_NAME], connection=runtime_module.redis_client(settings.redis_url,
                                                                                for_worker=True))
    worker.work(with_scheduler=True, burst=burst, logging_level="INFO")
