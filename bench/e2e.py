"""End-to-end bench: inbound webhooks on both channels to the reply reaching the
provider's API, on the production shape (issue 25).

Run from the repository root, with PostgreSQL up (``redis-server`` installed)::

    python bench/e2e.py                       # the default run, 4-5 minutes
    python bench/e2e.py --seconds 20 --max-seconds 10     # a quicker look
    python bench/e2e.py --max-workers '' --no-floor       # the 50/s phase only

What runs (all on 127.0.0.1; the shared PostgreSQL and Redis are not touched beyond
creating and dropping this bench's own databases):

- the Procfile's ``web:`` gunicorn serving ``bot:create_app()`` and ``ksm-bot worker``
  processes (RQ ``SimpleWorker`` with its scheduler), as ``bench/faults.py`` starts them;
- PostgreSQL database ``BENCH_E2E_DATABASE_URL`` (default ``ksm_bench_e2e``: DROPPED and
  migrated again), a private ``redis-server`` on a spare port
  (:class:`tests.fault_services.RedisServer`);
- in this process, the fake Twilio API (:class:`tests.fake_twilio.FakeTwilio`) and the
  fake SMS gateway API (:class:`tests.fake_smsgate.FakeSmsGate`), each noting every
  accepted send with its arrival time on this process's monotonic clock (the sender's);
- limits out of the way: QUIET_HOURS=off, SENDER_MESSAGES_PER_MINUTE/DAY,
  SMS_RATE_PER_SECOND, WHATSAPP_RATE_PER_SECOND and SMSGATE_RATE_PER_MINUTE high.

Phases:

1. ``paced``: ``--rate`` (50) webhooks per second for ``--seconds`` (60) with
   ``--workers`` (2) workers: a third each Twilio SMS, Twilio WhatsApp (``whatsapp:``
   From/To) and gateway SMS (``sms:received`` signed as the gateway signs), from
   ``--residents`` numbers (each resident on one channel), texts the bot answers (the
   mix of ``bench/faults.py``: MENU, ADUAN with a text, CEK with a code, a digit,
   BATAL). Every request is built and signed before timing and sent on a thread of a
   pool with a keep-alive connection each, so a slow answer does not hold the pace.
2. ``max`` with 1, 2 and 4 workers (``--max-workers``): ``--concurrency`` (16) senders,
   each sends a message and waits until a reply to that resident reaches the fake
   provider, then sends the next (of another resident of its own), for
   ``--max-seconds`` (20) after a short warm-up. Throughput: messages / (first send
   .. last of their replies at the fake).
3. ``floor``: ``bench/floor_app.py`` (the signature check and the two round trips of
   SQL that store a message and its reply; nothing else; as ``bench/webhook.py
   --floor`` serves it) under the same gunicorn
   command, on a database of its own (``ksm_bench_e2e_floor``), ``--floor-requests``
   requests on 16 keep-alive connections as fast as answered: its CPU per request
   (gunicorn workers + that database's backends), as ``bench/webhook.py --floor``
   measures it.

After each phase it waits (at most ``--drain`` s) until nothing is ``received`` and no
outbound message is queued, claimed or sending, then matches from the database: each
inbound external_id (Twilio's MessageSid, ``gw-event:<event id>``) -> its reply rows
-> their external_id (the fake's SID, ``gw:<id>``) -> the send's arrival at the fake.

- latency: the first reply's arrival at the fake - the moment the webhook's request
  started (also to the last reply);
- lost: answered 200 and not stored; stored and not handled; handled with no reply
  row; a reply row that never reached the fake;
- doubled: a send at a fake that no outbound row holds (a row sent twice keeps one
  SID), or a (number, text) the fakes got more often than rows were sent;
- out of order: per resident, replies reaching the fakes in another order than the
  messages they answer were stored (and, per message, than the replies were stored),
  and messages stored in another order than sent when the later one was sent after
  the earlier one was answered (overlapping requests may pass each other on the wire).
  For an inversion at the fake it also says whether the app's own stamps (the
  ``sending`` marker's ``claimed_at``, taken just before the provider call) are in the
  same wrong order, i.e. whether the fake's threads could have swapped them;
- CPU per message from /proc, sampled every 0.5 s from the phase's first send to the
  end of its drain: gunicorn's workers (not its master, as ``bench/webhook.py``), the
  worker processes and their children (RQ's scheduler), the PostgreSQL client backends
  of the bench database (not the cluster's background processes: the cluster is
  shared with other sessions), the private redis-server; and this process (sender +
  fakes), shown apart and not counted;
- the RQ jobs' durations, from the workers' logs.

The goals of the paced phase (p99 < 1 s; CPU per message at most twice the floor's per
request) are printed as met or MISSED; the exit status is 1 when anything is lost,
doubled or out of order in any phase. ``--profile FILE`` records the first worker of
the paced phase with py-spy (``pip install py-spy``).
"""
from __future__ import annotations

import argparse
import collections
import http.client
import json
import os
import random
import re
import resource
import signal
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench.faults import Workers, texts  # noqa: E402
from bench.webhook import (  # noqa: E402
    ACCOUNT_SID, APP_SPEC, AUTH_TOKEN, BOT_NUMBER, PATH, PUBLIC_BASE_URL,
    Server, free_port, twilio_form,
)
from bot.providers.smsgate import sign  # noqa: E402
from tests.fake_smsgate import FakeSmsGate  # noqa: E402
from tests.fake_twilio import FakeTwilio  # noqa: E402
from tests.fault_services import RedisServer  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
DATABASE_URL = os.environ.get("BENCH_E2E_DATABASE_URL",
                              "postgresql+psycopg://postgres@127.0.0.1/ksm_bench_e2e")
FLOOR_DATABASE_URL = os.environ.get("BENCH_E2E_FLOOR_DATABASE_URL",
                                    "postgresql+psycopg://postgres@127.0.0.1/ksm_bench_e2e_floor")
FLOOR_SPEC = "'bench.floor_app:app'"
GATE_PATH = "/webhooks/smsgate"
GATE_KEY = "bench-signing-key-0123456789"
WHATSAPP_FROM = "whatsapp:+14155238886"
PHONES = 4  # gateway phones the residents write to
TARGET_P99 = 1.0  # seconds, at the paced rate
TARGET_CPU_RATIO = 2.0  # CPU per message / the floor's CPU per request
CHANNELS = ("sms", "whatsapp", "gateway")
# Residents' numbers: one prefix per channel, a block of numbers per phase.
PREFIX = {"sms": "+62812", "whatsapp": "+62813", "gateway": "+62857"}


def plain_url(url: str) -> str:
    """The libpq form of a SQLAlchemy URL (``postgresql+psycopg://`` -> ``postgresql://``)."""
    return url.replace("postgresql+psycopg://", "postgresql://", 1)


# ---------------------------------------------------------------- the fake providers


class Arrivals:
    """Every send the fake providers accepted: (key as the app stores it, number,
    arrival on this process's monotonic clock); wakes a sender waiting for a number."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.sends: list[tuple[str, str, float, str]] = []  # key, phone, at, body
        self.waiting: dict[str, threading.Event] = {}

    def add(self, key: str, phone: str, at: float, body: str) -> None:
        with self.lock:
            self.sends.append((key, phone, at, body))
            event = self.waiting.pop(phone, None)
        if event is not None:
            event.set()

    def expect(self, phone: str) -> threading.Event:
        """An event set at the next send to ``phone`` (register before the webhook)."""
        event = threading.Event()
        with self.lock:
            self.waiting[phone] = event
        return event

    def since(self, start: int) -> list[tuple[str, str, float, str]]:
        with self.lock:
            return list(self.sends[start:])

    def __len__(self) -> int:
        with self.lock:
            return len(self.sends)


@dataclass
class RecordingTwilio(FakeTwilio):
    arrivals: Arrivals = field(default_factory=Arrivals)

    def _answer(self, path: str, form: dict[str, object]) -> tuple[int, dict[str, object]]:
        at = time.monotonic()
        status, payload = super()._answer(path, form)
        if status == 201:
            to = str(form.get("To", "")).removeprefix("whatsapp:")
            self.arrivals.add(str(payload["sid"]), to, at, str(form.get("Body", "")))
        return status, payload


@dataclass
class RecordingGate(FakeSmsGate):
    arrivals: Arrivals = field(default_factory=Arrivals)

    def _send(self, record: dict[str, Any], body: Any) -> tuple[int, Any]:
        at = time.monotonic()
        status, payload = super()._send(record, body)
        if status == 202:
            text = (body.get("textMessage") or {}).get("text", "") or body.get("message", "")
            for phone in body.get("phoneNumbers", []):
                self.arrivals.add("gw:" + payload["id"], phone, at, text)
        return status, payload


# ---------------------------------------------------------------- messages


@dataclass
class Msg:
    key: str  # the inbound external_id as the app stores it
    channel: str  # sms, whatsapp (both Twilio) or gateway
    phone: str  # E.164
    body: str
    path: str
    payload: bytes
    headers: dict[str, str]
    sent_at: float = 0.0  # monotonic, as the request started
    answered_at: float = 0.0
    status: int = 0  # 0: no answer
    error: str = ""


class Builder:
    """Signed requests, built before timing."""

    def __init__(self, run: str) -> None:
        from twilio.request_validator import RequestValidator

        self.validator = RequestValidator(AUTH_TOKEN)
        self.run = run
        self.count = 0

    def message(self, channel: str, phone: str, body: str) -> Msg:
        self.count += 1
        i = self.count
        if channel == "gateway":
            event_id = f"e2e-{self.run}-{i}"
            data = json.dumps({
                "id": event_id, "webhookId": "bench", "event": "sms:received",
                "deviceId": f"bench-phone-{int(phone[-2:]) % PHONES}",
                "payload": {"messageId": f"m{i}", "message": body, "phoneNumber": phone,
                            "simNumber": 1, "receivedAt": "2026-12-07T10:00:00.000+07:00"},
            }).encode()
            stamp = str(int(time.time()))  # within the 5 minutes the app allows
            return Msg("gw-event:" + event_id, channel, phone, body, GATE_PATH, data, {
                "Content-Type": "application/json", "X-Timestamp": stamp,
                "X-Signature": sign(GATE_KEY, data, stamp)})
        sid = f"SM{self.run}e2{i:022x}"
        form = twilio_form(sid, phone, body)
        if channel == "whatsapp":
            form.update({"From": "whatsapp:" + phone, "To": WHATSAPP_FROM,
                         "ProfileName": "Warga", "WaId": phone.lstrip("+")})
        return Msg(sid, channel, phone, body, PATH, urlencode(form).encode(), {
            "Host": "127.0.0.1", "User-Agent": "TwilioProxy/1.1",
            "X-Twilio-Signature": self.validator.compute_signature(PUBLIC_BASE_URL + PATH, form),
            "Content-Type": "application/x-www-form-urlencoded"})


def residents(phase: int, count: int) -> list[tuple[str, str]]:
    """(channel, number) of ``count`` residents, a third on each channel, fresh per phase."""
    out = []
    for n in range(count):
        channel = CHANNELS[n % 3]
        out.append((channel, f"{PREFIX[channel]}{phase:02d}{n:06d}"))
    return out


class Poster:
    """One keep-alive connection per thread to the web process."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.local = threading.local()

    def post(self, msg: Msg) -> None:
        for attempt in (1, 2):
            conn = getattr(self.local, "conn", None)
            if conn is None:
                conn = self.local.conn = http.client.HTTPConnection("127.0.0.1", self.port,
                                                                    timeout=20)
            msg.sent_at = time.monotonic()
            try:
                conn.request("POST", msg.path, msg.payload, msg.headers)
                response = conn.getresponse()
                response.read()
                msg.answered_at = time.monotonic()
                msg.status = response.status
                return
            except (OSError, http.client.HTTPException) as exc:
                conn.close()
                self.local.conn = None
                msg.error = f"{type(exc).__name__}: {exc}"
                # A kept-alive connection gunicorn closed: Twilio would open a new one.
                if attempt == 2 or isinstance(exc, TimeoutError):
                    return


def send_paced(port: int, messages: list[Msg], rate: float) -> float:
    """Send ``messages`` at ``rate`` per second; returns the largest lag behind the pace."""
    poster = Poster(port)
    lag = 0.0
    start = time.monotonic()
    with ThreadPoolExecutor(max_workers=32) as pool:
        for i, msg in enumerate(messages):
            due = start + i / rate
            now = time.monotonic()
            if due > now:
                time.sleep(due - now)
            else:
                lag = max(lag, now - due)
            pool.submit(poster.post, msg)
    return lag


def send_closed(port: int, streams: list[list[Msg]], arrivals: Arrivals, seconds: float,
                wait: float = 15.0) -> tuple[list[Msg], int]:
    """Each stream on a thread: send a message, wait for a send to its resident at a fake
    provider (at most ``wait`` s), send the next; until ``seconds`` have passed.
    Returns the messages sent and how many waits timed out."""
    poster = Poster(port)
    sent: list[Msg] = []
    timeouts = [0]
    lock = threading.Lock()
    deadline = time.monotonic() + seconds

    def run(stream: list[Msg]) -> None:
        for msg in stream:
            if time.monotonic() >= deadline:
                return
            event = arrivals.expect(msg.phone)
            poster.post(msg)
            with lock:
                sent.append(msg)
            if msg.status != 200 or not event.wait(wait):
                with lock:
                    timeouts[0] += 1

    threads = [threading.Thread(target=run, args=(s,), daemon=True) for s in streams]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return sent, timeouts[0]


def closed_streams(builder: Builder, people: list[tuple[str, str]], concurrency: int,
                   per_stream: int, rng: random.Random) -> list[list[Msg]]:
    """Per sender, ``per_stream`` messages over its own residents in turn."""
    streams = []
    for k in range(concurrency):
        own = people[k::concurrency]
        streams.append([builder.message(*own[j % len(own)], texts(rng))
                        for j in range(per_stream)])
    return streams


# ---------------------------------------------------------------- CPU from /proc


def children_of() -> dict[int, list[int]]:
    out: dict[int, list[int]] = collections.defaultdict(list)
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            ppid = int(Path(f"/proc/{entry}/stat").read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue
        out[ppid].append(int(entry))
    return out


def tree(roots: list[int], kids: dict[int, list[int]]) -> list[int]:
    out, todo = [], list(roots)
    while todo:
        pid = todo.pop()
        out.append(pid)
        todo.extend(kids.get(pid, ()))
    return out


def ticks(pid: int) -> int | None:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return int(fields[11]) + int(fields[12])


class CpuMeter:
    """CPU seconds per group of processes over a phase, sampled every ``every`` s so
    that processes starting (new PostgreSQL backends, RQ's scheduler) count, and those
    ending keep what they had used at their last sample."""

    def __init__(self, groups: dict[str, Callable[[], list[int]]], every: float = 0.5) -> None:
        self.groups = groups
        self.every = every
        self.first: dict[tuple[str, int], int] = {}
        self.last: dict[tuple[str, int], int] = {}
        self.stopped = threading.Event()
        self.thread: threading.Thread | None = None
        self.self0 = 0.0
        self.started = 0.0

    def _sample(self, initial: bool) -> None:
        for name, pids in self.groups.items():
            try:
                found = pids()
            except Exception:  # noqa: BLE001 - a look-up failed: next sample
                continue
            for pid in found:
                value = ticks(pid)
                if value is None:
                    continue
                key = (name, pid)
                if key not in self.first:
                    # Present at the start: counts from now; born later: from zero.
                    self.first[key] = value if initial else 0
                self.last[key] = value

    def start(self) -> CpuMeter:
        self.started = time.monotonic()
        usage = resource.getrusage(resource.RUSAGE_SELF)
        self.self0 = usage.ru_utime + usage.ru_stime
        self._sample(initial=True)

        def loop() -> None:
            while not self.stopped.wait(self.every):
                self._sample(initial=False)

        self.thread = threading.Thread(target=loop, daemon=True)
        self.thread.start()
        return self

    def stop(self) -> dict[str, float]:
        self.stopped.set()
        if self.thread is not None:
            self.thread.join()
        self._sample(initial=False)
        tick = os.sysconf("SC_CLK_TCK")
        out = {name: 0.0 for name in self.groups}
        for key, value in self.last.items():
            out[key[0]] += (value - self.first[key]) / tick
        usage = resource.getrusage(resource.RUSAGE_SELF)
        out["bench"] = usage.ru_utime + usage.ru_stime - self.self0
        out["elapsed"] = time.monotonic() - self.started
        return out


class Backends:
    """The PostgreSQL backends of one database, other than the bench's own."""

    def __init__(self, url: str) -> None:
        import psycopg

        self.conn = psycopg.connect(plain_url(url), autocommit=True)
        self.lock = threading.Lock()

    def __call__(self) -> list[int]:
        with self.lock:
            return [row[0] for row in self.conn.execute(
                "SELECT pid FROM pg_stat_activity WHERE datname = current_database()"
                " AND pid <> pg_backend_pid() AND backend_type = 'client backend'").fetchall()]

    def query(self, sql: str, params: Any = None) -> list[Any]:
        with self.lock:
            return self.conn.execute(sql, params).fetchall()

    def close(self) -> None:
        self.conn.close()


# ---------------------------------------------------------------- the app


def app_env(redis_url: str, twilio: FakeTwilio, gate: FakeSmsGate, spool: str) -> dict[str, str]:
    return {
        "DATABASE_URL": DATABASE_URL,
        "REDIS_URL": redis_url,
        "SECRET_KEY": "bench-secret-key-0123456789abcdef",
        "TWILIO_ACCOUNT_SID": ACCOUNT_SID,
        "TWILIO_AUTH_TOKEN": AUTH_TOKEN,
        "TWILIO_SMS_FROM": BOT_NUMBER,
        "TWILIO_WHATSAPP_FROM": WHATSAPP_FROM,
        "TWILIO_API_BASE_URL": twilio.url,
        "SMSGATE_URL": gate.url,
        "SMSGATE_USERNAME": "BENCH",
        "SMSGATE_PASSWORD": "bench-password",
        "SMSGATE_SIGNING_KEY": GATE_KEY,
        "SMSGATE_RATE_PER_MINUTE": "600000",
        "PUBLIC_BASE_URL": PUBLIC_BASE_URL,
        "QUIET_HOURS": "off",
        "SENDER_MESSAGES_PER_MINUTE": "100000",
        "SENDER_MESSAGES_PER_DAY": "1000000",
        "SMS_RATE_PER_SECOND": "10000",
        "WHATSAPP_RATE_PER_SECOND": "10000",
        "SPOOL_DIR": spool,
        # The app under test is this checkout's, whatever is installed.
        "PYTHONPATH": str(ROOT),
    }


def wait_for_workers(redis_url: str, count: int, limit: float = 60.0) -> None:
    from redis import Redis
    from rq import Worker

    client = Redis.from_url(redis_url)
    try:
        until = time.monotonic() + limit
        while Worker.count(connection=client) < count:
            if time.monotonic() > until:
                raise SystemExit(f"{count} workers did not register within {limit:.0f} s")
            time.sleep(0.2)
    finally:
        client.close()


def drain(db: Backends, messages: list[Msg], limit: float) -> float:
    """Wait until nothing is received and no outbound message is queued, claimed or
    sending (every request of the phase has its answer by then)."""
    start = time.monotonic()
    while True:
        received, pending = db.query(
            "SELECT (SELECT count(*) FROM message WHERE direction = 'in' AND status = 'received'),"
            " (SELECT count(*) FROM message WHERE direction = 'out'"
            "  AND status IN ('queued', 'claimed', 'sending'))")[0]
        waiting = sum(1 for m in messages if m.status == 0 and not m.error)
        if received == 0 and pending == 0 and waiting == 0:
            return time.monotonic() - start
        if time.monotonic() - start > limit:
            print(f"  drain: gave up after {limit:.0f} s: received {received},"
                  f" outbound pending {pending}, requests unanswered {waiting}")
            return time.monotonic() - start
        time.sleep(0.2)


# ---------------------------------------------------------------- counting


def pct(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    values = sorted(values)
    return values[min(len(values) - 1, int(p / 100 * len(values)))]


@dataclass
class Counted:
    lines: list[str] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)
    first: dict[str, float] = field(default_factory=dict)  # key -> first reply latency
    done_at: float = 0.0  # the last reply's arrival
    figures: dict[str, Any] = field(default_factory=dict)


def count(db: Backends, messages: list[Msg], sends: list[tuple[str, str, float, str]]) -> Counted:
    out = Counted()
    keys = [m.key for m in messages]
    rows = db.query(
        "SELECT i.external_id, i.id, i.status, r.id, r.status, r.external_id, r.claimed_at"
        " FROM message i LEFT JOIN message r ON r.reply_to_id = i.id AND r.direction = 'out'"
        " WHERE i.direction = 'in' AND i.external_id = ANY(%s) ORDER BY i.id, r.id", (keys,))
    sent_rows = db.query(
        "SELECT m.external_id, c.phone, m.body FROM message m JOIN contact c ON c.id = m.contact_id"
        " WHERE m.direction = 'out' AND m.external_id IS NOT NULL")
    inbound: dict[str, tuple[int, str]] = {}
    # Reply: (id, status, external_id, the app's stamp as it called the provider: the
    # ``sending`` marker's claimed_at, kept once sent).
    replies: dict[str, list[tuple[int, str, str | None, Any]]] = collections.defaultdict(list)
    for key, in_id, in_status, r_id, r_status, r_ext, r_called in rows:
        inbound[key] = (in_id, in_status)
        if r_id is not None:
            replies[key].append((r_id, r_status, r_ext, r_called))
    at_fake = {key: at for key, _, at, _ in sends}
    stored_keys = {row[0] for row in sent_rows}

    answered = [m for m in messages if m.status == 200]
    non200 = collections.Counter(m.status for m in messages if m.status not in (0, 200))
    unanswered = [m for m in messages if m.status == 0]
    not_stored = [m for m in answered if m.key not in inbound]
    statuses = collections.Counter(inbound[m.key][1] for m in answered if m.key in inbound)
    not_handled = [m for m in answered if m.key in inbound and inbound[m.key][1] != "handled"]
    no_reply = [m for m in answered if m.key in inbound and inbound[m.key][1] == "handled"
                and not replies.get(m.key)]
    reply_rows = sum(len(replies.get(m.key, ())) for m in answered)
    not_at_fake = [(m.key, r) for m in answered for r in replies.get(m.key, ())
                   if r[2] not in at_fake]
    # Doubled: a send no row holds (a row sent twice keeps the last SID), or a
    # (number, text) the fakes got more often than rows hold it as sent.
    orphans = [s for s in sends if s[0] not in stored_keys]
    got = collections.Counter((s[1], s[3]) for s in sends)
    recorded = collections.Counter((row[1], row[2]) for row in sent_rows)
    doubled_pairs = sum(max(0, n - recorded.get(key, 0)) for key, n in got.items())

    # Latency: the request's start to its first (and last) reply at the fake.
    last: dict[str, float] = {}
    by_channel: dict[str, list[float]] = collections.defaultdict(list)
    for m in answered:
        ats = [at_fake[r[2]] for r in replies.get(m.key, ()) if r[2] in at_fake]
        if ats:
            out.first[m.key] = min(ats) - m.sent_at
            last[m.key] = max(ats) - m.sent_at
            by_channel[m.channel].append(out.first[m.key])
            out.done_at = max(out.done_at, max(ats))

    # Order, per resident: replies at the fake in the order of (inbound id, reply id);
    # messages stored in the order sent when sent after the one before was answered.
    per_phone: dict[str, list[Msg]] = collections.defaultdict(list)
    for m in answered:
        if m.key in inbound:
            per_phone[m.phone].append(m)
    reply_inversions, store_inversions, worst = 0, 0, 0.0
    same_message, app_stamped = 0, 0
    examples: list[str] = []
    for phone, msgs in per_phone.items():
        stored_order = sorted(msgs, key=lambda m: inbound[m.key][0])
        arrivals = [(at_fake[r[2]], m.key, r[0], r[3]) for m in stored_order
                    for r in replies.get(m.key, ()) if r[2] in at_fake]
        for a, b in zip(arrivals, arrivals[1:]):
            if b[0] < a[0]:
                reply_inversions += 1
                worst = max(worst, a[0] - b[0])
                same_message += a[1] == b[1]
                # The app's own clock agrees: it started the later reply's provider
                # call first (not an artefact of the fake's threads).
                called_first = b[3] is not None and a[3] is not None and b[3] < a[3]
                app_stamped += called_first
                if len(examples) < 3:
                    examples.append(
                        f"{phone}: reply {b[2]} (to {b[1]}) reached the provider"
                        f" {1000 * (a[0] - b[0]):.1f} ms before reply {a[2]} (to {a[1]});"
                        f" the app started its call"
                        f" {abs((a[3] - b[3]).total_seconds()) * 1000:.1f} ms"
                        f" {'before' if called_first else 'after'} the other's")
        sent_order = sorted(msgs, key=lambda m: m.sent_at)
        for i, b in enumerate(sent_order):
            for a in sent_order[:i]:
                if a.answered_at < b.sent_at and inbound[b.key][0] < inbound[a.key][0]:
                    store_inversions += 1

    firsts = list(out.first.values())
    lasts = list(last.values())
    webhook = [m.answered_at - m.sent_at for m in answered]
    lost = len(not_stored) + len(not_handled) + len(no_reply) + len(not_at_fake)
    doubled = len(orphans) + doubled_pairs
    out.figures = {
        "sent": len(messages), "answered": len(answered), "p50": pct(firsts, 50),
        "p99": pct(firsts, 99), "max": max(firsts, default=float("nan")),
        "lost": lost, "doubled": doubled, "order": reply_inversions + store_inversions,
        "order_same_message": same_message,
    }
    lines = out.lines
    lines.append(f"requests sent {len(messages)}; answered 200 {len(answered)}; non-200"
                 f" {dict(non200) or 0}; no answer {len(unanswered)}"
                 + (f" (e.g. {unanswered[0].error})" if unanswered else ""))
    lines.append(f"webhook answered in p50 {1000 * pct(webhook, 50):.1f} ms,"
                 f" p99 {1000 * pct(webhook, 99):.1f} ms")
    lines.append(f"stored {len(answered) - len(not_stored)}, statuses {dict(statuses)};"
                 f" reply rows {reply_rows}; sends at the fakes {len(sends)}")
    lines.append(f"webhook -> first reply at the provider: p50 {1000 * pct(firsts, 50):.0f} ms,"
                 f" p99 {1000 * pct(firsts, 99):.0f} ms, max {1000 * max(firsts, default=0):.0f} ms"
                 f" ({len(firsts)} messages)")
    lines.append("  by channel: " + ", ".join(
        f"{ch} p50 {1000 * pct(v, 50):.0f} / p99 {1000 * pct(v, 99):.0f} ms ({len(v)})"
        for ch, v in sorted(by_channel.items())))
    lines.append(f"webhook -> last reply at the provider: p50 {1000 * pct(lasts, 50):.0f} ms,"
                 f" p99 {1000 * pct(lasts, 99):.0f} ms")
    lines.append(f"lost {lost}: not stored {len(not_stored)}, not handled {len(not_handled)},"
                 f" handled without a reply {len(no_reply)}, reply not at the provider"
                 f" {len(not_at_fake)}")
    lines.append(f"doubled {doubled}: sends no row holds {len(orphans)}, (number, text) sent"
                 f" more often than stored {doubled_pairs}")
    lines.append(f"out of order {reply_inversions + store_inversions}: replies at the provider"
                 f" {reply_inversions} (by up to {1000 * worst:.1f} ms; {same_message} of them"
                 f" two replies to one message; {app_stamped} with the app's own stamps in the"
                 f" same wrong order), stored unlike sent {store_inversions}")
    for example in examples:
        lines.append(f"  {example}")
    if lost:
        sample = [m.key for m in not_stored + not_handled + no_reply][:3] + \
            [k for k, _ in not_at_fake][:3]
        out.failures.append(f"{lost} lost, e.g. {sample}")
    if doubled:
        out.failures.append(f"{doubled} doubled")
    if reply_inversions or store_inversions:
        out.failures.append(f"{reply_inversions + store_inversions} out of order")
    if non200 or unanswered:
        out.failures.append(f"non-200 {dict(non200)}, no answer {len(unanswered)}")
    return out


JOB_DONE = re.compile(r"Successfully completed (\S+?)\(.*? job in (\d+):(\d+):([\d.]+)s")


def job_times(logs: Path) -> str:
    """The RQ jobs the workers ran in a phase (warm-up included), from their logs."""
    times: dict[str, list[float]] = collections.defaultdict(list)
    for log in logs.glob("worker*.log"):
        for match in JOB_DONE.finditer(log.read_text(errors="replace")):
            name, h, m_, sec = match.groups()
            times[name.rsplit(".", 1)[-1]].append(int(h) * 3600 + int(m_) * 60 + float(sec))
    return "jobs (warm-up included): " + ", ".join(
        f"{name} {len(v)}, p50 {1000 * pct(v, 50):.1f} ms, p99 {1000 * pct(v, 99):.1f} ms"
        for name, v in sorted(times.items()))


def cpu_lines(cpu: dict[str, float], messages: int, floor: float | None) -> tuple[list[str], float]:
    parts = ("web", "workers", "postgres", "redis")
    per = {name: 1000 * cpu[name] / max(messages, 1) for name in parts}
    total = sum(per.values())
    line = (f"CPU per message: web {per['web']:.2f} ms, workers {per['workers']:.2f} ms,"
            f" PostgreSQL {per['postgres']:.2f} ms, Redis {per['redis']:.2f} ms"
            f" = {total:.2f} ms")
    if floor:
        line += (f" ({total / floor:.1f}x the floor's {floor:.2f} ms per request;"
                 f" goal <= {TARGET_CPU_RATIO:g}x)")
    busy = sum(cpu[name] for name in parts) / max(cpu["elapsed"], 1e-9)
    bench = 1000 * cpu["bench"] / max(messages, 1)
    lines = [line, f"  over {cpu['elapsed']:.1f} s: the app's processes used {busy:.2f} cores;"
                   f" this bench process (sender + fakes) {bench:.2f} ms per message, not counted"]
    return lines, total


# ---------------------------------------------------------------- the floor


def floor_cpu(args: argparse.Namespace, logdir: Path, run: str) -> float | None:
    """The floor's CPU per request (gunicorn workers + its database's backends), or None
    when it did not answer every request."""
    from bench.pgdb import fresh_database

    fresh_database(FLOOR_DATABASE_URL)
    builder = Builder(run + "f")
    rng = random.Random(run)
    numbers = [f"+62811{n:08d}" for n in range(2000)]
    bodies = ["MENU", "1", "2", "3", "4", "5", "6", "7", "8", "9"]
    total = args.floor_requests + 200
    messages = [builder.message("sms", rng.choice(numbers), rng.choice(bodies))
                for _ in range(total)]
    warmup, load = messages[:200], messages[200:]
    backends = Backends(FLOOR_DATABASE_URL)
    server = Server("floor", FLOOR_SPEC, free_port(), {
        "TWILIO_AUTH_TOKEN": AUTH_TOKEN, "PUBLIC_BASE_URL": PUBLIC_BASE_URL,
        "FLOOR_DATABASE_URL": plain_url(FLOOR_DATABASE_URL), "PYTHONPATH": str(ROOT),
    }, logdir)
    try:
        def blast(batch: list[Msg]) -> None:
            poster = Poster(server.port)
            with ThreadPoolExecutor(max_workers=16) as pool:
                list(pool.map(poster.post, batch))

        blast(warmup)
        meter = CpuMeter({"web": server.worker_pids, "postgres": backends}).start()
        blast(load)
        cpu = meter.stop()
    finally:
        server.stop()
        backends.close()
    ok = sum(1 for m in load if m.status == 200)
    if ok < len(load):
        statuses = collections.Counter(m.status for m in load)
        print(f"  floor: only {ok} of {len(load)} answered 200 ({dict(statuses)}; see"
              f" {logdir / 'floor.log'}): no floor figure", flush=True)
        return None
    per_web = 1000 * cpu["web"] / max(ok, 1)
    per_db = 1000 * cpu["postgres"] / max(ok, 1)
    print(f"  floor: {ok} of {len(load)} answered 200 in {cpu['elapsed']:.1f} s"
          f" ({ok / cpu['elapsed']:.0f}/s, 16 connections); CPU per request: gunicorn workers"
          f" {per_web:.2f} ms, PostgreSQL {per_db:.2f} ms = {per_web + per_db:.2f} ms", flush=True)
    return per_web + per_db


# ---------------------------------------------------------------- main


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rate", type=float, default=50.0, help="webhooks per second (paced)")
    parser.add_argument("--seconds", type=float, default=60.0, help="length of the paced phase")
    parser.add_argument("--workers", type=int, default=2, help="workers in the paced phase")
    parser.add_argument("--residents", type=int, default=300, help="residents (paced phase)")
    parser.add_argument("--max-workers", default="1,2,4",
                        help="worker counts of the max phases, comma-separated ('' for none)")
    parser.add_argument("--max-seconds", type=float, default=20.0, help="length of a max phase")
    parser.add_argument("--concurrency", type=int, default=16, help="senders in a max phase")
    parser.add_argument("--floor-requests", type=int, default=2000)
    parser.add_argument("--no-floor", action="store_true", help="skip the floor")
    parser.add_argument("--profile", metavar="FILE",
                        help="record the first worker of the paced phase with py-spy --gil (a flame"
                             " graph if FILE ends in .svg, else collapsed stacks); it costs CPU")
    parser.add_argument("--drain", type=float, default=120.0,
                        help="seconds to wait after a phase for the replies")
    args = parser.parse_args(argv)
    max_counts = [int(x) for x in args.max_workers.split(",") if x.strip()]

    from bench.pgdb import fresh_database

    run = f"{int(time.time()) & 0xFFFFFFFF:08x}"
    logdir = Path(tempfile.mkdtemp(prefix="ksm-e2e-"))
    print(f"e2e bench {run}: logs in {logdir}; load average {os.getloadavg()[0]:.1f}", flush=True)
    floor = None
    if not args.no_floor:
        floor = floor_cpu(args, logdir, run)

    fresh_database(DATABASE_URL)
    twilio = RecordingTwilio().start()
    gate = RecordingGate().start()
    # One list of sends for both fakes.
    gate.arrivals = twilio.arrivals
    arrivals = twilio.arrivals
    redis = RedisServer().start()
    env = app_env(redis.url, twilio, gate, str(logdir / "spool"))
    db = Backends(DATABASE_URL)
    builder = Builder(run)
    web = workers = None
    failures: list[str] = []
    summary: list[str] = []
    try:
        web = Server("web", APP_SPEC, free_port(), env, logdir)

        def phase(name: str, n_workers: int, body: Callable[[], list[Msg]],
                  warm: Callable[[], None]) -> tuple[Counted, dict[str, float], list[Msg]]:
            nonlocal workers
            if workers is not None:
                workers.stop()
            phase_logs = logdir / name
            phase_logs.mkdir()
            workers = Workers(n_workers, env, phase_logs)
            wait_for_workers(redis.url, n_workers)
            warm()
            worker_pids = [p.pid for p in workers.procs]
            meter = CpuMeter({
                "web": lambda: web.worker_pids(),
                "workers": lambda: tree(worker_pids, children_of()),
                "postgres": db,
                "redis": lambda: [redis.process.pid] if redis.process else [],
            }).start()
            profiler = None
            if args.profile and name == "paced":
                profiler = subprocess.Popen(
                    ["py-spy", "record", "-o", args.profile, "-r", "100", "--nonblocking", "--gil",
                     *(["--format", "raw"] if not args.profile.endswith(".svg") else []),
                     "--pid", str(worker_pids[0])],
                    env={**os.environ,
                         "PATH": f"{Path(sys.executable).parent}:{os.environ['PATH']}"},
                    stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            mark = len(arrivals)
            messages = body()
            drained = drain(db, messages, args.drain)
            cpu = meter.stop()
            if profiler is not None:
                profiler.send_signal(signal.SIGINT)
                profiler.wait(timeout=60)
            counted = count(db, messages, arrivals.since(mark))
            counted.lines.insert(0, f"drained {drained:.1f} s after the last request")
            counted.lines.append(job_times(phase_logs))
            return counted, cpu, messages

        def warm_closed(phase_no: int) -> Callable[[], None]:
            def warm() -> None:
                people = residents(90 + phase_no, 4 * args.concurrency)
                streams = closed_streams(builder, people, args.concurrency, 6,
                                         random.Random(f"{run}-warm-{phase_no}"))
                sent, _ = send_closed(web.port, streams, arrivals, 60.0)
                drain(db, sent, args.drain)
            return warm

        # -- paced
        print(f"\n== paced: {args.rate:g}/s for {args.seconds:g} s, {args.workers} workers,"
              f" {args.residents} residents", flush=True)
        rng = random.Random(f"{run}-paced")
        people = residents(1, args.residents)
        # Built and signed before timing (the gateway's stamps stay within its 5 minutes).
        load = [builder.message(*rng.choice(people), texts(rng))
                for _ in range(int(args.rate * args.seconds))]

        def paced() -> list[Msg]:
            lag = send_paced(web.port, load, args.rate)
            print(f"  sent {len(load)}; the sender's largest lag behind the pace"
                  f" {1000 * lag:.0f} ms", flush=True)
            return load

        counted, cpu, msgs = phase("paced", args.workers, paced, warm_closed(0))
        lines, total = cpu_lines(cpu, len(msgs), floor)
        counted.lines += lines
        p99 = counted.figures["p99"]
        goals = [f"p99 {1000 * p99:.0f} ms {'<' if p99 < TARGET_P99 else '>='}"
                 f" {1000 * TARGET_P99:.0f} ms: {'met' if p99 < TARGET_P99 else 'MISSED'}"]
        if floor:
            ratio = total / floor
            goals.append(f"CPU {ratio:.1f}x the floor (goal <= {TARGET_CPU_RATIO:g}x):"
                         f" {'met' if ratio <= TARGET_CPU_RATIO else 'MISSED'}")
        counted.lines.append("goals: " + "; ".join(goals))
        print("\n".join(f"  {line}" for line in counted.lines))
        verdict = "FAIL: " + "; ".join(counted.failures) if counted.failures else "PASS"
        print(f"  checks: {verdict}", flush=True)
        failures += [f"paced: {f}" for f in counted.failures]
        summary.append(f"paced {args.rate:g}/s, {args.workers} workers: p50"
                       f" {1000 * counted.figures['p50']:.0f} ms, p99 {1000 * p99:.0f} ms, lost"
                       f" {counted.figures['lost']}, doubled {counted.figures['doubled']},"
                       f" out of order {counted.figures['order']}, CPU {total:.2f} ms/message"
                       + (f" ({total / floor:.1f}x the floor's {floor:.2f} ms)" if floor else ""))
        summary.append("  goals: " + "; ".join(goals))

        # -- max
        for number, n_workers in enumerate(max_counts, start=2):
            print(f"\n== max: {args.concurrency} senders, each waiting for its reply,"
                  f" {args.max_seconds:g} s, {n_workers} workers", flush=True)
            people = residents(number, 8 * args.concurrency)
            per_stream = max(50, int(args.max_seconds * 40))
            streams = closed_streams(builder, people, args.concurrency, per_stream,
                                     random.Random(f"{run}-max-{n_workers}"))
            timeouts = [0]

            def closed(streams: list[list[Msg]] = streams, timeouts: list[int] = timeouts,
                       ) -> list[Msg]:
                sent, timeouts[0] = send_closed(web.port, streams, arrivals, args.max_seconds)
                return sent

            counted, cpu, msgs = phase(f"max{n_workers}", n_workers, closed,
                                       warm_closed(number))
            first_send = min(m.sent_at for m in msgs)
            span = max(counted.done_at - first_send, 1e-9)
            rate = len(counted.first) / span
            lines, total = cpu_lines(cpu, len(msgs), floor)
            counted.lines += lines
            counted.lines.insert(0, f"throughput {rate:.1f} messages/s end to end"
                                    f" ({len(counted.first)} answered at the provider in"
                                    f" {span:.1f} s; waits timed out {timeouts[0]})")
            print("\n".join(f"  {line}" for line in counted.lines))
            verdict = "FAIL: " + "; ".join(counted.failures) if counted.failures else "PASS"
            print(f"  checks: {verdict}", flush=True)
            failures += [f"max {n_workers}: {f}" for f in counted.failures]
            summary.append(f"max, {n_workers} workers: {rate:.1f} messages/s, p50"
                           f" {1000 * counted.figures['p50']:.0f} ms, p99"
                           f" {1000 * counted.figures['p99']:.0f} ms, CPU {total:.2f} ms/message,"
                           f" lost {counted.figures['lost']}, doubled {counted.figures['doubled']},"
                           f" out of order {counted.figures['order']}")
    finally:
        if workers is not None:
            workers.stop()
        if web is not None:
            web.stop()
        db.close()
        redis.kill()
        twilio.stop()
        gate.stop()

    errors = []
    for log in sorted(logdir.rglob("*.log")):
        text = log.read_text(errors="replace")
        errors += [f"{log.name}: {line}" for line in text.splitlines()
                   if "Traceback" in line or "ERROR" in line or " 500 " in line]
    print(f"\nlogs in {logdir}: {len(errors)} error lines")
    for line in errors[:8]:
        print(f"  {line[:200]}")
    print(f"load average at the end {os.getloadavg()[0]:.1f}")
    print("\n".join(summary))
    print("PASS" if not failures else "FAIL: " + "; ".join(failures))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
