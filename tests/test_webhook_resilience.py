"""The webhook survives a database connection the server dropped (no pre-ping)."""
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
    with rt.db.autocommit_engine.connect() as conn:
        pooled = conn.execute(text("SELECT pg_backend_pid()")).scalar_one()
    admin = create_engine(rt.db.url)
    with admin.begin() as conn:
        conn.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pooled})
    admin.dispose()

    phone.send("MENU", sid="SM" + "d" * 32)

    assert phone.last
    with rt.db.session() as session:
        stored = session.execute(
            text("SELECT count(*) FROM message WHERE twilio_sid = :sid"), {"sid": "SM" + "d" * 32}
        ).scalar_one()
    assert stored == 1
