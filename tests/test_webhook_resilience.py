"""The webhook survives a database connection the server dropped."""
from __future__ import annotations

import pytest
from sqlalchemy import create_engine, text

from tests.conftest import SERVER_DB
from tests.transcript import Phone


@pytest.mark.skipif(not SERVER_DB, reason="needs PostgreSQL (server mode)")
def test_a_dropped_pooled_connection_is_replaced_and_the_message_answered(client, rt) -> None:  # type: ignore[no-untyped-def]
    phone = Phone(client)
    phone.send("MENU")
    # The webhook's pool holds the one connection just used; end it from the server
    # side, as a PostgreSQL restart or failover would.
    with rt.db.engine.connect() as conn:
        pooled = conn.execute(text("SELECT pg_backend_pid()")).scalar_one()
    admin = create_engine(rt.db.url)
    with admin.begin() as conn:
        conn.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pooled})
    admin.dispose()

    phone.send("MENU", sid="SM" + "d" * 32)

    assert phone.last
    with rt.db.session() as session:
        stored = session.execute(
            text("SELECT count(*) FROM message WHERE external_id = :sid"), {"sid": "SM" + "d" * 32}
        ).scalar_one()
    assert stored == 1


def test_a_message_whose_handling_fails_in_sql_spoils_nothing_after_it(client, rt, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """A statement error rolls the message's transaction back (psycopg then drops its
    prepared statements with DEALLOCATE ALL). That message is kept, marked failed (its
    one try: HANDLING_ATTEMPTS=1), with an apology; the messages after it on the same
    pooled connection are answered."""
    from dataclasses import replace

    from sqlalchemy import select

    from bot.models import Message

    rt.settings = replace(rt.settings, handling_attempts=1)

    handle = rt.engine.handle

    def failing_on_boom(conversation, inbound, directory):  # type: ignore[no-untyped-def]
        if inbound.text == "BOOM":
            directory.session.execute(text("SELECT * FROM no_such_table"))
        return handle(conversation, inbound, directory)

    monkeypatch.setattr(rt.engine, "handle", failing_on_boom)
    phone = Phone(client)
    for _ in range(10):  # past psycopg's prepare threshold on this connection
        phone.send("MENU").expect("1")
    phone.send("BOOM").expect("sudah kami simpan")
    for text_ in ("MENU", "ADUAN dana BLM dipotong", "MENU"):
        phone.send(text_)
        assert phone.last and "gangguan" not in phone.reply, phone.reply
    with rt.db.session() as session:
        rows = session.execute(
            select(Message.body, Message.status).where(Message.direction == "in")
            .order_by(Message.id)).all()
    assert [r.status for r in rows].count("failed") == 1
    assert rows[10] == ("BOOM", "failed")
    assert len(rows) == 14 and all(r.status == "handled" for r in rows[11:])


@pytest.mark.skipif(not SERVER_DB, reason="needs PostgreSQL (server mode)")
def test_the_first_health_check_after_a_database_restart_is_healthy(client, rt) -> None:  # type: ignore[no-untyped-def]
    """Every pooled connection dies with a restart; the check replaces them instead of
    reporting the dead one."""
    assert client.get("/healthz").status_code == 200
    with rt.db.engine.connect() as conn:
        pooled = conn.execute(text("SELECT pg_backend_pid()")).scalar_one()
    admin = create_engine(rt.db.url)
    with admin.begin() as conn:
        conn.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pooled})
    admin.dispose()
    response = client.get("/healthz")
    assert response.status_code == 200, response.get_json()
