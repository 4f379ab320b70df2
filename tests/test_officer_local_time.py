"""Every time an officer reads is in the area's zone with its label (WIB/WITA/WIT),
never UTC: on the complaint list and page, in the complaint CSV, and on pages that
belong to no one kelurahan (in the officer's own area's zone)."""

from __future__ import annotations

import csv
import io
import re
from datetime import datetime, timezone

import pytest
from sqlalchemy import select

from bot.models import Complaint, Kelurahan
from tests.indonesian import visible_text
from tests.meeting_helpers import WIT, WITA, say

FILED = datetime(2026, 11, 25, 2, 0, tzinfo=timezone.utc)  # Wednesday 02:00 UTC
AREAS = {
    WITA: ("Maccini", "Kota Makassar", "Sulawesi Selatan", "25/11/2026 10.00 WITA"),
    WIT: ("Gurabesi", "Kota Jayapura", "Papua", "25/11/2026 11.00 WIT"),
}


def _kelurahan(rt, zone: str) -> Kelurahan:  # type: ignore[no-untyped-def]
    name, kota, provinsi, _ = AREAS[zone]
    with rt.db.session() as s:
        kel = Kelurahan(name=name, kota=kota, provinsi=provinsi, time_zone=zone)
        s.add(kel)
        s.flush()
        s.expunge(kel)
        return kel


def _file_at(rt, zone: str) -> Complaint:  # type: ignore[no-untyped-def]
    name = AREAS[zone][0]
    for text in ("ADUAN jalan rusak belum diperbaiki", name, "4", "Pak Rahman", "2"):
        say(rt, "+6281277770123", text, FILED)
    with rt.db.session() as s:
        complaint = s.scalar(select(Complaint).order_by(Complaint.id.desc()).limit(1))
        s.expunge(complaint)
        return complaint


def _no_utc(text: str) -> None:
    text = visible_text(text)  # not the random CSRF token in the page's attributes
    assert "UTC" not in text and "+00:00" not in text and "02.00" not in text
    assert "02:00" not in text


@pytest.mark.parametrize("zone", [WITA, WIT])
def test_a_complaint_reads_in_its_kelurahans_zone(rt, client, officer_login, zone) -> None:
    kel = _kelurahan(rt, zone)
    complaint = _file_at(rt, zone)
    assert complaint.kelurahan_id == kel.id
    expected = AREAS[zone][3]
    officer_login("ppm_local", "ppm", kelurahan=kel)

    listing = client.get("/complaints/").get_data(as_text=True)
    assert complaint.code in listing and expected in listing
    page = client.get(f"/complaints/{complaint.id}").get_data(as_text=True)
    assert expected in page  # Masuk, and each message of the thread
    assert "Rabu 25 November 2026" in page  # the audit trail, in the same zone
    _no_utc(page)

    exported = client.get("/complaints/export.csv").get_data(as_text=True)
    rows = list(csv.DictReader(io.StringIO(exported)))
    assert [(r["Kode"], r["Masuk"]) for r in rows] == [(complaint.code, expected)]
    assert rows[0]["Status"] == "Baru" and rows[0]["Jenis"] == "Pelanggaran prosedur"
    assert rows[0]["Identitas dirahasiakan"] == "tidak" and rows[0]["Saluran"] == "SMS"
    _no_utc(exported)

    token = re.search(r'name="csrf-token" content="([^"]+)"', listing).group(1)
    client.post(f"/complaints/{complaint.id}/take", data={"csrf_token": token})
    rows = list(csv.DictReader(io.StringIO(client.get("/complaints/export.csv").get_data(as_text=True))))
    assert rows[0]["Ditugaskan ke"] == "ppm_local" and rows[0]["Status"] == "Baru"


@pytest.mark.parametrize("zone", [WITA, WIT])
def test_pages_of_no_one_kelurahan_use_the_officers_zone(rt, client, officer_login, zone) -> None:
    kel = _kelurahan(rt, zone)
    label = AREAS[zone][3].split()[-1]
    officer_login("ppm_local", "ppm", kelurahan=kel)
    token = re.search(r'name="csrf-token" content="([^"]+)"',
                      client.get("/complaints/").get_data(as_text=True)).group(1)
    client.post("/complaints/api-token", data={"csrf_token": token})
    tokens = client.get("/tokens/").get_data(as_text=True)
    assert re.search(rf"\d\d/\d\d/\d{{4}} {label}\b", tokens), tokens
    assert "UTC" not in visible_text(tokens)


def test_admin_pages_say_wib_not_utc(rt, client, officer_login) -> None:
    officer_login("admin", "admin")
    for path in ("/admin/jobs/", "/announcements/", "/tokens/"):
        page = client.get(path)
        assert page.status_code == 200, path
        assert "UTC" not in visible_text(page.get_data(as_text=True)), path


def test_an_automatic_escalation_note_reads_in_the_complaints_zone_for_a_wib_officer(
    rt, client, officer_login
) -> None:
    """The list's "Naik tingkat otomatis" notes are about complaints of many kelurahan:
    each is said in its own kelurahan's zone, not in the reading officer's (an admin: WIB)."""
    from datetime import timedelta
    from zoneinfo import ZoneInfo

    from workers.sweep import escalate_overdue_complaints

    _kelurahan(rt, WITA)
    now = datetime.now(timezone.utc).replace(second=0, microsecond=0)
    for text in ("ADUAN jalan rusak belum diperbaiki", "Maccini"):
        say(rt, "+6281277770124", text, now - timedelta(days=10))  # long past its 3 days
    assert escalate_overdue_complaints(rt, now) == 1
    with rt.db.session() as s:
        code = s.scalar(select(Complaint.code))

    officer_login("admin", "admin")
    page = client.get("/complaints/").get_data(as_text=True)
    notes = page[page.index("Naik tingkat otomatis"):page.index("</ul>", page.index("Naik tingkat"))]
    wita = f"{now.astimezone(ZoneInfo(WITA)):%d/%m/%Y %H.%M} WITA"
    assert code in notes and wita in notes, notes
    assert "WIB" not in notes


def test_the_announcements_list_says_each_publication_in_its_kelurahans_zone(
        rt, client, officer_login) -> None:
    """An officer who sees announcements of several zones (here an admin, whose own zone
    is WIB) reads each one's publication time in its kelurahan's zone, with its label."""
    from bot.models import Announcement

    with rt.db.session() as s:
        for zone in (WITA, WIT):
            kel = _kelurahan(rt, zone)
            s.add(Announcement(kelurahan_id=kel.id, title=f"Prioritas {AREAS[zone][0]}",
                               status="published", published_at=FILED))
        s.add(Announcement(kelurahan_id=kel.id, title="Masih draf", status="draft"))
    officer_login("admin", "admin")
    page = client.get("/announcements/").get_data(as_text=True)
    rows = {title: when for title, when in re.findall(
        r'>(Prioritas \w+|Masih draf)</a>.*?data-label="Diterbitkan">([^<]*)<', page, re.S)}
    assert rows == {"Prioritas Maccini": "25/11/2026 10.00 WITA",
                    "Prioritas Gurabesi": "25/11/2026 11.00 WIT", "Masih draf": "-"}
    _no_utc(page)
