"""Catalogue texts of priority announcements and TANYA / SANGGAH."""
from __future__ import annotations

from conversations.catalogue import Text, define

_ITEMS_SHORT = ("1 Perbaikan jalan setapak RT 03 (KSM Maju Jaya); 2 Modal usaha warung "
                "(KSM Melati)")
_ITEMS_FULL = ("1. Perbaikan jalan setapak RT 03 - KSM Maju Jaya: paling banyak warga miskin.\n"
               "2. Modal usaha warung - KSM Melati: anggota 100% di daftar warga miskin.")

define({
    # Two segments: the chosen proposals must be named with their KSM, and residents
    # told how to ask or object; the dashboard shows the real count before publishing.
    "ann.sms": Text(
        id="Hasil rapat prioritas BKM {kelurahan}: {items}. Tanya/keberatan: balas TANYA <isi> "
           "atau SANGGAH <isi>.",
        en="BKM {kelurahan} priority meeting result: {items}. Questions/objections: reply "
           "TANYA <text> or SANGGAH <text>.",
        segments=2,
        example={"kelurahan": "Sukamaju Kidul", "items": _ITEMS_SHORT},
    ),
    # WhatsApp only (no SMS segment limit there); the budget covers the example.
    "ann.whatsapp": Text(
        id="Hasil rapat prioritas BKM {kelurahan} ({title})\n\nUsulan terpilih:\n{items}\n\n"
           "Belum terpilih: {others}\n\nTanya atau keberatan: balas TANYA <isi> atau SANGGAH <isi>.",
        en="BKM {kelurahan} priority meeting result ({title})\n\nChosen proposals:\n{items}\n\n"
           "Not chosen: {others}\n\nQuestions or objections: reply TANYA <text> or SANGGAH <text>.",
        segments=3,
        example={"kelurahan": "Sukamaju Kidul", "title": "Prioritas 2026", "items": _ITEMS_FULL,
                 "others": "Pelatihan menjahit (KSM Mawar)"},
    ),
    # Two segments: the proposal, its KSM, that it goes back, and next year's chance.
    "ann.not_chosen": Text(
        id="Usulan {title} KSM {ksm} belum terpilih di rapat prioritas tahun ini. Usulan "
           "dikembalikan ke KSM dan dapat diajukan lagi tahun depan (USUL).",
        en="Proposal {title} of KSM {ksm} was not chosen at this year's priority meeting. It "
           "goes back to the KSM and may be submitted again next year (USUL).",
        segments=2,
        example={"title": "Pelatihan menjahit untuk ibu-ibu RW 05 Sukamaju",
                 "ksm": "Kelompok Usaha Bersama Maju Sejahtera 03"},
    ),
    "ann.ask.text": Text(
        id="Tulis pertanyaan atau keberatan Anda tentang hasil rapat prioritas.",
        en="Write your question or objection about the priority meeting result.",
    ),
    "ann.ask.text_plain": Text(
        id="Tulis pertanyaan atau keberatan Anda dalam satu pesan. Ketik BATAL untuk batal.",
        en="Write your question or objection in one message. Reply BATAL to cancel.",
    ),
    "ann.reply.filed_plain": Text(
        id="Belum ada pengumuman hasil rapat prioritas, tapi pesan Anda dicatat untuk PPM. "
           "Kode: {code}. Cek status: CEK {code}",
        en="No priority announcement yet, but your message is filed for the PPM. "
           "Code: {code}. Check status: CEK {code}",
        example={"code": "123456789"},
    ),
    "ann.reply.filed": Text(
        id="Diterima dan diteruskan ke PPM. Kode: {code}. Cek status: CEK {code}",
        en="Received and passed to the PPM. Code: {code}. Check status: CEK {code}",
        example={"code": "123456789"},
    ),
})
