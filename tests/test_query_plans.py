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
from psycopg import sql as pgsql
from sqlalchemy import event

from bot import inbound_sql as sql
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


def generic_plan(conn: psycopg.Connection[Any], statement: Any, values: dict[str, Any]) -> Any:
    prepared = statement.pg
    conn.execute(b"PREPARE probe AS " + prepared.sql)
    try:
        args = pgsql.SQL(", ").join(pgsql.Literal(values[name]) for name in prepared.params)
        row = conn.execute(
            pgsql.SQL("EXPLAIN (FORMAT JSON) EXECUTE probe({})").format(args)
        ).fetchone()
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
    plan = generic_plan(fresh_tables, sql.INSERT_INBOUND_READ_SESSION, {
        "phone": "+6281234567890", "channel": "sms", "body": "MENU", "media": None,
        "sid": "SM" + "9" * 32, "status": "handled", "now": "2026-11-28T08:00:00+00:00",
    })
    (session_scan,) = scans_of(plan, "conversation_session")
    assert "contact_id" in session_scan.get("Index Cond", ""), session_scan




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
    from workers import clock
    from workers.sweep import TASKS

    url = libpq_url(database_url)
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(HISTORY)

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
        conn.execute(TWO_WEEKS)
        # What autovacuum does in production (CI's PostgreSQL runs without it).
        conn.execute("SELECT brin_summarize_new_values('ix_message_created')")
    client = officer_login()

    with statements_run(rt) as ran:
        page = client.get("/")
    assert page.status_code == 200
    counts = [(statement, parameters) for statement, parameters in ran
              if "FROM message" in statement]
    assert len(counts) == 2, counts

    with psycopg.connect(url) as conn:
        for statement, parameters in counts:
            # The table is ~1,000 pages; the last day's 1,440 rows fill ~15.
            assert pages_read(conn, statement, parameters) < 150, statement
