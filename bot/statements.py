"""Statements written once as SQL that run on both databases, fast on PostgreSQL.

A :class:`Statement` is built at import. On SQLite it runs through SQLAlchemy (which
converts dates, booleans and JSON); on PostgreSQL it runs as a prepared statement on
libpq directly (``bot.pg_pipeline``), on the connection (and in the transaction) it is
given, because SQLAlchemy's and then psycopg's per-execution work cost more CPU than
such small statements themselves. The inbound hot path (``bot.inbound_sql``) and the
flows' most frequent look-ups use them.
"""
from __future__ import annotations

import re
from collections import namedtuple
from contextlib import contextmanager
from typing import Any, Iterator, Sequence

import psycopg
from sqlalchemy import Boolean, Connection, Integer, Select, String, bindparam, text
from sqlalchemy.dialects import postgresql
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import TextClause

from bot.models.base import JsonType, UtcDateTime
from bot.pg_pipeline import BOOL, JSONB, TIMESTAMPTZ, Command, Prepared, run

_DECODER = {Integer: "int", String: "str", Boolean: "bool", JsonType: "json",
            UtcDateTime: "timestamptz"}
# Compiles Core selects to SQL with :name parameters (Statement.of).
_PG_NAMED = postgresql.dialect(paramstyle="named")


def _decoder_type(type_: Any) -> Any:
    """The _DECODER key a column type reads as (its nearest listed base class)."""
    for kind in type(type_).__mro__:
        if kind in _DECODER:
            return kind
    raise TypeError(f"Statement.of: no decoder for columns of type {type_!r}")


class Statement:
    """One SQL statement with ``:name`` parameters.

    Args:
        sql: the statement.
        json: parameters holding JSON values.
        times: parameters holding aware datetimes.
        booleans: parameters holding booleans.
        columns: the result's column types (SQLite needs them to read booleans, dates
            and JSON back).
    """

    def __init__(
        self, sql: str, json: Sequence[str] = (), times: Sequence[str] = (),
        booleans: Sequence[str] = (), **columns: Any,
    ) -> None:
        self.clause: TextClause = text(sql).bindparams(
            *(bindparam(n, type_=JsonType) for n in json),
            *(bindparam(n, type_=UtcDateTime) for n in times),
            *(bindparam(n, type_=Boolean) for n in booleans),
        )
        if columns:
            self.clause = self.clause.columns(**columns)
        names: list[str] = []

        def positional(found: re.Match[str]) -> str:
            if found.group(1) not in names:
                names.append(found.group(1))
            return f"${names.index(found.group(1)) + 1}"

        pg_sql = re.sub(r"(?<![:\w]):(\w+)", positional, sql)
        kinds = {**dict.fromkeys(json, JSONB), **dict.fromkeys(times, TIMESTAMPTZ),
                 **dict.fromkeys(booleans, BOOL)}
        self.pg = Prepared(
            pg_sql, names, [kinds.get(n, 0) for n in names],
            [(name, _DECODER[type_]) for name, type_ in columns.items()],
        )
        # Values a compiled select carries itself (Statement.of).
        self.constants: dict[str, Any] = {}

    @classmethod
    def of(cls, query: Select[Any]) -> Statement:
        """A Core select as a Statement: SQLAlchemy runs the select itself on SQLite;
        PostgreSQL gets it compiled once, with the constants it holds bound on each
        run. Its rows read by the select's column names, or by position.

        For the flows' frequent look-ups, written as selects: run through the ORM
        session each cost about four times its statement's own CPU.
        """
        compiled = query.compile(dialect=_PG_NAMED)
        if any(bind.expanding for bind in compiled.binds.values()):
            raise ValueError("Statement.of: expanding IN parameters cannot be prepared")
        columns = {f"c{i}": _decoder_type(column.type)
                   for i, column in enumerate(query.selected_columns)}
        statement = cls(str(compiled), **columns)
        statement.clause = query  # type: ignore[assignment]
        statement.pg.row = namedtuple(  # type: ignore[misc]
            "Row", list(query.selected_columns.keys()), rename=True)
        statement.constants = {
            name: value for name, value in compiled.params.items()
            if not compiled.binds[name].required
        }
        return statement

    def rows(self, conn: Connection, params: dict[str, Any] | list[dict[str, Any]]) -> list[Any]:
        """Run the statement (a list of parameter sets: once per set); return its rows,
        read by column name."""
        if conn.dialect.name != "postgresql":
            result = conn.execute(self.clause, params)
            return result.all() if result.returns_rows else []
        with driver_of(conn) as driver:
            results = run(driver, self.commands(params))
        return [row for rows in results for row in rows]

    def commands(self, params: dict[str, Any] | list[dict[str, Any]]) -> list[Command]:
        """PostgreSQL: this statement for :func:`bot.pg_pipeline.run`, once per
        parameter set."""
        if isinstance(params, list):
            return [(self.pg, self._with_constants(p)) for p in params]
        return [(self.pg, self._with_constants(params))]

    def _with_constants(self, params: dict[str, Any]) -> dict[str, Any]:
        return {**self.constants, **params} if self.constants else params

    def read(self, session: Session, params: dict[str, Any]) -> list[Any]:
        """:meth:`rows` in ``session``'s transaction, after flushing what it holds
        pending (as the session's own execute would)."""
        if session.new or session.dirty or session.deleted:
            session.flush()
        return self.rows(session.connection(), params)

    def first(self, conn: Connection, params: dict[str, Any]) -> Any:
        rows = self.rows(conn, params)
        return rows[0] if rows else None


@contextmanager
def driver_of(conn: Connection) -> Iterator[psycopg.Connection]:
    """The psycopg connection under ``conn``, in ``conn``'s transaction.

    A connection lost meanwhile is handled as SQLAlchemy handles it for its own
    statements: dropped from the pool and raised as a DBAPIError with
    ``connection_invalidated``, which the caller may retry on a fresh connection.
    """
    driver = conn.connection.driver_connection
    try:
        yield driver
    except psycopg.OperationalError as exc:
        if not (driver.broken or driver.closed):
            raise
        conn.invalidate(exc)
        raise DBAPIError.instance(None, None, exc, psycopg.Error, connection_invalidated=True) from exc
