"""Where jobs go: RQ on Redis in production, an in-process runner on the embedded default.

Both take the same call: ``enqueue(func, *args, job_id=..., retry=..., delay=...)`` with
a plain function, or its dotted name (``"workers.outbound.send_message"``), and ids. The
domain queues by name (``bot.outbox``) so that it never imports ``workers``: RQ takes a
name as it is, the in-process runner imports it when the job runs. The in-process runner
is a single background thread with the same retry semantics, so a newcomer without Redis
sees the same behaviour.
"""
from __future__ import annotations

import heapq
import importlib
import itertools
import logging
import threading
import time
import uuid
import zlib
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any, Callable, Protocol, Sequence

log = logging.getLogger(__name__)

# rq and redis are imported inside RqJobQueue and _JobRecord only: the embedded default
# (no REDIS_URL) runs its jobs in this process without loading either.

QUEUE_NAME = "ksm-bot"


@dataclass(frozen=True)
class RetryPolicy:
    """Retry a failed job up to ``max`` times, waiting ``intervals`` seconds between."""

    max: int
    intervals: Sequence[int]


def job_function(func: Callable[..., Any] | str) -> Callable[..., Any]:
    """The function a job runs: ``func`` itself, or the one its dotted name names."""
    if not isinstance(func, str):
        return func
    module, _, name = func.rpartition(".")
    return getattr(importlib.import_module(module), name)


class JobQueue(Protocol):
    def enqueue(
        self,
        func: Callable[..., Any] | str,
        *args: Any,
        job_id: str | None = None,
        retry: RetryPolicy | None = None,
        delay: timedelta | None = None,
    ) -> None: ...


class JobQueuePaused(RuntimeError):
    """Raised instead of trying Redis while the queue's breaker is open."""


class RqJobQueue:
    """Jobs on an RQ queue in Redis, run by ``ksm-bot worker`` processes.

    Args:
        redis: the client to enqueue with; its timeouts bound how long one enqueue waits.
        name: the RQ queue.
        pause_after_failure: after an enqueue fails on Redis, raise
            :class:`JobQueuePaused` at once for this many seconds instead of trying
            again. The web process sets it: a hung Redis then costs one short timeout
            per process, not one per job, and the rows stay queued for the sweep.
    """

    def __init__(self, redis: Any, name: str = QUEUE_NAME, pause_after_failure: float = 0.0) -> None:
        from rq import Queue

        self.redis = redis
        self.queue = Queue(name, connection=redis)
        self.pause_after_failure = pause_after_failure
        self._paused_until = 0.0
        self._records: dict[tuple[Any, Any], _JobRecord] = {}

    @property
    def paused(self) -> bool:
        return time.monotonic() < self._paused_until

    def enqueue(self, func, *args, job_id=None, retry=None, delay=None):  # type: ignore[no-untyped-def]
        from redis.exceptions import RedisError

        if self.paused:
            raise JobQueuePaused(f"Redis failed less than {self.pause_after_failure:g} s ago; not trying")
        try:
            if delay:
                self.queue.enqueue_in(delay, func, *args, job_id=job_id, **_rq_options(retry))
            else:
                job_id, fields = self._record(func, retry).fill(job_id, args)
                # One round trip: the queue's name, the job's hash and its push.
                with self.redis.pipeline() as pipe:
                    pipe.sadd(self.queue.redis_queues_keys, self.queue.key)
                    pipe.hset(_JOB_KEY + job_id, mapping=fields)
                    pipe.rpush(self.queue.key, job_id)
                    pipe.execute()
        except (RedisError, OSError):
            if self.pause_after_failure:
                self._paused_until = time.monotonic() + self.pause_after_failure
            raise

    def _record(self, func: Callable[..., Any] | str, retry: RetryPolicy | None) -> _JobRecord:
        key = (func, None if retry is None else (retry.max, tuple(retry.intervals)))
        record = self._records.get(key)
        if record is None:
            record = self._records[key] = _JobRecord(self.queue, func, retry)
        return record


_JOB_KEY = "rq:job:"
# The fields of a job's hash that differ from one job of a function to the next.
_PER_JOB = ("created_at", "enqueued_at", "data", "description")


def _rq_options(retry: RetryPolicy | None) -> dict[str, Any]:
    """RQ's options for every job: its result kept an hour, its failure a week, and
    ``retry`` as RQ's Retry."""
    from rq import Retry

    options: dict[str, Any] = {"result_ttl": 3600, "failure_ttl": 7 * 86400}
    if retry is not None:
        options["retry"] = Retry(max=retry.max, interval=list(retry.intervals))
    return options


class _JobRecord:
    """The hash RQ writes for a job of one function, made once by RQ itself, with what
    changes per job (id, times, arguments, description) filled in by :meth:`fill`.

    RQ's own enqueue builds a Job, resolves its serializer against a Protocol on every
    call, and writes about twenty fields, most of them empty, in two HSETs: about 0.2 ms
    of Python per job, a quarter of the webhook's. RQ reads an empty field and a missing
    one alike, so the empty ones are left out; a test runs the jobs on RQ's own worker.
    """

    def __init__(self, queue: Any, func: Callable[..., Any] | str, retry: RetryPolicy | None) -> None:
        job = queue.create_job(func, args=(), **_rq_options(retry))
        queue._prepare_for_queue(job)  # origin, timeout, status: as RQ's enqueue sets them
        self.func_name = job.func_name
        self.dumps = job.serializer.dumps
        self.fields = {k: v for k, v in job.to_dict().items()
                       if v not in ("", None) and k not in _PER_JOB}

    def fill(self, job_id: str | None, args: tuple[Any, ...]) -> tuple[str, dict[str, Any]]:
        from rq.utils import get_call_string, utcformat

        stamp = utcformat(datetime.now(timezone.utc))
        return job_id or str(uuid.uuid4()), {
            **self.fields, "created_at": stamp, "enqueued_at": stamp,
            "data": zlib.compress(self.dumps((self.func_name, None, args, {}))),
            "description": get_call_string(self.func_name, args, {}, max_length=75),
        }


@dataclass(order=True)
class _Job:
    run_at: float
    seq: int
    func: Callable[..., Any] | str = None  # type: ignore[assignment]
    args: tuple[Any, ...] = ()
    retry: RetryPolicy | None = None
    attempt: int = 0


class InlineJobQueue:
    """A background thread that runs jobs in this process (embedded default).

    Args:
        autostart: start the thread now; tests may pass False and call ``run_pending``.
        backoff_scale: multiply retry intervals (tests use 0).
    """

    def __init__(self, autostart: bool = True, backoff_scale: float = 1.0) -> None:
        self._heap: list[_Job] = []
        self._seq = itertools.count()
        self._cond = threading.Condition()
        self._running = 0
        self._stopped = False
        self.backoff_scale = backoff_scale
        self.failed: list[tuple[str, BaseException]] = []
        self._thread: threading.Thread | None = None
        if autostart:
            self.start()

    def start(self) -> None:
        if self._thread is None:
            self._thread = threading.Thread(target=self._loop, name="ksm-bot-jobs", daemon=True)
            self._thread.start()

    def stop(self) -> None:
        with self._cond:
            self._stopped = True
            self._cond.notify_all()

    def enqueue(self, func, *args, job_id=None, retry=None, delay=None):  # type: ignore[no-untyped-def]
        run_at = time.monotonic() + (delay.total_seconds() if delay else 0)
        with self._cond:
            heapq.heappush(self._heap, _Job(run_at, next(self._seq), func, args, retry))
            self._cond.notify_all()

    def pending(self) -> int:
        with self._cond:
            return len(self._heap) + self._running

    def run_pending(self) -> int:
        """Run every job that is due now, in this thread; returns how many ran."""
        count = 0
        while True:
            with self._cond:
                if not self._heap or self._heap[0].run_at > time.monotonic():
                    return count
                job = heapq.heappop(self._heap)
                self._running += 1
            self._run(job)
            count += 1

    def drain(self, timeout: float = 10.0) -> None:
        """Wait until no job is due or running (tests and the terminal chat)."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while time.monotonic() < deadline:
                due = self._heap and self._heap[0].run_at <= time.monotonic()
                if not due and not self._running:
                    return
                if self._thread is None:
                    break
                self._cond.wait(0.01)
        if self._thread is None:
            self.run_pending()

    def _loop(self) -> None:
        while True:
            with self._cond:
                while not self._stopped:
                    now = time.monotonic()
                    if self._heap and self._heap[0].run_at <= now:
                        break
                    wait = self._heap[0].run_at - now if self._heap else 1.0
                    self._cond.wait(min(wait, 1.0))
                if self._stopped:
                    return
                job = heapq.heappop(self._heap)
                self._running += 1
            self._run(job)

    def _run(self, job: _Job) -> None:
        try:
            job_function(job.func)(*job.args)
        except Exception as exc:  # noqa: BLE001 - a job's failure must not stop the runner
            name = (job.func.rpartition(".")[2] if isinstance(job.func, str)
                    else getattr(job.func, "__name__", repr(job.func)))
            if job.retry is not None and job.attempt < job.retry.max:
                intervals = job.retry.intervals or (0,)
                wait = intervals[min(job.attempt, len(intervals) - 1)] * self.backoff_scale
                log.warning("job %s%r failed (%s); retry in %ss", name, job.args, exc, wait)
                with self._cond:
                    heapq.heappush(self._heap, _Job(
                        time.monotonic() + wait, next(self._seq), job.func, job.args,
                        job.retry, job.attempt + 1,
                    ))
            else:
                log.exception("job %s%r failed for good", name, job.args)
                self.failed.append((name, exc))
        finally:
            with self._cond:
                self._running -= 1
                self._cond.notify_all()
