"""The hot path's libpq round trips (bot.pg_pipeline), against the real PostgreSQL."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any, Iterator

import psycopg
import pytest

from bot.pg_pipeline import BOOL, JSONB, TIMESTAMPTZ, Prepared, run
from tests.conftest import SERVER_DB, libpq_url

pytestmark = pytest.mark.skipif(not SERVER_DB, reason="needs PostgreSQL (server mode)")

ECHO = Prepared(
    "SELECT $1::int8 + 1, $2::text, $3, $4, $5, NULL::text",
    ["n", "s", "flag", "at", "doc"], [0, 0, BOOL, TIMESTAMPTZ, JSONB],
    [("n", "int"), ("s", "str"), ("flag", "bool"), ("at", "timestamptz"), ("doc", "json"),
     ("nothing", "str")],
)
DIVIDE = Prepared("SELECT 1 / $1::int", ["d"], [0], [("q", "int")])
TEMP_INSERT = Prepared("INSERT INTO pipeline_probe (v) VALUES ($1)", ["v"], [0])


@pytest.fixture()
def driver() -> Iterator[psycopg.Connection[Any]]:
    conn = psycopg.connect(libpq_url(SERVER_DB or ""), autocommit=True)
    conn.execute("CREATE TEMP TABLE pipeline_probe (v int)")
    yield conn
    conn.close()


def echo(n: int = 41) -> tuple[Prepared, dict[str, Any]]:
    at = datetime(2026, 11, 27, 23, 0, 5, 123456, tzinfo=timezone(timedelta(hours=7)))
    return ECHO, {"n": n, "s": "héllo 'x'", "flag": True, "at": at, "doc": {"a": [1, "b"]}}


def test_values_go_out_and_come_back_typed(driver) -> None:  # type: ignore[no-untyped-def]
    (row,), = run(driver, [echo()])
    assert row.n == 42
    assert row.s == "héllo 'x'"
    assert row.flag is True
    assert row.at == datetime(2026, 11, 27, 16, 0, 5, 123456, tzinfo=timezone.utc)
    assert row.doc == {"a": [1, "b"]}
    assert row.nothing is None


def test_several_commands_in_one_round_trip_each_with_its_rows(driver) -> None:  # type: ignore[no-untyped-def]
    results = run(driver, [
        (b"BEGIN", None), (TEMP_INSERT, {"v": 1}), echo(1), echo(2), (b"COMMIT", None),
    ])
    assert [len(r) for r in results] == [0, 0, 1, 1, 0]
    assert [results[2][0].n, results[3][0].n] == [2, 3]
    assert driver.execute("SELECT count(*) FROM pipeline_probe").fetchone() == (1,)
    # Prepared once per connection: the second use sends no second PREPARE.
    run(driver, [echo()])
    names = [r[0] for r in driver.execute("SELECT name FROM pg_prepared_statements")]
    assert names.count(ECHO.name.decode()) == 1


def test_an_sql_error_is_raised_after_the_round_trip_and_the_connection_stays_usable(driver) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(psycopg.errors.DivisionByZero):
        run(driver, [(b"BEGIN", None), (TEMP_INSERT, {"v": 7}), (DIVIDE, {"d": 0}), echo()])
    # The statements after the error were skipped; the caller rolls back.
    assert driver.info.transaction_status == psycopg.pq.TransactionStatus.INERROR
    driver.rollback()
    assert driver.execute("SELECT count(*) FROM pipeline_probe").fetchone() == (0,)
    (row,), = run(driver, [echo()])
    assert row.n == 42


def test_statements_deallocated_by_someone_else_are_prepared_again(driver) -> None:  # type: ignore[no-untyped-def]
    run(driver, [echo()])
    driver.execute("DEALLOCATE ALL")
    with pytest.raises(psycopg.errors.InvalidSqlStatementName):
        run(driver, [echo()])
    (row,), = run(driver, [echo(1)])
    assert row.n == 2


def test_a_connection_the_server_ended_is_closed_and_raised_as_operational(driver) -> None:  # type: ignore[no-untyped-def]
    run(driver, [echo()])
    with psycopg.connect(libpq_url(SERVER_DB or ""), autocommit=True) as admin:
        admin.execute("SELECT pg_terminate_backend(%s)", [driver.info.backend_pid])
    with pytest.raises(psycopg.OperationalError):
        run(driver, [echo()])
    assert driver.closed


def test_a_nul_in_a_value_is_refused_not_cut_short(driver) -> None:  # type: ignore[no-untyped-def]
    statement, params = echo()
    with pytest.raises(psycopg.DataError):
        run(driver, [(statement, {**params, "s": "before\x00after"})])
    (row,), = run(driver, [echo()])  # the connection is still fine
    assert row.s == "héllo 'x'"
