"""SMS gateway benchmark: signed ``sms:received`` events in, replies out through the
gateway API, timed from the event's arrival to its reply reaching the API.

Run from the repository root, with PostgreSQL up and ``redis-server`` installed::

    python bench/smsgate.py                  # 20 events/s for 60 s, both setups
    python bench/smsgate.py --seconds 20 --setup embedded

Setups:

- ``server``: PostgreSQL (``BENCH_SMSGATE_DATABASE_URL``, default
  ``postgresql+psycopg://postgres@127.0.0.1/ksm_bench_smsgate``; it is EMPTIED) and a
  private ``redis-server``, the Procfile's ``web:`` command (gunicorn) and
  ``--workers`` ``ksm-bot worker`` processes;
- ``embedded``: ``ksm-bot serve`` on SQLite in a temporary directory, jobs in-process.

The gateway API is ``tests/fake_smsgate.py`` in this process, stamping each send as it
arrives; the app's real ``android-sms-gateway`` client talks to it. Each event comes
from a resident of its own (``MENU``, one reply each), signed as the app signs
(HMAC-SHA256 of body + X-Timestamp), from one of ``--phones`` gateway phones, paced
at ``--rate`` per second. Latency: the moment the event's POST started to the moment
the fake API received its reply (one machine, one monotonic clock). Lost: an event
answered 2xx with no reply within ``--drain`` seconds after the last; doubled: a
resident answered twice. SMSGATE_RATE_PER_MINUTE is set high: at 20/s a real phone's
cautious rate would make the queue, not the app, the measure (see RESULTS).
Exit status 1 when p99 >= 2 s or anything is lost or doubled.
"""
from __future__ import annotations

import argparse
import http.client
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench.faults import Workers  # noqa: E402
from bench.webhook import (  # noqa: E402
    ACCOUNT_SID, APP_SPEC, AUTH_TOKEN, BOT_NUMBER, Server, free_port,
)
from bot.providers.smsgate import sign  # noqa: E402
from tests.fake_smsgate import FakeSmsGate  # noqa: E402
from tests.fake_twilio import FakeTwilio  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
DATABASE_URL = os.environ.get("BENCH_SMSGATE_DATABASE_URL",
                              "postgresql+psycopg://postgres@127.0.0.1/ksm_bench_smsgate")
KEY = "bench-signing-key-0123456789"
TARGET_P99 = 2.0


class StampedGate(FakeSmsGate):
    """The fake gateway API, noting when each send arrived."""

    def __init__(self) -> None:
        super().__init__()
        self.arrivals: dict[str, list[float]] = {}

    def _send(self, record: dict[str, Any], body: Any) -> tuple[int, Any]:
        at = time.monotonic()
        status, payload = super()._send(record, body)
        if status == 202:
            with self.lock:
                for phone in body.get("phoneNumbers", []):
                    self.arrivals.setdefault(phone, []).append(at)
        return status, payload


def events(count: int, phones: int, run: str) -> list[tuple[str, bytes]]:
    """(resident, body) of each ``sms:received`` event, every resident distinct."""
    out = []
    for i in range(count):
        resident = f"+62813{i:08d}"
        body = json.dumps({
            "id": f"{run}-{i}", "webhookId": "bench", "event": "sms:received",
            "deviceId": f"bench-phone-{i % phones}",
            "payload": {"messageId": f"m{i}", "message": "MENU", "phoneNumber": resident,
                        "simNumber": 1, "receivedAt": "2026-12-09T10:00:00.000+07:00"},
        }).encode()
        out.append((resident, body))
    return out


def send_paced(port: int, items: list[tuple[str, bytes]], rate: float) -> dict[str, Any]:
    """POST each event at ``rate``/s; returns resident -> (start, status)."""
    local = threading.local()
    sent: dict[str, Any] = {}

    def post(resident: str, body: bytes) -> None:
        started = time.monotonic()
        for attempt in (1, 2):
            conn = getattr(local, "conn", None)
            if conn is None:
                conn = local.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=20)
            stamp = str(int(time.time()))
            try:
                conn.request("POST", "/webhooks/smsgate", body, {
                    "Content-Type": "application/json", "X-Timestamp": stamp,
                    "X-Signature": sign(KEY, body, stamp)})
                response = conn.getresponse()
                response.read()
                sent[resident] = (started, response.status)
                return
            except (OSError, http.client.HTTPException):
                conn.close()
                local.conn = None
                if attempt == 2:  # the gateway re-delivers; counted as not answered
                    sent[resident] = (started, 0)

    start = time.monotonic()
    with ThreadPoolExecutor(max_workers=32) as pool:
        for i, (resident, body) in enumerate(items):
            time.sleep(max(0.0, start + i / rate - time.monotonic()))
            pool.submit(post, resident, body)
    return sent


def app_env(database_url: str, gate: FakeSmsGate, **extra: str) -> dict[str, str]:
    return {
        "DATABASE_URL": database_url,
        "SECRET_KEY": "bench-secret-key-0123456789abcdef",
        "SMSGATE_URL": gate.url,
        "SMSGATE_USERNAME": "BENCH",
        "SMSGATE_PASSWORD": "bench-password",
        "SMSGATE_SIGNING_KEY": KEY,
        "SMSGATE_RATE_PER_MINUTE": "60000",
        "PUBLIC_BASE_URL": "https://bot.example.org",
        "QUIET_HOURS": "off",
        "PYTHONPATH": str(ROOT),
        **extra,
    }


class Serve:
    """``ksm-bot serve`` (the embedded default), bound to 127.0.0.1:``port``."""

    def __init__(self, port: int, env: dict[str, str], logdir: Path) -> None:
        self.port = port
        self.log = open(logdir / "serve.log", "wb")  # noqa: SIM115 - closed in stop()
        clean = {k: v for k, v in os.environ.items() if k not in ("REDIS_URL", "DATABASE_URL")}
        self.proc = subprocess.Popen(
            [str(Path(sys.executable).parent / "ksm-bot"), "serve", "--port", str(port)],
            cwd=logdir, env={**clean, **env}, stdout=self.log, stderr=subprocess.STDOUT)
        import socket

        until = time.monotonic() + 60
        while time.monotonic() < until:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                return
            except OSError:
                time.sleep(0.2)
        raise SystemExit(f"ksm-bot serve did not listen; see {self.log.name}")

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        self.log.close()


def measure(name: str, port: int, gate: StampedGate, args: argparse.Namespace) -> dict[str, Any]:
    warm = events(20, args.phones, f"{name}-warm")
    send_paced(port, warm, 10)
    _wait_for(gate, {r for r, _ in warm}, 30)
    with gate.lock:
        gate.arrivals.clear()
    items = events(int(args.rate * args.seconds), args.phones, f"{name}-{int(time.time())}")
    t0 = time.monotonic()
    sent = send_paced(port, items, args.rate)
    took = time.monotonic() - t0
    answered = {r for r, (_, status) in sent.items() if status == 200}
    _wait_for(gate, answered, args.drain)
    time.sleep(2)  # a late duplicate would show up here
    with gate.lock:
        arrivals = {r: list(v) for r, v in gate.arrivals.items()}
    latencies = sorted(arrivals[r][0] - sent[r][0] for r in answered if r in arrivals)
    lost = len(answered - set(arrivals))
    doubled = sum(1 for v in arrivals.values() if len(v) > 1)
    result = {
        "setup": name, "events": len(items), "took": took, "answered": len(answered),
        "not_answered": len(items) - len(answered), "lost": lost, "doubled": doubled,
        "p50": statistics.median(latencies) if latencies else float("nan"),
        "p99": latencies[int(0.99 * (len(latencies) - 1))] if latencies else float("nan"),
        "max": latencies[-1] if latencies else float("nan"),
    }
    result["pass"] = (result["p99"] < TARGET_P99 and lost == 0 and doubled == 0
                      and result["not_answered"] == 0)
    print(f"  {name}: {len(items)} events in {took:.1f} s, answered {len(answered)}, "
          f"p50 {result['p50'] * 1000:.0f} ms, p99 {result['p99'] * 1000:.0f} ms, "
          f"max {result['max'] * 1000:.0f} ms, lost {lost}, doubled {doubled}: "
          f"{'PASS' if result['pass'] else 'FAIL'}", flush=True)
    return result


def _wait_for(gate: StampedGate, residents: set[str], limit: float) -> None:
    until = time.monotonic() + limit
    while time.monotonic() < until:
        with gate.lock:
            if residents <= set(gate.arrivals):
                return
        time.sleep(0.1)


def run_server(args: argparse.Namespace, gate: StampedGate) -> dict[str, Any]:
    from bench.pgdb import fresh_database
    from tests.fault_services import RedisServer

    fresh_database(DATABASE_URL)
    logdir = Path(tempfile.mkdtemp(prefix="ksm-smsgate-server-"))
    redis = RedisServer().start()
    # A server database requires Twilio's settings; nothing may go there (checked).
    twilio = FakeTwilio().start()
    env = app_env(DATABASE_URL, gate, REDIS_URL=redis.url.rsplit("/", 1)[0] + "/1",
                  SPOOL_DIR=str(logdir / "spool"), TWILIO_ACCOUNT_SID=ACCOUNT_SID,
                  TWILIO_AUTH_TOKEN=AUTH_TOKEN, TWILIO_SMS_FROM=BOT_NUMBER,
                  TWILIO_API_BASE_URL=twilio.url)
    web = workers = None
    try:
        web = Server("app", APP_SPEC, free_port(), env, logdir)
        workers = Workers(args.workers, env, logdir)
        time.sleep(2)
        print(f"== server: gunicorn ({web.command}) + {args.workers} workers; logs {logdir}",
              flush=True)
        result = measure("server", web.port, gate, args)
        if twilio.messages:
            print(f"  FAIL: {len(twilio.messages)} messages went through Twilio")
            result["pass"] = False
        return result
    finally:
        twilio.stop()
        if workers is not None:
            workers.stop()
        if web is not None:
            web.stop()
        redis.kill()


def run_embedded(args: argparse.Namespace, gate: StampedGate) -> dict[str, Any]:
    logdir = Path(tempfile.mkdtemp(prefix="ksm-smsgate-embedded-"))
    env = app_env(f"sqlite:///{logdir / 'ksm-bot.sqlite3'}", gate,
                  SPOOL_DIR=str(logdir / "spool"))
    serve = Serve(free_port(), env, logdir)
    try:
        print(f"== embedded: ksm-bot serve (SQLite, in-process jobs); logs {logdir}", flush=True)
        return measure("embedded", serve.port, gate, args)
    finally:
        serve.stop()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rate", type=float, default=20.0, help="events per second")
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--phones", type=int, default=4, help="gateway phones sending events")
    parser.add_argument("--workers", type=int, default=2, help="ksm-bot worker processes")
    parser.add_argument("--drain", type=float, default=60.0,
                        help="seconds to wait for the last replies")
    parser.add_argument("--setup", choices=["server", "embedded", "both"], default="both")
    args = parser.parse_args(argv)
    gate = StampedGate().start()
    results = []
    try:
        if args.setup in ("server", "both"):
            gate.reset()
            results.append(run_server(args, gate))
        if args.setup in ("embedded", "both"):
            gate.reset()
            with gate.lock:
                gate.arrivals.clear()
            results.append(run_embedded(args, gate))
    finally:
        gate.stop()
    return 0 if all(r["pass"] for r in results) else 1


if __name__ == "__main__":
    raise SystemExit(main())
