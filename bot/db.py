"""The database: one engine and session factory per process, built from settings."""
from __future__ import annotations

from contextlib import contextmanager
from typing import Iterator

from sqlalchemy import Connection, create_engine, event
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from sqlalchemy.orm import Session, sessionmaker


class Database:
    """An engine and its session factory.

    On SQLite every transaction starts with ``BEGIN IMMEDIATE`` so that two writers
    queue for the lock instead of failing half-way (the embedded default serialises
    writes; PostgreSQL uses row locks instead).
    """

    def __init__(self, url: str, echo: bool = False) -> None:
        self.url = url
        self.is_sqlite = url.startswith("sqlite")
        if self.is_sqlite:
            self.engine = create_engine(
                url, echo=echo, connect_args={"check_same_thread": False, "timeout": 30}
            )
            _sqlite_pragmas(self.engine)
            self.autocommit_engine = None
        else:
            # pool_size covers a gunicorn worker's threads (Procfile WEB_THREADS): a
            # connection opened past it is closed again after use, a backend start per
            # request under load. No pool_pre_ping: it is a round trip on every checkout,
            # i.e. on every webhook (one of about a dozen). A connection the server
            # dropped raises a DBAPIError with connection_invalidated, SQLAlchemy then
            # renews the whole pool, and the webhook (bot.inbound) and /healthz retry
            # once. pool_recycle retires connections before firewalls or pgbouncer drop
            # them for idleness.
            self.engine = create_engine(url, echo=echo, pool_size=8, max_overflow=8,
                                        pool_recycle=1800)
        self.sessions = sessionmaker(self.engine, expire_on_commit=False)

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A session in a transaction: committed on success, rolled back on error."""
        with self.sessions() as session, session.begin():
            yield session

    def request_session(self) -> Session:
        """A session for a web request, which mostly reads.

        On SQLite it begins DEFERRED, so holding it open for a whole request does not
        block the writers (the webhook, jobs) that a view may call meanwhile.
        """
        session = self.sessions()
        if self.is_sqlite:
            session.connection(execution_options={"sqlite_begin": "DEFERRED"})
        return session

    def dispose(self) -> None:
        self.engine.dispose()


def _sqlite_pragmas(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):  # type: ignore[no-untyped-def]
        # Let SQLAlchemy, not pysqlite, decide when transactions begin.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection):  # type: ignore[no-untyped-def]
        mode = connection.get_execution_options().get("sqlite_begin", "IMMEDIATE")
        connection.exec_driver_sql(f"BEGIN {mode}")


# SQLSTATE classes that mean "the server is not there for us": connection exceptions,
# and the server shutting down, crashed or starting (57P01-57P03).
_UNAVAILABLE_STATES = ("08", "57P")
_SQLITE_UNAVAILABLE = ("unable to open", "database is locked", "disk i/o error")


def is_unavailable(exc: BaseException) -> bool:
    """Whether ``exc`` says the database cannot be reached or used just now (so work
    should wait and be tried again), rather than that a statement was wrong."""
    if isinstance(exc, PoolTimeout):
        return True
    if not isinstance(exc, DBAPIError):
        return False
    if exc.connection_invalidated:
        return True
    orig = exc.orig
    sqlstate = getattr(orig, "sqlstate", None)
    if sqlstate:
        return sqlstate.startswith(_UNAVAILABLE_STATES)
    module = type(orig).__module__
    if module.startswith("psycopg"):
        # No SQLSTATE: the client could not connect, or lost the connection.
        import psycopg

        return isinstance(orig, psycopg.OperationalError)
    if module.startswith("sqlite3"):
        return any(text in str(orig).lower() for text in _SQLITE_UNAVAILABLE)
    return False


def upsert(executor: Session | Connection):  # type: ignore[no-untyped-def]
    """The ``insert`` with ``on_conflict_do_*`` of the database ``executor`` (a session
    or a connection) runs on: PostgreSQL's or SQLite's."""
    dialect = executor.dialect if isinstance(executor, Connection) else executor.get_bind().dialect
    return pg_insert if dialect.name == "postgresql" else sqlite_insert
