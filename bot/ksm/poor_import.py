"""Reading a poor-residents CSV file row by row, for ``ksm-bot import-poor-list``.

The file is checked completely before anything is written: one bad row and the
kelurahan's list stays as it was.
"""
from __future__ import annotations

import csv
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from bot.ksm.poor_list import PoorRow, RowError, header_map, parse_row

MAX_ROWS = 200_000


@dataclass
class CheckedFile:
    """Rows that passed and the row-by-row errors (line number, reason)."""

    rows: list[PoorRow] = field(default_factory=list)
    errors: list[tuple[int, str]] = field(default_factory=list)


def _dialect(sample: str) -> type[csv.Dialect] | csv.Dialect:
    try:
        return csv.Sniffer().sniff(sample, delimiters=",;\t")
    except csv.Error:
        return csv.excel


def count_rows(path: Path) -> int:
    """Data lines in the file (for the progress bar's length)."""
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return max(0, sum(1 for line in handle if line.strip()) - 1)


def read_rows(path: Path) -> tuple[dict[str, str], Iterator[tuple[int, dict[str, str | None]]]]:
    """The header map and an iterator of (line number, row).

    Raises:
        RowError: the file has no usable header.
    """
    handle = path.open(encoding="utf-8-sig", newline="")
    sample = handle.read(4096)
    handle.seek(0)
    reader = csv.DictReader(handle, dialect=_dialect(sample))
    columns = header_map(reader.fieldnames or [])

    def rows() -> Iterator[tuple[int, dict[str, str | None]]]:
        with handle:
            for row in reader:
                if not any((value or "").strip() for value in row.values() if isinstance(value, str)):
                    continue
                yield reader.line_num, row

    return columns, rows()


def check_rows(columns: dict[str, str], rows: Iterable[tuple[int, dict[str, str | None]]],
               on_row: Callable[[], None] = lambda: None) -> CheckedFile:
    """Check every row; duplicates (same name and household) are errors too."""
    checked = CheckedFile()
    seen: dict[tuple[str, str], int] = {}
    for line, row in rows:
        on_row()
        if len(checked.rows) + len(checked.errors) >= MAX_ROWS:
            checked.errors.append((line, f"more than {MAX_ROWS} rows; split the file"))
            break
        if None in row:  # more cells than header columns
            checked.errors.append((line, "more cells than header columns"))
            continue
        try:
            parsed = parse_row(row, columns)
        except RowError as exc:
            checked.errors.append((line, str(exc)))
            continue
        key = (parsed.name.upper(), parsed.household.upper())
        if key in seen:
            checked.errors.append((line, f"same name and household as line {seen[key]}"))
            continue
        seen[key] = line
        checked.rows.append(parsed)
    return checked
