"""Catalogue texts of RAPAT, HADIR/TIDAK HADIR and the meeting notices and reminders."""
from __future__ import annotations

from conversations.catalogue import Text, define

_KSM = "Kelompok Usaha Bersama Maju Sejahtera 03"  # 40 characters: the longest allowed
_PLACE = "Balai Pertemuan RW 03 Sukamaju Kidul"  # places are capped at 40 characters
_WHEN = "Minggu 27/12/2026 19.30 WITA"  # the year shows when not this year
_NOT_TOLD = " (Tidak ke Siti Nurhaliza Rahma, Siti Nurhaliza Putr, Ani Rahmawati S +12: " \
            "sudah BERHENTI.)"

define({
    "rapat.no_members": Text(
        id="KSM {ksm} belum punya anggota yang setuju, jadi belum ada yang bisa diberi tahu "
           "rapat. Undang dulu: ANGGOTA nama, L/P, nomor HP.",
        en="KSM {ksm} has no members who accepted yet, so nobody can be told of a meeting. "
           "Invite them first: ANGGOTA name, L/P, phone number.",
        example={"ksm": "Bank Sampah Melati Sejahtera"},
    ),
    "rapat.menu": Text(id="RAPAT jadwal rapat KSM", en="RAPAT KSM meetings"),
    "rapat.ask.when": Text(
        id="Tulis tanggal, jam dan tempat rapat. Contoh: 5/12 19.30 Balai RW 03",
        en="Write the meeting's date, time and place. Example: 5/12 19.30 Balai RW 03",
    ),
    "rapat.ask.rutin": Text(
        id="Tulis hari, minggu ke berapa, jam dan tempat. Contoh: Senin pertama 19.30 Balai RW",
        en="Write the day, which week, time and place. Example: Senin pertama 19.30 Balai RW",
    ),
    "rapat.error.nothing": Text(
        id="Tanggal dan jam tidak terbaca. Contoh: 5/12 19.30 Balai RW 03, atau BATAL.",
        en="Could not read the date and time. Example: 5/12 19.30 Balai RW 03, or BATAL.",
    ),
    "rapat.error.no_time": Text(
        id="Jamnya belum ada. Contoh: 5/12 jam 19.30 Balai RW 03, atau BATAL.",
        en="The time is missing. Example: 5/12 jam 19.30 Balai RW 03, or BATAL.",
    ),
    "rapat.error.bad_date": Text(
        id="Tanggal itu tidak ada. Periksa tanggal dan bulan, atau BATAL.",
        en="That date does not exist. Check the day and month, or BATAL.",
    ),
    "rapat.error.bad_time": Text(
        id="Jam itu tidak ada. Tulis jam 00.00 sampai 23.59, atau BATAL.",
        en="That time does not exist. Write 00.00 to 23.59, or BATAL.",
    ),
    "rapat.error.past": Text(
        id="Waktu itu sudah lewat. Tulis tanggal dan jam yang akan datang, atau BATAL.",
        en="That time has passed. Write a date and time still to come, or BATAL.",
    ),
    "rapat.error.past_date": Text(
        id="Tanggal {date} sudah lewat. Jika maksudnya tahun depan, tulis {next_year}. "
           "Atau tulis tanggal lain, atau BATAL.",
        en="{date} has passed. If you mean next year, write {next_year}. Or write another "
           "date, or BATAL.",
        example={"date": "30/11", "next_year": "30/11/2027"},
    ),
    "rapat.error.far": Text(
        id="Rapat paling lama 1 tahun dari sekarang. Periksa tanggalnya, atau BATAL.",
        en="A meeting can be at most 1 year ahead. Check the date, or BATAL.",
    ),
    "rapat.error.place": Text(
        id="Tempatnya belum ada. Tulis tanggal, jam dan tempat. Contoh: 5/12 19.30 Balai RW",
        en="The place is missing. Write date, time and place. Example: 5/12 19.30 Balai RW",
    ),
    "rapat.error.rutin": Text(
        id="Tidak terbaca. Contoh: Senin pertama 19.30 Balai RW (atau kedua, ketiga, terakhir).",
        en="Could not read it. Example: Senin pertama 19.30 Balai RW (or kedua, ketiga, terakhir).",
    ),
    # {not_told} is "" or rapat.not_told: with it, a second segment.
    "rapat.confirm": Text(
        id="Rapat KSM {ksm}: {when} di {place}. Kirim ke {n} anggota?{not_told} YA atau TIDAK",
        en="KSM {ksm} meeting: {when} at {place}. Send to {n} members?{not_told} YA or TIDAK",
        segments=2,
        example={"ksm": _KSM, "when": _WHEN, "place": _PLACE, "n": 12, "not_told": _NOT_TOLD},
    ),
    "rapat.not_told": Text(
        id=" (Tidak ke {names}: sudah BERHENTI.)",
        en=" (Not to {names}: they sent BERHENTI.)",
        example={"names": "Siti Nurhaliza Rahma, Siti Nurhaliza Putr, Ani Rahmawati S +12"},
    ),
    "rapat.not_told.more": Text(id=" +{n}", en=" +{n}", example={"n": 12}),
    # Two segments: a routine meeting needs its rule and its first date read back.
    "rapat.confirm_rutin": Text(
        id="Rapat rutin KSM {ksm}: tiap {rule} jam {clock} di {place}. Pertama: {when}. "
           "Kirim ke {n} anggota?{not_told} Balas YA atau TIDAK.",
        en="Routine KSM {ksm} meeting: every {rule} at {clock} at {place}. First: {when}. "
           "Send to {n} members?{not_told} Reply YA or TIDAK.",
        segments=2,
        example={"ksm": _KSM, "rule": "Senin terakhir", "clock": "19.30 WITA", "place": _PLACE,
                 "when": _WHEN, "n": 12, "not_told": _NOT_TOLD},
    ),
    "rapat.saved": Text(
        id="Rapat disimpan. Anggota diberi tahu, diingatkan H-1 jam 08.00 dan 2 jam sebelumnya.",
        en="Meeting saved. Members are told now, reminded the day before at 08.00 and 2 hours before.",
    ),
    "rapat.not_saved": Text(
        id="Rapat tidak disimpan. Ketik RAPAT untuk mulai lagi.",
        en="Meeting not saved. Reply RAPAT to start again.",
    ),
    "rapat.not_leader": Text(
        id="Hanya ketua KSM yang dapat membuat jadwal rapat. Belum ada rapat untuk Anda.",
        en="Only a KSM leader can schedule meetings. You have no meeting coming up.",
    ),
    "rapat.next": Text(
        id="Rapat KSM {ksm} berikutnya: {when} di {place}. Balas HADIR/TIDAK HADIR",
        en="Next KSM {ksm} meeting: {when} at {place}. Reply HADIR or TIDAK HADIR.",
        example={"ksm": _KSM, "when": _WHEN, "place": _PLACE},
    ),
    "rapat.batal.none": Text(
        id="Tidak ada rapat terjadwal untuk KSM {ksm}.",
        en="KSM {ksm} has no meeting scheduled.",
        example={"ksm": _KSM},
    ),
    "rapat.batal.confirm": Text(
        id="Batalkan rapat KSM {ksm} {when} di {place}? Balas YA atau TIDAK.",
        en="Cancel the KSM {ksm} meeting {when} at {place}? Reply YA or TIDAK.",
        example={"ksm": _KSM, "when": _WHEN, "place": _PLACE},
    ),
    "rapat.batal.done": Text(
        id="Rapat dibatalkan dan anggota diberi tahu.",
        en="Meeting cancelled; members are told.",
    ),
    "rapat.batal.kept": Text(
        id="Rapat tetap berjalan sesuai jadwal.",
        en="The meeting stays as scheduled.",
    ),
    # HADIR / TIDAK HADIR.
    "rsvp.yes": Text(
        id="Terima kasih, tercatat HADIR di rapat KSM {ksm} {when}.",
        en="Thank you: you will attend the KSM {ksm} meeting {when}.",
        example={"ksm": _KSM, "when": _WHEN},
    ),
    "rsvp.no": Text(
        id="Terima kasih, tercatat TIDAK HADIR di rapat KSM {ksm} {when}.",
        en="Thank you: you will not attend the KSM {ksm} meeting {when}.",
        example={"ksm": _KSM, "when": _WHEN},
    ),
    # The options: "1 Senin 7/12 19.30 WIB Maju Jaya, 2 ..." (a member of a few KSMs).
    "rsvp.ask.yes": Text(
        id="HADIR di rapat yang mana? Balas nomornya: {options}",
        en="Attend which meeting? Reply with its number: {options}",
        segments=2,
        example={"options": f"1 {_WHEN} {_KSM}, 2 {_WHEN} {_KSM}"},
    ),
    "rsvp.ask.no": Text(
        id="TIDAK HADIR di rapat yang mana? Balas nomornya: {options}",
        en="Not attending which meeting? Reply with its number: {options}",
        segments=2,
        example={"options": f"1 {_WHEN} {_KSM}, 2 {_WHEN} {_KSM}"},
    ),
    "rsvp.no_date": Text(
        id="Tidak ada rapat Anda tgl {date}.",
        en="You have no meeting on {date}.",
        example={"date": "31/12"},
    ),
    "rsvp.none": Text(
        id="Tidak ada rapat KSM yang akan datang untuk Anda.",
        en="You have no KSM meeting coming up.",
    ),
    # Sent to members (broadcasts) and to the leader.
    "rapat.notice": Text(
        id="Rapat KSM {ksm}: {when} di {place}. Balas HADIR atau TIDAK HADIR.",
        en="KSM {ksm} meeting: {when} at {place}. Reply HADIR or TIDAK HADIR.",
        example={"ksm": _KSM, "when": _WHEN, "place": _PLACE},
    ),
    "rapat.remind.day_before": Text(
        id="Pengingat: besok rapat KSM {ksm} jam {clock} di {place}. Balas HADIR atau TIDAK HADIR.",
        en="Reminder: KSM {ksm} meets tomorrow at {clock} at {place}. Reply HADIR or TIDAK HADIR.",
        example={"ksm": _KSM, "clock": "19.30 WITA", "place": _PLACE},
    ),
    "rapat.remind.soon": Text(
        id="Pengingat: rapat KSM {ksm} hari ini jam {clock} di {place}.",
        en="Reminder: KSM {ksm} meets today at {clock} at {place}.",
        example={"ksm": _KSM, "clock": "19.30 WITA", "place": _PLACE},
    ),
    "rapat.count": Text(
        id="Rapat KSM {ksm} jam {clock}: {yes} hadir, {no} tidak hadir, {none} belum menjawab.",
        en="KSM {ksm} meeting at {clock}: {yes} attending, {no} not attending, {none} no answer.",
        example={"ksm": _KSM, "clock": "19.30 WITA", "yes": 12, "no": 3, "none": 15},
    ),
    "rapat.cancelled": Text(
        id="Rapat KSM {ksm} {when} di {place} DIBATALKAN.",
        en="The KSM {ksm} meeting {when} at {place} is CANCELLED.",
        example={"ksm": _KSM, "when": _WHEN, "place": _PLACE},
    ),
})
