"""Catalogue texts of the engine itself: menu, help, opt-out, language, cancel, errors."""
from __future__ import annotations

from conversations.catalogue import Text, define

define({
    # The answer to anything not understood, so one SMS: keywords only, the
    # explanations are one keyword (BANTUAN) away.
    "menu.short": Text(
        id="KSM-bot PNPM. Balas nomor/kata:\n{items}\nBANTUAN=penjelasan, BERHENTI=stop, "
           "BAHASA EN=English",
        en="KSM-bot PNPM. Reply number/word:\n{items}\nHELP=explanations, BERHENTI=stop, "
           "BAHASA ID=Indonesia",
        example={"items": "1 DAFTAR 2 ADUAN 3 CEK 4 GABUNG 5 KSM 6 USUL 7 RAPAT 8 MONEV 9 TANYA"},
    ),
    # Two segments, asked for (BANTUAN/HELP): every service with a line on what it does.
    "menu.body": Text(
        id="KSM-bot PNPM. Ketik nomor atau kata kunci:\n{items}\nBATAL=batal, BERHENTI=stop, BAHASA EN=English",
        en="KSM-bot PNPM. Reply a number or keyword:\n{items}\nBATAL=cancel, BERHENTI=stop, BAHASA ID=Indonesia",
        segments=2,
        example={"items": "1 DAFTAR daftar KSM baru\n2 ADUAN pengaduan\n3 CEK status aduan\n"
                          "4 GABUNG gabung KSM\n5 KSM info KSM Anda\n6 USUL usulan kegiatan KSM\n"
                          "7 RAPAT jadwal rapat KSM\n8 MONEV laporan monev KSM"},
    ),
    # A greeting gets one back, with the one-SMS menu.
    "greet.menu": Text(
        id="{greeting} Ini KSM-bot PNPM. Balas nomor/kata:\n{items}\nBANTUAN=penjelasan, "
           "ADUAN <isi>=lapor",
        en="{greeting} KSM-bot PNPM here. Reply number/word:\n{items}\nHELP=explain, "
           "ADUAN <text>=complain",
        example={"greeting": "Waalaikumsalam.",
                 "items": "1 DAFTAR 2 ADUAN 3 CEK 4 GABUNG 5 KSM 6 USUL 7 RAPAT 8 MONEV 9 TANYA"},
    ),
    "greet.salam": Text(id="Waalaikumsalam.", en="Waalaikumsalam."),
    "greet.hello": Text(id="Halo.", en="Hello."),
    "greet.thanks": Text(
        id="Sama-sama. Ketik MENU jika perlu layanan lagi.",
        en="You are welcome. Reply MENU if you need a service again.",
    ),
    "offer.declined": Text(
        id="Baik, tidak dicatat. Ketik MENU untuk daftar layanan.",
        en="All right, nothing filed. Reply MENU for the list of services.",
    ),
    "menu.empty": Text(
        id="KSM-bot PNPM. Layanan belum tersedia. BAHASA EN=English, BERHENTI=stop",
        en="KSM-bot PNPM. No services yet. BAHASA ID=Indonesia, BERHENTI=stop",
    ),
    "dialog.cancelled": Text(
        id="Dibatalkan. Ketik MENU untuk mulai lagi.",
        en="Cancelled. Reply MENU to start again.",
    ),
    "dialog.interrupted": Text(
        id="Isian sebelumnya dihentikan dan tidak disimpan.",
        en="Your earlier answers were stopped and not saved.",
    ),
    "inbox.kept": Text(
        id="Pesan diteruskan ke petugas, nanti dibalas. Atau balas nomor:\n{items}",
        en="Passed to an officer, who will answer. Or reply a number:\n{items}",
        example={"items": "1 DAFTAR 2 ADUAN 3 CEK 4 GABUNG 5 KSM 6 USUL 7 RAPAT 8 MONEV 9 TANYA"},
    ),
    "dialog.parked": Text(
        id="Isian sebelumnya disimpan sementara. Ketik LANJUT untuk meneruskannya (24 jam).",
        en="Your earlier answers are kept for now. Reply LANJUT to go on with them (24 hours).",
    ),
    "dialog.nothing_parked": Text(
        id="Tidak ada isian yang bisa dilanjutkan. Ketik MENU untuk melihat layanan.",
        en="There is nothing to go on with. Reply MENU to see the services.",
    ),
    "dialog.nothing_to_cancel": Text(
        id="Tidak ada yang dibatalkan. Ketik MENU untuk daftar layanan.",
        en="Nothing to cancel. Reply MENU for the list of services.",
    ),
    "dialog.expired": Text(
        id="Percakapan sebelumnya sudah berakhir karena lama tidak dibalas. Kita mulai lagi.",
        en="Your earlier conversation ended after no reply. Starting again.",
    ),
    "optout.confirmed": Text(
        id="Anda tidak akan menerima pesan dari kami lagi. Ketik MULAI untuk kembali.",
        en="You will get no more messages from us. Reply MULAI to come back.",
    ),
    "optout.already": Text(
        id="Anda sudah berhenti berlangganan. Ketik MULAI untuk kembali.",
        en="You are already unsubscribed. Reply MULAI to come back.",
    ),
    "optin.confirmed": Text(
        id="Selamat datang kembali. Anda akan menerima pesan lagi. Ketik MENU untuk layanan.",
        en="Welcome back. You will get messages again. Reply MENU for services.",
    ),
    "language.set": Text(
        id="Bahasa: Indonesia. Ketik MENU untuk layanan.",
        en="Language: English. Reply MENU for services.",
    ),
    "language.unknown": Text(
        id="Pilih bahasa: BAHASA ID (Indonesia) atau BAHASA EN (English).",
        en="Choose a language: BAHASA ID (Indonesian) or BAHASA EN (English).",
    ),
    "error.empty": Text(
        id="Pesan kosong. Silakan ketik jawaban Anda, atau BATAL.",
        en="Empty message. Please type your answer, or BATAL.",
    ),
    "error.too_long": Text(
        id="Jawaban terlalu panjang (maks {max} huruf). Coba lebih singkat, atau BATAL.",
        en="Answer too long (max {max} characters). Please shorten it, or BATAL.",
        example={"max": 300},
    ),
    "error.choice": Text(
        id="Pilihan tidak ada. Ketik nomor 1 sampai {max}, atau BATAL.",
        en="No such choice. Reply a number from 1 to {max}, or BATAL.",
        example={"max": 12},
    ),
    "error.choice_one": Text(
        id="Pilihan tidak ada. Hanya ada satu pilihan: ketik 1, atau BATAL.",
        en="No such choice. There is only one: reply 1, or BATAL.",
    ),
    "limit.minute": Text(
        id="Terlalu banyak pesan. Semua sudah kami simpan; kami balas lagi 10 menit lagi.",
        en="Too many messages. All are saved; we will answer again in 10 minutes.",
    ),
    "limit.day": Text(
        id="Terlalu banyak pesan hari ini. Semua sudah kami simpan; kami balas lagi besok.",
        en="Too many messages today. All are saved; we will answer again tomorrow.",
    ),
    "error.internal": Text(
        id="Maaf, ada gangguan. Pesan Anda sudah kami simpan dan akan diproses.",
        en="Sorry, something went wrong. Your message is saved and will be handled.",
    ),
})
