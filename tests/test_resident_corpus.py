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


# The keywords of issues 13 and 17, as residents type them: GABUNG <code> (a KSM 48213
# exists; the sender was not invited), TERIMA/TOLAK <n> from someone who leads no KSM,
# INFO <kelurahan> (Sukamaju exists), HAPUS DATA. Each a first message; one SMS each.
JOIN = ("Gabung KSM Maju Jaya", "Nama Anda")
ASK_KSM_CODE = ("kode KSM",)
NO_SUCH_KSM = ("Tidak ada KSM dengan kode itu",)
NOT_LEADER = ("Anda bukan ketua KSM",)
NO_REQUESTS = ("Tidak ada permintaan gabung yang menunggu",)
FIGURES = ("INFO Sukamaju", "aduan masuk", "KSM baru")
NEAR = ("tidak ditemukan", "Maksud Anda: Sukamaju")
NO_PLACE = ("tidak ditemukan", "INFO <nama kelurahan>")
ERASURE = ("Permintaan HAPUS DATA Anda kami terima",)
KSM_CODE = "48213"

NEW_KEYWORDS: list[tuple[str, tuple[str, ...]]] = [
    # GABUNG: glued, spaced, dashed, with filler words and polite openings, a typo.
    ("gabung 48213", JOIN),
    ("gabung48213", JOIN),
    ("Gabung 48213.", JOIN),
    ("gabung 482 13", JOIN),
    ("gabung 48-213", JOIN),
    ("g a b u n g 48213", JOIN),
    ("gabung aja 48213", JOIN),
    ("gabung ksm 48213", JOIN),
    ("GABUNG KSM no. 48213", JOIN),
    ("gabung kode 48213 pak", JOIN),
    ("Pak, saya mau gabung KSM 48213", JOIN),
    ("sy mau gabung 48213", JOIN),
    ("mo gabung 48213 ya", JOIN),
    ("Bu sy ingin gabung ksm 48213", JOIN),
    ("join 48213", JOIN),
    ("JOIN KSM 48213", JOIN),
    ("gabng 48213", JOIN),
    ("Gabung 99999", NO_SUCH_KSM),
    ("gabung aja", ASK_KSM_CODE),
    ("mau gabung", ASK_KSM_CODE),
    # TERIMA/TOLAK <n> is a leader's answer; thanks stays thanks.
    ("TERIMA 1", NOT_LEADER),
    ("terima1", NOT_LEADER),
    ("TRIMA 2", NOT_LEADER),
    ("trm 3", NOT_LEADER),
    ("terima no. 4 pak", NOT_LEADER),
    ("tolak 1", NOT_LEADER),
    ("TOLAK2", NOT_LEADER),
    ("Tolak no 3 bukan warga sini", NOT_LEADER),
    ("TERIMA", NO_REQUESTS),
    ("terima kasih ya pak", THANKS),
    ("trima ksh", THANKS),
    # INFO <kelurahan>: case, punctuation, "kel."/"desa" before, "pak" after, typos.
    ("info sukamaju", FIGURES),
    ("INFO Sukamaju", FIGURES),
    ("Info: Sukamaju", FIGURES),
    ("info kel sukamaju", FIGURES),
    ("INFO KEL. SUKAMAJU", FIGURES),
    ("info kelurahan sukamaju", FIGURES),
    ("info desa sukamaju", FIGURES),
    ("info sukamaju pak", FIGURES),
    ("INFO SUKAMAJU?", FIGURES),
    ("i n f o sukamaju", FIGURES),
    ("info sukamaju kota bandung", FIGURES),
    ("info sukamju", NEAR),
    ("info atlantis", NO_PLACE),
    ("INFO jakarta!!", NO_PLACE),
    # HAPUS DATA: shorthand, typos, polite openings, English.
    ("hapus data", ERASURE),
    ("HAPUS DATA SAYA", ERASURE),
    ("hapus data sy", ERASURE),
    ("Hapus data saya pak.", ERASURE),
    ("hapus dt", ERASURE),
    ("hapusdata", ERASURE),
    ("hapus dta", ERASURE),
    ("hapus nomor sy", ERASURE),
    ("hapus no saya", ERASURE),
    ("h a p u s data", ERASURE),
    ("tolong hapus data saya", ERASURE),
    ("Pak, mohon hapus nomor saya", ERASURE),
    ("DELETE MY DATA", ERASURE),
    ("delete my data please", ERASURE),
    ("delete data", ERASURE),
    # Opting out with polite words around it is still opting out.
    ("berhenti pak", STOPPED),
    ("stop ya", STOPPED),
    ("sy mau berhenti", STOPPED),
    ("Pak, tolong stop", STOPPED),
]


@pytest.fixture
def ksm_48213(rt):  # type: ignore[no-untyped-def]
    """Kelurahan Sukamaju (Kota Bandung) and its KSM Maju Jaya, code 48213."""
    from bot.models import Contact, Ksm, KsmMember
    from bot.models import ksm as k
    from tests.ksm_helpers import add_kelurahan

    kelurahan = add_kelurahan(rt, "Sukamaju")
    with rt.db.session() as session:
        leader = Contact(phone="+6281399990000", kelurahan_id=kelurahan.id, uses_sms=True)
        session.add(leader)
        session.flush()
        ksm = Ksm(code=KSM_CODE, name="Maju Jaya", kelurahan_id=kelurahan.id, field="ekonomi",
                  unit="UPK", goal="Usaha bersama", status=k.FORMING, leader_contact_id=leader.id)
        session.add(ksm)
        session.flush()
        session.add(KsmMember(ksm_id=ksm.id, contact_id=leader.id, name="Siti Aminah",
                              gender="P", role=k.LEADER, status=k.CONFIRMED))


def test_the_new_keywords_corpus_is_big_enough() -> None:
    assert len(NEW_KEYWORDS) >= 40
    assert len({text for text, _ in NEW_KEYWORDS} | {text for text, _ in CORPUS}) == \
        len(NEW_KEYWORDS) + len(CORPUS)


@pytest.mark.parametrize(("text", "expected"), NEW_KEYWORDS, ids=[t for t, _ in NEW_KEYWORDS])
def test_a_new_keyword_as_residents_type_it_gets_the_expected_answer(
        client, ksm_48213, text: str, expected: tuple[str, ...]) -> None:
    phone = Phone(client, number=f"+62858{next(_numbers):08d}")
    phone.send(text).expect(*expected)
    assert len(phone.last) == 1, phone.last
    assert not non_gsm7_chars(phone.reply) and segments(phone.reply) == 1, (text, phone.reply)
