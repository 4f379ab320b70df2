"""The audit trail on the complaint page reads as Indonesian sentences, stamped in the
kelurahan's local time with its zone label (WIB/WITA/WIT), never as JSON or UTC."""

from __future__ import annotations

import re
from datetime import datetime, timezone

import pytest
from sqlalchemy import select

from bot.models import Complaint, Kelurahan
from bot.complaints import actions as complaint_actions
from bot.complaints.audit import local_stamp, sentence
from tests.meeting_helpers import say
from workers.sweep import escalate_overdue_complaints

RESIDENT = "+6281277770099"
MON_7_DEC_14_05_WITA = datetime(2026, 12, 7, 6, 5, tzinfo=timezone.utc)
WED_25_NOV_10_WITA = datetime(2026, 11, 25, 2, 0, tzinfo=timezone.utc)


def _token(client) -> str:  # type: ignore[no-untyped-def]
    html = client.get("/complaints/").get_data()
    return re.search(rb'name="csrf-token" content="([^"]+)"', html).group(1).decode()


def _audit(html: str) -> str:
    return html[html.index("Jejak audit"):]


@pytest.fixture
def makassar(rt):  # type: ignore[no-untyped-def]
    with rt.db.session() as s:
        kel = Kelurahan(name="Maccini", kota="Kota Makassar", provinsi="Sulawesi Selatan",
                        time_zone="Asia/Makassar")
        s.add(kel)
        s.flush()
        s.expunge(kel)
        return kel


def test_the_trail_reads_as_sentences_in_the_kelurahans_time(
    rt, client, officer_login, twilio, makassar, monkeypatch
) -> None:
    for text in ("ADUAN dana BLM dipotong", "Maccini RW 02", "3", "Pak Rahman", "5jt", "2"):
        say(rt, RESIDENT, text, WED_25_NOV_10_WITA)
    with rt.db.session() as s:
        complaint_id = s.scalar(select(Complaint.id).order_by(Complaint.id.desc()).limit(1))
    monkeypatch.setattr(complaint_actions, "clock", lambda: MON_7_DEC_14_05_WITA)
    officer_login("siti", "ppm", kelurahan=makassar)
    for path, data in (
        ("status", {"status": "verified"}),
        ("reply", {"text": "Kami periksa minggu ini"}),
        ("status", {"status": "in_follow_up"}),
        ("bkm", {"reason": "ketua UPK ikut memotong"}),
    ):
        client.post(f"/complaints/{complaint_id}/{path}",
                    data={"csrf_token": _token(client), **data})
    officer_login("kota_mks", "ppm", kota="Kota Makassar", provinsi="Sulawesi Selatan")
    client.post(f"/complaints/{complaint_id}/take", data={"csrf_token": _token(client)})
    client.post(f"/complaints/{complaint_id}/escalate",
                data={"csrf_token": _token(client), "reason": "melibatkan dana provinsi"})

    officer_login("admin")
    trail = _audit(client.get(f"/complaints/{complaint_id}").get_data(as_text=True))
    assert "Rabu 25 November 2026 10.00 WITA" in trail  # filed at 02:00 UTC
    assert "Senin 7 Desember 2026 14.05 WITA" in trail
    for expected in (
        "Pengadu mengirim aduan lewat SMS; aduan masuk di tingkat kota/kabupaten.",
        "; aduan ditempatkan di kelurahan Maccini.",
        'Pengadu menyebut lokasi &#34;Maccini RW 02&#34;',
        "Pengadu memilih jenis aduan: penyalahgunaan dana.",
        "Pengadu menyebut yang diadukan: &#34;Pak Rahman&#34;.",
        "Pengadu menyebut jumlah dana Rp 5.000.000.",
        "Pengadu mengizinkan identitasnya ditampilkan kepada petugas.",
        "Petugas PPM siti memverifikasi aduan.",
        "Petugas PPM siti membalas pengadu: &#34;Kami periksa minggu ini&#34;.",
        "Petugas PPM siti mulai menindaklanjuti aduan.",
        "Petugas PPM siti menandai bahwa aduan menyebut anggota BKM: aduan disembunyikan dari "
        "BKM dan naik ke tingkat kota/kabupaten. Alasan: ketua UPK ikut memotong.",
        "Petugas PPM kota_mks mengambil aduan untuk ditangani sendiri.",
        "Petugas PPM kota_mks mengeskalasi aduan dari tingkat kota/kabupaten ke tingkat "
        "provinsi. Alasan: melibatkan dana provinsi.",
    ):
        assert expected in trail, expected
    assert "{" not in trail and "UTC" not in trail and "+00:00" not in trail


def test_an_automatic_climb_is_a_sentence_too(rt, client, officer_login, makassar) -> None:
    say(rt, RESIDENT, "ADUAN dana BLM dipotong", WED_25_NOV_10_WITA)
    say(rt, RESIDENT, "Maccini", WED_25_NOV_10_WITA)
    assert escalate_overdue_complaints(rt, datetime(2026, 12, 1, 3, 0, tzinfo=timezone.utc)) == 1
    with rt.db.session() as s:
        complaint_id = s.scalar(select(Complaint.id).order_by(Complaint.id.desc()).limit(1))
    officer_login("admin")
    trail = _audit(client.get(f"/complaints/{complaint_id}").get_data(as_text=True))
    assert ("Selasa 1 Desember 2026 11.00 WITA" in trail
            and "Sistem menaikkan aduan dari tingkat kelurahan ke tingkat kota/kabupaten karena "
            "lewat tenggat. Tenggat baru: 4 Desember 2026." in trail)


@pytest.mark.parametrize("action, before, after, note, expected", [
    ("media", None, {"count": 2}, None, "Pengadu melampirkan 2 berkas."),
    ("placed", {"kelurahan_id": None}, {"kelurahan_id": 4}, "Maccini, Kota Makassar, Sulsel",
     "Petugas PPM siti menempatkan aduan di Maccini, Kota Makassar, Sulsel."),
    ("taken_over", {"level": "kelurahan"}, {"level": "kota"}, "diambil alih",
     "Petugas PPM siti mengambil alih aduan; aduan naik dari tingkat kelurahan ke tingkat "
     "kota/kabupaten."),
    ("status", {"status": "new"}, {"status": "rejected"}, "bukan aduan",
     "Petugas PPM siti menolak aduan. Alasan: bukan aduan."),
    ("status", {"status": "in_follow_up"},
     {"status": "resolved", "public_response": "Dana kembali"}, None,
     "Petugas PPM siti menyelesaikan aduan. Tanggapan: Dana kembali."),
    ("assigned", {"assigned_officer_id": None}, {"assigned_officer_id": 8}, None,
     "Petugas PPM siti menugaskan aduan kepada Petugas PPM budi."),
    ("answered", {"anonymous": False}, {"anonymous": True}, None,
     "Pengadu meminta identitasnya dirahasiakan."),
])
def test_every_event_kind_has_its_sentence(action, before, after, note, expected) -> None:
    assert sentence(action, before, after, note, "Petugas PPM siti", officer_id=7,
                    officers={8: "Petugas PPM budi"}) == expected


def test_the_zone_label_follows_the_kelurahan() -> None:
    at = datetime(2026, 12, 7, 7, 5, tzinfo=timezone.utc)
    assert local_stamp(at, "Asia/Jakarta") == "Senin 7 Desember 2026 14.05 WIB"
    assert local_stamp(at, "Asia/Makassar") == "Senin 7 Desember 2026 15.05 WITA"
    assert local_stamp(at, "Asia/Jayapura") == "Senin 7 Desember 2026 16.05 WIT"
    assert local_stamp(at, None) == "Senin 7 Desember 2026 14.05 WIB"
