"""Catalogue texts of MONEV and the monev reminders."""
from __future__ import annotations

from conversations.catalogue import Text, define

_KSM = "Kelompok Usaha Bersama Maju Sejahtera 03"

define({
    "monev.menu": Text(id="MONEV laporan monev KSM", en="MONEV KSM monitoring report"),
    "monev.none": Text(
        id="Belum ada laporan monev yang diminta dari KSM Anda.",
        en="No monitoring report is due from your KSM.",
    ),
    "monev.ask.which": Text(
        id="Laporan monev KSM yang mana? Ketik nomor:\n{options}",
        en="Monitoring report for which KSM? Reply a number:\n{options}",
        example={"options": "1 Kelompok Usaha Bersama Maju (quarterly)\n2 Bank Sampah (monthly)"},
    ),
    "monev.ask.meetings": Text(
        id="Monev KSM {ksm} ({kind}). Berapa kali KSM rapat sejak laporan lalu? Ketik angka.",
        en="KSM {ksm} monitoring ({kind}). How many meetings since the last report? Reply a number.",
        example={"ksm": _KSM, "kind": "semiannual"},
    ),
    "monev.ask.active": Text(
        id="Berapa anggota yang aktif? Ketik angka 0 sampai {n}.",
        en="How many members are active? Reply a number from 0 to {n}.",
        example={"n": 30},
    ),
    "monev.ask.progress": Text(
        id="Kegiatan KSM? Ketik nomor:\n1 Belum mulai\n2 Sedang berjalan\n3 Selesai",
        en="The KSM's activity? Reply a number:\n1 Not started\n2 Under way\n3 Finished",
    ),
    "monev.ask.problems": Text(
        id="Ada masalah? Tulis singkat, atau TIDAK ADA.",
        en="Any problems? Write briefly, or TIDAK ADA (none).",
    ),
    "monev.error.meetings": Text(
        id="Ketik jumlah rapat dengan angka 0 sampai {max}, atau BATAL.",
        en="Reply the number of meetings, 0 to {max}, or BATAL.",
        example={"max": 31},
    ),
    "monev.error.active": Text(
        id="Ketik jumlah anggota aktif dengan angka 0 sampai {max}, atau BATAL.",
        en="Reply the number of active members, 0 to {max}, or BATAL.",
        example={"max": 30},
    ),
    "monev.thanks": Text(
        id="Terima kasih, laporan monev KSM {ksm} sudah diterima BKM.",
        en="Thank you, the BKM has KSM {ksm}'s monitoring report.",
        example={"ksm": _KSM},
    ),
    # Reminders (broadcasts to leaders: the KSM is asked for in the dialog).
    "monev.remind.monthly": Text(
        id="Waktunya laporan monev bulanan KSM Anda. Balas MONEV untuk mengisi (4 pertanyaan).",
        en="Your KSM's monthly monitoring report is due. Reply MONEV to fill it in (4 questions).",
    ),
    "monev.remind.quarterly": Text(
        id="Waktunya laporan monev 3 bulanan KSM Anda. Balas MONEV untuk mengisi (4 pertanyaan).",
        en="Your KSM's 3-monthly monitoring report is due. Reply MONEV to fill it in (4 questions).",
    ),
    "monev.remind.semiannual": Text(
        id="Waktunya laporan monev 6 bulanan KSM Anda. Balas MONEV untuk mengisi (4 pertanyaan).",
        en="Your KSM's 6-monthly monitoring report is due. Reply MONEV to fill it in (4 questions).",
    ),
    "monev.remind.second": Text(
        id="Pengingat kedua: laporan monev KSM Anda belum masuk. Balas MONEV untuk mengisi.",
        en="Second reminder: your KSM's monitoring report is missing. Reply MONEV to fill it in.",
    ),
})
