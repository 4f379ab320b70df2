"""Webhook benchmark: the real app under gunicorn against a bare Flask endpoint.

Run from the repository root (the project installed, e.g. ``pip install -e .``), with
PostgreSQL and Redis up and ``wrk`` installed (Debian: ``apt-get install wrk``)::

    python bench/webhook.py                       # defaults below
    python bench/webhook.py --requests 8000 --seconds 20 --connections 16
    WEB_CONCURRENCY=3 WEB_THREADS=4 python bench/webhook.py   # other gunicorn settings
    python bench/webhook.py --app-only --rounds 1 --profile prof.txt   # needs py-spy
    python bench/webhook.py --floor     # also the storing floor (bench/floor_app.py)
    python bench/webhook.py --requests 2000 --rounds 2 --warmup 200   # a quick check

The machine's other load moves the figures a lot (the per-round ratios show by how
much); CPU per request of the workers and PostgreSQL is steadier for comparing code.

What it does, in one run:

1. migrates the bench database (``BENCH_DATABASE_URL``, default
   ``postgresql://postgres@127.0.0.1/ksm_bench``; it is EMPTIED: use a database of its
   own) and empties the bench Redis db (``BENCH_REDIS_URL``, default
   ``redis://127.0.0.1:6379/9``);
2. pre-computes every request before timing: Twilio's form fields, a distinct
   MessageSid each ("SM" and 32 lowercase hex digits), From one of ``--residents``
   numbers, Body ``MENU`` or a digit, and a valid X-Twilio-Signature for
   ``PUBLIC_BASE_URL`` + path;
3. starts the real app with the Procfile's ``web:`` command (same workers/threads for
   both targets; ``WEB_CONCURRENCY``/``WEB_THREADS`` override as in production) bound
   to 127.0.0.1, and ``bench/bare_app.py`` with the same command and settings, which
   answers the same empty TwiML; warms both up. Since receiving is only receiving
   (6976077) the app's webhook checks the signature, stores the message as
   ``received`` with the contact's upsert, queues the contact's handling job in Redis
   and answers the empty TwiML; no worker runs here, so nothing is handled and no reply
   is sent: this bench measures receiving only;
4. sends the requests with wrk on ``--connections`` keep-alive connections, one per
   wrk thread (``bench/wrk_load.py``, ``bench/wrk_signed.lua``: the client must stay
   cheap, the two cores also run gunicorn and PostgreSQL), each MessageSid once, in
   ``--rounds`` rounds alternating app and bare (the same requests to both), each app
   round bounded by its share of ``--requests`` and of ``--seconds``, each bare round
   lasting as long as the app round before it (its requests repeated): a change in
   the machine's background load then weighs on both alike;
5. re-sends the requests a round's time limit left without an answer (as Twilio
   retries them), then checks storage: inbound rows stored == distinct MessageSids
   answered with 200, none lost or doubled, every one still ``received`` (nothing
   handles them here), every answer the empty TwiML, and every contact with a
   received message has a handling job waiting in the RQ queue (jobs may be fewer
   than messages: one job handles all a contact has waiting); then re-sends a sample
   of answered requests (Twilio's retries) and a batch of fresh ones twice at the
   same instant, and checks each MessageSid is stored once and answered with the
   same empty TwiML both times;
6. prints requests/s of all targets, the ratios app/floor and app/bare (overall and
   per round), p50/p99 latency (each request's own, measured in wrk's Lua; wrk's own
   p99, which adds samples for coordinated omission, is printed beside it), CPU per
   request of the gunicorn workers, PostgreSQL and wrk, and PASS/FAIL against the
   targets: app/floor >= 0.8 (needs ``--floor``) and app p99 < 50 ms at 16
   connections. The targets are printed, not enforced: the machine is shared and
   its noise moves them. Exit status 1 when a message was lost or doubled, a request
   got no 200, or an answer or the stored state was not as above.

``--floor`` adds a third target to every round, ``bench/floor_app.py``, as the issue
defines the floor: the signature check, then the message and a reply row stored in one
transaction (two round trips of its own SQL, nothing else: no engine, ORM, job queue
or checks), on a database of its own. It prints its ratio to bare, and the app's ratio
to it, the figure the target is set on.

``--profile FILE`` records one app worker with py-spy (``--gil``: where it spends
CPU) during the timed rounds: a flame graph if FILE ends in .svg, else collapsed
stacks. Sampling costs CPU, so the figures of such a run are lower.
"""
from __future__ import annotations

import argparse
import collections
import os
import random
import signal
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode

# Run as a script (python bench/webhook.py): the repository root holds bench/.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench.wrk_load import Request, Result, merge, run_load, wrk_path  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
PATH = "/webhooks/twilio/messages"
PUBLIC_BASE_URL = "https://bot.example.org"
AUTH_TOKEN = "bench-auth-token-0123456789abcdef"
ACCOUNT_SID = "AC" + "0" * 32
BOT_NUMBER = "+6281100000000"
# Targets (printed, not enforced: see the docstring): the app against the floor, and
# the app's p99 at TARGET_CONNECTIONS connections.
TARGET_APP_FLOOR = 0.8
TARGET_P99_MS = 50.0
TARGET_CONNECTIONS = 16
APP_SPEC = "'bot:create_app()'"
DATABASE_URL = os.environ.get("BENCH_DATABASE_URL", "postgresql://postgres@127.0.0.1/ksm_bench")
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/9")
FLOOR_DATABASE_URL = os.environ.get(
    "BENCH_FLOOR_DATABASE_URL", "postgresql://postgres@127.0.0.1/ksm_bench_floor"
)
HANDLE_CONTACT = "workers.handling.handle_contact"
BARE_SPEC = "'bench.bare_app:app'"
FLOOR_SPEC = "'bench.floor_app:app'"


# ---------------------------------------------------------------- requests


def twilio_form(sid: str, sender: str, body: str) -> dict[str, str]:
    """The fields Twilio posts for an inbound SMS (all of them are signed)."""
    return {
        "ToCountry": "ID", "ToState": "", "SmsMessageSid": sid, "NumMedia": "0",
        "ToCity": "", "FromZip": "", "SmsSid": sid, "FromState": "", "SmsStatus": "received",
        "FromCity": "", "Body": body, "FromCountry": "ID", "To": BOT_NUMBER, "ToZip": "",
        "NumSegments": "1", "MessageSid": sid, "AccountSid": ACCOUNT_SID, "From": sender,
        "ApiVersion": "2010-04-01",
    }


def message_sid(run_id: str, stream: int, i: int) -> str:
    """A MessageSid of Twilio's shape, "SM" and 32 lowercase hex digits, distinct per
    run (``run_id``: 8 hex digits), ``stream`` (app, floor) and ``i``."""
    return f"SM{run_id}{stream:02x}{i:022x}"


def build_requests(
    count: int, residents: int, run_id: str, start: int = 0, stream: int = 0
) -> list[Request]:
    """``count`` signed requests with distinct MessageSids from ``residents`` numbers."""
    from twilio.request_validator import RequestValidator

    validator = RequestValidator(AUTH_TOKEN)
    url = PUBLIC_BASE_URL + PATH
    rng = random.Random(f"{run_id}-{stream}-{start}")
    numbers = [f"+62812{n:08d}" for n in range(10_000_000, 10_000_000 + residents)]
    bodies = ["MENU", "1", "2", "3", "4", "5", "6", "7", "8", "9"]
    out = []
    for i in range(start, start + count):
        sid = message_sid(run_id, stream, i)
        body = rng.choice(bodies)
        form = twilio_form(sid, rng.choice(numbers), body)
        payload = urlencode(form).encode()
        signature = validator.compute_signature(url, form)
        head = (
            f"POST {PATH} HTTP/1.1\r\nHost: 127.0.0.1\r\nUser-Agent: TwilioProxy/1.1\r\n"
            f"X-Twilio-Signature: {signature}\r\n"
            "Content-Type: application/x-www-form-urlencoded\r\n"
            f"Content-Length: {len(payload)}\r\n\r\n"
        )
        out.append(Request(sid, body, head.encode() + payload))
    return out


# ---------------------------------------------------------------- servers


def procfile_web_command() -> str:
    """The Procfile's ``web:`` command (so the bench measures what production runs)."""
    for line in (ROOT / "Procfile").read_text().splitlines():
        if line.startswith("web:"):
            return line[len("web:"):].strip()
    raise SystemExit("Procfile has no web: line")


class Server:
    """A gunicorn started from the Procfile's command, bound to 127.0.0.1:``port``."""

    def __init__(self, name: str, spec: str, port: int, env: dict[str, str], logdir: Path) -> None:
        command = procfile_web_command()
        if APP_SPEC not in command:
            raise SystemExit(f"Procfile web: line does not serve {APP_SPEC}")
        command = command.replace(APP_SPEC, spec).replace("0.0.0.0:", "127.0.0.1:")
        self.name = name
        self.port = port
        self.command = command
        self.log = open(logdir / f"{name}.log", "wb")  # noqa: SIM115 - closed in stop()
        full_env = {**os.environ, **env, "PORT": str(port)}
        full_env["PATH"] = f"{Path(sys.executable).parent}:{full_env.get('PATH', '')}"
        self.proc = subprocess.Popen(
            ["sh", "-c", "exec " + command], cwd=ROOT, env=full_env,
            stdout=self.log, stderr=subprocess.STDOUT,
        )
        self._wait_listening()

    def _wait_listening(self) -> None:
        until = time.monotonic() + 30
        while time.monotonic() < until:
            if self.proc.poll() is not None:
                raise SystemExit(f"{self.name}: gunicorn exited; see {self.log.name}")
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                return
            except OSError:
                time.sleep(0.1)
        raise SystemExit(f"{self.name}: gunicorn did not listen within 30 s")

    def worker_pids(self) -> list[int]:
        out = subprocess.run(
            ["pgrep", "-P", str(self.proc.pid)], capture_output=True, text=True, check=False
        ).stdout
        return [int(x) for x in out.split()]

    def stop(self) -> None:
        self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        self.log.close()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# ---------------------------------------------------------------- database


def prepare_database(database_url: str, redis_url: str) -> None:
    """Migrate the bench database and empty it, and the bench Redis db."""
    from redis import Redis
    from sqlalchemy import create_engine, text

    from bot.migrate import upgrade
    from bot.models import Base
    from bot.settings import normalise_database_url

    from bench.pgdb import ensure_database

    url = normalise_database_url(database_url)
    ensure_database(url)
    upgrade(url)
    engine = create_engine(url)
    tables = ", ".join(t.name for t in reversed(Base.metadata.sorted_tables))
    with engine.begin() as conn:
        conn.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
    engine.dispose()
    Redis.from_url(redis_url).flushdb()


@dataclass
class Stored:
    """What the app's database holds after the run."""

    rows: int  # inbound rows
    sids: set[str]  # their MessageSids
    statuses: dict[str, int]  # inbound rows by status
    outbound: int  # outbound rows (replies are a worker's: none here)
    waiting_contacts: set[int]  # contacts with a 'received' message


def stored_inbound(database_url: str) -> Stored:
    from sqlalchemy import create_engine, text

    from bot.settings import normalise_database_url

    engine = create_engine(normalise_database_url(database_url))
    with engine.connect() as conn:
        sids = conn.execute(
            text("SELECT external_id FROM message WHERE direction = 'in'")
        ).scalars().all()
        statuses = dict(conn.execute(text(
            "SELECT status, count(*) FROM message WHERE direction = 'in' GROUP BY status"
        )).all())
        outbound = conn.execute(
            text("SELECT count(*) FROM message WHERE direction = 'out'")
        ).scalar_one()
        waiting = conn.execute(text(
            "SELECT DISTINCT contact_id FROM message"
            " WHERE direction = 'in' AND status = 'received'"
        )).scalars().all()
    engine.dispose()
    return Stored(len(sids), set(sids), statuses, outbound, set(waiting))


def queued_handling(redis_url: str) -> tuple[int, collections.Counter[int]]:
    """(jobs in the app's RQ queue, handling jobs queued per contact id)."""
    from redis import Redis
    from rq import Queue

    from bot.jobs import QUEUE_NAME

    redis = Redis.from_url(redis_url)
    try:
        jobs = Queue(QUEUE_NAME, connection=redis).jobs
    finally:
        redis.close()
    per_contact = collections.Counter(job.args[0] for job in jobs
                                      if job.func_name == HANDLE_CONTACT)
    return len(jobs), per_contact


# ---------------------------------------------------------------- main


def process_cpu(pids: list[int]) -> float:
    """User + system CPU seconds of ``pids`` so far (from /proc; gone ones count 0)."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])
    return total / tick


def postgres_backends(database_url: str) -> list[int]:
    """Server processes of the bench database (the app's pooled connections)."""
    from sqlalchemy import create_engine, text

    from bot.settings import normalise_database_url

    engine = create_engine(normalise_database_url(database_url))
    with engine.connect() as conn:
        pids = conn.execute(text(
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
            "AND pid <> pg_backend_pid()"
        )).scalars().all()
    engine.dispose()
    return list(pids)


def report(name: str, result: Result, client_cpu: float, server_cpu: tuple[float, float]) -> None:
    rps = result.done / result.elapsed if result.elapsed else 0.0
    workers, database = (1000 * x / max(result.done, 1) for x in server_cpu)
    print(
        f"  {name:<5} {result.done:6d} req in {result.elapsed:5.1f} s = {rps:7.1f} req/s"
        f"   p50 {result.percentile(50):6.1f} ms   p99 {result.percentile(99):6.1f} ms"
        f"   statuses {result.statuses}   cut off at the time limit {len(result.cut_off)}\n"
        f"        CPU per request: gunicorn workers {workers:.2f} ms, PostgreSQL {database:.2f} ms,"
        f" wrk {1000 * client_cpu / max(result.done, 1):.2f} ms"
        f" ({100 * client_cpu / max(result.elapsed, 1e-9):.0f}% of one core)\n"
        f"        wrk's own p99 (corrected for coordinated omission), per round:"
        f" {', '.join(f'{x:.1f}' for x in result.wrk_p99)} ms"
    )
    for error in result.errors[:5]:
        print(f"        error: {error}")


def _add(total: list[float], *values: float) -> None:
    for i, value in enumerate(values):
        total[i] += value


def timed(
    server: Server, requests: list[Request], args: argparse.Namespace, database: str | None,
    seconds: float, repeat: bool = False,
) -> tuple[Result, float, tuple[float, float]]:
    """A timed run, with the CPU it cost the client, the workers and PostgreSQL
    (``database``: the URL whose backends count; those opened during the run count
    from zero, those closed during it are missed)."""
    workers = server.worker_pids()
    backends = postgres_backends(database) if database else []
    workers0, db0 = process_cpu(workers), process_cpu(backends)
    result = run_load(server.port, requests, args.connections, seconds, repeat)
    later = [pid for pid in (postgres_backends(database) if database else []) if pid not in backends]
    server_cpu = (process_cpu(workers) - workers0, process_cpu(backends + later) - db0)
    return result, result.client_cpu, server_cpu


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--requests", type=int, default=8000, help="timed requests per target")
    parser.add_argument("--seconds", type=float, default=20.0, help="time bound per target")
    parser.add_argument("--rounds", type=int, default=4,
                        help="timed rounds per target, app and bare alternating")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--residents", type=int, default=2000, help="distinct From numbers")
    parser.add_argument("--warmup", type=int, default=400, help="untimed requests first")
    parser.add_argument("--retries", type=int, default=300, help="answered requests re-sent")
    parser.add_argument("--twins", type=int, default=100, help="fresh requests sent twice at once")
    parser.add_argument("--profile", help="py-spy profile of an app worker: "
                        "a flame graph if FILE ends in .svg, else collapsed stacks")
    parser.add_argument("--app-only", action="store_true", help="skip the bare app")
    parser.add_argument("--floor", action="store_true",
                        help="also run bench/floor_app.py (signature and the hot path's SQL "
                        "only) on BENCH_FLOOR_DATABASE_URL, emptied, in every round")
    args = parser.parse_args(argv)

    database_url, redis_url = DATABASE_URL, REDIS_URL
    app_env = {
        "DATABASE_URL": database_url,
        "REDIS_URL": redis_url,
        "TWILIO_AUTH_TOKEN": AUTH_TOKEN,
        "TWILIO_ACCOUNT_SID": ACCOUNT_SID,
        "TWILIO_SMS_FROM": BOT_NUMBER,
        "PUBLIC_BASE_URL": PUBLIC_BASE_URL,
        "SECRET_KEY": "bench-secret-key-0123456789abcdef",
    }
    run_id = f"{int(time.time()) & 0xFFFFFFFF:08x}"
    print(f"gunicorn: {procfile_web_command()}")
    print(f"  WEB_CONCURRENCY={os.environ.get('WEB_CONCURRENCY', '(Procfile default)')}"
          f" WEB_THREADS={os.environ.get('WEB_THREADS', '(Procfile default)')}"
          f"; {args.connections} connections, {args.residents} residents, {os.cpu_count()} CPUs")
    version = subprocess.run([wrk_path(), "--version"], capture_output=True, text=True).stdout
    print(f"client: {version.splitlines()[0] if version else 'wrk'}, one connection per thread")

    if args.floor and args.app_only:
        parser.error("--floor is compared with bare: drop --app-only")
    from bench.bare_app import EMPTY
    from bot.providers.twilio import EMPTY_TWIML

    if EMPTY != EMPTY_TWIML:
        raise SystemExit("bench/bare_app.py's EMPTY is not the app's EMPTY_TWIML: update it")
    empty = EMPTY_TWIML.encode()
    if args.floor:
        prepare_database(FLOOR_DATABASE_URL, redis_url)
    prepare_database(database_url, redis_url)
    t0 = time.perf_counter()
    warmup = build_requests(args.warmup, args.residents, run_id, start=0)
    load = build_requests(args.requests, args.residents, run_id, start=args.warmup)
    twins_fresh = build_requests(args.twins, args.residents, run_id, start=args.warmup + args.requests)
    # The floor stores what it receives: its rounds need MessageSids of their own, and
    # more of them (it answers faster than the app).
    floor_load = build_requests(4 * args.requests if args.floor else 0, args.residents,
                                run_id, start=0, stream=1)
    print(f"  {len(warmup) + len(load) + len(twins_fresh) + len(floor_load)} signed requests built in "
          f"{time.perf_counter() - t0:.1f} s (before timing)")

    failures: list[str] = []
    logdir = Path(tempfile.mkdtemp(prefix="ksm-bench-"))
    rounds = max(1, args.rounds)
    app_rounds: list[Result] = []
    bare_rounds: list[Result] = []
    floor_rounds: list[Result] = []
    app_cpu = [0.0, 0.0, 0.0]
    bare_cpu = [0.0, 0.0, 0.0]
    floor_cpu = [0.0, 0.0, 0.0]

    app = Server("app", APP_SPEC, free_port(), app_env, logdir)
    bare = floor = None
    try:
        warm = run_load(app.port, warmup, args.connections, 60)
        if not args.app_only:
            bare = Server("bare", BARE_SPEC, free_port(), {}, logdir)
            run_load(bare.port, warmup, args.connections, 60)
        if args.floor:
            floor = Server("floor", FLOOR_SPEC, free_port(), {
                "TWILIO_AUTH_TOKEN": AUTH_TOKEN, "PUBLIC_BASE_URL": PUBLIC_BASE_URL,
                "FLOOR_DATABASE_URL": FLOOR_DATABASE_URL,
            }, logdir)
            floor_warmup, floor_load = floor_load[:args.warmup], floor_load[args.warmup:]
            run_load(floor.port, floor_warmup, args.connections, 60)
        profiler = None
        if args.profile:
            pids = app.worker_pids()
            profiler = subprocess.Popen(
                ["py-spy", "record", "-o", args.profile, "-r", "200", "--nonblocking", "--gil",
                 *(["--format", "raw"] if not args.profile.endswith(".svg") else []),
                 "--pid", str(pids[0])],
                env={**os.environ, "PATH": f"{Path(sys.executable).parent}:{os.environ['PATH']}"},
                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            )
            time.sleep(1)
        # Rounds alternate app and bare so that a change in the machine's background
        # load (it is shared) weighs on both alike.
        per_round = -(-len(load) // rounds)
        for r in range(rounds):
            chunk = load[r * per_round:(r + 1) * per_round]
            result, client, server = timed(app, chunk, args, DATABASE_URL, args.seconds / rounds)
            app_rounds.append(result)
            _add(app_cpu, client, *server)
            app_elapsed = result.elapsed
            if bare is not None:
                # As long as the app's round took, the same requests over and over: a
                # bare round of the same count lasts a fraction of a second, and one
                # hiccup of the shared machine then moved the ratio by half.
                result, client, server = timed(
                    bare, chunk, args, None, max(app_elapsed, 1.0), repeat=True
                )
                bare_rounds.append(result)
                _add(bare_cpu, client, *server)
            if floor is not None:
                # Time-matched too, on fresh MessageSids (a stored one is not stored again).
                share = -(-len(floor_load) // rounds)
                result, client, server = timed(
                    floor, floor_load[r * share:(r + 1) * share], args, FLOOR_DATABASE_URL,
                    max(app_elapsed, 1.0),
                )
                floor_rounds.append(result)
                _add(floor_cpu, client, *server)
        if profiler is not None:
            profiler.send_signal(signal.SIGINT)
            profiler.wait(timeout=60)
        app_result = merge(app_rounds)
        # Twilio retries a request it had no answer to: those a round's time limit cut
        # off (the app may or may not have stored them), then a sample of answered ones.
        cut_off = set(app_result.cut_off) - set(app_result.answers)
        resent = run_load(app.port, [r for r in load if r.sid in cut_off], args.connections, 60)
        answered_load = [r for r in load if r.sid in app_result.answers]
        sample = random.Random(run_id).sample(answered_load, min(args.retries, len(answered_load)))
        retried = run_load(app.port, sample, args.connections, 60)
        twins = [r for r in twins_fresh for _ in (0, 1)]
        twinned = run_load(app.port, twins, args.connections, 60)
    finally:
        app.stop()
        if bare is not None:
            bare.stop()
        if floor is not None:
            floor.stop()

    print(f"results ({rounds} rounds, app, bare and floor in turn)")
    report("app", app_result, app_cpu[0], (app_cpu[1], app_cpu[2]))
    bare_result = merge(bare_rounds) if bare_rounds else None
    if bare_result is not None:
        report("bare", bare_result, bare_cpu[0], (bare_cpu[1], bare_cpu[2]))
        if set(bare_result.answers.values()) - {empty}:
            failures.append("the bare app answered other than the empty TwiML")
    floor_result = merge(floor_rounds) if floor_rounds else None
    if floor_result is not None:
        report("floor", floor_result, floor_cpu[0], (floor_cpu[1], floor_cpu[2]))
        if floor_result.errors or set(floor_result.statuses) - {200}:
            failures.append(f"floor: {len(floor_result.errors)} errors, statuses {floor_result.statuses}")
    answered = {**warm.answers, **app_result.answers, **resent.answers, **twinned.answers}
    not_empty = [s for s, body in answered.items() if body != empty]
    if not_empty:
        failures.append(f"{len(not_empty)} answers other than the empty TwiML,"
                        f" e.g. {answered[not_empty[0]][:120]!r}")
    stored = stored_inbound(database_url)
    sent_sids = set(answered)
    lost = sent_sids - stored.sids
    extra = stored.sids - sent_sids
    doubled = stored.rows - len(stored.sids)
    received = stored.statuses.get("received", 0)
    print(f"  stored inbound {stored.rows} == distinct MessageSids answered {len(sent_sids)}: "
          f"{'yes' if stored.rows == len(sent_sids) and not lost and not extra else 'NO'}"
          f" (lost {len(lost)}, unexpected {len(extra)}, doubled {doubled});"
          f" statuses {stored.statuses} (no worker runs: all 'received'),"
          f" outbound rows {stored.outbound}; answers not the empty TwiML {len(not_empty)}")
    if stored.rows != len(sent_sids) or lost or extra or doubled:
        failures.append(f"stored inbound messages differ from requests answered: lost {len(lost)},"
                        f" unexpected {len(extra)}, doubled {doubled}")
    if received != stored.rows or stored.outbound:
        failures.append(f"inbound statuses {stored.statuses}, outbound {stored.outbound}:"
                        " with no worker every message should be 'received' and none answered")
    try:
        jobs, per_contact = queued_handling(redis_url)
    except Exception as exc:  # noqa: BLE001 - reported, not a loss
        print(f"  handling jobs: could not read the RQ queue ({exc})")
    else:
        without_job = stored.waiting_contacts - set(per_contact)
        print(f"  handling jobs queued {sum(per_contact.values())} (RQ queue {jobs}) for"
              f" {len(per_contact)} contacts; contacts with a received message"
              f" {len(stored.waiting_contacts)}, of them without a queued job {len(without_job)}")
        if without_job:
            failures.append(f"{len(without_job)} contacts with a received message"
                            " and no handling job")
    if set(resent.answers) != cut_off:
        missing = len(cut_off - set(resent.answers))
        failures.append(f"{missing} cut-off requests not answered when re-sent")
    for name, res in (("warm-up", warm), ("timed", app_result), ("cut off, re-sent", resent)):
        if res.errors or set(res.statuses) - {200}:
            failures.append(f"{name}: {len(res.errors)} errors, statuses {res.statuses}")

    mismatched = [s for s, body in retried.answers.items() if body != answered.get(s)]
    mismatched += [s for s, body in twinned.duplicates_answered if body != twinned.answers.get(s)]
    print(f"  retries: {resent.done} cut off at a round's end re-sent, "
          f"{retried.done} answered MessageSids re-sent, {len(twins)} requests = "
          f"{len(twins_fresh)} fresh MessageSids each sent twice at once: "
          f"answers differing from the first {len(mismatched)}, "
          f"errors {len(retried.errors) + len(twinned.errors)}"
          " (stored once each: the count above)")
    if mismatched or retried.errors or twinned.errors or retried.done != len(sample) \
            or twinned.done != len(twins):
        failures.append("a retried MessageSid was not answered like the first time")

    if bare_result is not None:
        ratios = [a.done / a.elapsed / (b.done / b.elapsed) for a, b in zip(app_rounds, bare_rounds)]
        print("  ratio app/bare per round: " + ", ".join(f"{x:.2f}" for x in ratios)
              + f"; overall {app_result.rate / bare_result.rate:.2f}")
    if floor_result is not None and bare_result is not None:
        floor_ratios = [f.done / f.elapsed / (b.done / b.elapsed) for f, b in zip(floor_rounds, bare_rounds)]
        print("  ratio floor/bare per round: " + ", ".join(f"{x:.2f}" for x in floor_ratios)
              + f"; overall {floor_result.rate / bare_result.rate:.2f}")

    # The targets: printed, not the exit status (the shared machine moves them).
    targets: list[str] = []
    if floor_result is not None:
        app_floor = [a.rate / f.rate for a, f in zip(app_rounds, floor_rounds)]
        ratio = app_result.rate / floor_result.rate
        ok = ratio >= TARGET_APP_FLOOR
        print(f"  ratio app/floor {ratio:.2f} (per round "
              + ", ".join(f"{x:.2f}" for x in app_floor)
              + f"): target >= {TARGET_APP_FLOOR}: {'PASS' if ok else 'FAIL'}")
        if not ok:
            targets.append(f"app/floor {ratio:.2f} < {TARGET_APP_FLOOR}")
    else:
        print(f"  ratio app/floor: not measured (run with --floor; target >= {TARGET_APP_FLOOR})")
    app_p99 = app_result.percentile(99)
    ok = app_p99 < TARGET_P99_MS
    at = "" if args.connections == TARGET_CONNECTIONS else \
        f" (measured at {args.connections} connections, the target is at {TARGET_CONNECTIONS})"
    print(f"  app p99 {app_p99:.1f} ms: target < {TARGET_P99_MS:.0f} ms: "
          f"{'PASS' if ok else 'FAIL'}{at}")
    if not ok:
        targets.append(f"app p99 {app_p99:.1f} ms >= {TARGET_P99_MS:.0f} ms")
    print(f"  server logs: {logdir}")
    if args.profile:
        print(f"  profile: {args.profile}")
    print("targets: " + ("PASS" if not targets else "FAIL: " + "; ".join(targets))
          + " (not the exit status)")
    print("checks: " + ("PASS" if not failures else "FAIL: " + "; ".join(failures)))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
