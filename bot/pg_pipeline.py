"""Several prepared statements in one round trip, on libpq directly (PostgreSQL only).

Every inbound message runs the same few statements (``bot.inbound_sql``) in two round
trips. psycopg's cursors and pipeline objects cost about 0.3 ms of CPU for them; sent
here through ``psycopg.pq`` (the libpq wrapper psycopg itself is built on) they cost
0.12 ms, measured on the same transaction. That is a large share of what the webhook
costs beyond a bare Flask endpoint.

What it does, and nothing more:

- each :class:`Prepared` statement is prepared once per connection, in the same round
  trip as its first use, under its own name (psycopg's own are ``_pg3_*``);
- parameters are sent as text with their declared types; result columns are read by
  the decoders the statement declares (int, str, bool, JSON, timestamptz in the ISO
  DateStyle, which is PostgreSQL's default and what psycopg assumes too);
- waiting on the socket releases the GIL, so other threads of the worker run;
- an SQL error is raised as psycopg's exception for its SQLSTATE once the round trip
  has been read to its end; a connection left in a state that cannot be used again is
  closed and raised as ``psycopg.OperationalError``, which ``bot.inbound_sql`` turns
  into SQLAlchemy's "connection invalidated" (the message is then retried).
"""
from __future__ import annotations

import itertools
import json
import select
from collections import namedtuple
from datetime import datetime
from typing import Any, Callable, Iterable, Sequence
from weakref import WeakKeyDictionary

import psycopg
from psycopg import errors, pq

# Type OIDs for declared parameters (0: let the server infer it).
BOOL, INT8, TEXT, TIMESTAMPTZ, JSONB = 16, 20, 25, 1184, 3802

_TUPLES_OK = pq.ExecStatus.TUPLES_OK
_SYNC = pq.ExecStatus.PIPELINE_SYNC
_ERRORS = (pq.ExecStatus.FATAL_ERROR, pq.ExecStatus.PIPELINE_ABORTED)
_names = itertools.count(1)
_prepared: WeakKeyDictionary[psycopg.Connection, set[bytes]] = WeakKeyDictionary()


def _encode(value: Any) -> bytes | None:
    if value is None:
        return None
    if value is True:
        return b"t"
    if value is False:
        return b"f"
    if isinstance(value, datetime):
        return value.isoformat().encode()
    if isinstance(value, (dict, list)):
        return json.dumps(value).encode()
    text = str(value)
    if "\x00" in text:
        # libpq would cut the value there without a word: refuse, as psycopg does.
        raise psycopg.DataError("PostgreSQL text fields cannot contain NUL (0x00) bytes")
    return text.encode()


def _timestamptz(raw: bytes) -> datetime:
    return datetime.fromisoformat(raw.decode())


DECODERS: dict[str, Callable[[bytes], Any]] = {
    "int": int,
    "str": bytes.decode,
    "bool": lambda raw: raw == b"t",
    "json": json.loads,
    "timestamptz": _timestamptz,
}


class Prepared:
    """One statement with ``$n`` parameters, prepared on first use per connection.

    Args:
        sql: the statement, parameters written ``$1``, ``$2``...
        params: the name of each parameter, in ``$n`` order (values come in a dict).
        types: type OIDs of the parameters, in the same order (0: inferred).
        columns: (name, decoder name) of each result column; none: rows are not read.
    """

    def __init__(
        self, sql: str, params: Sequence[str], types: Sequence[int],
        columns: Sequence[tuple[str, str]] = (),
    ) -> None:
        self.name = f"ksm_{next(_names)}".encode()
        self.sql = sql.encode()
        self.params = tuple(params)
        self.types = tuple(types)
        self.decoders = tuple(DECODERS[kind] for _, kind in columns)
        self.row = namedtuple("Row", [name for name, _ in columns]) if columns else None  # type: ignore[misc]

    def values(self, params: dict[str, Any]) -> list[bytes | None]:
        return [_encode(params[name]) for name in self.params]

    def rows(self, result: pq.PGresult) -> list[Any]:
        if self.row is None:
            return []
        decoders = self.decoders
        get = result.get_value
        return [
            self.row(*[
                None if (raw := get(r, c)) is None else decode(raw)
                for c, decode in enumerate(decoders)
            ])
            for r in range(result.ntuples)
        ]


Command = tuple["Prepared | bytes", "dict[str, Any] | None"]


def run(driver: psycopg.Connection, commands: Iterable[Command]) -> list[list[Any]]:
    """Send ``commands`` (a :class:`Prepared` with its parameters, or plain SQL such as
    ``b"BEGIN"`` with None) in one round trip; return the rows of each command, in
    order (an empty list for plain SQL and statements that return none).

    Raises:
        psycopg.DataError: a value holds a NUL (nothing was sent).
        psycopg.Error: the first SQL error, after the round trip was read to its end
            (later statements of the same round trip were skipped by the server).
        psycopg.OperationalError: the connection broke or was left unusable; it is
            closed.
    """
    pgconn = driver.pgconn
    prepared = _prepared.setdefault(driver, set())
    # Per command sent: True for plain SQL, bytes (the name) for a PREPARE, else the
    # statement whose rows come back.
    sent: list[Prepared | bytes | bool] = []
    # Encoded before anything is sent: a value that cannot go (a NUL) leaves the
    # connection untouched.
    encoded = [
        (statement, None if isinstance(statement, bytes) else statement.values(params or {}))
        for statement, params in commands
    ]
    try:
        pgconn.enter_pipeline_mode()
        for statement, values in encoded:
            if isinstance(statement, bytes):
                pgconn.send_query_params(statement, None)
                sent.append(True)
                continue
            if statement.name not in prepared and statement.name not in sent:
                pgconn.send_prepare(statement.name, statement.sql, statement.types)
                sent.append(statement.name)
            pgconn.send_query_prepared(statement.name, values)
            sent.append(statement)
        pgconn.pipeline_sync()
        results, error = _read(pgconn, sent, prepared)
        pgconn.exit_pipeline_mode()
    except (psycopg.Error, OSError) as exc:
        # Whatever went wrong mid-round-trip, the connection's state is unknown now.
        prepared.clear()
        pgconn.finish()
        raise psycopg.OperationalError(f"database round trip failed: {exc}") from exc
    if error is not None:
        if isinstance(error, errors.InvalidSqlStatementName):
            prepared.clear()  # someone ran DEALLOCATE: prepare again next time
        raise error
    return results


def _read(
    pgconn: pq.abc.PGconn, sent: list[Prepared | bytes | bool], prepared: set[bytes]
) -> tuple[list[list[Any]], Any]:
    """Flush, then read every result up to the pipeline's sync point: the rows of each
    command (none for plain SQL), and the first SQL error. A PREPARE that succeeded
    is noted in ``prepared`` (one skipped after an error is not)."""
    fd = pgconn.socket
    while pgconn.flush():
        readable, _, _ = select.select([fd], [fd], [])
        if readable:  # the server may wait for us to read before it reads more
            pgconn.consume_input()
    results: list[list[Any]] = []
    error = None
    position = 0
    while True:
        while pgconn.is_busy():
            select.select([fd], [], [])
            pgconn.consume_input()
        result = pgconn.get_result()
        if result is None:  # the end of one command's results
            position += 1
            continue
        status = result.status
        if status == _SYNC:
            return results, error
        if status in _ERRORS:
            if error is None and status != pq.ExecStatus.PIPELINE_ABORTED:
                error = errors.error_from_result(result)
            continue
        command = sent[position]
        if command is True:
            results.append([])
        elif isinstance(command, bytes):
            prepared.add(command)
        else:
            results.append(command.rows(result) if status == _TUPLES_OK else [])
