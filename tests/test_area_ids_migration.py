"""Migration 0019 maps the old kota/provinsi text of officers and complaints to rows of
the areas table: a kota together with its provinsi (two "Kota Bandung" stay two
areas), a complaint through its kelurahan; what matches nothing stays empty and is
named in the migration's log."""

from __future__ import annotations

import logging
from collections.abc import Iterator

import pytest
from alembic import command
from sqlalchemy import create_engine, text

from bot.migrate import alembic_config
from tests.conftest import SERVER_DB

SCHEMA = "mig_0019"


@pytest.fixture
def connection(tmp_path) -> Iterator:  # type: ignore[no-untyped-def]
    """A database at 0017: a schema of its own on PostgreSQL, a new file on SQLite."""
    if SERVER_DB:
        from bot.settings import normalise_database_url

        engine = create_engine(normalise_database_url(SERVER_DB))
        with engine.begin() as conn:
            conn.execute(text(f"DROP SCHEMA IF EXISTS {SCHEMA} CASCADE"))
            conn.execute(text(f"CREATE SCHEMA {SCHEMA}"))
    else:
        engine = create_engine(f"sqlite:///{tmp_path / 'old.sqlite3'}")
    conn = engine.connect()
    if SERVER_DB:
        conn.execute(text(f"SET search_path TO {SCHEMA}"))
        conn.commit()
    yield conn
    conn.close()
    if SERVER_DB:
        with engine.begin() as cleanup:
            cleanup.execute(text(f"DROP SCHEMA IF EXISTS {SCHEMA} CASCADE"))
    engine.dispose()


def _migrate(conn, revision: str) -> None:  # type: ignore[no-untyped-def]
    config = alembic_config(str(conn.engine.url))
    config.attributes["connection"] = conn
    command.upgrade(config, revision)
    conn.commit()


def test_old_text_areas_become_ids(connection, caplog) -> None:  # type: ignore[no-untyped-def]
    conn = connection
    _migrate(conn, "0017_proposal_override")
    now = "2026-12-01 00:00:00"
    for statement in (
        "INSERT INTO kelurahan (id, code, name, kota, provinsi, time_zone, created_at) VALUES "
        f"(1, '32.73.14.1004', 'Sukamaju', 'Kota Bandung', 'Jawa Barat', 'Asia/Jakarta', '{now}'),"
        f"(2, '16.99.01.1001', 'Cibeureum', 'Kota Bandung', 'Sumatera Selatan', 'Asia/Jakarta', '{now}'),"
        f"(3, NULL, 'Padasuka', 'Kota Bandung', 'Jawa Barat', 'Asia/Jakarta', '{now}')",
        "INSERT INTO contact (id, phone, language, uses_sms, uses_whatsapp, opted_out, "
        f"invalid_number, created_at) VALUES (1, '+6281200000001', 'id', true, false, false, false, '{now}')",
        "INSERT INTO officer (id, username, full_name, password_hash, role, level, kelurahan_id, kota, "
        "provinsi, active, created_at) VALUES "
        f"(1, 'kota_jabar', '', 'x', 'ppm', 'kota', NULL, 'Kota Bandung', 'Jawa Barat', true, '{now}'),"
        f"(2, 'kota_sumsel', '', 'x', 'ppm', 'kota', NULL, 'kota bandung', 'Sumatera Selatan', true, '{now}'),"
        f"(3, 'kota_typo', '', 'x', 'ppm', 'kota', NULL, 'Kota Bandungg', 'Jawa Barat', true, '{now}'),"
        f"(4, 'kota_noprov', '', 'x', 'ppm', 'kota', NULL, 'Kota Bandung', NULL, true, '{now}'),"
        f"(5, 'prov_sumsel', '', 'x', 'ppm', 'provinsi', NULL, NULL, 'Sumatera Selatan', true, '{now}'),"
        f"(6, 'kel_suka', '', 'x', 'bkm', 'kelurahan', 1, 'Kota Bandung', 'Jawa Barat', true, '{now}')",
        "INSERT INTO complaint (id, code, contact_id, channel, text, kelurahan_id, kota, provinsi, "
        "anonymous, names_bkm_member, level, status, created_at, updated_at) VALUES "
        f"(1, '100000001', 1, 'sms', 'a', 1, 'Kota Bandung', 'Jawa Barat', true, false, 'kota', 'new', '{now}', '{now}'),"
        f"(2, '100000002', 1, 'sms', 'b', 2, 'Kota Bandung', 'Sumatera Selatan', true, false, 'kota', 'new', '{now}', '{now}'),"
        f"(3, '100000003', 1, 'sms', 'c', 3, 'Kota Bandung', 'Jawa Barat', true, false, 'kota', 'new', '{now}', '{now}'),"
        f"(4, '100000004', 1, 'sms', 'd', NULL, NULL, NULL, true, false, 'kota', 'new', '{now}', '{now}')",
    ):
        conn.execute(text(statement))
    conn.commit()
    with caplog.at_level(logging.WARNING):
        _migrate(conn, "0019_area_ids")

    areas = {row.id: row for row in conn.execute(text(
        "SELECT a.id, a.level, a.code, a.name, p.name AS parent FROM area a "
        "LEFT JOIN area p ON p.id = a.parent_id"))}
    kel = dict(conn.execute(text("SELECT id, kota_area_id FROM kelurahan")).all())
    # Padasuka had no code: it joins Sukamaju's Kota Bandung by its names.
    assert kel[1] == kel[3] != kel[2]
    assert (areas[kel[1]].code, areas[kel[1]].parent) == ("32.73", "Jawa Barat")
    assert (areas[kel[2]].code, areas[kel[2]].parent) == ("16.99", "Sumatera Selatan")
    officers = dict(conn.execute(text("SELECT username, area_id FROM officer")).all())
    assert officers["kota_jabar"] == kel[1] and officers["kota_sumsel"] == kel[2]
    assert officers["kota_typo"] is None and officers["kota_noprov"] is None
    assert areas[officers["prov_sumsel"]].name == "Sumatera Selatan"
    assert officers["kel_suka"] is None
    complaints = {row.id: (row.kota_area_id, row.provinsi_area_id) for row in conn.execute(text(
        "SELECT id, kota_area_id, provinsi_area_id FROM complaint"))}
    assert complaints[1][0] == complaints[3][0] == kel[1]
    assert complaints[2] == (kel[2], officers["prov_sumsel"])
    assert complaints[4] == (None, None)  # still in the "needs an area" list
    logged = caplog.text
    assert "kota_typo" in logged and "kota_noprov" in logged and "kota_jabar" not in logged
