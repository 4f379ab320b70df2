"""One number sending too much: every message is stored, replies stop.

A phone stuck in a loop, or someone flooding the bot, would otherwise get a paid reply
for each message (Twilio) or hold a gateway phone ahead of everyone else.
"""
from __future__ import annotations

from datetime import datetime, timedelta

import pytest
import time_machine
from sqlalchemy import func, select

from bot.models import Message
from tests.transcript import Phone

START = datetime.fromisoformat("2026-11-18T10:00:00+07:00")


def _stored_in(rt) -> int:  # type: ignore[no-untyped-def]
    with rt.db.session() as session:
        return session.scalar(select(func.count()).select_from(Message)
                              .where(Message.direction == "in"))


def _replies(rt) -> int:  # type: ignore[no-untyped-def]
    with rt.db.session() as session:
        return session.scalar(select(func.count()).select_from(Message)
                              .where(Message.direction == "out"))


@pytest.fixture
def limited_app(database_url, twilio, jobs):  # type: ignore[no-untyped-def]
    """The app with this deployment's default limits (tests elsewhere lift them)."""
    from bot import create_app
    from bot.settings import Settings
    from tests.conftest import _empty_tables, app_config

    _empty_tables(database_url)
    app = create_app(app_config(
        database_url, twilio, jobs,
        SENDER_MESSAGES_PER_MINUTE=str(Settings.sender_messages_per_minute),
        SENDER_MESSAGES_PER_DAY=str(Settings.sender_messages_per_day)))
    yield app
    app.extensions["ksm_runtime"].db.dispose()


@pytest.mark.clock("2026-11-18T10:00:00+07:00")
def test_a_flood_from_one_number_is_stored_answered_once_then_quiet(limited_app) -> None:  # type: ignore[no-untyped-def]
    rt, client = limited_app.extensions["ksm_runtime"], limited_app.test_client()
    limit = rt.settings.sender_messages_per_minute
    assert limit == 10
    phone = Phone(client)
    answered = [bool(phone.send("INFO").last) for _ in range(limit)]
    assert all(answered)
    phone.send("INFO").expect("Terlalu banyak pesan")
    for _ in range(20):
        assert phone.send("INFO").last == []
    assert _stored_in(rt) == limit + 21  # nothing typed is lost
    assert _replies(rt) == limit + 1
    # Someone else is answered meanwhile.
    assert Phone(client, number="+6281299999999").send("INFO").last
    # After the quiet spell the number is answered again.
    with time_machine.travel(START + timedelta(minutes=11), tick=False):
        assert phone.send("INFO").last and "Terlalu banyak" not in phone.reply


@pytest.mark.clock("2026-11-18T10:00:00+07:00")
def test_a_day_limit_holds_across_minutes(database_url, twilio, jobs) -> None:  # type: ignore[no-untyped-def]
    from bot import create_app
    from tests.conftest import _empty_tables, app_config

    _empty_tables(database_url)
    app = create_app(app_config(database_url, twilio, jobs, SENDER_MESSAGES_PER_DAY="5"))
    try:
        phone = Phone(app.test_client())
        for minute in range(5):
            with time_machine.travel(START + timedelta(minutes=2 * minute), tick=False):
                assert phone.send("INFO").last
        with time_machine.travel(START + timedelta(minutes=20), tick=False):
            phone.send("INFO").expect("Terlalu banyak pesan", "besok")
        with time_machine.travel(START + timedelta(hours=3), tick=False):
            assert phone.send("INFO").last == []
        with time_machine.travel(START + timedelta(days=1, minutes=10), tick=False):
            assert phone.send("INFO").last
    finally:
        app.extensions["ksm_runtime"].db.dispose()
