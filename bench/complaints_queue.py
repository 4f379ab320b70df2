"""Benchmark: the officers' complaint queue on 1,000,000 complaints in PostgreSQL.

Seeds the database with ``INSERT ... SELECT generate_series`` (indexes dropped during
the load and rebuilt after), then times the queries the queue page runs, through the
same service functions the dashboard and API use (``bot.complaints.queue``),
plus the server-side execution time from ``EXPLAIN ANALYZE`` and one full HTTP request
of the dashboard page.

    python bench/complaints_queue.py [--database-url postgresql://postgres@127.0.0.1/ksm_complaints]
                                     [--rows 1000000] [--reseed]

The target is under 100 ms for each page, in particular a kota officer's subtree queue
(the kelurahan of their kota and the kota's own level, by area id) and a provinsi
officer's overdue page. "server" is PostgreSQL's own execution time of the page query
(EXPLAIN ANALYZE), "server#" that of the overdue count the page also shows; "page" and
"overdue#" the same through the service functions, from Python. Results:
bench/RESULTS-complaints.md. The schema is dropped and migrated when
seeding: point it at a database of its own.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Callable

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import create_engine, func, select, text  # noqa: E402
from sqlalchemy.orm import Session  # noqa: E402

from bot.models import Complaint, Officer  # noqa: E402
from bot.complaints import queue  # noqa: E402
from bot.settings import normalise_database_url  # noqa: E402

KELURAHAN = 1000  # 10 per kota, 100 kota, 10 provinsi
CONTACTS = 100_000
OFFICERS = 100

# Areas: provinsi p (1..10) is area p, code 10+p; kota q (1..100) is area 10+q, in
# provinsi (q-1)/10+1. Kota names repeat in every provinsi ("Kota 7" is in all ten), as
# "Kota Bandung" does: scoping must go by id. Kelurahan k lies in kota (k-1)/10+1.
SEED_SQL = [
    """INSERT INTO area (id, level, code, name, parent_id, created_at)
        SELECT p, 'provinsi', (10 + p)::text, 'Provinsi ' || p, NULL, now()
        FROM generate_series(1, 10) p""",
    """INSERT INTO area (id, level, code, name, parent_id, created_at)
        SELECT 10 + q, 'kota', (10 + (q - 1) / 10 + 1)::text || '.' || lpad(((q - 1) % 10 + 1)::text, 2, '0'),
               'Kota ' || ((q - 1) % 10 + 1), (q - 1) / 10 + 1, now()
        FROM generate_series(1, 100) q""",
    f"""INSERT INTO kelurahan (id, code, name, kota, provinsi, kota_area_id, provinsi_area_id,
                               time_zone, created_at)
        SELECT g, a.code || '.01.' || (1000 + (g - 1) % 10 + 1)::text, 'Kelurahan ' || g, a.name,
               p.name, a.id, p.id, 'Asia/Jakarta', now()
        FROM generate_series(1, {KELURAHAN}) g
        JOIN area a ON a.id = 10 + (g - 1) / 10 + 1
        JOIN area p ON p.id = a.parent_id""",
    f"""INSERT INTO contact (id, phone, language, uses_sms, uses_whatsapp, opted_out, invalid_number, created_at)
        SELECT g, '+62812' || lpad(g::text, 8, '0'), 'id', true, false, false, false, now()
        FROM generate_series(1, {CONTACTS}) g""",
    f"""INSERT INTO officer (id, username, full_name, password_hash, role, level, kelurahan_id, active, created_at)
        SELECT g, 'officer' || g, 'Officer ' || g, 'x', 'ppm', 'kelurahan', g, true, now()
        FROM generate_series(1, {OFFICERS}) g""",
    """SELECT setseed(0.42)""",
    """INSERT INTO complaint (id, code, contact_id, channel, text, location_text, kelurahan_id,
                              kota_area_id, provinsi_area_id,
                              kind, accused, amount, anonymous, names_bkm_member, level, status,
                              assigned_officer_id, due_at, created_at, updated_at)
        SELECT g,
               lpad(((g::bigint * 48271) % 100000000)::text, 8, '0') || (g % 10)::text,
               1 + (g % {contacts}),
               CASE WHEN g % 5 = 0 THEN 'whatsapp' ELSE 'sms' END,
               'Aduan ' || g || CASE WHEN g % 5000 = 7 THEN ': banjir menggenangi balai warga, pompa rusak'
                                     ELSE ': dana BLM untuk perbaikan jalan RW tidak sampai ke warga' END,
               'RW ' || (g % 12 + 1), k, 10 + (k - 1) / 10 + 1, (k - 1) / 100 + 1,
               (ARRAY['question','suggestion','misuse_of_funds','procedure_violation','other'])[1 + (g * 7) % 5],
               NULL, CASE WHEN g % 5 = 2 THEN (g % 100 + 1) * 100000 END,
               g % 3 = 0, g % 50 = 0,
               CASE WHEN lv < 0.70 THEN 'kelurahan' WHEN lv < 0.90 THEN 'kota'
                    WHEN lv < 0.98 THEN 'provinsi' ELSE 'pusat' END,
               st,
               CASE WHEN st <> 'new' AND g % 3 = 0 THEN 1 + g % {officers} END,
               CASE WHEN st = 'new' THEN created + interval '4 days'
                    WHEN st = 'verified' THEN created + interval '11 days' END,
               created, created
        FROM (
            SELECT g, 1 + floor(random() * {kelurahan})::int AS k, random() AS lv,
                   now() - (({rows} - g) * interval '1 minute') AS created,
                   (ARRAY['new','verified','in_follow_up','in_follow_up','resolved','resolved','resolved',
                          'resolved','resolved','resolved','resolved','resolved','rejected','rejected',
                          'rejected','not_our_authority','resolved','resolved','resolved','resolved'])
                       [1 + floor(random() * 20)::int] AS st
            FROM generate_series(1, {rows}) g
        ) s""",
]


def seed(url: str, rows: int) -> None:

    from bench.pgdb import fresh_database

    fresh_database(url)
    engine = create_engine(url)

    started = time.perf_counter()
    indexes = list(Complaint.__table__.indexes)
    with engine.begin() as conn:
        conn.execute(text("SET LOCAL synchronous_commit = off"))
        for index in indexes:
            index.drop(conn)
        for sql in SEED_SQL:
            conn.execute(
                text(
                    sql.format(rows=rows, contacts=CONTACTS, officers=OFFICERS, kelurahan=KELURAHAN)
                )
            )
        loaded = time.perf_counter()
        for index in indexes:
            index.create(conn)
        for table in ("area", "kelurahan", "contact", "officer", "complaint"):
            conn.execute(
                text(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))"
                )
            )
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text("VACUUM ANALYZE complaint"))
        conn.execute(text("VACUUM ANALYZE kelurahan"))
        conn.execute(text("VACUUM ANALYZE area"))
    print(
        f"seeded {rows:,} complaints: load {loaded - started:.1f} s, "
        f"indexes + vacuum {time.perf_counter() - loaded:.1f} s"
    )
    engine.dispose()


def _officers(session: Session) -> dict[str, Officer]:
    from bot.officers.accounts import create_or_update

    kel = create_or_update(
        session,
        "bench_kelurahan",
        "bench-password",
        "ppm",
        session.get(__import__("bot.models", fromlist=["Kelurahan"]).Kelurahan, 1),
    )
    kota = create_or_update(
        session, "bench_kota", "bench-password", "ppm", None, "Kota 7", "Provinsi 1"
    )
    provinsi = create_or_update(
        session, "bench_provinsi", "bench-password", "ppm", None, None, "Provinsi 1"
    )
    assert (kota.area_id, provinsi.area_id) == (17, 1), "the areas are not the seeded ones"
    admin = create_or_update(session, "bench_admin", "bench-password", "admin")
    # Officer 5 as admin: its assigned complaints are spread over every area.
    mine = session.get(Officer, 5)
    mine.role = "admin"
    session.commit()
    return {"kelurahan": kel, "kota": kota, "provinsi": provinsi, "admin": admin, "officer5": mine}


def _ms(func_: Callable[[], Any], runs: int = 7) -> float:
    func_()  # warm the caches, as a busy server would have them
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        func_()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def _explain_ms(session: Session, query: Any, runs: int = 3) -> float:
    """PostgreSQL's execution time of ``query`` (median of ``runs``, caches warm)."""
    compiled = query.compile(session.get_bind(), compile_kwargs={"literal_binds": True})
    times = []
    for _ in range(runs):
        plan = session.execute(text(f"EXPLAIN (ANALYZE, FORMAT JSON) {compiled}")).scalar()
        times.append(float(plan[0]["Execution Time"]))
    return statistics.median(times)


def run(url: str, rows: int, reseed: bool) -> None:
    engine = create_engine(url)
    with Session(engine) as session:
        try:
            count = session.scalar(select(func.count()).select_from(Complaint))
        except Exception:  # noqa: BLE001 - no schema yet
            session.rollback()
            count = 0
    if reseed or count != rows:
        seed(url, rows)
    now = datetime.now(timezone.utc)
    cases = [
        ("kota officer, subtree queue (first page)", "kota", {}),
        ("kota officer, subtree, level=kelurahan", "kota", {"level": "kelurahan"}),
        ("kota officer, subtree, page before id 500000", "kota", {"before": "500000"}),
        ("provinsi officer, overdue page", "provinsi", {"overdue": "1"}),
        ("provinsi officer, overdue, status=verified", "provinsi", {"overdue": "1", "status": "verified"}),
        ("provinsi officer, first page", "provinsi", {}),
        ("kota officer, search 'banjir'", "kota", {"q": "banjir"}),
        ("provinsi officer, search 'banjir'", "provinsi", {"q": "banjir"}),
        ("admin, search 'banjir' (all 1M)", "admin", {"q": "banjir"}),
        ("admin, search 'pompa rusak'", "admin", {"q": "pompa rusak"}),
        ("first page, kelurahan officer", "kelurahan", {}),
        ("first page, admin (all 1M)", "admin", {}),
        ("kota officer, status=new", "kota", {"status": "new"}),
        (
            "admin, overdue + kind=misuse_of_funds",
            "admin",
            {"overdue": "1", "kind": "misuse_of_funds"},
        ),
        (
            "admin, kelurahan=500 + status=resolved",
            "admin",
            {"kelurahan": "500", "status": "resolved"},
        ),
        ("officer 5, assigned to me", "officer5", {"mine": "1"}),
        ("admin, deep keyset page before id 500000", "admin", {"before": "500000"}),
    ]
    print(f"\n{'case':46} {'page':>8} {'overdue#':>9} {'server':>8} {'server#':>8}  rows")
    with Session(engine) as session:
        officers = _officers(session)
        for label, who, args in cases:
            officer = officers[who]
            filters = queue.Filters.parse(args)
            page_ms = _ms(lambda: queue.page(session, officer, filters, now))
            count_ms = _ms(lambda: queue.overdue_count(session, officer, now))
            query = queue.filtered(officer, filters, now)
            if filters.before:
                query = query.where(Complaint.id < filters.before)
            server = _explain_ms(
                session, query.order_by(Complaint.id.desc()).limit(queue.PAGE_SIZE + 1)
            )
            # The overdue count runs one query per part of the scope (queue.overdue_count).
            count_server = sum(
                _explain_ms(
                    session,
                    select(func.count()).select_from(Complaint).where(part, Complaint.due_at < now),
                )
                for part in queue.scope_parts(officer)
            )
            shown = len(queue.page(session, officer, filters, now)[0])
            print(
                f"{label:46} {page_ms:7.1f}ms {count_ms:8.1f}ms {server:7.1f}ms "
                f"{count_server:7.1f}ms  {shown}"
            )
        from bot.complaints.recap import recap

        recap_ms = _ms(lambda: recap(session, officers["admin"], None), runs=3)
        print(f"{'monthly recap, admin (all areas)':46} {recap_ms:7.1f}ms")
        recap_ms = _ms(lambda: recap(session, officers["provinsi"], None), runs=3)
        print(f"{'monthly recap, provinsi officer':46} {recap_ms:7.1f}ms")
    _http(url)
    engine.dispose()


def _http(url: str) -> None:
    """One full dashboard request (session, every query of the page, template), in
    process so no network is counted, median of 7; as the kota and provinsi officers
    (ppm: no second factor to script)."""
    import re

    from bot import create_app

    app = create_app(
        {
            "TESTING": True,
            "DATABASE_URL": url,
            "SECRET_KEY": "bench-secret-key-0123456789",
            "WTF_CSRF_ENABLED": "0",
        }
    )
    pages = {
        "bench_kota": ("/complaints/", "/complaints/?level=kelurahan", "/complaints/?q=banjir"),
        "bench_provinsi": ("/complaints/?overdue=1", "/complaints/", "/complaints/recap/"),
    }
    for username, paths in pages.items():
        client = app.test_client()
        client.get("/login")
        response = client.post("/login", data={"username": username, "password": "bench-password"})
        assert response.status_code == 302, response.data[:200]
        for path in paths:
            ms = _ms(lambda: client.get(path))
            body = client.get(path).get_data(as_text=True)
            rows = len(set(re.findall("/complaints/[0-9]+", body)))
            print(f"HTTP GET {username:15} {path:30} {ms:7.1f}ms  {rows} rows")
    app.extensions["ksm_runtime"].db.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default="postgresql://postgres@127.0.0.1/ksm_complaints")
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--reseed", action="store_true")
    args = parser.parse_args()
    run(normalise_database_url(args.database_url), args.rows, args.reseed)


if __name__ == "__main__":
    main()
