"""A single outbound message's retries and lease (workers/outbound.py)."""
from __future__ import annotations

import pytest
from sqlalchemy import create_engine, inspect, text

from tests.conftest import SERVER_DB


def _migrate_down_and_up(url: str) -> None:
    from bot.migrate import downgrade, upgrade

    upgrade(url)
    engine = create_engine(url)
    columns = {c["name"] for c in inspect(engine).get_columns("message")}
    assert {"next_attempt_at", "claimed_at"} <= columns
    downgrade(url, "0006_message_created_brin")
    columns = {c["name"] for c in inspect(engine).get_columns("message")}
    assert not {"next_attempt_at", "claimed_at"} & columns
    assert "ix_message_queued" in {i["name"] for i in inspect(engine).get_indexes("message")}
    upgrade(url)
    indexes = {i["name"] for i in inspect(engine).get_indexes("message")}
    assert {"ix_message_due", "ix_message_lease"} <= indexes
    engine.dispose()


def test_the_migration_goes_down_and_up_on_sqlite(tmp_path) -> None:  # type: ignore[no-untyped-def]
    _migrate_down_and_up(f"sqlite:///{tmp_path / 'migrate.sqlite3'}")


@pytest.mark.skipif(not SERVER_DB, reason="needs PostgreSQL (server mode)")
def test_the_migration_goes_down_and_up_on_postgresql(database_url) -> None:  # type: ignore[no-untyped-def]
    schema = "h2_migration_probe"
    engine = create_engine(database_url)
    with engine.begin() as conn:
        conn.execute(text(f"DROP SCHEMA IF EXISTS {schema} CASCADE"))
        conn.execute(text(f"CREATE SCHEMA {schema}"))
    try:
        sep = "&" if "?" in database_url else "?"
        _migrate_down_and_up(f"{database_url}{sep}options=-csearch_path%3D{schema}")
    finally:
        with engine.begin() as conn:
            conn.execute(text(f"DROP SCHEMA {schema} CASCADE"))
        engine.dispose()


