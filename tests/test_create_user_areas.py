"""``create-user`` takes only areas that exist, and suggests the nearest names."""
from __future__ import annotations

from sqlalchemy import select

from bot.models import Kelurahan, Officer
from tests.ksm_helpers import add_kelurahan


def _create(runner, *area: str):  # type: ignore[no-untyped-def]
    return runner.invoke(args=["create-user", "ika", "--role", "ppm", *area, "--password", "rahasia-ika-1"])


def _officer(rt) -> Officer | None:  # type: ignore[no-untyped-def]
    with rt.db.session() as session:
        return session.execute(select(Officer).where(Officer.username == "ika")).scalar_one_or_none()


def test_unknown_kota_is_refused_with_the_nearest_names(runner, rt) -> None:  # type: ignore[no-untyped-def]
    add_kelurahan(rt, "Sukamaju")
    result = _create(runner, "--kota", "Bandungg")
    assert result.exit_code != 0
    assert "not found" in result.output and "Kota Bandung" in result.output
    assert _officer(rt) is None


def test_known_kota_in_any_case_is_stored_as_written_in_the_data(runner, rt) -> None:  # type: ignore[no-untyped-def]
    add_kelurahan(rt, "Sukamaju")
    result = _create(runner, "--kota", "kota bandung")
    assert result.exit_code == 0, result.output
    officer = _officer(rt)
    assert (officer.level, officer.kota_name, officer.provinsi_name) == ("kota", "Kota Bandung", "Jawa Barat")


def test_kota_not_in_the_given_provinsi_is_refused(runner, rt) -> None:  # type: ignore[no-untyped-def]
    add_kelurahan(rt, "Sukamaju")
    add_kelurahan(rt, "Sukamaju", kota="Kota Bandung", provinsi="Sumatera Selatan")
    result = _create(runner, "--kota", "Kota Bandung", "--provinsi", "Jawa Timur")
    assert result.exit_code != 0 and "Jawa Timur" in result.output
    result = _create(runner, "--kota", "Kota Bandung")
    assert result.exit_code != 0 and "provinsi" in result.output
    result = _create(runner, "--kota", "Kota Bandung", "--provinsi", "sumatera selatan")
    assert result.exit_code == 0, result.output
    assert _officer(rt).provinsi_name == "Sumatera Selatan"


def test_unknown_provinsi_and_kelurahan_are_refused_with_suggestions(runner, rt) -> None:  # type: ignore[no-untyped-def]
    add_kelurahan(rt, "Sukamaju")
    result = _create(runner, "--provinsi", "Jawa Barst")
    assert result.exit_code != 0 and "Jawa Barat" in result.output
    result = _create(runner, "--kelurahan", "Sukamju")
    assert result.exit_code != 0 and "not found" in result.output and "Sukamaju" in result.output
    assert _officer(rt) is None


def test_kelurahan_by_code_and_ambiguous_names(runner, rt) -> None:  # type: ignore[no-untyped-def]
    from bot.areas.demo import ensure_demo

    with rt.db.session() as session:
        ensure_demo(session)
    add_kelurahan(rt, "Sukamaju", kota="Kota Bandung", provinsi="Sumatera Selatan")
    result = _create(runner, "--kelurahan", "Sukamaju")
    assert result.exit_code != 0 and "32.73.14.1004" in result.output
    result = _create(runner, "--kelurahan", "32.73.14.1004")
    assert result.exit_code == 0, result.output
    with rt.db.session() as session:
        jabar = session.scalar(select(Kelurahan.id).where(Kelurahan.code == "32.73.14.1004"))
    assert (_officer(rt).level, _officer(rt).kelurahan_id) == ("kelurahan", jabar)
