"""The migrations build exactly the schema the models describe."""
from __future__ import annotations

from typing import Any

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine, text

from bot.models import Base


def test_migrated_database_matches_the_models(database_url: str) -> None:
    engine = create_engine(database_url)
    with engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={
            "compare_type": False, "include_object": _on(conn.dialect.name)})
        diff = compare_metadata(context, Base.metadata)
    engine.dispose()
    assert diff == []


def test_ksms_of_simulated_leaders_are_marked_by_the_migration(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from sqlalchemy import text

    from bot.migrate import upgrade

    url = f"sqlite:///{tmp_path / 'before.sqlite3'}"
    upgrade(url, "0017_proposal_override")
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO kelurahan (id, name, kota, provinsi, time_zone, created_at)"
                          " VALUES (1, 'Sukamaju', 'Kota Bandung', 'Jawa Barat', 'Asia/Jakarta',"
                          " CURRENT_TIMESTAMP)"))
        for contact_id, simulated in ((1, False), (2, True)):
            conn.execute(text(
                "INSERT INTO contact (id, phone, language, opted_out, uses_sms, uses_whatsapp,"
                " invalid_number, simulated, created_at) VALUES (:id, :phone, 'id',"
                " false, true, false, false, :simulated, CURRENT_TIMESTAMP)"),
                {"id": contact_id, "phone": f"+62812000000{contact_id}", "simulated": simulated})
            conn.execute(text(
                "INSERT INTO ksm (code, name, kelurahan_id, field, unit, women, goal,"
                " values_agreed, status, cycle_stage, leader_contact_id, created_at) VALUES"
                " (:code, 'KSM', 1, 'ekonomi', 'UPK', false, 'Modal', true, 'forming', 'KSM-2',"
                " :id, CURRENT_TIMESTAMP)"), {"code": f"1000{contact_id}", "id": contact_id})
    engine.dispose()
    upgrade(url)
    engine = create_engine(url)
    with engine.connect() as conn:
        marked = dict(conn.execute(text("SELECT code, simulated FROM ksm")).all())
    engine.dispose()
    assert marked == {"10001": False, "10002": True}


POSTGRESQL_ONLY = {index.name for table in Base.metadata.tables.values()
                   for index in table.indexes if index.info.get("postgresql_only")}


def _on(dialect: str):  # type: ignore[no-untyped-def]
    """Indexes marked ``postgresql_only`` (the trigram search on an expression) exist on
    PostgreSQL only, and Alembic cannot compare expressions: checked by name below."""
    def include(obj, name, type_, reflected, compare_to) -> bool:  # type: ignore[no-untyped-def]
        return not (type_ == "index" and name in POSTGRESQL_ONLY)
    return include


def test_postgresql_only_indexes_exist_there(database_url: str) -> None:
    if not database_url.startswith("postgresql"):
        return
    engine = create_engine(database_url)
    with engine.connect() as conn:
        names = set(conn.scalars(text("SELECT indexname FROM pg_indexes WHERE schemaname = 'public'")))
    engine.dispose()
    assert POSTGRESQL_ONLY and POSTGRESQL_ONLY <= names


def test_the_provider_key_keeps_its_rows_when_renamed_external_id(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """0026: ``twilio_sid`` becomes ``external_id`` with its unique constraint; the rows,
    ids and keys stay, and the downgrade gives the old names back."""
    from sqlalchemy import inspect

    from bot.migrate import downgrade, upgrade

    url = f"sqlite:///{tmp_path / 'before.sqlite3'}"
    upgrade(url, "0025_inbox_item")
    keys = [(5, "SM" + "a" * 32), (9, "gw-event:ev-1"), (12, None)]
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text(
            "INSERT INTO contact (id, phone, language, opted_out, uses_sms, uses_whatsapp,"
            " invalid_number, simulated, created_at) VALUES (7, '+6281200000007', 'id', false,"
            " true, false, false, false, CURRENT_TIMESTAMP)"))
        for message_id, key in keys:
            conn.execute(text(
                "INSERT INTO message (id, contact_id, direction, channel, body, twilio_sid,"
                " status, attempts, created_at, updated_at) VALUES (:id, 7, 'in', 'sms', 'x',"
                " :key, 'handled', 0, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"),
                {"id": message_id, "key": key})
    engine.dispose()

    def key_column(column: str) -> tuple[list[Any], set[str]]:
        engine = create_engine(url)
        with engine.connect() as conn:
            rows = conn.execute(text(f"SELECT id, {column} FROM message ORDER BY id")).all()
            unique = {c["name"] for table in ("message", "broadcast_send")
                      for c in inspect(conn).get_unique_constraints(table)}
        engine.dispose()
        return [tuple(r) for r in rows], unique

    upgrade(url)
    rows, unique = key_column("external_id")
    assert rows == keys
    assert {"uq_message_external_id", "uq_broadcast_send_external_id"} <= unique
    assert not any("twilio" in name for name in unique)
    downgrade(url, "0025_inbox_item")
    rows, unique = key_column("twilio_sid")
    assert rows == keys
    assert {"uq_message_twilio_sid", "uq_broadcast_send_twilio_sid"} <= unique


def test_the_provider_key_is_unique_under_its_neutral_name(database_url: str) -> None:
    """On the run's database (PostgreSQL or SQLite), migrated from empty."""
    from sqlalchemy import inspect

    engine = create_engine(database_url)
    with engine.connect() as conn:
        unique = {(table, tuple(c["column_names"]), c["name"])
                  for table in ("message", "broadcast_send")
                  for c in inspect(conn).get_unique_constraints(table)}
    engine.dispose()
    assert {("message", ("external_id",), "uq_message_external_id"),
            ("broadcast_send", ("external_id",), "uq_broadcast_send_external_id")} <= unique
