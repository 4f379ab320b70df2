"""The complaint queue as an officer's spreadsheet: Indonesian headers and values, times
in the kelurahan's zone. The record is ``complaint_queue.as_dict`` (the API's, with
the privacy rule applied); this only says it for people."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date, datetime
from typing import Any

from bot.officers import labels
from bot.areas.local_time import DAY, short


def _yes_no(value: Any) -> str:
    return labels.YES_NO[bool(value)]


def _day(value: str | None) -> str:
    return date.fromisoformat(value).strftime(DAY) if value else ""


# (header, key of the record, how to say its value)
COLUMNS: tuple[tuple[str, str, Callable[[Any], Any]], ...] = (
    ("Kode", "code", str),
    ("Status", "status", lambda v: labels.say(labels.COMPLAINT_STATUS, v)),
    ("Digabung ke", "merged_into", lambda v: v or ""),
    ("Jenis", "kind", lambda v: labels.say(labels.COMPLAINT_KIND, v, labels.NO_KIND)),
    ("Tingkat", "level", lambda v: labels.say(labels.LEVEL, v)),
    ("Kelurahan", "kelurahan", lambda v: v or ""),
    ("Kota", "kota", lambda v: v or ""),
    ("Provinsi", "provinsi", lambda v: v or ""),
    ("Lokasi", "location", lambda v: v or ""),
    ("Isi aduan", "text", str),
    ("Yang diadukan", "accused", lambda v: v or ""),
    ("Jumlah dana (Rp)", "amount", lambda v: "" if v is None else v),
    ("Identitas dirahasiakan", "anonymous", _yes_no),
    ("Menyebut anggota BKM", "names_bkm_member", _yes_no),
    ("Saluran", "channel", lambda v: labels.say(labels.CHANNEL, v)),
    ("Nama pengadu", "complainant_name", lambda v: v or ""),
    ("HP pengadu", "complainant_phone", lambda v: v or ""),
    ("Alasan status", "status_reason", lambda v: v or ""),
    ("Tanggapan", "public_response", lambda v: v or ""),
    ("Tenggat (hari kerja terakhir)", "due_date", _day),
    ("Lewat tenggat", "overdue", _yes_no),
)
HEADER = [*(name for name, _, _ in COLUMNS), "Ditugaskan ke", "Masuk", "Diperbarui"]


def row(record: Mapping[str, Any], created_at: datetime, updated_at: datetime,
        zone: str | None, assignee: str | None = None) -> list[Any]:
    """One complaint's row under :data:`HEADER`; ``zone`` is its kelurahan's,
    ``assignee`` the username of the officer it is assigned to."""
    return [
        *(say(record[key]) for _, key, say in COLUMNS),
        assignee or "",
        short(created_at, zone),
        short(updated_at, zone),
    ]
