"""Queries whose cost must not grow with the tables: plans read off PostgreSQL.

- The hot path's session read keeps its index look-up on a new deployment. Prepared
  statements get a generic plan after a few runs, and each web process keeps it until
  the tables are next analysed. A plan made on tables without statistics must still
  find a contact's session by contact, not read every open session for every message
  (it did: a message cost more the more residents were in a dialog, until autovacuum's
  first ANALYZE).
- The periodic sweep and the dashboard's home read a few pages however long the
  history behind them.
"""
from __future__ import annotations

from contextlib import contextmanager
from typing import Any, Iterator

import psycopg
import pytest
from sqlalchemy import event

from sqlalchemy.dialects import postgresql

from bot import inbound_store
from tests.conftest import SERVER_DB, libpq_url

pytestmark = pytest.mark.skipif(not SERVER_DB, reason="needs PostgreSQL (server mode)")

SCHEMA = "plan_probe"
TABLES = ("contact", "conversation_session", "message")


@pytest.fixture()
def fresh_tables(database_url: str) -> Iterator[psycopg.Connection[Any]]:
    """A connection whose search path finds new, empty, never analysed copies of the
    hot path's tables, with their indexes (partial ones included)."""
    conn = psycopg.connect(libpq_url(database_url), autocommit=True)
    conn.execute(f"DROP SCHEMA IF EXISTS {SCHEMA} CASCADE")
    conn.execute(f"CREATE SCHEMA {SCHEMA}")
    for table in TABLES:
        conn.execute(f"CREATE TABLE {SCHEMA}.{table} (LIKE public.{table} INCLUDING ALL)")
    conn.execute(f"SET search_path = {SCHEMA}")
    conn.execute("SET plan_cache_mode = force_generic_plan")
    yield conn
    conn.execute(f"DROP SCHEMA {SCHEMA} CASCADE")
    conn.close()


def generic_plan(conn: psycopg.Connection[Any], statement: Any) -> Any:
    """The plan PostgreSQL keeps for ``statement`` (a Core statement) once psycopg has
    prepared it: a generic one, made without looking at the values."""
    compiled = statement.compile(dialect=postgresql.dialect(paramstyle="numeric_dollar"))
    conn.execute(f"PREPARE probe AS {compiled}")
    try:
        values = ", ".join(
            "NULL" if compiled.params[name] is None else f"'{compiled.params[name]}'"
            for name in compiled.positiontup)
        row = conn.execute(f"EXPLAIN (FORMAT JSON) EXECUTE probe({values})").fetchone()
    finally:
        conn.execute("DEALLOCATE probe")
    assert row is not None
    return row[0][0]["Plan"]


def scans_of(plan: Any, table: str) -> list[dict[str, Any]]:
    found = [plan] if plan.get("Relation Name") == table else []
    for child in plan.get("Plans", []):
        found += scans_of(child, table)
    return found


def test_reading_the_open_session_looks_it_up_by_contact(fresh_tables) -> None:  # type: ignore[no-untyped-def]
    session = inbound_store._session
    plan = generic_plan(fresh_tables, inbound_store._OPEN_SESSION.where(session.c.contact_id == 7))
    (session_scan,) = scans_of(plan, "conversation_session")
    assert "contact_id" in session_scan.get("Index Cond", ""), session_scan


def test_reading_the_contact_looks_it_up_by_phone(fresh_tables) -> None:  # type: ignore[no-untyped-def]
    contact = inbound_store._contact
    plan = generic_plan(fresh_tables,
                        inbound_store._CONTACT_READ.where(contact.c.phone == "+6281234567890"))
    (contact_scan,) = scans_of(plan, "contact")
    assert "phone" in contact_scan.get("Index Cond", ""), contact_scan


@contextmanager
def statements_run(rt: Any) -> Iterator[list[tuple[str, Any]]]:
    """The SQL statements (with their parameters) the app's engine runs in the block."""
    ran: list[tuple[str, Any]] = []

    def grab(conn, cursor, statement, parameters, context, executemany):  # type: ignore[no-untyped-def]
        ran.append((statement, parameters))

    event.listen(rt.db.engine, "before_cursor_execute", grab)
    try:
        yield ran
    finally:
        event.remove(rt.db.engine, "before_cursor_execute", grab)


def pages_read(conn: psycopg.Connection[Any], statement: str, parameters: Any) -> int:
    """The shared buffers (pages) PostgreSQL touches running ``statement``. It runs:
    the caller rolls its transaction back."""
    (plan,) = conn.execute(
        "EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) " + statement, parameters
    ).fetchone()
    top = plan[0]["Plan"]
    return int(top["Shared Hit Blocks"] + top["Shared Read Blocks"])


# What a year of use leaves behind: messages long answered or sent, broadcasts long
# done. None of it is due, so a sweep should not have to read it.

def at_test_clock(sql: str) -> str:
    """``sql`` with the server's now() replaced by the test's clock (tests run at a fixed
    instant: rows dated by the server's clock would be months away from it)."""
    from datetime import datetime, timezone

    return sql.replace("now()", f"'{datetime.now(timezone.utc).isoformat()}'::timestamptz")


HISTORY = """
INSERT INTO contact (phone, language, uses_sms, uses_whatsapp, opted_out, invalid_number,
                     created_at)
SELECT '+6281300' || lpad(n::text, 6, '0'), 'id', true, false, false, false, now()
FROM generate_series(1, 200) AS n;
INSERT INTO message (contact_id, direction, channel, body, status, attempts, created_at,
                     updated_at)
SELECT c.id, CASE WHEN n % 2 = 0 THEN 'in' ELSE 'out' END, 'sms', 'MENU',
       CASE WHEN n % 2 = 0 THEN 'handled' ELSE 'delivered' END, 1,
       now() - interval '1 day' * (n % 365), now()
FROM generate_series(1, 100) AS n, contact AS c;
INSERT INTO broadcast (kind, body_sms, status, queued_count, sent_count, delivered_count,
                       failed_count, skipped_count, created_at)
SELECT 'announcement', 'Pengumuman', 'done', 0, 200, 200, 0, 0, now() - interval '1 day' * n
FROM generate_series(1, 100) AS n;
INSERT INTO broadcast_send (broadcast_id, contact_id, channel, status, attempts)
SELECT b.id, c.id, 'sms', 'delivered', 1 FROM broadcast AS b, contact AS c;
ANALYZE contact, message, broadcast, broadcast_send;
"""


def test_the_sweep_does_not_read_the_history(rt, database_url) -> None:  # type: ignore[no-untyped-def]
    """Every query the periodic sweep runs touches a few pages when nothing is due,
    whatever the tables hold: 20,000 old messages and broadcast sends here."""
    from bot import clock
    from workers.sweep import TASKS

    url = libpq_url(database_url)
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(at_test_clock(HISTORY))

    with statements_run(rt) as ran:
        for task in TASKS:
            task(rt, clock.now(rt))
    assert ran, "the sweep ran no query"

    pages = {}
    with psycopg.connect(url) as conn:  # EXPLAIN ANALYZE runs UPDATEs: rolled back
        for statement, parameters in ran:
            if statement.lstrip().upper().startswith(("SELECT", "UPDATE", "DELETE")):
                pages[statement] = pages_read(conn, statement, parameters)
        conn.rollback()
    assert {sql: n for sql, n in pages.items() if n > 30} == {}


# Two weeks of messages, one a minute, oldest first as they arrive.
TWO_WEEKS = """
INSERT INTO contact (phone, language, uses_sms, uses_whatsapp, opted_out, invalid_number,
                     created_at)
VALUES ('+6281399999999', 'id', true, false, false, false, now());
INSERT INTO message (contact_id, direction, channel, body, status, attempts, created_at,
                     updated_at)
SELECT (SELECT id FROM contact WHERE phone = '+6281399999999'),
       CASE WHEN n % 2 = 0 THEN 'in' ELSE 'out' END, 'sms', 'MENU',
       CASE WHEN n % 2 = 0 THEN 'handled' WHEN n % 50 = 1 THEN 'failed' ELSE 'delivered' END,
       1, now() - interval '1 minute' * (100000 - n), now()
FROM generate_series(1, 100000) AS n;
ANALYZE message;
"""


def test_the_dashboard_counts_the_last_day_without_reading_the_history(
    rt, database_url, officer_login
) -> None:  # type: ignore[no-untyped-def]
    """The dashboard's home counts the last 24 hours of messages; its cost must not grow
    with the months of messages behind them."""
    url = libpq_url(database_url)
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(at_test_clock(TWO_WEEKS))
        # What autovacuum does in production (CI's PostgreSQL runs without it).
        conn.execute("SELECT brin_summarize_new_values('ix_message_created')")
    client = officer_login()

    with statements_run(rt) as ran:
        page = client.get("/")
    assert page.status_code == 200
    counts = [(statement, parameters) for statement, parameters in ran
              if "FROM message" in statement]
    # Inbound, failed, and expired (single messages; broadcast recipients beside).
    assert len(counts) == 3, counts

    with psycopg.connect(url) as conn:
        for statement, parameters in counts:
            # The table is ~1,000 pages; the last day's 1,440 rows fill ~15.
            assert pages_read(conn, statement, parameters) < 150, statement


# 40,000 complaints in two kelurahan of two "Kota Bandung"; 8 say "banjir" (a common
# word fills a page from the newest complaints anyway; a rare one is what an index is
# for). Texts are long enough that the table is ~1,000 pages.
COMPLAINTS = """
INSERT INTO contact (phone, language, uses_sms, uses_whatsapp, opted_out, invalid_number,
                     created_at)
VALUES ('+6281377777777', 'id', true, false, false, false, now());
INSERT INTO complaint (code, contact_id, channel, text, kelurahan_id, kota_area_id,
                       provinsi_area_id, anonymous, names_bkm_member, level, status,
                       created_at, updated_at)
SELECT lpad(n::text, 9, '0'), (SELECT id FROM contact WHERE phone = '+6281377777777'), 'sms',
       'Aduan ' || n || CASE WHEN n % 10000 IN (7, 8) THEN ': banjir di RW ' ELSE ': jalan rusak di RW ' END
       || repeat('dan dana BLM belum sampai ', 3),
       k.id, k.kota_area_id, k.provinsi_area_id, true, false, 'kelurahan', 'new', now(), now()
FROM generate_series(1, 40000) AS n
JOIN kelurahan AS k ON k.code = CASE WHEN n % 2 = 0 THEN '32.73.14.1004' ELSE '16.99.01.1001' END;
ANALYZE complaint;
"""


def test_word_search_uses_the_trigram_index_within_the_scope(
    rt, database_url, officer_login
) -> None:  # type: ignore[no-untyped-def]
    """Searching words in the queue reads the few complaints that hold them (pg_trgm),
    not every complaint, and finds only those of the officer's own area."""
    from bot.models import Kelurahan

    with rt.db.session() as session:
        session.add_all([
            Kelurahan(code="32.73.14.1004", name="Sukamaju", kota="Kota Bandung", provinsi="Jawa Barat"),
            Kelurahan(code="16.99.01.1001", name="Cibeureum", kota="Kota Bandung",
                      provinsi="Sumatera Selatan"),
        ])
    url = libpq_url(database_url)
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(at_test_clock(COMPLAINTS))
    client = officer_login("ppm_bdg", "ppm", kota="Kota Bandung", provinsi="Jawa Barat")

    with statements_run(rt) as ran:
        page = client.get("/complaints/?q=banjir").get_data(as_text=True)
    # Odd numbers are Sumatera Selatan's, even ones Jawa Barat's.
    assert "000000008" in page and "000000007" not in page
    searches = [(s, p) for s, p in ran if "ILIKE" in s.upper() and "LIMIT" in s.upper()]
    # The queue reads the overdue part, then the rest (bot.complaints.queue.page).
    assert 1 <= len(searches) <= 2, ran
    with psycopg.connect(url) as conn:
        table = conn.execute("SELECT relpages FROM pg_class WHERE relname = 'complaint'").fetchone()
        plans = [str(conn.execute("EXPLAIN (FORMAT JSON) " + search[0], search[1]).fetchone())
                 for search in searches]
        # The rest by the trigram index; the overdue part (few rows) as the planner likes.
        assert "ix_complaint_search_trgm" in plans[-1], plans[-1]
        for search in searches:
            # Index pages, not the table (a scan reads all of it, ~1,100 pages).
            assert pages_read(conn, *search) < table[0] / 2


# A year of announcements through ten gateway phones: 300 broadcasts, one a day, to
# 1,000 residents each (300,000 send rows; a week holds 7,000 of them).
ANNOUNCED = """
INSERT INTO contact (phone, language, uses_sms, uses_whatsapp, opted_out, invalid_number,
                     created_at)
SELECT '+6281500' || lpad(n::text, 6, '0'), 'id', true, false, false, false, now()
FROM generate_series(1, 1000) AS n;
INSERT INTO broadcast (kind, body_sms, status, queued_count, sent_count, delivered_count,
                       failed_count, skipped_count, created_at)
SELECT 'announcement', 'Pengumuman', 'done', 0, 1000, 1000, 0, 0, now() - interval '1 day' * n
FROM generate_series(0, 299) AS n;
INSERT INTO broadcast_send (broadcast_id, contact_id, channel, status, attempts, sent_at,
                            updated_at, external_id, device_id, sim)
SELECT b.id, c.id, 'sms', CASE WHEN c.id % 20 = 0 THEN 'failed' ELSE 'delivered' END, 1,
       b.created_at + interval '1 second' * (c.id % 1000),
       b.created_at + interval '1 second' * (c.id % 1000) + interval '1 minute',
       'gw:' || b.id || '-' || c.id, 'dev-' || (c.id % 10), 1 + c.id % 2
FROM broadcast AS b, contact AS c;
ANALYZE contact, broadcast, broadcast_send;
"""


def test_each_phones_figures_read_the_week_not_the_year_of_announcements(
    rt, database_url
) -> None:  # type: ignore[no-untyped-def]
    """The phones' delivery figures (admin jobs page; the sweep every five minutes)
    count the week's broadcast rows a phone carried through their partial index; the
    months of announcements before it are not read."""
    from bot import clock
    from bot.gateway_health import fleet

    url = libpq_url(database_url)
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(at_test_clock(ANNOUNCED))
        (table_pages,) = conn.execute(
            "SELECT relpages FROM pg_class WHERE relname = 'broadcast_send'").fetchone()
    with statements_run(rt) as ran:
        with rt.db.session() as session:
            fleet(session, clock.now(rt), rt.settings)
    [(statement, parameters)] = [(s, p) for s, p in ran if "broadcast_send" in s]
    with psycopg.connect(url) as conn:
        plan = str(conn.execute("EXPLAIN (FORMAT JSON) " + statement, parameters).fetchone())
        pages = pages_read(conn, statement, parameters)
    assert "ix_broadcast_send_phone" in plan, plan
    # ~3,700 pages of rows; the week's 7,000 rows and their index entries a few hundred.
    assert pages < table_pages / 4, (pages, table_pages)
