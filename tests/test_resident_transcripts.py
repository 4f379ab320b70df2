"""Transcripts of what residents really send (issue 13), each asserting what the
resident reads back."""
from __future__ import annotations


from sqlalchemy import select

from bot.models import Complaint
from conversations.flows.complaint_code import grouped
from tests.ksm_helpers import add_kelurahan, other
from tests.transcript import Phone



def _complaint(rt, code):  # type: ignore[no-untyped-def]
    with rt.db.session() as s:
        return s.scalar(select(Complaint).where(Complaint.code == code))


def _complaints(rt):  # type: ignore[no-untyped-def]
    with rt.db.session() as s:
        return list(s.scalars(select(Complaint.text).order_by(Complaint.id)))


# 1. A service keyword with text interrupts any dialog and does its job -----------------

def test_aduan_with_text_in_the_middle_of_daftar_files_the_complaint(rt, phone: Phone) -> None:
    add_kelurahan(rt, "Sukamaju")
    phone.send("DAFTAR").expect("Kelurahan")
    phone.send("1").expect("Nama KSM")
    phone.send("ADUAN dana BLM dipotong ketua")
    phone.expect("LANJUT", "Kode aduan")  # the registration is parked, not lost
    code = phone.complaint_code()
    assert _complaint(rt, code).text == "dana BLM dipotong ketua"

    # CEK is a query: its answer, then the complaint's open question again.
    phone.send(f"CEK {code}").expect("baru diterima", "kelurahan/desa mana")
    assert _complaint(rt, code).location_text is None


def test_lapor_at_the_leader_step_and_a_name_that_only_looks_like_a_keyword(rt, phone: Phone) -> None:
    add_kelurahan(rt, "Sukamaju")
    phone.send("DAFTAR")
    phone.send("1")
    phone.send("KSM Mawar").expect("ketua")  # "KSM" + a name is a name, not KSM <code>
    phone.send("Adian Lubis").expect("L (laki-laki)")  # one typo from ADUAN: a name
    phone.send("DAFTAR").expect("LANJUT", "Kelurahan")
    phone.send("1")
    phone.send("Mawar")
    phone.send("LAPOR jalan RW 03 rusak tidak diperbaiki").expect("LANJUT", "Kode aduan")
    assert _complaints(rt) == ["jalan RW 03 rusak tidak diperbaiki"]


def test_the_complaint_text_may_start_with_lapor(rt, phone: Phone) -> None:
    phone.send("ADUAN").expect("Tulis isi")
    phone.send("Lapor pak, dana BLM dipotong").expect("Kode aduan").expect_not("LANJUT")
    assert _complaints(rt) == ["Lapor pak, dana BLM dipotong"]
    phone.send("ADUAN jalan rusak").expect("tetap tercatat", "Kode aduan")
    assert _complaints(rt)[-1] == "jalan rusak"


def test_info_with_a_kelurahan_in_the_middle_of_daftar_answers_the_figures(rt, phone: Phone) -> None:
    add_kelurahan(rt, "Sukamaju")
    phone.send("DAFTAR").expect("Kelurahan")
    phone.send("1").expect("Nama KSM")
    # A query: the figures, then the question again; the registration goes on.
    phone.send("INFO Sukamaju").expect("Sukamaju", "aduan masuk", "Nama KSM")
    phone.expect_not("LANJUT")
    phone.send("Mawar").expect("ketua")
    phone.send("info sukamaju").expect("aduan masuk", "ketua")  # at the leader's name too
    phone.send("Siti Aminah").expect("L (laki-laki)")  # DAFTAR is still open
    phone.send("DAFTAR")
    phone.send("1")
    phone.send("INFO").expect("1 DAFTAR", "2 ADUAN")  # bare: the help, as before
    phone.send("DAFTAR")
    phone.send("1")
    phone.send("INFP Sukamaju").expect("ketua")  # one typo off a keyword: a name, an answer


def test_a_service_asked_for_politely_in_the_middle_of_daftar_interrupts_too(
    rt, phone: Phone
) -> None:
    """``Pak, info sukamaju`` at the KSM-name step is a request, as it is outside a
    dialog; polite words before a name are still a name."""
    add_kelurahan(rt, "Sukamaju")
    phone.send("DAFTAR").expect("Kelurahan")
    phone.send("1").expect("Nama KSM")
    phone.send("Pak, info sukamaju").expect("aduan masuk", "Nama KSM")
    phone.send("DAFTAR")
    phone.send("1")
    phone.send("Mawar").expect("ketua")
    phone.send("Bu, saya mau hapus data").expect("LANJUT", "HAPUS DATA Anda kami terima")
    phone.send("DAFTAR")
    phone.send("1")
    phone.send("Mawar").expect("ketua")
    phone.send("Pak Budi Santoso").expect_not("LANJUT")  # a name with its title


def test_hapus_data_with_words_after_it_interrupts_like_any_service(rt, phone: Phone) -> None:
    from bot.models.privacy import ErasureRequest

    add_kelurahan(rt, "Sukamaju")
    phone.send("DAFTAR")
    phone.send("1").expect("Nama KSM")
    phone.send("HAPUS DATA saya pak").expect("LANJUT", "Permintaan HAPUS DATA Anda kami terima")
    with rt.db.session() as s:
        assert len(list(s.scalars(select(ErasureRequest)))) == 1


def test_a_complaint_or_a_question_may_start_with_info_or_hapus_data(rt, phone: Phone) -> None:
    phone.send("ADUAN").expect("Tulis isi")
    phone.send("Info pak, dana BLM tahap 2 belum cair").expect("Kode aduan").expect_not("LANJUT")
    phone.send("BATAL")
    phone.send("LAPOR").expect("Tulis isi")
    phone.send("Hapus data penerima fiktif dari daftar BLM").expect("Kode aduan")
    phone.send("BATAL")
    phone.send("tanya").expect("Tulis pertanyaan")
    phone.send("Info dong kapan rapat").expect("dicatat", "CEK")
    assert _complaints(rt) == ["Info pak, dana BLM tahap 2 belum cair",
                               "Hapus data penerima fiktif dari daftar BLM", "Info dong kapan rapat"]


def test_terima_and_tolak_a_join_request_inside_another_dialog(rt, phone: Phone) -> None:
    from tests.ksm_helpers import register
    from tests.test_ksm_join_approval import _request_number

    add_kelurahan(rt, "Sukamaju")
    code = register(phone)
    numbers = []
    for number, name in (("+6281377770001", "Dewi Lestari"), ("+6281377770003", "Rina Wati")):
        joiner = other(phone, number)
        joiner.send(f"GABUNG {code}").expect("Nama Anda")
        joiner.send(name)
        joiner.send("P").expect("dikirim ke ketuanya")
        numbers.append(_request_number(rt))
    first, second = numbers
    phone.send("ANGGOTA").expect("Nama")
    phone.send(f"TERIMA {first}").expect("LANJUT", "kini anggota")
    phone.send("DAFTAR")
    phone.send("1").expect("Nama KSM")
    phone.send(f"TOLAK {second}").expect("LANJUT", "Rina Wati ditolak")
    phone.send("ADUAN").expect("Tulis isi")
    phone.send("Terima kasih, ketua BKM minta uang").expect("Kode aduan")  # thanks, not TERIMA


# 2. Keypad habits; the menu in one SMS ------------------------------------------------

def test_a_code_glued_to_cek_and_spaced_letters_are_read(rt, phone: Phone) -> None:
    phone.send("a d u a n").expect("Tulis isi pengaduan")
    phone.send("BATAL")
    phone.send("A D U A N dana RW 05 tidak sampai").expect("Kode aduan")
    code = phone.complaint_code()
    assert _complaint(rt, code).text == "dana RW 05 tidak sampai"
    phone.send("BATAL").expect("tetap tercatat", grouped(code))
    phone.send(f"cek{code}").expect(f"Aduan {grouped(code)}", "baru diterima")
    phone.send(f"CEK.{code}").expect(f"Aduan {grouped(code)}", "baru diterima")
    phone.send("b a t a l").expect("Tidak ada yang dibatalkan")


def test_the_menu_is_one_sms_and_help_is_one_keyword_away(phone: Phone) -> None:
    from conversations.gsm import non_gsm7_chars, segments

    for language, help_word, more in (("BAHASA ID", "BANTUAN", "pengaduan"),
                                      ("BAHASA EN", "HELP", "complaint")):
        phone.send(language)
        for unknown in ("halo?", "xyz", "MENU", "?"):
            phone.send(unknown).expect("1 DAFTAR", "2 ADUAN", help_word)
            assert segments(phone.reply) == 1 and not non_gsm7_chars(phone.reply), phone.reply
        phone.send(help_word).expect("ADUAN " + more)
        assert segments(phone.reply) <= 2
        phone.send("2").expect("ADUAN" if language == "BAHASA ID" else "complaint")
        phone.send("BATAL")


# 3. A complaint in the resident's own words; greetings --------------------------------

def test_a_complaint_without_a_keyword_is_offered_and_ya_files_it_as_sent(rt, phone: Phone) -> None:
    from conversations.gsm import segments

    phone.send("Pak, saya mau lapor dana BLM dipotong").expect("YA", "apa adanya")
    assert segments(phone.reply) == 1 and len(phone.last) == 1
    assert _complaints(rt) == []
    phone.send("ya").expect("Kode aduan")
    code = phone.complaint_code()
    assert _complaint(rt, code).text == "Pak, saya mau lapor dana BLM dipotong"

    phone.send("BATAL")
    phone.send("sy mau lapor bantuan BLM disunat ketua").expect("YA")
    phone.send("tdk").expect("tidak dicatat")
    phone.send("bu mau melaporkan pungli di kantor kelurahan").expect("YA")
    phone.send("CEK " + code).expect(grouped(code), "baru diterima")  # the offer lapses
    assert len(_complaints(rt)) == 1


def test_greetings_get_a_short_polite_answer(phone: Phone) -> None:
    from conversations.gsm import segments

    for text, fragment in [("Assalamualaikum", "Waalaikumsalam"),
                           ("Assalamualaikum wr wb pak", "Waalaikumsalam"),
                           ("Selamat pagi", "Halo"), ("slmt sore bu", "Halo"),
                           ("Punten", "Halo"), ("Horas!", "Halo"),
                           ("Sugeng enjing", "Halo")]:
        phone.send(text).expect(fragment, "1 DAFTAR", "ADUAN")
        assert segments(phone.reply) == 1, phone.reply
    phone.send("1").expect("Kelurahan")  # the menu under the greeting takes a number
    phone.send("BATAL")
    for text in ("Terima kasih", "makasih ya bu", "Matur nuwun", "Hatur nuhun", "tks"):
        phone.send(text).expect("Sama-sama")
        assert segments(phone.reply) == 1


# 4. Nothing untrue ----------------------------------------------------------------------

def test_batal_after_the_complaint_is_stored_says_it_stays_filed(rt, phone: Phone) -> None:
    phone.send("ADUAN dana BLM dipotong").expect("Kode aduan")
    code = phone.complaint_code()
    phone.send("BATAL").expect(f"Aduan {grouped(code)} tetap tercatat", "pertanyaan lanjutan")
    phone.expect_not("Dibatalkan")
    assert _complaint(rt, code) is not None
    phone.send("ADUAN").expect("Tulis isi")
    phone.send("BATAL").expect("Dibatalkan")  # nothing was stored: it is cancelled


def test_a_single_choice_is_not_one_to_one(rt, phone: Phone) -> None:
    add_kelurahan(rt, "Sukamaju")
    phone.send("DAFTAR").expect("1 Sukamaju")
    phone.send("9").expect("ketik 1").expect_not("1 sampai 1")
    phone.send("MENU")
    phone.send("99").expect("1 sampai")


def test_tanya_before_any_announcement_is_filed_as_a_question(rt, phone: Phone) -> None:
    phone.send("TANYA kapan dana BLM tahap 2 cair?").expect("Belum ada pengumuman", "CEK")
    code = phone.complaint_code()
    stored = _complaint(rt, code)
    assert (stored.text, stored.kind) == ("kapan dana BLM tahap 2 cair?", "question")
    phone.send("tanya").expect("Tulis pertanyaan")
    phone.send("Siapa yang menentukan prioritas?").expect("dicatat", "CEK")
    assert len(_complaints(rt)) == 2


# 5. Meeting dates: the past is questioned, another year is said -------------------------

def test_rapat_on_a_date_just_past_is_questioned_and_next_year_is_read_back_with_it(rt) -> None:
    from datetime import datetime, timezone

    from tests.meeting_helpers import WIB, make_ksm, say

    leader = make_ksm(rt, WIB)["leader"]
    now = datetime(2026, 12, 2, 3, 0, tzinfo=timezone.utc)  # Wednesday 2/12, 10.00 WIB
    reply = say(rt, leader, "RAPAT 1/12 19.30 Balai RW", now)
    assert "1/12 sudah lewat" in reply and "1/12/2027" in reply, reply
    reply = say(rt, leader, "1/12/2027 19.30 Balai RW", now)
    assert "1/12/2027 19.30 WIB" in reply and "YA" in reply, reply
    say(rt, leader, "TIDAK", now)
    reply = say(rt, leader, "RAPAT 5/1 19.30 Balai RW", now)  # January: next year's
    assert "Selasa 5/1/2027 19.30 WIB" in reply, reply
    say(rt, leader, "TIDAK", now)
    reply = say(rt, leader, "RAPAT 9/12 19.30 Balai RW", now)  # this year: no year
    assert "Rabu 9/12 19.30 WIB" in reply, reply
