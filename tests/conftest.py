"""Fixtures: the app on the real database and job queue of this run's mode.

With DATABASE_URL/REDIS_URL set, tests use that PostgreSQL and Redis (CI runs the
suite once like that); without them, SQLite in a temporary file and the in-process
job runner. Only Twilio's HTTP API is faked, by a real server on 127.0.0.1.
"""
from __future__ import annotations

import os
import tempfile
from datetime import datetime
from typing import Any, Iterator

import flask
import pytest
import time_machine
from sqlalchemy import create_engine, text

from bot.models import Base
from bot.settings import normalise_database_url
from tests.fake_twilio import FakeTwilio
from tests.indonesian import english_words
from tests.transcript import AUTH_TOKEN, PUBLIC_BASE_URL, Phone

SERVER_DB = os.environ.get("DATABASE_URL")
SERVER_REDIS = os.environ.get("REDIS_URL")

# No test reads the real date. Each runs at a fixed instant, and time ticks on from it:
# the one its ``@pytest.mark.clock("...")`` names (a test whose dates matter says which day
# it is), else KSM_TEST_NOW (to try the whole suite on an awkward day: 31 December, 29
# February, a Sunday night in quiet hours), else DEFAULT_TEST_NOW. Tests that start other
# processes (workers) are marked ``real_clock``: a clock moved in this process only would
# disagree with theirs.
DEFAULT_TEST_NOW = "2026-11-18T10:00:00+07:00"  # a Wednesday morning in Jakarta


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "clock(iso): the instant the test runs at (time ticks on)")
    config.addinivalue_line("markers", "real_clock: the test runs on the machine's clock")


@pytest.fixture(autouse=True)
def _fixed_clock(request: pytest.FixtureRequest) -> Iterator[None]:
    if request.node.get_closest_marker("real_clock"):
        yield
        return
    marker = request.node.get_closest_marker("clock")
    instant = marker.args[0] if marker else os.environ.get("KSM_TEST_NOW", DEFAULT_TEST_NOW)
    with time_machine.travel(datetime.fromisoformat(instant), tick=True):
        yield


# Every flash message any test makes an officer read, checked for English after the test.
_english_flashes: list[str] = []


def _hold_flash_to_indonesian(_app: Any, message: str, category: str, **_extra: Any) -> None:
    if english_words(str(message)):
        _english_flashes.append(str(message))


flask.message_flashed.connect(_hold_flash_to_indonesian)


@pytest.fixture(autouse=True)
def _flashes_are_indonesian() -> Iterator[None]:
    _english_flashes.clear()
    yield
    assert not _english_flashes, f"flash messages in English: {_english_flashes}"


def libpq_url(url: str) -> str:
    """``url`` as psycopg.connect takes it (``postgresql://``), for tests that talk to
    PostgreSQL below SQLAlchemy."""
    return normalise_database_url(url).replace("postgresql+psycopg://", "postgresql://")


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A migrated, empty database for the whole run."""
    from bot.migrate import upgrade

    if SERVER_DB:
        url = normalise_database_url(SERVER_DB)
        engine = create_engine(url)
        with engine.begin() as conn:
            conn.execute(text("DROP SCHEMA public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))
        engine.dispose()
    else:
        url = f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.sqlite3'}"
    upgrade(url)
    yield url


def _empty_tables(url: str) -> None:
    engine = create_engine(url)
    tables = [t.name for t in reversed(Base.metadata.sorted_tables)]
    with engine.begin() as conn:
        if url.startswith("postgresql"):
            conn.execute(text(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE"))
        else:
            conn.execute(text("PRAGMA foreign_keys=OFF"))
            for table in tables:
                conn.execute(text(f"DELETE FROM {table}"))
    engine.dispose()


@pytest.fixture(scope="session")
def fake_twilio() -> Iterator[FakeTwilio]:
    fake = FakeTwilio().start()
    yield fake
    fake.stop()


@pytest.fixture
def twilio(fake_twilio: FakeTwilio) -> FakeTwilio:
    """The fake Twilio API, emptied for this test."""
    fake_twilio.reset()
    fake_twilio.runtime = None
    return fake_twilio


@pytest.fixture
def jobs() -> Any:
    """The job queue: real RQ on Redis in server mode, else the in-process runner
    (not started: tests run jobs when they choose, with :func:`run_jobs`)."""
    if SERVER_REDIS:
        from redis import Redis

        from bot.jobs import RqJobQueue

        redis = Redis.from_url(SERVER_REDIS)
        redis.flushdb()
        yield RqJobQueue(redis)
        redis.close()
    else:
        from bot.jobs import InlineJobQueue

        queue = InlineJobQueue(autostart=False)
        yield queue


def app_config(database_url: str, twilio: FakeTwilio, jobs: Any, **overrides: Any) -> dict[str, Any]:
    config: dict[str, Any] = {
        "TESTING": True,
        "DATABASE_URL": database_url,
        "REDIS_URL": SERVER_REDIS,
        "SECRET_KEY": "test-secret-key-0123456789",
        "TWILIO_ACCOUNT_SID": "AC" + "0" * 32,
        "TWILIO_AUTH_TOKEN": AUTH_TOKEN,
        "TWILIO_SMS_FROM": "+15005550006",
        "TWILIO_WHATSAPP_FROM": "whatsapp:+14155238886",
        "TWILIO_API_BASE_URL": twilio.url,
        "PUBLIC_BASE_URL": PUBLIC_BASE_URL,
        "JOBS": jobs,
        # Messages spooled while a test cuts the database (bot.spool).
        "SPOOL_DIR": tempfile.mkdtemp(prefix="ksm-spool-"),
        # Tests run at any hour; the quiet-hours tests turn this on with a fixed clock.
        "QUIET_HOURS": "off",
        # Tests do not wait on the send-rate limiter unless they choose a rate.
        "SMS_RATE_PER_SECOND": "1000",
        "WHATSAPP_RATE_PER_SECOND": "1000",
        # A transcript types a whole dialog in a second, no resident can: tests meet the
        # per-number limit only where they choose one (tests/test_sender_limits.py).
        "SENDER_MESSAGES_PER_MINUTE": "100000",
        "SENDER_MESSAGES_PER_DAY": "100000",
    }
    config.update(overrides)
    return config


@pytest.fixture
def app(database_url: str, twilio: FakeTwilio, jobs: Any) -> Iterator[Any]:
    from bot import create_app

    _empty_tables(database_url)
    app = create_app(app_config(database_url, twilio, jobs))
    twilio.runtime = app.extensions["ksm_runtime"]
    yield app
    twilio.runtime = None
    app.extensions["ksm_runtime"].db.dispose()


@pytest.fixture
def client(app: Any) -> Any:
    return app.test_client()


@pytest.fixture
def runner(app: Any) -> Any:
    return app.test_cli_runner()


@pytest.fixture
def rt(app: Any) -> Any:
    """The app's runtime (database, jobs, sender, settings)."""
    return app.extensions["ksm_runtime"]


def _burst_worker_class() -> Any:
    from rq import SimpleWorker

    class BurstWorker(SimpleWorker):
        """RQ's SimpleWorker without its command channel and signal handlers: a burst run
        in a test takes no commands, and stopping that channel's thread (redis-py 8) can wait out its
        60-second poll when the unsubscribe reply wins the race."""

        def subscribe(self) -> None:
            pass

        def _install_signal_handlers(self) -> None:
            pass  # RQ's stay installed after the run and turn a stray SIGTERM into StopRequested

        def unsubscribe(self) -> None:
            pass

    return BurstWorker


BurstWorker = _burst_worker_class()


@pytest.fixture
def run_jobs(rt: Any) -> Any:
    """Run every job that is due now, as a worker would; returns how many ran."""

    def run() -> int:
        from bot.jobs import InlineJobQueue, RqJobQueue

        if isinstance(rt.jobs, InlineJobQueue):
            return rt.jobs.run_pending()
        assert isinstance(rt.jobs, RqJobQueue)
        before = rt.jobs.queue.count
        BurstWorker([rt.jobs.queue], connection=rt.redis).work(burst=True, logging_level="WARNING")
        return before

    return run


@pytest.fixture
def phone(client: Any) -> Phone:
    return Phone(client)


@pytest.fixture
def officer_login(app: Any, client: Any) -> Any:
    """Create an officer and log the test client in as them."""
    from bot.models import Kelurahan
    from bot.officers.accounts import create_or_update

    def login(username: str = "admin", role: str = "admin", kelurahan: Kelurahan | None = None,
              kota: str | None = None, provinsi: str | None = None) -> Any:
        rt = app.extensions["ksm_runtime"]
        with rt.db.session() as session:
            if kelurahan is not None:
                kelurahan = session.merge(kelurahan)
            officer = create_or_update(session, username, "password-123", role, kelurahan,
                                       kota, provinsi)
            if role == "admin":  # admins must have a second factor
                officer.totp_secret, officer.totp_last_step = TEST_TOTP_SECRET, None
        response = client.get("/login")
        token = _csrf(response.data)
        response = client.post("/login", data={"username": username, "password": "password-123",
                                               "csrf_token": token})
        assert response.status_code == 302, response.data
        if response.headers["Location"].endswith("/login/code"):
            response = client.post("/login/code", data={
                "code": totp_now(), "csrf_token": _csrf(client.get("/login/code").data)})
            assert response.status_code == 302, response.data
        return client

    return login


TEST_TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


def totp_now(secret: str = TEST_TOTP_SECRET) -> str:
    """The authenticator's current code for ``secret``."""
    import pyotp

    return pyotp.TOTP(secret).now()


def _csrf(html: bytes) -> str:
    import re

    found = re.search(rb'name="csrf_token" type="hidden" value="([^"]+)"', html) or re.search(
        rb'name="csrf-token" content="([^"]+)"', html)
    assert found, html[:500]
    return found.group(1).decode()


@pytest.fixture
def csrf_token() -> Any:
    return _csrf
