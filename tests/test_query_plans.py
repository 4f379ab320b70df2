"""The hot path's statements keep their index look-ups on a new deployment.

Prepared statements get a generic plan after a few runs, and each web process keeps it
until the tables are next analysed. On a new deployment the tables have no statistics
yet: a plan made then must still find a contact's session by contact, not read every
open session for every message (it did: a message cost more the more residents were in
a dialog, until autovacuum's first ANALYZE).
"""
from __future__ import annotations

from typing import Any, Iterator

import psycopg
import pytest
from psycopg import sql as pgsql

from bot import inbound_sql as sql
from bot.settings import normalise_database_url
from tests.conftest import SERVER_DB

pytestmark = pytest.mark.skipif(not SERVER_DB, reason="needs PostgreSQL (server mode)")

SCHEMA = "plan_probe"
TABLES = ("contact", "conversation_session", "message")


@pytest.fixture()
def fresh_tables(database_url: str) -> Iterator[psycopg.Connection[Any]]:
    """A connection whose search path finds new, empty, never analysed copies of the
    hot path's tables, with their indexes (partial ones included)."""
    url = normalise_database_url(database_url).replace("postgresql+psycopg://", "postgresql://")
    conn = psycopg.connect(url, autocommit=True)
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
        "sid": "SMplanprobe", "status": "handled", "now": "2026-11-28T08:00:00+00:00",
    })
    (session_scan,) = scans_of(plan, "conversation_session")
    assert "contact_id" in session_scan.get("Index Cond", ""), session_scan
