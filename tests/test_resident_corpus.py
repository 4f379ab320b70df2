"""A corpus of messages written the way Indonesian residents write SMS (issue 13):
abbreviations (sy, tdk, gmn, dgn, yg), regional greetings, numbers in words, mixed case,
stray punctuation. Each is sent from a fresh number, as a first message, and the reply
must be what the resident expects, in plain GSM-7 and within two SMS (one for the
menu, greetings and offers)."""
from __future__ import annotations

import itertools

import pytest

from conversations.gsm import non_gsm7_chars, segments
from tests.transcript import Phone

MENU = ("1 DAFTAR", "ADUAN")  # the one-SMS menu: the answer to anything not understood
OFFER = ("YA", "apa adanya")  # "file this as it is?" for a complaint without a keyword
FILED = ("Kode aduan",)
HELLO = ("Halo", "1 DAFTAR")
SALAM = ("Waalaikumsalam", "1 DAFTAR")
THANKS = ("Sama-sama",)
NO_MEETING = ("Tidak ada rapat",)
NO_KSM = ("belum ada di KSM",)
NO_CODE = ("tidak ada",)
STOPPED = ("MULAI",)
ONE_SMS = {MENU, OFFER, HELLO, SALAM, THANKS}

CORPUS: list[tuple[str, tuple[str, ...]]] = [
    # Complaints told in their own words: offered, one SMS, nothing filed yet.
    ("sy mau lapor dana BLM dipotong", OFFER),
    ("Pak, saya mau lapor dana BLM dipotong", OFFER),
    ("dana BLM tdk sampai ke warga", OFFER),
    ("Tolong pak jalan rusak", OFFER),
    ("tolong bu jalan di RW 3 rusak parah", OFFER),
    ("bantuan blm sampai ke kami pak", OFFER),
    ("uang pinjaman tdk diterima anggota", OFFER),
    ("Ketua KSM motong dana bantuan", OFFER),
    ("ada pungli di kantor kelurahan pak", OFFER),
    ("sy mau mengadu soal dana bergulir", OFFER),
    ("ketua ksm korupsi uang kas", OFFER),
    ("pak dana bantuan di selewengkan ketua", OFFER),
    ("sy kecewa dgn pengurus BKM", OFFER),
    ("jembatan yg dibangun sdh rusak lg", OFFER),
    ("dana utk warga miskin dipotong 500rb", OFFER),
    ("bu sy dimintai uang pungutan 100 ribu", OFFER),
    ("Pembangunan MCK mangkrak sdh 3 bln", OFFER),
    ("kenapa dana blm cair jg pak??", OFFER),
    ("gmn ini pak dana tdk sampai", OFFER),
    ("LAPOR: bendahara menggelapkan uang", FILED),
    ("saluran air blm diperbaiki smp skrg", OFFER),
    ("pembagian bantuan tdk adil pak", OFFER),
    ("laporan keuangan BKM tdk transparan", OFFER),
    ("ada yg memalsukan tanda tangan warga", OFFER),
    ("sy mau lapor pak...", OFFER),
    ("mau lapor ketua minta uang sogok", OFFER),
    ("pak RT nyatut nama warga miskin", OFFER),
    ("dana bergulir hilang dibawa kabur", OFFER),
    ("Tolong ditindak lanjuti pungli ini", OFFER),
    ("bantuan beras dipotong sama pak RT", OFFER),
    # Complaints with a keyword, in every case and with stray punctuation: filed at once.
    ("ADUAN dana BLM dipotong ketua", FILED),
    ("aduan jalan rusak tdk diperbaiki", FILED),
    ("Aduan: uang kas hilang", FILED),
    ("ADUAN. ketua minta uang", FILED),
    ("aduan,dana tdk sampai", FILED),
    ("LAPOR jalan RW 05 rusak", FILED),
    ("lapor pak dana dipotong", FILED),
    ("Lapor!! bantuan tdk sampai", FILED),
    ("LAPOR : pungli di kelurahan", FILED),
    ("ADUAN sy tdk terima dana", FILED),
    ("aduan dana 2 juta hilang", FILED),
    ("ADUAN dua juta rupiah dipotong", FILED),
    ("aduan lima ratus ribu diminta ketua", FILED),
    ("KELUHAN air bersih tdk mengalir", FILED),
    ("keluhan jalan berlubang", FILED),
    ("ADUAN yg dpt bantuan bkn warga miskin", FILED),
    ("aduan bantuan diberikan ke keluarga ketua", FILED),
    ("Aduan ketua KSM tdk pernah rapat", FILED),
    ("ADUAN . . . dana dipotong", FILED),
    ("aduan  spasi   banyak", FILED),
    # Greetings, regional ones too: a short polite answer with the menu.
    ("Assalamualaikum", SALAM),
    ("assalamualaikum wr wb", SALAM),
    ("Assalamualaikum pak", SALAM),
    ("ASS WR WB", SALAM),
    ("Asalamualaikum bu", SALAM),
    ("Assalamu alaikum", SALAM),
    ("samlekom", SALAM),
    ("Selamat pagi", HELLO),
    ("selamat siang pak", HELLO),
    ("Slmt mlm pak", HELLO),
    ("slmt sore bu", HELLO),
    ("met pagi", HELLO),
    ("Met malam min", HELLO),
    ("pagi pak", HELLO),
    ("siang bu", HELLO),
    ("Halo", HELLO),
    ("hallo admin", HELLO),
    ("hai kak", HELLO),
    ("Permisi", HELLO),
    ("punten", HELLO),
    ("Sampurasun", HELLO),
    ("sugeng enjing", HELLO),
    ("Sugeng dalu pak", HELLO),
    ("kulo nuwun", HELLO),
    ("Horas!", HELLO),
    ("horas bah", HELLO),
    ("Om Swastiastu", HELLO),
    ("tabe", HELLO),
    ("salam sejahtera", HELLO),
    ("Mejuah juah", HELLO),
    ("selamat malam bapak", HELLO),
    ("Slmt pagi bu", HELLO),
    ("slamat pagi", HELLO),
    ("Selamat Sore.", HELLO),
    ("P", MENU),
    # Thanks.
    ("Terima kasih", THANKS),
    ("terimakasih pak", THANKS),
    ("makasih ya bu", THANKS),
    ("mksh", THANKS),
    ("trims", THANKS),
    ("Tq", THANKS),
    ("matur nuwun", THANKS),
    ("hatur nuhun", THANKS),
    ("Mauliate", THANKS),
    ("ok terima kasih", THANKS),
    ("Terima kasih banyak pak", THANKS),
    ("trm ksh", THANKS),
    # Checking a complaint with a code that is not theirs, typed every way.
    ("CEK 123456789", NO_CODE),
    ("cek 123456789", NO_CODE),
    ("cek123456789", NO_CODE),
    ("CEK.123456789", NO_CODE),
    ("Cek 123 456 789", NO_CODE),
    ("cek 123-456-789", NO_CODE),
    ("STATUS 123456789", NO_CODE),
    ("status aduan 123456789", NO_CODE),
    ("c e k 123456789", NO_CODE),
    ("CEK: 123456789", NO_CODE),
    # Meeting answers with no meeting coming up.
    ("HADIR", NO_MEETING),
    ("hadir", NO_MEETING),
    ("Hadir pak", NO_MEETING),
    ("TIDAK HADIR", NO_MEETING),
    ("tdk hadir", NO_MEETING),
    ("izin", NO_MEETING),
    ("Ijin pak sakit", NO_MEETING),
    ("absen", NO_MEETING),
    ("hadir 10/12", NO_MEETING),
    ("tidak", NO_MEETING),
    # KSM status with no KSM.
    ("KSM", NO_KSM),
    ("ksm", NO_KSM),
    ("info ksm", NO_KSM),
    ("STATUS KSM", NO_KSM),
    ("cek ksm", NO_KSM),
    # Opting out.
    ("BERHENTI", STOPPED),
    ("berhenti", STOPPED),
    ("STOP", STOPPED),
    ("Stop.", STOPPED),
    # Anything else: the one-SMS menu.
    ("?", MENU),
    ("??", MENU),
    ("halo?", HELLO),
    ("xyz", MENU),
    ("gmn caranya?", MENU),
    ("ini nomor apa ya", MENU),
    ("sy tdk ngerti", MENU),
    ("apa ini", MENU),
    ("...", MENU),
    ("1", MENU),
    ("satu", MENU),
    ("dua", MENU),
    ("ok", THANKS),
    ("MENU", MENU),
    ("menu", MENU),
    ("Menu.", MENU),
    ("m e n u", MENU),
    ("info", ("ADUAN",)),
    ("BANTUAN", ("ADUAN",)),
    ("bantuan", ("ADUAN",)),
    ("Tolong", ("ADUAN",)),
    ("help", ("ADUAN",)),
    ("Sy mau tanya", ("Tulis pertanyaan",)),  # asked for its text (TANYA after polite words)
    ("mau daftar gmn", MENU),
    ("ada info bantuan gk", MENU),
    ("kapan rapat", MENU),
    ("nomor sy sdh terdaftar blm", MENU),
    # Starting a service.
    ("DAFTAR", ("Kelurahan",)),
    ("daftar", ("Kelurahan",)),
    ("Daftar ksm", ("Kelurahan",)),
    ("DAFTR", ("Kelurahan",)),
    ("ADUAN", ("Tulis isi",)),
    ("aduan", ("Tulis isi",)),
    ("Aduan.", ("Tulis isi",)),
    ("a d u a n", ("Tulis isi",)),
    ("LAPOR", ("Tulis isi",)),
    ("GABUNG", ("kode",)),
    ("gabung 99999", ("kode",)),
    ("RAPAT", ("rapat",)),
    ("BAHASA EN", ("English",)),
    ("bahasa inggris", ("English",)),
]

_numbers = itertools.count(1)


def test_the_corpus_is_big_enough() -> None:
    assert len(CORPUS) >= 150
    assert len({text for text, _ in CORPUS}) == len(CORPUS)


@pytest.mark.parametrize(("text", "expected"), CORPUS, ids=[t for t, _ in CORPUS])
def test_a_resident_message_gets_the_expected_answer(client, text: str,
                                                     expected: tuple[str, ...]) -> None:
    phone = Phone(client, number=f"+62857{next(_numbers):08d}")
    phone.send(text).expect(*expected)
    for reply in phone.last:
        assert not non_gsm7_chars(reply), reply
        assert segments(reply) <= (1 if expected in ONE_SMS else 2), (text, reply)
    if expected in ONE_SMS:
        assert len(phone.last) == 1, phone.last
