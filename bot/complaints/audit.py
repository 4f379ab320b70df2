"""The complaint's audit trail as an officer reads it: one Indonesian sentence per entry,
stamped in the kelurahan's local time with its zone (``Senin 7 Desember 2026 14.05 WIB``).

The entries themselves stay as recorded (action, before/after values, note) by
``bot.complaints.events.record``; this module only says them.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Mapping

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.models import Complaint, ComplaintEvent, Kelurahan, Officer
from bot.officers import labels
from bot.areas.local_time import stamp
from bot.areas.working_days import last_day, long_date

CHANNEL_NAMES = labels.CHANNEL
ROLE_NAMES = labels.ROLE
LEVEL_NAMES = labels.LEVEL_IN_SENTENCE
STATUS_NAMES = labels.COMPLAINT_STATUS
# What moving to a status is, said as the officer's deed.
STATUS_DEEDS = {
    "verified": "memverifikasi aduan",
    "in_follow_up": "mulai menindaklanjuti aduan",
    "resolved": "menyelesaikan aduan",
    "rejected": "menolak aduan",
    "not_our_authority": "menyatakan aduan bukan wewenangnya",
}
# ``local_stamp`` was born here; the one helper is now ``local_time.stamp``.
local_stamp = stamp


def actor(role: str | None, username: str | None) -> str:
    """Who acted: ``Petugas PPM siti``; the complainant or the system when no officer."""
    if username is None:
        return "Pengadu"
    return f"{ROLE_NAMES.get(role or '', 'Petugas')} {username}"


def _level(value: Any) -> str:
    return LEVEL_NAMES.get(value, str(value or "-"))


def _rupiah(value: Any) -> str:
    try:
        return labels.rupiah(int(value))
    except (TypeError, ValueError):
        return str(value)


def _reason(note: str | None, label: str = "Alasan") -> str:
    return f" {label}: {note.rstrip('.')}." if note else ""


def _answered(
    before: Mapping[str, Any], after: Mapping[str, Any], places: Mapping[int, str]
) -> str:
    parts: list[str] = []
    if "location" in after:
        parts.append(f'Pengadu menyebut lokasi "{after.get("location") or "-"}"')
        new_place = after.get("kelurahan_id")
        if new_place and new_place != before.get("kelurahan_id"):
            parts[-1] += f"; aduan ditempatkan di kelurahan {places.get(new_place, new_place)}"
        parts[-1] += "."
    if "kind" in after:
        kind = labels.say(labels.COMPLAINT_KIND, after["kind"]).lower()
        parts.append(f"Pengadu memilih jenis aduan: {kind}.")
    if "accused" in after:
        parts.append(f'Pengadu menyebut yang diadukan: "{after["accused"]}".')
    if "amount" in after:
        parts.append(f"Pengadu menyebut jumlah dana {_rupiah(after['amount'])}.")
    if "anonymous" in after:
        parts.append(
            "Pengadu meminta identitasnya dirahasiakan."
            if after["anonymous"]
            else "Pengadu mengizinkan identitasnya ditampilkan kepada petugas."
        )
    if after.get("names_bkm_member") and not before.get("names_bkm_member"):
        moved = after.get("level") != before.get("level")
        parts.append(
            "Yang diadukan anggota BKM: aduan disembunyikan dari BKM"
            + (f" dan naik ke tingkat {_level(after.get('level'))}." if moved else ".")
        )
    return " ".join(parts) or "Pengadu menjawab pertanyaan aduan."


def sentence(
    action: str,
    before: Mapping[str, Any] | None,
    after: Mapping[str, Any] | None,
    note: str | None,
    who: str,
    *,
    channel: str | None = None,
    zone: str | None = None,
    officers: Mapping[int, str] | None = None,
    places: Mapping[int, str] | None = None,
    officer_id: int | None = None,
) -> str:
    """One audit entry as a sentence. ``who`` is :func:`actor` of the entry;
    ``officers`` names officer ids (assignees), ``places`` kelurahan ids."""
    before, after = before or {}, after or {}
    officers, places = officers or {}, places or {}
    if action == "filed":
        return (
            f"Pengadu mengirim aduan lewat {CHANNEL_NAMES.get(channel or '', channel or 'pesan')};"
            " aduan masuk di tingkat "
            f"{_level(after.get('level'))}."
        )
    if action == "answered":
        return _answered(before, after, places)
    if action == "media":
        return f"Pengadu melampirkan {after.get('count', 1)} berkas."
    if action == "continued":
        return "Pengadu mengirim lanjutan isi aduan (pesan panjang yang terpotong); digabung."
    if action == "status":
        new = after.get("status")
        deed = STATUS_DEEDS.get(new, f"mengubah status menjadi {STATUS_NAMES.get(new, new)}")
        text = f"{who} {deed}."
        if note:
            text += _reason(note)
        elif after.get("public_response") and after.get("public_response") != before.get(
            "public_response"
        ):
            text += _reason(after["public_response"], "Tanggapan")
        return text
    if action == "escalated":
        return (
            f"{who} mengeskalasi aduan dari tingkat {_level(before.get('level'))} ke tingkat "
            f"{_level(after.get('level'))}.{_reason(note)}"
        )
    if action == "auto_escalated":
        due = after.get("due_at")
        due_text = ""
        if due:
            due_text = f" Tenggat baru: {long_date(last_day(datetime.fromisoformat(due), zone))}."
        return (
            f"Sistem menaikkan aduan dari tingkat {_level(before.get('level'))} ke tingkat "
            f"{_level(after.get('level'))} karena lewat tenggat.{due_text}"
        )
    if action == "names_bkm_member":
        moved = after.get("level") != before.get("level")
        where = f" dan naik ke tingkat {_level(after.get('level'))}" if moved else ""
        if officer_id is None:  # matched against the kelurahan's BKM roster on intake
            return (
                "Yang diadukan cocok dengan anggota BKM kelurahan: aduan disembunyikan dari "
                f"BKM{where} ({(note or '').rstrip('.')})."
            )
        return (
            f"{who} menandai bahwa aduan menyebut anggota BKM: aduan disembunyikan dari "
            f"BKM{where}.{_reason(note)}"
        )
    if action == "placed":
        return f"{who} menempatkan aduan di {note or places.get(after.get('kelurahan_id'), '-')}."
    if action == "assigned":
        assignee = after.get("assigned_officer_id")
        if assignee is None or assignee == officer_id:
            return f"{who} mengambil aduan untuk ditangani sendiri."
        return f"{who} menugaskan aduan kepada {officers.get(assignee, 'petugas lain')}."
    if action == "taken_over":
        return (
            f"{who} mengambil alih aduan; aduan naik dari tingkat {_level(before.get('level'))} "
            f"ke tingkat {_level(after.get('level'))}."
        )
    if action == "status_undone":
        return (f"{who} membatalkan perubahan status (dari tindakan massal): aduan kembali "
                f"{STATUS_NAMES.get(str(after.get('status')), after.get('status'))}; pengadu "
                "tidak diberi tahu tentang perubahan itu.")
    if action == "reply":
        return f'{who} membalas pengadu: "{note or after.get("public_response") or ""}".'
    if action in MERGE_ACTIONS:
        return _merge_sentence(action, after, who)
    if action == "purged":  # bot.privacy.retention
        return (
            f"Sistem memutus aduan dari nomor pengadu: masa simpan data "
            f"{after.get('months', '-')} bulan habis. Isi, jenis, wilayah, tanggal dan status "
            "tetap tersimpan."
        )
    if action == "erased":  # bot.privacy.erasure
        return "Data pribadi pengadu dihapus atas permintaannya (HAPUS DATA)."
    return f"{who}: {action}.{_reason(note, 'Catatan')}"


# Merging duplicates (bot.complaints.merge). The other complaint is not named:
# the officer reading this trail may not be allowed to see it; the page links it when so.
MERGE_ACTIONS = ("merged_into", "merged_from", "root_changed", "unmerged", "unmerged_from")


def _merge_sentence(action: str, after: Mapping[str, Any], who: str) -> str:
    if action == "merged_into" and after.get("moved"):
        return (
            f"{who} menggabungkan aduan induknya ke aduan lain; aduan ini kini mengikuti "
            "aduan itu."
        )
    if action == "merged_into":
        return (
            f"{who} menggabungkan aduan ini ke aduan lain tentang kejadian yang sama; "
            "selama 10 menit penggabungan dapat dibatalkan, lalu pengadu diberi tahu dan "
            "menerima setiap perubahan status aduan itu."
        )
    if action == "unmerged":
        return (f"{who} membatalkan penggabungan: aduan ini kembali ditangani sendiri; "
                "pengadu tidak diberi tahu tentang penggabungan itu.")
    if action == "unmerged_from":
        return f"{who} membatalkan penggabungan aduan lain ke aduan ini."
    if action == "merged_from":
        return (
            f"{who} menggabungkan aduan lain tentang kejadian yang sama ke aduan ini; "
            "pengadunya ikut menerima setiap perubahan status aduan ini."
        )
    if after.get("reply"):
        return ("Pengadu diberi tahu: balasan petugas pada aduan tempat aduan ini digabung "
                "dikirim juga kepadanya.")
    if "status" in after:
        status = STATUS_NAMES.get(str(after["status"]), after["status"])
        return f"Pengadu diberi tahu: aduan tempat aduan ini digabung kini berstatus {status}."
    return (
        "Pengadu diberi tahu: aduan tempat aduan ini digabung naik ke tingkat "
        f"{_level(after.get('level'))}."
    )


def trail(session: Session, complaint: Complaint, zone: str | None) -> list[dict[str, str]]:
    """The complaint's audit trail, oldest first: ``{"at": stamp, "text": sentence}``."""
    events = session.execute(
        select(ComplaintEvent, Officer.username, Officer.role)
        .outerjoin(Officer, Officer.id == ComplaintEvent.officer_id)
        .where(ComplaintEvent.complaint_id == complaint.id)
        .order_by(ComplaintEvent.id)
    ).all()
    assignee_ids = {
        (e.after or {}).get("assigned_officer_id") for e, _u, _r in events if e.action == "assigned"
    } - {None}
    officers = {
        row.id: actor(row.role, row.username)
        for row in session.execute(
            select(Officer.id, Officer.username, Officer.role).where(Officer.id.in_(assignee_ids))
        )
    } if assignee_ids else {}
    place_ids = {(e.after or {}).get("kelurahan_id") for e, _u, _r in events} - {None}
    places = (
        dict(
            session.execute(
                select(Kelurahan.id, Kelurahan.name).where(Kelurahan.id.in_(place_ids))
            ).all()
        )
        if place_ids
        else {}
    )
    return [
        {
            "at": stamp(event.created_at, zone),
            "text": sentence(
                event.action,
                event.before,
                event.after,
                event.note,
                actor(role, username),
                channel=complaint.channel,
                zone=zone,
                officers=officers,
                places=places,
                officer_id=event.officer_id,
            ),
        }
        for event, username, role in events
    ]
