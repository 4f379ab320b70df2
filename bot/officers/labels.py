"""The Indonesian word an officer reads for each code the database keeps.

The one home of these words: the dashboard pages (through the ``label`` template
filter and the ``*_LABELS`` names the templates get), the CSV exports and the audit
trail all say a status, kind or level from here. The database keeps the English codes.
"""

from __future__ import annotations

from typing import Any, Mapping

from bot.models import complaint as c
from bot.models import ksm as k
from bot.models import messaging as m
from bot.models import monev as mv
from bot.models import officer as roles

COMPLAINT_STATUS = {
    c.NEW: "Baru",
    c.VERIFIED: "Terverifikasi",
    c.IN_FOLLOW_UP: "Ditindaklanjuti",
    c.RESOLVED: "Selesai",
    c.REJECTED: "Ditolak",
    c.NOT_OUR_AUTHORITY: "Bukan wewenang",
    c.MERGED: "Digabung",
}
COMPLAINT_KIND = {
    c.QUESTION: "Pertanyaan/informasi",
    c.SUGGESTION: "Saran/kritik",
    c.MISUSE_OF_FUNDS: "Penyalahgunaan dana",
    c.PROCEDURE: "Pelanggaran prosedur",
    c.OTHER: "Lainnya",
}
NO_KIND = "Belum diisi"
# Short, for tables and filters on a phone.
LEVEL = {
    roles.KELURAHAN: "Kelurahan",
    roles.KOTA: "Kota/Kab.",
    roles.PROVINSI: "Provinsi",
    roles.PUSAT: "Pusat",
}
# Inside a sentence ("naik ke tingkat kota/kabupaten"), in the audit trail and notices.
LEVEL_IN_SENTENCE = {
    roles.KELURAHAN: "kelurahan",
    roles.KOTA: "kota/kabupaten",
    roles.PROVINSI: "provinsi",
    roles.PUSAT: "pusat",
}
ROLE = {
    roles.PPM: "Petugas PPM",
    roles.BKM: "Petugas BKM",
    roles.ADMIN: "Admin",
    roles.FASILITATOR: "Fasilitator",
}
CHANNEL = {"sms": "SMS", "whatsapp": "WhatsApp", "dashboard": "dasbor"}

KSM_STATUS = {
    k.FORMING: "Sedang dibentuk",
    k.WAITING: "Menunggu verifikasi",
    k.VERIFIED: "Terverifikasi",
    k.REJECTED: "Ditolak",
}
MEMBER_STATUS = {
    k.CONFIRMED: "setuju",
    k.INVITED: "diundang",
    k.DECLINED: "menolak",
    k.REQUESTED: "minta gabung",
    k.REFUSED: "tidak diterima",
}
MEMBER_ROLE = {k.LEADER: "ketua", k.MEMBER: "anggota"}
PROPOSAL_STATUS = {
    k.SUBMITTED: "Menunggu pemeriksaan",
    k.ELIGIBLE: "Layak",
    k.NOT_ELIGIBLE: "Tidak layak",
}

MONEV_STATUS = {
    "reported": "Sudah lapor",
    "waiting": "Diingatkan",
    "reminded_again": "Diingatkan 2x",
    "overdue": "Terlambat",
    "not_due": "Belum waktunya",
}
MONEV_KIND = {mv.MONTHLY: "Bulanan", mv.QUARTERLY: "3 bulanan", mv.SEMIANNUAL: "6 bulanan"}

# A message in a complaint's thread (inbound: received/handled/failed; outbound: the rest).
MESSAGE_STATUS = {
    m.RECEIVED: "diterima sistem",
    m.HANDLED: "diproses",
    m.QUEUED: "antre",
    m.CLAIMED: "antre",
    m.SENDING: "sedang dikirim",
    m.SENT: "terkirim",
    m.DELIVERED: "sampai",
    m.READ: "dibaca",
    m.UNDELIVERED: "tidak sampai",
    m.FAILED: "gagal",
    m.ANSWERED: "dijawab",
    m.SKIPPED: "tidak dikirim",
    m.HELD: "ditahan jam tenang",
    m.UNKNOWN: "tidak diketahui",
    m.EXPIRED: "kedaluwarsa (tidak dikirim)",
}

# What an outbound message was for (``Message.kind``): the gateway phones' figures.
MESSAGE_KIND = {
    "reply": "Balasan",
    "notice": "Pemberitahuan",
    "officer_reply": "Balasan petugas",
    "meeting_notice": "Undangan rapat",
    "meeting_reminder": "Pengingat rapat",
    "monev_reminder": "Pengingat monev",
    "announcement": "Pengumuman",
    "erasure": "Hapus data",
    "officer_alert": "Pesan untuk petugas",
    "officer_code": "Kode verifikasi petugas",
}

YES_NO = {True: "ya", False: "tidak"}


def say(labels: Mapping[object, str], code: object, missing: str = "-") -> str:
    """The label of ``code``; ``missing`` when there is none, the code itself when it is
    unknown (a new code shows up rather than vanishing)."""
    if code is None or code == "":
        return missing
    return labels.get(code, str(code))


def thousands(amount: Any) -> str:
    """12345.6 -> ``12.346``: a whole number with Indonesian thousands dots."""
    return f"{float(amount):,.0f}".replace(",", ".")


def rupiah(amount: Any) -> str:
    """12345 -> ``Rp 12.345``."""
    return "Rp " + thousands(amount)
