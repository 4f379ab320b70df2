"""Benchmark: broadcasts of 10,000 and 100,000 recipients through the fake Twilio server.

    python bench/broadcast.py [--sizes 10000 100000] [--rate 1000] [--workers 3]
                              [--unthrottled 20000]

For each size: a fresh schema in the bench database, N contacts and one broadcast, then
``--workers`` worker processes (each running ``send_broadcast`` like an RQ worker) share
the configured SMS rate through Redis. Reported: achieved rate against the configured
one, duplicates (send rows with the same recipient cannot exist; the fake server's
request count must equal N), and each worker process's peak RSS. Then the same with no
rate limit and two workers: sends per second.

Uses PostgreSQL ``ksm_broadcast`` and Redis db 4 unless BENCH_DATABASE_URL/BENCH_REDIS_URL
say otherwise. Its schema is dropped and recreated.
"""
from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

DATABASE_URL = os.environ.get("BENCH_DATABASE_URL", "postgresql://postgres@127.0.0.1/ksm_broadcast")
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/4")
AUTH_TOKEN = "bench-auth-token-0123456789"


def fake_twilio_process(conn: multiprocessing.connection.Connection) -> None:
    """The fake Twilio API in its own process, so it does not share a GIL with anyone."""
    from tests.fake_twilio import FakeTwilio

    fake = FakeTwilio(record_bodies=False).start()
    conn.send(fake.url)
    while True:
        command = conn.recv()
        if command == "count":
            conn.send(fake.count)
        elif command == "reset":
            fake.reset()
            conn.send(True)
        else:
            fake.stop()
            return


def prepare(size: int) -> int:
    """Fresh schema, ``size`` SMS contacts and a sending broadcast to all of them."""
    from sqlalchemy import select, text, update

    from bot.broadcasts import add_recipients, create_broadcast
    from bot.db import Database
    from bot.models import Broadcast, Contact
    from bot.models import broadcast as b
    from bot.settings import normalise_database_url

    url = normalise_database_url(DATABASE_URL)
    from bench.pgdb import fresh_database

    fresh_database(url)

    db = Database(url)
    with db.session() as session:
        session.execute(text(
            "INSERT INTO kelurahan (name, kota, provinsi, time_zone, created_at) "
            "VALUES ('Bench', 'Kota', 'Prov', 'Asia/Jakarta', now())"))
        session.execute(text(
            "INSERT INTO contact (phone, language, uses_sms, uses_whatsapp, opted_out, "
            "invalid_number, kelurahan_id, created_at) "
            "SELECT '+62812' || lpad(g::text, 7, '0'), 'id', true, false, false, false, 1, now() "
            "FROM generate_series(1, :n) g"), {"n": size})
        broadcast_id = create_broadcast(session, "announcement", "Hasil rapat prioritas BKM: "
                                        "lihat papan pengumuman kelurahan.")
        add_recipients(session, broadcast_id, select(Contact.id))
        session.execute(update(Broadcast).where(Broadcast.id == broadcast_id)
                        .values(status=b.SENDING))
    with db.session() as session:
        session.execute(text("ANALYZE"))
    db.dispose()
    return broadcast_id


def worker_main(broadcast_id: int) -> None:
    """One worker process: send until nothing is due, then report its peak memory."""
    from bot import runtime
    from bot.settings import from_env
    from workers.broadcasts import send_broadcast

    rt = runtime.install(runtime.build(from_env(testing=True)))
    rss_ready = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    begin = time.monotonic()
    result = send_broadcast(broadcast_id, max_seconds=3600)
    print(json.dumps({
        "result": result, "seconds": time.monotonic() - begin,
        "rss_ready_kb": rss_ready,
        "rss_peak_kb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
    }))
    rt.close()


def run(size: int, rate: float, workers: int, fake: multiprocessing.connection.Connection,
        fake_url: str) -> dict[str, object]:
    from redis import Redis
    from sqlalchemy import create_engine, text

    from bot.settings import normalise_database_url

    broadcast_id = prepare(size)
    Redis.from_url(REDIS_URL).flushdb()
    fake.send("reset")
    fake.recv()
    env = {**os.environ, "DATABASE_URL": DATABASE_URL, "REDIS_URL": REDIS_URL,
           "TWILIO_ACCOUNT_SID": "AC" + "0" * 32, "TWILIO_AUTH_TOKEN": AUTH_TOKEN,
           "TWILIO_SMS_FROM": "+15005550006", "TWILIO_API_BASE_URL": fake_url,
           "SMS_RATE_PER_SECOND": str(rate), "WHATSAPP_RATE_PER_SECOND": str(rate),
           # The bench must not depend on the hour it runs at.
           "QUIET_HOURS": "off", "PYTHONPATH": str(ROOT)}
    begin = time.monotonic()
    procs = [subprocess.Popen([sys.executable, __file__, "worker", str(broadcast_id)], env=env,
                              stdout=subprocess.PIPE, text=True) for _ in range(workers)]
    reports = [json.loads(p.communicate()[0].strip().splitlines()[-1]) for p in procs]
    wall = time.monotonic() - begin
    fake.send("count")
    requests = fake.recv()
    engine = create_engine(normalise_database_url(DATABASE_URL))
    with engine.connect() as conn:
        row = conn.execute(text(
            "SELECT count(*) FILTER (WHERE status = 'sent'), count(DISTINCT external_id), "
            "count(DISTINCT contact_id), extract(epoch FROM max(sent_at) - min(sent_at)) "
            "FROM broadcast_send WHERE broadcast_id = :b"), {"b": broadcast_id}).one()
    engine.dispose()
    sent, sids, recipients, span = row
    achieved = (sent - 1) / float(span) if span else float("inf")
    return {
        "size": size, "configured_rate": rate, "workers": workers, "sent": sent,
        "provider_requests": requests, "duplicates": requests - sids,
        "all_sent_once": sent == size == sids == recipients == requests,
        "achieved_rate": round(achieved, 1),
        "achieved_vs_configured": round(achieved / rate, 3) if rate < 1e6 else None,
        "wall_seconds": round(wall, 1),
        "worker_rss_ready_mb": max(r["rss_ready_kb"] for r in reports) / 1024,
        "worker_rss_peak_mb": max(r["rss_peak_kb"] for r in reports) / 1024,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--rate", type=float, default=1000.0)
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--unthrottled", type=int, default=20_000)
    args = parser.parse_args()

    here, there = multiprocessing.Pipe()
    server = multiprocessing.Process(target=fake_twilio_process, args=(there,), daemon=True)
    server.start()
    fake_url = here.recv()
    results = []
    runs = [(size, args.rate, args.workers) for size in args.sizes]
    if args.unthrottled:
        runs.append((args.unthrottled, 1e9, 2))
    for size, rate, workers in runs:
        results.append(run(size, rate, workers, here, fake_url))
        print(json.dumps(results[-1]), flush=True)
    here.send("stop")
    throttled = [r for r in results if r["configured_rate"] < 1e6]
    if len(throttled) >= 2:
        small, large = throttled[0], throttled[-1]
        ratio = large["worker_rss_peak_mb"] / small["worker_rss_peak_mb"]
        print(f"peak worker memory {large['size']} vs {small['size']}: {ratio:.2f}x "
              f"({'ok' if ratio <= 1.2 else 'OVER'} the 1.2x budget)")
    for r in throttled:
        ok = r["achieved_vs_configured"] is not None and r["achieved_vs_configured"] >= 0.95
        print(f"{r['size']}: {r['achieved_rate']}/s of {r['configured_rate']:.0f}/s configured "
              f"({'ok' if ok else 'UNDER'} 95%), duplicates {r['duplicates']}, "
              f"all sent once: {r['all_sent_once']}")
    for r in results:
        if r["configured_rate"] >= 1e6:
            print(f"unthrottled, {r['workers']} workers: {r['achieved_rate']} sends/s "
                  f"({r['size']} recipients)")


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "worker":
        worker_main(int(sys.argv[2]))
    else:
        main()
