"""Fleet bench (issue 24): an announcement to 2,000 residents through 5 gateway phones
at their planned rate, with the real workers; the estimate against the real finish.

Run from the repository root, with PostgreSQL up (``redis-server`` installed)::

    python bench/fleet.py                 # both runs, about 2 minutes
    python bench/fleet.py --scale 30      # slower, closer to real time

Time is scaled: the phones' rate is 10 SMS a minute each, and a real-time run would
take 40 minutes, so the bench runs the bot with ``SMSGATE_RATE_PER_MINUTE`` = 10 x
``--scale`` (60: 10 a second per phone) and reads every duration in that scale; the
estimate is the app's own (``bot.ksm.announcement_estimate``) from the same settings.
What does not scale: quiet hours (off: ``QUIET_HOURS=off``), the daily cap (set to
``--cap`` per SIM, 1,000, above the 400 each phone carries: a day is not scaled),
the 15-minute ping timeout (the phones' pings are written once, fresh for the run).
The spacing (``SMSGATE_JITTER``, 0.2 of the interval) scales with the rate.

What runs (127.0.0.1 only): PostgreSQL database ``BENCH_FLEET_DATABASE_URL`` (default
``ksm_limits``: DROPPED and migrated again); a private ``redis-server`` on a spare port
(:class:`tests.fault_services.RedisServer`); ``--workers`` (2) ``ksm-bot worker``
processes (:class:`bench.faults.Workers`); in this process the fake gateway
(:class:`bench.e2e.RecordingGate`) playing 5 phones, noting each accepted send.

Runs:

1. ``steady``: 5 phones to the end.
2. ``cut``: when half the residents have their SMS, one phone stops answering: the
   fake answers its sends 503 from then on (a phone whose server cannot reach it). The
   bot counts its failures, sends the row at once from another phone, and after three
   failures routing rests it; the other 4 carry the rest. The estimate compared is the
   progress page's, taken once the bot has rested the phone, against the time left.

Printed per run: achieved rate / configured rate (goal >= 0.95: messages after the
first / (last send - first send) over the phones' summed rate; for ``cut`` the part
after the cut over 4 phones), the estimate against the real finish (goal within 10 %),
doubled (a resident reached twice at the fake; goal 0), sent after the broadcast's
expiry (goal 0), and the rows left unsent. Exit 1 when a goal is missed.
"""
from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from collections import Counter
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench.e2e import RecordingGate  # noqa: E402
from bench.faults import Workers  # noqa: E402
from bench.pgdb import fresh_database  # noqa: E402
from bot import gateway_caps  # noqa: E402
from bot.broadcasts import add_recipients, create_broadcast, progress  # noqa: E402
from bot.jobs import RqJobQueue  # noqa: E402
from bot.ksm import announcement_estimate as est  # noqa: E402
from bot.models import Contact, GatewayDevice, Kelurahan  # noqa: E402
from bot.outbox import SEND_BROADCAST, mark_broadcast_sending  # noqa: E402
from bot.settings import from_env, normalise_database_url  # noqa: E402
from tests.fault_services import RedisServer  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
DATABASE_URL = normalise_database_url(os.environ.get(
    "BENCH_FLEET_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/ksm_limits"))
PHONES = [f"dev-{n}" for n in range(1, 6)]
WIB = "Asia/Jakarta"
CUT = "dev-3"


class FleetGate(RecordingGate):
    """The fake gateway; phones in ``cut`` no longer answer."""

    cut: set[str]

    def _send(self, record: dict[str, Any], body: Any) -> tuple[int, Any]:
        if body.get("deviceId") in getattr(self, "cut", ()):
            return 503, {"message": "device not reachable"}
        return super()._send(record, body)


def app_env(redis_url: str, gate: FleetGate, args: argparse.Namespace) -> dict[str, str]:
    return {
        "DATABASE_URL": DATABASE_URL, "REDIS_URL": redis_url,
        "SECRET_KEY": "bench-secret-key-0123456789abcdef",
        "TWILIO_ACCOUNT_SID": "AC" + "0" * 32, "TWILIO_AUTH_TOKEN": "bench-token",
        "TWILIO_SMS_FROM": "+15005550006", "PUBLIC_BASE_URL": "https://bench.example",
        "SMSGATE_URL": gate.url, "SMSGATE_USERNAME": "BENCH",
        "SMSGATE_PASSWORD": "bench-password", "SMSGATE_SIGNING_KEY": "bench-signing-key-01234",
        "SMS_PROVIDER": "smsgate",
        "SMSGATE_RATE_PER_MINUTE": str(10 * args.scale),
        "SMSGATE_DAILY_CAP_PER_SIM": str(args.cap),
        "SMSGATE_JITTER": str(args.jitter),
        "QUIET_HOURS": "off",
        "SPOOL_DIR": tempfile.mkdtemp(prefix="ksm-fleet-spool-"),
        "PYTHONPATH": str(ROOT),
    }


def setup(session: Any, residents: int, run: int) -> list[int]:
    """The kelurahan, its 5 phones (pinged now) and its residents; returns their ids."""
    kelurahan = Kelurahan(name=f"Fleet {run}", kota="Kota", provinsi="Prov", time_zone=WIB)
    session.add(kelurahan)
    session.flush()
    now = datetime.now(timezone.utc)
    for device in PHONES:
        row = session.query(GatewayDevice).filter_by(device_id=device).one_or_none()
        if row is None:
            row = GatewayDevice(device_id=device, created_at=now)
            session.add(row)
        row.kelurahan_id, row.last_ping_at, row.recent_failures = kelurahan.id, now, 0
    contacts = [Contact(phone=f"+628129{run}{i:05d}", kelurahan_id=kelurahan.id, uses_sms=True)
                for i in range(residents)]
    session.add_all(contacts)
    session.flush()
    return [c.id for c in contacts]


def one_run(name: str, args: argparse.Namespace, env: dict[str, str], gate: FleetGate,
            redis: Any, engine: Any, run: int) -> dict[str, Any]:
    from sqlalchemy.orm import Session

    settings = from_env(env)
    counts = gateway_caps.RedisDailyCounts(redis)
    gate.cut = set()
    mark = len(gate.arrivals)
    with Session(engine) as session, session.begin():
        ids = setup(session, args.residents, run)
        kelurahan_id = session.get(Contact, ids[0]).kelurahan_id
        now = datetime.now(timezone.utc)
        expires_at = now + timedelta(hours=1)
        broadcast_id = create_broadcast(session, "announcement", f"Pengumuman BKM {run}",
                                        kelurahan_id=kelurahan_id, expires_at=expires_at)
        add_recipients(session, broadcast_id, ids)
        pace = est.pace_of(session, counts, settings, kelurahan_id, WIB, now)
        estimate_at, _ = est.when_done({est.SMS_VIA_GATEWAY: len(ids)}, pace, now)
        mark_broadcast_sending(session, broadcast_id)
    start_wall, start = time.time(), time.monotonic()
    RqJobQueue(redis).enqueue(SEND_BROADCAST, broadcast_id)
    estimated = (estimate_at - now).total_seconds()
    cut_at = reestimate = None
    re_wall = 0.0
    deadline = start + max(10 * estimated, 60)
    while time.monotonic() < deadline:
        done = len(gate.arrivals) - mark
        if name == "cut" and cut_at is None and done >= len(ids) // 2:
            gate.cut.add(CUT)
            cut_at = time.monotonic()
        if cut_at is not None and reestimate is None:
            with Session(engine) as session:
                rested = session.query(GatewayDevice).filter_by(device_id=CUT).one().recent_failures
                if rested >= 3:
                    now2 = datetime.now(timezone.utc)
                    pace2 = est.pace_of(session, counts, settings, kelurahan_id, WIB, now2)
                    finish, _ = est.remaining_finish(session, [broadcast_id], pace2, now2)
                    re_wall, reestimate = time.monotonic(), (finish - now2).total_seconds()
        if done >= len(ids):
            break
        time.sleep(0.05)
    time.sleep(1.0)  # anything doubled arrives too
    sends = gate.arrivals.since(mark)
    with Session(engine) as session:
        left = progress(session, broadcast_id)
    times = sorted(at for _, _, at, _ in sends)
    per_number = Counter(phone for _, phone, _, _ in sends)
    doubled = sum(n - 1 for n in per_number.values() if n > 1)
    late = sum(1 for at in times if start_wall + (at - start) >= expires_at.timestamp())
    rate = 10 * args.scale / 60.0
    result: dict[str, Any] = {"name": name, "sent": len(sends), "doubled": doubled,
                              "late": late, "left": left["queued"] + left["failed"],
                              "unknown": left["unknown"]}
    real = times[-1] - start if times else float("nan")
    if name == "steady":
        result["ratio"] = (len(times) - 1) / (times[-1] - times[0]) / (5 * rate)
        result["estimate"], result["real"] = estimated, real
    else:
        after = [t for t in times if cut_at is not None and t >= cut_at]
        before = [t for t in times if cut_at is None or t < cut_at]
        result["ratio_before"] = (len(before) - 1) / (before[-1] - before[0]) / (5 * rate)
        result["ratio"] = ((len(after) - 1) / (after[-1] - after[0]) / (4 * rate)
                           if len(after) > 1 else float("nan"))
        result["first_estimate"], result["real"] = estimated, real
        if reestimate is not None:
            result["estimate"] = reestimate
            result["real_left"] = times[-1] - re_wall
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--residents", type=int, default=2000)
    parser.add_argument("--scale", type=float, default=60.0,
                        help="time scale: the phones send 10 x SCALE SMS a minute")
    parser.add_argument("--cap", type=int, default=1000, help="SMSGATE_DAILY_CAP_PER_SIM")
    parser.add_argument("--jitter", type=float, default=0.2, help="SMSGATE_JITTER")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--runs", default="steady,cut")
    args = parser.parse_args(argv)
    from redis import Redis
    from sqlalchemy import create_engine

    fresh_database(DATABASE_URL)
    engine = create_engine(DATABASE_URL)
    gate = FleetGate().start()
    server = RedisServer().start()
    redis = Redis.from_url(server.url)
    logdir = Path(tempfile.mkdtemp(prefix="ksm-fleet-"))
    env = app_env(server.url, gate, args)
    workers = Workers(args.workers, env, logdir)
    failures, lines = [], []
    try:
        time.sleep(3)  # the workers register
        for run, name in enumerate(args.runs.split(","), start=1):
            r = one_run(name, args, env, gate, redis, engine, run)
            scale = args.scale
            line = (f"{name}: {r['sent']} sent, achieved/configured rate {r['ratio']:.3f}"
                    + (f" (before the cut {r['ratio_before']:.3f})" if "ratio_before" in r else "")
                    + f", doubled {r['doubled']}, sent after expiry {r['late']},"
                    f" left unsent {r['left']}, unknown {r['unknown']}")
            if "estimate" in r:
                real = r.get("real_left", r["real"])
                off = abs(r["estimate"] - real) / real
                line += (f"\n  estimate {r['estimate']:.1f} s vs real {real:.1f} s"
                         f" ({r['estimate'] * scale / 60:.1f} vs {real * scale / 60:.1f} min"
                         f" unscaled): off by {100 * off:.1f} %")
                if off > 0.10:
                    failures.append(f"{name}: estimate off by {100 * off:.1f} %")
            if "first_estimate" in r:
                line += (f"\n  (the confirmation's estimate, made before the cut:"
                         f" {r['first_estimate']:.1f} s; the whole run took {r['real']:.1f} s)")
            if r["ratio"] < 0.95:
                failures.append(f"{name}: rate ratio {r['ratio']:.3f}")
            if r["doubled"] or r["late"] or r["left"]:
                failures.append(f"{name}: doubled {r['doubled']}, late {r['late']},"
                                f" left {r['left']}")
            print(line, flush=True)
            lines.append(line)
    finally:
        workers.stop()
        redis.close()
        server.kill()
        gate.stop()
        engine.dispose()
    print(f"logs in {logdir}")
    print("PASS" if not failures else "FAIL: " + "; ".join(failures))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
