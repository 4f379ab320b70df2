"""Fault bench: the production shape under a steady stream of webhooks while PostgreSQL
or Redis goes away for a while, then a count of what was lost or doubled.

Run from the repository root, with PostgreSQL up (``redis-server`` installed)::

    python bench/faults.py                        # both runs: postgres, then redis
    python bench/faults.py --fault postgres --seconds 30 --rate 50 --outage 10
    python bench/faults.py --fault redis --redis-fault hang

What runs (all on 127.0.0.1, nothing shared is touched):

- the Procfile's ``web:`` gunicorn serving ``bot:create_app()``, and ``--workers``
  ``ksm-bot worker`` processes (RQ with its scheduler, which runs the sweep);
- PostgreSQL through a :class:`tests.fault_services.TcpProxy` (database
  ``BENCH_FAULTS_DATABASE_URL``, default ``ksm_bench_faults``: it is DROPPED and
  migrated again), a private ``redis-server`` (:class:`tests.fault_services.RedisServer`),
  and the fake Twilio API of the tests (:class:`tests.fake_twilio.FakeTwilio`), which
  records every message sent;
- a paced sender: ``--rate`` signed webhooks per second for ``--seconds`` s, each with
  its own MessageSid, from ``--residents`` numbers, texts the bot answers (MENU, ADUAN
  with a text, CEK with a code, digits, BATAL), each request on a thread of a pool, so
  a slow answer does not hold the pace back;
- the fault, from ``--outage-at`` for ``--outage`` s: ``postgres`` cuts the proxy
  (every connection reset, new ones refused) then restores it; ``redis`` kills the
  Redis server and starts it again empty (``--redis-fault kill``, a Redis without
  persistence) or stops and resumes the process (``hang``); ``postgres+redis`` kills
  Redis and cuts PostgreSQL together (the spool is then the ``SPOOL_DIR`` directory, and
  the replies' send jobs wait for the sweep, which queues rows queued for over 2 min).

- ``--busy`` notices queued just before the load (rows, then send jobs, as the outbox
  queues them), sent by the workers through a fake Twilio that takes ``--send-delay`` s
  a message: the workers are in the middle of sending when the fault starts.

Receiving is only receiving (6976077): the webhook stores the message as ``received``
(or spools it while the database is down) and answers the empty TwiML at once; a worker
handles each contact's messages in order and stores the replies as queued rows, which
the send jobs send. Nothing is answered inline any more, so every reply of every message
goes through the workers and the fake Twilio.

Then it waits (at most ``--drain`` s) until nothing is spooled, every message answered
200 is stored, no inbound message is still ``received`` and no outbound message is
queued, claimed or sending, and counts:

- received (requests sent), answered (HTTP 200), non-200s and requests with no answer
  at all; the webhook's latency before, during and after the fault;
- stored: inbound rows with the sent MessageSids; lost: sent and answered with 200,
  not stored; doubled: a MessageSid stored twice;
- handled: every stored message ``handled`` or ``failed`` (failed: the engine raised
  ``HANDLING_ATTEMPTS`` times; the resident got the apology), none left ``received``;
- replies: each handled message's reply rows, sent (``unknown``: the database was cut
  during the provider call; never sent again) and seen by the fake Twilio; doubled
  sends: a (number, text) the fake Twilio got more often than it was stored as sent;
- order: a resident's messages stored in another order than sent (more than
  ``ORDER_GAP`` s apart: closer ones may pass each other on the wire), and handled in
  another order than stored (a later message's replies stored before an earlier
  one's: reply ids must increase with their inbound ids, per resident); the order the
  fake Twilio got a resident's replies in is printed, not checked (two send jobs may
  run at once);
- latency from the webhook's request to its first reply's send (``sent_at``);
- the busy notices: sent once each (or ``unknown``: the worker was cut during that
  very call), none twice; the worker processes still running at the end.

Exit status 1 when anything was lost, doubled, left unhandled or unsent, handled out of
order, or answered with a non-200.
"""
from __future__ import annotations

import argparse
import collections
import http.client
import os
import random
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench.webhook import (  # noqa: E402
    ACCOUNT_SID, APP_SPEC, AUTH_TOKEN, BOT_NUMBER, PATH, PUBLIC_BASE_URL, Server, free_port,
    twilio_form,
)
from bot.providers.twilio import EMPTY_TWIML  # noqa: E402
from tests.fake_twilio import FakeTwilio  # noqa: E402
from tests.fault_services import RedisServer, TcpProxy  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
DATABASE_URL = os.environ.get("BENCH_FAULTS_DATABASE_URL",
                              "postgresql+psycopg://postgres@127.0.0.1/ksm_bench_faults")
ORDER_GAP = 0.5
# Outbound statuses that mean the provider was called (unknown: maybe; never resent).
SENT_STATUSES = ("sent", "delivered", "read", "undelivered", "unknown")


@dataclass
class Sent:
    sid: str
    phone: str
    body: str
    at: float = 0.0  # seconds from the start
    wall: float = 0.0  # time.time() when sent: against the replies' sent_at
    status: int = 0  # 0: no answer (connection error or timeout)
    latency: float = 0.0
    answer: str = ""
    error: str = ""


@dataclass
class Outcome:
    name: str
    sent: list[Sent] = field(default_factory=list)
    lines: list[str] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)


# ---------------------------------------------------------------- load


def texts(rng: random.Random) -> str:
    roll = rng.random()
    if roll < 0.35:
        return "MENU"
    if roll < 0.55:
        return f"ADUAN jalan rusak di RT {rng.randint(1, 20):02d} belum diperbaiki"
    if roll < 0.70:
        return f"CEK {rng.randint(0, 999999):06d}"
    if roll < 0.95:
        return str(rng.randint(1, 9))
    return "BATAL"


def build(count: int, residents: int, seed: str) -> list[tuple[Sent, bytes, str]]:
    from twilio.request_validator import RequestValidator

    validator = RequestValidator(AUTH_TOKEN)
    rng = random.Random(seed)
    numbers = [f"+62813{n:08d}" for n in range(20_000_000, 20_000_000 + residents)]
    out = []
    run = f"{int(time.time()) & 0xFFFFFFFF:08x}"
    for i in range(count):
        sid = f"SM{run}ff{i:022x}"
        phone = rng.choice(numbers)
        body = texts(rng)
        form = twilio_form(sid, phone, body)
        out.append((Sent(sid, phone, body), urlencode(form).encode(),
                    validator.compute_signature(PUBLIC_BASE_URL + PATH, form)))
    return out


def send_paced(port: int, requests: list[tuple[Sent, bytes, str]], rate: float,
               fault_at: float, fault: callable, outage: float, restore: callable,
               ) -> list[Sent]:
    """Send ``requests`` at ``rate`` per second; ``fault()`` at ``fault_at`` s and
    ``restore()`` ``outage`` s later, on a thread of their own."""
    local = threading.local()

    def post(item: tuple[Sent, bytes, str]) -> None:
        sent, payload, signature = item
        for attempt in (1, 2):
            conn = getattr(local, "conn", None)
            if conn is None:
                conn = local.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=20)
            started = time.monotonic()
            try:
                conn.request("POST", PATH, payload, {
                    "Host": "127.0.0.1", "User-Agent": "TwilioProxy/1.1",
                    "X-Twilio-Signature": signature,
                    "Content-Type": "application/x-www-form-urlencoded"})
                response = conn.getresponse()
                sent.answer = response.read().decode(errors="replace")
                sent.status = response.status
                sent.latency = time.monotonic() - started
                return
            except (OSError, http.client.HTTPException) as exc:
                conn.close()
                local.conn = None
                sent.error = f"{type(exc).__name__}: {exc}"
                # A kept-alive connection gunicorn closed: Twilio would open a new one.
                if attempt == 2 or isinstance(exc, TimeoutError):
                    return

    def faults(start: float) -> None:
        time.sleep(max(0.0, start + fault_at - time.monotonic()))
        print(f"  {time.monotonic() - start:5.1f} s: fault", flush=True)
        fault()
        time.sleep(max(0.0, start + fault_at + outage - time.monotonic()))
        restore()
        print(f"  {time.monotonic() - start:5.1f} s: restored", flush=True)

    start = time.monotonic()
    chaos = threading.Thread(target=faults, args=(start,), daemon=True)
    chaos.start()
    with ThreadPoolExecutor(max_workers=48) as pool:
        for i, item in enumerate(requests):
            time.sleep(max(0.0, start + i / rate - time.monotonic()))
            item[0].at = time.monotonic() - start
            item[0].wall = time.time()
            pool.submit(post, item)
    chaos.join()
    return [item[0] for item in requests]


# ---------------------------------------------------------------- the servers


def app_env(database_url: str, redis_url: str, twilio_url: str, spool_dir: str) -> dict[str, str]:
    return {
        "DATABASE_URL": database_url,
        "REDIS_URL": redis_url,
        "SECRET_KEY": "bench-secret-key-0123456789abcdef",
        "TWILIO_ACCOUNT_SID": ACCOUNT_SID,
        "TWILIO_AUTH_TOKEN": AUTH_TOKEN,
        "TWILIO_SMS_FROM": BOT_NUMBER,
        "TWILIO_WHATSAPP_FROM": "whatsapp:+14155238886",
        "TWILIO_API_BASE_URL": twilio_url,
        "PUBLIC_BASE_URL": PUBLIC_BASE_URL,
        "QUIET_HOURS": "off",
        "SMS_RATE_PER_SECOND": "1000",
        "WHATSAPP_RATE_PER_SECOND": "1000",
        "SPOOL_DIR": spool_dir,
        # The app under test is this checkout's, whatever is installed.
        "PYTHONPATH": str(ROOT),
    }


NOTICE = "Rapat BKM Kamis 19.30 di balai warga"


def queue_busy_notices(env: dict[str, str], count_: int) -> None:
    """``count_`` notices to residents, queued as the outbox queues them."""
    from bot import runtime as runtime_module
    from bot.models import Contact
    from bot.outbox import enqueue_sends, queue_message
    from bot.settings import from_env

    rt = runtime_module.build(from_env({**os.environ, **env}, testing=True))
    try:
        ids = []
        with rt.db.session() as session:
            for i in range(count_):
                contact = Contact(phone=f"+62813900{i:05d}")
                session.add(contact)
                session.flush()
                ids.append(queue_message(session, contact.id, "sms", NOTICE, kind="notice"))
        enqueue_sends(rt, ids)
    finally:
        rt.close()


def wait_answering(port: int, limit: float = 120.0) -> float:
    """Wait until the app answers ``/healthz``: gunicorn listens before its workers have
    built the app (tens of seconds on a busy box), and the paced load must not start
    into that. Returns the seconds waited."""
    start = time.monotonic()
    while time.monotonic() - start < limit:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
        try:
            conn.request("GET", "/healthz")
            conn.getresponse().read()
            return time.monotonic() - start
        except (OSError, http.client.HTTPException):
            time.sleep(0.2)
        finally:
            conn.close()
    raise SystemExit(f"the app did not answer /healthz within {limit:.0f} s")


class Workers:
    """``ksm-bot worker`` processes, as the Procfile's ``worker:`` line runs them."""

    def __init__(self, count: int, env: dict[str, str], logdir: Path) -> None:
        import subprocess

        command = str(Path(sys.executable).parent / "ksm-bot")
        self.logs = [open(logdir / f"worker{i}.log", "wb") for i in range(count)]  # noqa: SIM115
        self.procs = [subprocess.Popen([command, "worker"], cwd=ROOT, env={**os.environ, **env},
                                       stdout=log, stderr=subprocess.STDOUT) for log in self.logs]

    def stop(self) -> None:
        import signal
        import subprocess

        for proc in self.procs:
            proc.send_signal(signal.SIGTERM)
        for proc in self.procs:
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        for log in self.logs:
            log.close()


# ---------------------------------------------------------------- counting


def spool_left(redis_url: str, spool_dir: Path) -> int:
    from redis import Redis

    from bot.spool import REDIS_KEY

    files = len(list(spool_dir.glob("*.json"))) if spool_dir.exists() else 0
    try:
        client = Redis.from_url(redis_url, socket_timeout=1, socket_connect_timeout=1)
        try:
            return files + client.llen(REDIS_KEY)
        finally:
            client.close()
    except Exception:  # noqa: BLE001 - Redis down: only the files count
        return files + 1


def db_state(engine) -> dict:  # type: ignore[no-untyped-def]
    from sqlalchemy import text

    with engine.connect() as conn:
        inbound = conn.execute(text(
            "SELECT external_id, id, status, contact_id FROM message WHERE direction = 'in'"
        )).all()
        replies = conn.execute(text(
            "SELECT i.external_id, r.id, r.status, r.external_id, r.body, c.phone, r.sent_at"
            " FROM message r JOIN message i ON i.id = r.reply_to_id"
            " JOIN contact c ON c.id = r.contact_id"
            " WHERE r.kind = 'reply' AND i.direction = 'in'"
        )).all()
        outbound = conn.execute(text(
            "SELECT m.id, m.status, m.external_id, m.body, c.phone, m.kind FROM message m"
            " JOIN contact c ON c.id = m.contact_id WHERE m.direction = 'out'"
        )).all()
    return {"inbound": inbound, "replies": replies, "outbound": outbound}


def drain(engine, redis_url: str, spool_dir: Path, answered: set[str], limit: float) -> float:  # type: ignore[no-untyped-def]
    """Wait until the spool is empty, every answered message stored and handled, and no
    send pending."""
    start = time.monotonic()
    last = ""
    while True:
        left = spool_left(redis_url, spool_dir)
        try:
            state = db_state(engine)
            stored = {row[0] for row in state["inbound"]}
            received = sum(1 for row in state["inbound"] if row[2] == "received")
            pending = sum(1 for row in state["outbound"] if row[1] in ("queued", "claimed", "sending"))
        except Exception as exc:  # noqa: BLE001
            stored, received, pending = set(), -1, -1
            print(f"  drain: {exc}")
        missing = len(answered - stored)
        now = (f"spooled {left}, answered not stored {missing}, inbound still received"
               f" {received}, outbound queued/claimed/sending {pending}")
        if now != last:
            print(f"  {time.monotonic() - start:5.1f} s after the load: {now}", flush=True)
            last = now
        if left == 0 and missing == 0 and received == 0 and pending == 0:
            return time.monotonic() - start
        if time.monotonic() - start > limit:
            print(f"  drain: gave up after {limit:.0f} s")
            return time.monotonic() - start
        time.sleep(1)


def _p(values: list[float], q: float) -> float:
    """The q-th percentile of sorted ``values``, in ms."""
    return values[int(q / 100 * (len(values) - 1))] * 1000 if values else 0.0


def count(outcome: Outcome, engine, twilio: FakeTwilio, drained: float,
          outage: tuple[float, float]) -> None:  # type: ignore[no-untyped-def]
    sent = outcome.sent
    state = db_state(engine)
    ours = {s.sid for s in sent}
    by_sid = collections.Counter(row[0] for row in state["inbound"] if row[0] in ours)
    stored = set(by_sid)
    answered = [s for s in sent if s.status == 200]
    # Every answer is the empty TwiML: a reply in it would be a reply sent twice.
    not_empty = [s for s in answered if s.answer != EMPTY_TWIML]
    non200 = collections.Counter(s.status for s in sent if s.status not in (0, 200))
    unanswered = [s for s in sent if s.status == 0]
    lost = [s.sid for s in answered if s.sid not in stored]
    doubled = [sid for sid, n in by_sid.items() if n > 1]
    inbound = {row[0]: row for row in state["inbound"] if row[0] in ours}
    inbound_status = collections.Counter(row[2] for row in inbound.values())
    not_handled = [sid for sid, row in inbound.items() if row[2] not in ("handled", "failed")]
    handled = {sid for sid, row in inbound.items() if row[2] in ("handled", "failed")}

    # Replies: every one goes through the workers; each sent once, seen by the fake.
    replies = [r for r in state["replies"] if r[0] in ours]
    replies_of: dict[str, list] = collections.defaultdict(list)  # type: ignore[type-arg]
    for r in replies:
        replies_of[r[0]].append(r)
    without_reply = sorted(handled - set(replies_of))
    accepted = twilio.messages
    fake_sids = {m["_sid"] for m in accepted}
    skipped = [r for r in replies if r[2] == "skipped"]  # opted out, invalid number
    unsent = [r for r in replies if r[2] not in SENT_STATUSES and r[2] != "skipped"]
    maybe = [r for r in replies if r[2] == "unknown"]
    sent_replies = [r for r in replies if r[2] in SENT_STATUSES and r[2] != "unknown"]
    unseen = [r for r in sent_replies if r[3] not in fake_sids]
    # Doubled sends: the fake got a (number, text) more often than the database says
    # it was sent (or maybe sent: "unknown", the worker lost the database during the
    # call, so no SID was stored; it is never sent again).
    got = collections.Counter((str(m["To"]).removeprefix("whatsapp:"), m["Body"]) for m in accepted)
    recorded_pairs = collections.Counter((r[4], r[3]) for r in state["outbound"]
                                         if r[1] in SENT_STATUSES)
    doubled_sends = sum(max(0, n - recorded_pairs.get(key, 0)) for key, n in got.items())
    stuck = collections.Counter(r[1] for r in state["outbound"]
                                if r[1] in ("queued", "claimed", "sending"))

    # Order stored: per resident, the stored ids follow the sending order.
    ids = {sid: row[1] for sid, row in inbound.items()}
    inversions = 0
    per_phone: dict[str, list[Sent]] = collections.defaultdict(list)
    for s in sent:
        if s.sid in ids:
            per_phone[s.phone].append(s)
    for messages in per_phone.values():
        messages.sort(key=lambda s: s.at)
        for a, b in zip(messages, messages[1:]):
            if b.at - a.at > ORDER_GAP and ids[b.sid] < ids[a.sid]:
                inversions += 1
    # Order handled: per resident, in stored-id order, the replies' ids increase (every
    # reply of a message stored before any reply of the resident's next message).
    handled_inversions = 0
    per_contact: dict[int, list[tuple[int, int, int]]] = collections.defaultdict(list)
    for sid, rows in replies_of.items():
        reply_ids = [r[1] for r in rows]
        per_contact[inbound[sid][3]].append((inbound[sid][1], min(reply_ids), max(reply_ids)))
    for rows in per_contact.values():
        rows.sort()
        handled_inversions += sum(1 for a, b in zip(rows, rows[1:]) if b[1] < a[2])
    # Order sent (printed only): the fake Twilio's order of a resident's replies.
    reply_by_fake_sid = {r[3]: r for r in sent_replies}
    fake_order: dict[str, list] = collections.defaultdict(list)  # type: ignore[type-arg]
    for m in accepted:
        r = reply_by_fake_sid.get(m["_sid"])
        if r is not None:
            fake_order[r[5]].append(r)
    sent_pairs = [(a, b) for order in fake_order.values() for a, b in zip(order, order[1:])
                  if b[1] < a[1]]
    sent_inversions = len(sent_pairs)
    same_message = sum(1 for a, b in sent_pairs if a[0] == b[0])

    # Latency: the webhook's answer, and from the request to its first reply's send.
    wall = {s.sid: s for s in sent}
    to_reply: dict[str, list[float]] = {"before": [], "during": [], "after": []}
    answer: dict[str, list[float]] = {"before": [], "during": [], "after": []}

    def phase(s: Sent) -> str:
        return "before" if s.at < outage[0] else "during" if s.at < outage[1] else "after"

    for s in answered:
        answer[phase(s)].append(s.latency)
    for sid, rows in replies_of.items():
        times = [r[6] for r in rows if r[6] is not None]
        if times:
            s = wall[sid]
            to_reply[phase(s)].append(max(0.0, min(times).timestamp() - s.wall))
    latencies = sorted(s.latency for s in answered)

    out = outcome.lines
    out.append(f"received (requests sent)      {len(sent)}")
    out.append(f"answered HTTP 200             {len(answered)}, p99 {_p(latencies, 99):.0f} ms,"
               f" slowest {latencies[-1] * 1000 if latencies else 0:.0f} ms;"
               f" answers other than the empty TwiML {len(not_empty)}")
    for name, values in answer.items():
        values.sort()
        if values:
            out.append(f"  {name + ' the outage:':<28}{len(values)} answered, p50"
                       f" {_p(values, 50):.0f} ms, p99 {_p(values, 99):.0f} ms")
    out.append(f"non-200                       {sum(non200.values())} {dict(non200)}")
    out.append(f"no answer (connection/timeout) {len(unanswered)}"
               + (f" e.g. {unanswered[0].error}" if unanswered else ""))
    out.append(f"stored (inbound rows, ours)   {len(stored)} of {len(ours)} sent;"
               f" statuses {dict(inbound_status)}")
    out.append(f"handled ('handled'/'failed')  {len(handled)} of {len(stored)} stored;"
               f" still received {len(not_handled)}; failed {inbound_status.get('failed', 0)}"
               f" (the apology sent)")
    out.append(f"replies                       {len(replies)} stored for {len(replies_of)}"
               f" messages (handled without a reply {len(without_reply)}); sent"
               f" {len(sent_replies)} + unknown {len(maybe)}, skipped {len(skipped)},"
               f" not sent {len(unsent)},"
               f" sent but not seen by the fake Twilio {len(unseen)}")
    out.append(f"fake Twilio accepted          {len(accepted)} messages in all")
    out.append(f"duplicates                    MessageSid stored twice {len(doubled)},"
               f" sends doubled {doubled_sends}")
    out.append(f"lost                          {len(lost)} (answered 200, not stored)")
    out.append(f"order inversions              stored (> {ORDER_GAP} s apart) {inversions},"
               f" handled {handled_inversions}; at the fake Twilio {sent_inversions}"
               f" ({same_message} between two replies to one message; not checked)")
    for name, values in to_reply.items():
        values.sort()
        if values:
            out.append(f"webhook -> reply sent, {name + ' the outage:':<19}{len(values)} messages,"
                       f" p50 {_p(values, 50) / 1000:.1f} s, p99 {_p(values, 99) / 1000:.1f} s,"
                       f" slowest {values[-1]:.1f} s")
    out.append(f"left queued/sending           {dict(stuck) or 0}; drained in {drained:.1f} s")
    failures = outcome.failures
    if lost:
        failures.append(f"{len(lost)} lost, e.g. {lost[:3]}")
    if doubled or doubled_sends:
        failures.append(f"doubled: {len(doubled)} stored, {doubled_sends} sent")
    if non200:
        failures.append(f"non-200 answers {dict(non200)}")
    if not_empty:
        failures.append(f"{len(not_empty)} answers other than the empty TwiML,"
                        f" e.g. {not_empty[0].answer[:100]!r}")
    if unanswered:
        failures.append(f"{len(unanswered)} requests without an answer")
    if not_handled:
        failures.append(f"{len(not_handled)} stored messages not handled, e.g. {not_handled[:3]}")
    if without_reply:
        failures.append(f"{len(without_reply)} handled messages without a reply,"
                        f" e.g. {without_reply[:3]}")
    if unsent or unseen:
        failures.append(f"replies: {len(unsent)} not sent,"
                        f" {len(unseen)} sent but not seen by the fake")
    if inversions or handled_inversions:
        failures.append(f"order inversions: {inversions} stored, {handled_inversions} handled")


def count_busy(outcome: Outcome, engine, twilio: FakeTwilio, busy: int, workers: Workers) -> None:  # type: ignore[no-untyped-def]
    """The notices the workers were sending when the fault came, and the workers."""
    from sqlalchemy import text

    with engine.connect() as conn:
        statuses = collections.Counter(dict(conn.execute(text(
            "SELECT status, count(*) FROM message WHERE kind = 'notice' GROUP BY status")).all()))
    got = collections.Counter(str(m["To"]) for m in twilio.messages if m.get("Body") == NOTICE)
    twice = sum(1 for n in got.values() if n > 1)
    alive = sum(1 for proc in workers.procs if proc.poll() is None)
    outcome.lines.append(f"busy notices                  {busy}: {dict(statuses)};"
                         f" at the fake Twilio {len(got)}, twice {twice}")
    outcome.lines.append(f"workers running at the end    {alive} of {len(workers.procs)}")
    if twice:
        outcome.failures.append(f"{twice} notices sent twice")
    if busy and statuses.get("sent", 0) + statuses.get("unknown", 0) != busy:
        outcome.failures.append(f"notices not all sent: {dict(statuses)}")
    if alive != len(workers.procs):
        outcome.failures.append(f"{len(workers.procs) - alive} workers died")


# ---------------------------------------------------------------- a run


def run(name: str, args: argparse.Namespace) -> Outcome:
    from sqlalchemy import create_engine

    from bench.pgdb import fresh_database

    outcome = Outcome(name)
    print(f"\n== {name}: {args.rate:g}/s for {args.seconds:g} s, {name} out from"
          f" {args.outage_at:g} s for {args.outage:g} s", flush=True)
    fresh_database(DATABASE_URL)
    logdir = Path(tempfile.mkdtemp(prefix=f"ksm-faults-{name}-"))
    spool_dir = logdir / "spool"
    engine = create_engine(DATABASE_URL)
    twilio = FakeTwilio().start()
    redis = RedisServer().start()
    proxy = TcpProxy.for_database(DATABASE_URL).start()
    env = app_env(proxy.url_for(DATABASE_URL), redis.url, twilio.url, str(spool_dir))
    requests = build(int(args.rate * args.seconds), args.residents, name)
    web = workers = None
    try:
        web = Server("app", APP_SPEC, free_port(), env, logdir)
        workers = Workers(args.workers, env, logdir)
        print(f"  the app answers after {wait_answering(web.port):.1f} s", flush=True)
        time.sleep(2)  # the workers connect and schedule the sweep
        twilio.delay = args.send_delay
        if args.busy:
            queue_busy_notices(env, args.busy)
        if name == "postgres":
            fault, restore = proxy.cut, proxy.restore
        elif name == "postgres+redis":  # the spool on disk, the sends queued for the sweep
            def fault() -> None:
                redis.kill()
                proxy.cut()

            def restore() -> None:
                redis.start()
                proxy.restore()
        elif args.redis_fault == "hang":
            fault, restore = redis.hang, redis.resume
        else:
            fault, restore = redis.kill, redis.start
        t0 = time.monotonic()
        outcome.sent = send_paced(web.port, requests, args.rate, args.outage_at, fault,
                                  args.outage, restore)
        print(f"  sent {len(outcome.sent)} in {time.monotonic() - t0:.1f} s", flush=True)
        time.sleep(1)
        answered = {s.sid for s in outcome.sent if s.status == 200}
        drained = drain(engine, redis.url, spool_dir, answered, args.drain)
        count(outcome, engine, twilio, drained, (args.outage_at, args.outage_at + args.outage))
        count_busy(outcome, engine, twilio, args.busy, workers)
    finally:
        if workers is not None:
            workers.stop()
        if web is not None:
            web.stop()
        proxy.stop()
        redis.kill()
        twilio.stop()
        engine.dispose()
    app_log = logdir / "app.log"
    unavailable = (app_log.read_text(errors="replace").count("database unavailable")
                   if app_log.exists() else 0)
    outcome.lines.append(f"spooled by the web (met the database down, app log) {unavailable};"
                         " a resident's later messages spooled behind them are not logged")
    errors = []
    for log in sorted(logdir.glob("*.log")):
        text = log.read_text(errors="replace")
        errors += [f"{log.name}: {line}" for line in text.splitlines()
                   if "Traceback" in line or " 500 " in line or "ERROR" in line]
    outcome.lines.append(f"logs in {logdir}: {len(errors)} error lines")
    for line in errors[:8]:
        outcome.lines.append(f"  {line[:200]}")
    print("\n".join(f"  {line}" for line in outcome.lines))
    print(f"  {'FAIL: ' + '; '.join(outcome.failures) if outcome.failures else 'PASS'}",
          flush=True)
    return outcome


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--fault", choices=["postgres", "redis", "postgres+redis", "both"],
                        default="both", help="both: a postgres run, then a redis run")
    parser.add_argument("--redis-fault", choices=["kill", "hang"], default="kill")
    parser.add_argument("--rate", type=float, default=50.0, help="webhooks per second")
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--outage-at", type=float, default=10.0)
    parser.add_argument("--outage", type=float, default=10.0)
    parser.add_argument("--residents", type=int, default=400)
    parser.add_argument("--workers", type=int, default=2, help="ksm-bot worker processes")
    parser.add_argument("--busy", type=int, default=1000,
                        help="notices the workers are sending when the fault starts")
    parser.add_argument("--send-delay", type=float, default=0.03,
                        help="seconds the fake Twilio takes for each message")
    parser.add_argument("--drain", type=float, default=240.0,
                        help="seconds to wait after the load for the spool and the sends")
    args = parser.parse_args(argv)
    names = ["postgres", "redis"] if args.fault == "both" else [args.fault]
    outcomes = [run(name, args) for name in names]
    return 1 if any(o.failures for o in outcomes) else 0


if __name__ == "__main__":
    sys.exit(main())
