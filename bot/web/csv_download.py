"""The dashboard's CSV downloads: one header row and the rows, every cell safe to open
in a spreadsheet. Headers and values are in Indonesian (``bot.officers.labels``) and
times in the area's zone (``bot.areas.local_time``); the callers say them."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence

from flask import Response

# Spreadsheets run a cell starting with one of these as a formula (a resident can type
# "=HYPERLINK(...)" as a KSM name or a complaint); a leading quote makes it text.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: object) -> object:
    """``value``, quoted when a spreadsheet would run it as a formula. A lone ``-``
    (the mark of a missing value) is no formula and stays as it is."""
    if isinstance(value, str) and value[:1] in FORMULA_STARTS and value != "-":
        return "'" + value
    return value


def download(name: str, header: Sequence[str], rows: Iterable[Sequence[object]]) -> Response:
    """The CSV file ``name`` to download."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows([safe_cell(value) for value in row] for row in rows)
    return Response(out.getvalue(), mimetype="text/csv",
                    headers={"Content-Disposition": f"attachment; filename={name}"})
