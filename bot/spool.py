"""Messages received while the database is down: kept, then replayed in order.

Twilio does not retry a webhook that got an answer (even a 500), so a message that
cannot be stored when it arrives would be lost. Instead it is written here (as
RapidPro's courier spools what it receives when its database is down), the webhook
answers as usual, and once the database answers again the messages are received in the
order they came (``bot.inbound.receive(..., replayed=True)``) and handled as any other.
A gateway event (``bot.web.webhooks``) is spooled the same way and answered 2xx.

Where a message is kept:
- in a Redis list when Redis answers: any process replays it (the sweep does);
- else in a directory on this machine (``SPOOL_DIR``), one file per message, written
  and synced before the webhook answers: only this machine's processes replay it;
- else (the directory cannot be written either) a Twilio message in this process's
  memory, logged as an error and reported by /healthz: lost only if the process stops
  before the database returns. A gateway event is then answered 5xx instead, and the
  gateway delivers it again.

While a resident has anything spooled, their later messages are spooled behind it, so
a resident's messages are never handled out of order; everyone else's are handled at
once (spooling everybody's while anything was left made a convoy under steady load).
Which residents have something spooled is read at most every PENDING_TTL seconds, so
for that long a process may not see what another process just spooled. Replaying is safe to repeat: a message is
stored once under its MessageSid, and leaves the spool only after it is.
"""
from __future__ import annotations

import fcntl
import json
import logging
import os
import threading
import time
import uuid
from contextlib import contextmanager
from dataclasses import asdict
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Iterator

from bot.db import is_unavailable
from bot.inbound_message import InboundMessage
from bot.providers.registry import provider
from conversations.model import Media

if TYPE_CHECKING:
    from bot.runtime import Runtime

log = logging.getLogger(__name__)

REDIS_KEY = "ksm-bot:spool"
# phone -> how many of its messages are in the Redis list.
PHONES_KEY = "ksm-bot:spool-phones"
LOCK_NAME = "ksm-bot:spool-lock"
# How often a process that spooled something tries to replay it.
RETRY_SECONDS = 2.0
# How long the "is anything spooled?" answer is trusted on the request path.
PENDING_TTL = 1.0
BATCH = 200

# ``bot.inbound.receive``, handed in by whoever makes the spool (``bot.inbound.spool_of``):
# the spool replays into it, and receiving spools through the spool, so passing it in
# keeps the two modules out of a circle.
Receive = Callable[..., None]

def _encode(message: InboundMessage, received_at: datetime) -> str:
    data = asdict(message)
    data["received_at"] = received_at.isoformat()
    # Unique per entry (a MessageSid may arrive twice): LREM removes exactly this one.
    data["entry"] = uuid.uuid4().hex
    return json.dumps(data, ensure_ascii=False)


def _decode(raw: str | bytes) -> tuple[InboundMessage, datetime]:
    data = json.loads(raw)
    received_at = datetime.fromisoformat(data.pop("received_at"))
    data.pop("entry", None)
    if "sid" in data:  # spooled before the key was named external_id (migration 0026)
        data["external_id"] = data.pop("sid")
    data["media"] = tuple(Media(**m) for m in data.get("media") or ())
    return InboundMessage(**data), received_at


class Spool:
    """The spool of one runtime: where to keep messages, and this process's replayer."""

    def __init__(self, rt: Runtime, receive: Receive) -> None:
        self.rt = rt
        self.receive = receive
        self.directory = Path(rt.settings.spool_dir)
        self._lock = threading.Lock()
        self._phones: frozenset[str] = frozenset()  # residents with something spooled
        self._checked_until = 0.0
        self._replayer: threading.Thread | None = None
        self.retry_seconds = RETRY_SECONDS
        self._memory: list[str] = []  # the last resort: nowhere durable could take them

    def problem(self) -> str | None:
        """What /healthz should report about the spool: messages held in memory only,
        or a directory that cannot be written; None when all is well."""
        with self._lock:
            held = len(self._memory)
        if held:
            return f"error: {held} messages kept in memory only"
        place = self.directory
        while not place.exists() and place != place.parent:
            place = place.parent
        if not place.is_dir() or not os.access(place, os.W_OK):
            return f"error: {self.directory} is not writable"
        return None

    def put(self, message: InboundMessage, received_at: datetime) -> str:
        """Keep ``message`` until the database is back; returns where (redis,
        directory).

        Raises:
            OSError: neither Redis nor the directory could take it.
        """
        raw = _encode(message, received_at)
        where = "redis"
        try:
            if self.rt.redis is None:
                raise ConnectionError("no Redis")
            self.rt.redis.pipeline().rpush(REDIS_KEY, raw).hincrby(
                PHONES_KEY, message.phone, 1).execute()
        except Exception:  # noqa: BLE001 - Redis down or hung: the local directory
            where = "directory"
            try:
                _write_file(self.directory, raw, received_at, message.phone)
            except OSError:
                if provider(message.provider).redelivers:
                    raise  # the gateway delivers the event again until it gets a 2xx
                # Twilio never retries: this process's memory is the last place left.
                where = "memory"
                with self._lock:
                    self._memory.append(raw)
                log.error("message %s kept in memory only: the database and Redis are down "
                          "and %s is not writable; it is lost if this process stops",
                          message.external_id, self.directory)
        with self._lock:
            self._phones = self._phones | {message.phone}
        log.warning("message %s spooled (%s) until the database is back", message.external_id,
                    where)
        self.start_replaying()
        return where

    def holds(self, phone: str) -> bool:
        """Whether a message from ``phone`` must wait behind that resident's spooled
        ones (asked on the request path: a cheap answer)."""
        return phone in self._spooled_phones()

    def pending(self) -> bool:
        """Whether anything may still be spooled."""
        return bool(self._spooled_phones())

    def _spooled_phones(self) -> frozenset[str]:
        now = time.monotonic()
        with self._lock:
            if now < self._checked_until:
                return self._phones
            self._checked_until = now + PENDING_TTL
        phones = self._read_phones()
        with self._lock:
            self._phones = phones
        if phones:
            self.start_replaying()
        return phones

    def _read_phones(self) -> frozenset[str]:
        phones = {_phone_of(path) for path in _files(self.directory)}
        with self._lock:
            phones.update(json.loads(raw)["phone"] for raw in self._memory)
        if self.rt.redis is not None:
            try:
                phones.update(p.decode() if isinstance(p, bytes) else p
                              for p in self.rt.redis.hkeys(PHONES_KEY))
            except Exception:  # noqa: BLE001 - unreachable: what it holds cannot be
                pass  # replayed now, so it cannot be overtaken either
        return frozenset(phones)

    def replay(self) -> int:
        """Receive spooled messages in arrival order until the spool is empty or the
        database is unavailable again; returns how many were received.

        One replayer at a time: a Redis lock for the Redis list, a file lock for this
        machine's directory (each owner replays what it holds).
        """
        done = 0
        with _redis_lock(self.rt) as redis_ok, _directory_lock(self.directory) as dir_ok:
            while entries := self._next_entries(redis_ok, dir_ok):
                for received_at, raw, remove in entries:
                    message, _ = _decode(raw)
                    try:
                        self.receive(self.rt, message, received_at, replayed=True)
                    except Exception as exc:  # noqa: BLE001
                        if is_unavailable(exc):
                            return done  # still down: try again later
                        log.exception("spooled message %s could not be received; set aside",
                                      message.external_id)
                        _write_file(self.directory / "failed", raw, received_at,
                                    message.phone)
                    remove()
                    done += 1
        phones = self._read_phones()
        with self._lock:
            self._phones = phones
            self._checked_until = time.monotonic() + PENDING_TTL
        if done:
            log.info("replayed %d spooled messages", done)
        return done

    def _next_entries(self, redis_ok: bool, dir_ok: bool) -> list[tuple[datetime, str, Any]]:
        """Up to BATCH entries of both places, oldest first, each with its remover."""
        entries: list[tuple[datetime, str, Any]] = []
        redis = self.rt.redis
        if redis_ok:
            for raw in redis.lrange(REDIS_KEY, 0, BATCH - 1):
                text = raw.decode() if isinstance(raw, bytes) else raw
                message, received_at = _decode(text)
                entries.append((received_at, text, lambda raw=raw, phone=message.phone:
                                _forget(redis, raw, phone)))
        if dir_ok:
            for path in _files(self.directory)[:BATCH]:
                text = path.read_text(encoding="utf-8")
                entries.append((_decode(text)[1], text, path.unlink))
        with self._lock:
            held = list(self._memory[:BATCH])
        for text in held:
            entries.append((_decode(text)[1], text, lambda text=text: self._forget_held(text)))
        entries.sort(key=lambda entry: entry[0])
        return entries[:BATCH]

    def _forget_held(self, text: str) -> None:
        with self._lock:
            self._memory.remove(text)

    def start_replaying(self) -> None:
        """Make sure this process has a thread replaying the spool until it is empty."""
        with self._lock:
            if self._replayer is not None and self._replayer.is_alive():
                return
            self._replayer = threading.Thread(target=self._replay_loop, name="ksm-bot-spool",
                                              daemon=True)
            self._replayer.start()

    def _replay_loop(self) -> None:
        while True:
            time.sleep(self.retry_seconds)
            try:
                self.replay()
            except Exception:  # noqa: BLE001 - keep trying while anything is spooled
                log.exception("replaying the spool failed")
            with self._lock:
                if not self._phones:
                    return


# Removes one entry from the Redis list and counts it off its resident, in one step.
_FORGET = """
redis.call('LREM', KEYS[1], 1, ARGV[1])
if redis.call('HINCRBY', KEYS[2], ARGV[2], -1) <= 0 then redis.call('HDEL', KEYS[2], ARGV[2]) end
"""


def _forget(redis: Any, raw: bytes | str, phone: str) -> None:
    redis.eval(_FORGET, 2, REDIS_KEY, PHONES_KEY, raw, phone)


def _write_file(directory: Path, raw: str, received_at: datetime, phone: str) -> None:
    directory.mkdir(parents=True, exist_ok=True)
    # Names sort in arrival order and say whose message it is (the digits of the phone).
    digits = phone.lstrip("+")
    name = f"{received_at.timestamp():017.6f}-{digits}-{uuid.uuid4().hex}.json"
    temporary = directory / (name + ".tmp")
    with open(temporary, "w", encoding="utf-8") as handle:
        handle.write(raw)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(temporary, directory / name)
    descriptor = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(descriptor)  # the rename itself survives a crash
    finally:
        os.close(descriptor)


def _phone_of(path: Path) -> str:
    return "+" + path.stem.split("-")[1]


def _files(directory: Path) -> list[Path]:
    try:
        return sorted(p for p in directory.iterdir() if p.suffix == ".json")
    except OSError:  # not there, or not a directory (/healthz reports it): nothing to read
        return []


@contextmanager
def _redis_lock(rt: Runtime) -> Iterator[bool]:
    if rt.redis is None:
        yield False
        return
    try:
        lock = rt.redis.lock(LOCK_NAME, timeout=300, blocking=False)
        held = lock.acquire(blocking=False)
    except Exception:  # noqa: BLE001 - Redis down: only the directory
        yield False
        return
    try:
        yield held
    finally:
        if held:
            try:
                lock.release()
            except Exception:  # noqa: BLE001 - expired or Redis gone; it times out
                pass


@contextmanager
def _directory_lock(directory: Path) -> Iterator[bool]:
    """A lock across this machine's processes (gunicorn workers share the directory)."""
    try:
        directory.mkdir(parents=True, exist_ok=True)
        handle = open(directory / ".lock", "a")
    except OSError:
        yield False
        return
    try:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            yield False
            return
        try:
            yield True
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
    finally:
        handle.close()
