"""Benchmark: the monev sweep over 300,000 verified KSMs in PostgreSQL.

    python bench/monev_sweep.py [--ksms 300000]

Seeds a fresh schema with INSERT ... SELECT generate_series: 300 kelurahan across WIB,
WITA and WIT, one leader contact per KSM, and the KSMs verified over the last 200 days
(so about 85% are due for a check-in now, and the rest are enrolled for next month).
Then times, with peak Python memory (tracemalloc) and the process's peak RSS:

1. the first sweep: enrol every KSM, open the due periods, make the next ones, and
   enqueue the reminders (one broadcast per check-in kind and language, send rows by
   INSERT ... SELECT, send jobs on the RQ queue);
2. a second sweep at the same time (nothing due: the steady-state cost every 30 s);
3. the second-reminder sweep MONEV_REMINDER_DAYS later.

Uses PostgreSQL ``ksm_meetings`` and Redis db 5 unless BENCH_DATABASE_URL /
BENCH_REDIS_URL say otherwise. Its schema is dropped and recreated; the queue emptied.
"""
from __future__ import annotations

import argparse
import os
import resource
import sys
import time
import tracemalloc
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

DATABASE_URL = os.environ.get("BENCH_DATABASE_URL", "postgresql://postgres@127.0.0.1/ksm_meetings")
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/5")
NOW = datetime(2026, 12, 1, 3, 0, tzinfo=UTC)


def seed(url: str, ksms: int) -> float:
    from sqlalchemy import create_engine, text


    from bench.pgdb import fresh_database

    fresh_database(url)
    engine = create_engine(url)

    started = time.perf_counter()
    with engine.begin() as conn:
        conn.execute(text("""
            INSERT INTO kelurahan (name, kota, provinsi, time_zone, created_at)
            SELECT 'Kelurahan ' || i, 'Kota ' || (i % 30), 'Provinsi ' || (i % 3),
                   (ARRAY['Asia/Jakarta', 'Asia/Makassar', 'Asia/Jayapura'])[1 + i % 3], now()
            FROM generate_series(1, 300) AS i"""))
        conn.execute(text("""
            INSERT INTO contact (phone, language, uses_sms, uses_whatsapp, opted_out,
                                 invalid_number, kelurahan_id, created_at)
            SELECT '+62813' || lpad(i::text, 8, '0'), CASE WHEN i % 10 = 0 THEN 'en' ELSE 'id' END,
                   i % 4 <> 0, i % 4 = 0, false, false, 1 + i % 300, now()
            FROM generate_series(1, :n) AS i"""), {"n": ksms})
        conn.execute(text("""
            INSERT INTO ksm (code, name, kelurahan_id, field, unit, women, goal, values_agreed,
                             status, cycle_stage, leader_contact_id, created_at, verified_at)
            SELECT lpad(i::text, 8, '0'), 'KSM ' || i, 1 + i % 300, 'ekonomi', 'UPK', i % 3 = 0,
                   'Usaha bersama', true, 'verified', 'KSM-3', i, now(),
                   CAST(:now AS timestamptz) - (i % 200) * interval '1 day'
                       - (i % 1440) * interval '1 minute'
            FROM generate_series(1, :n) AS i"""), {"n": ksms, "now": NOW})
        conn.execute(text("ANALYZE"))
    engine.dispose()
    return time.perf_counter() - started


def measure(label: str, func, *args):  # type: ignore[no-untyped-def]
    tracemalloc.start()
    started = time.perf_counter()
    result = func(*args)
    elapsed = time.perf_counter() - started
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"{label:<44} {elapsed:8.2f} s  result {result:>7}  python peak {peak / 2**20:7.1f} MiB"
          f"  process peak RSS {rss:6.0f} MiB")
    return result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--ksms", type=int, default=300_000)
    args = parser.parse_args()

    from dataclasses import replace

    from redis import Redis
    from sqlalchemy import func, select

    from bot import runtime
    from bot.models import Broadcast, BroadcastSend, MonevPeriod
    from bot.settings import Settings, normalise_database_url
    from workers.monev_sweep import open_monev_periods, second_monev_reminders
    from bot.jobs import RqJobQueue
    from bot.senders import OutboxSender

    url = normalise_database_url(DATABASE_URL)
    print(f"seeding {args.ksms:,} verified KSMs ...", flush=True)
    print(f"seeded in {seed(url, args.ksms):.1f} s")
    redis = Redis.from_url(REDIS_URL)
    redis.flushdb()
    settings = replace(Settings(database_url=url, redis_url=REDIS_URL), testing=True)
    rt = runtime.install(runtime.build(settings, sender=OutboxSender(), jobs=RqJobQueue(redis)))

    opened = measure("first sweep: enrol, open due, remind", open_monev_periods, rt, NOW)
    measure("second sweep, same time: nothing due", open_monev_periods, rt,
            NOW + timedelta(seconds=30))
    later = NOW + timedelta(days=settings.monev_reminder_days)
    measure("second reminders, MONEV_REMINDER_DAYS later", second_monev_reminders, rt, later)
    with rt.db.session() as session:
        periods = session.scalar(select(func.count()).select_from(MonevPeriod))
        broadcasts = session.scalar(select(func.count()).select_from(Broadcast))
        sends = session.scalar(select(func.count()).select_from(BroadcastSend))
    print(f"periods {periods:,} (opened {opened:,}), broadcasts {broadcasts}, send rows {sends:,},"
          f" send jobs on the RQ queue {rt.jobs.queue.count}")
    redis.flushdb()
    rt.close()


if __name__ == "__main__":
    main()
