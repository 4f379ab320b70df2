"""The residents' lexicon (conversations/lexicon/id.json): every entry means what it
says, wherever it is asked, and the dialogs take residents' own words through it."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from conversations import lexicon
from tests.ksm_helpers import add_kelurahan

LEXICON = json.loads((Path(lexicon.__file__).parent / "lexicon" / "id.json").read_text())


@pytest.mark.parametrize("word", LEXICON["yes"])
def test_every_yes_word_is_yes(word: str) -> None:
    assert lexicon.means(word, "yes")
    assert lexicon.yes_or_no(word) is True


@pytest.mark.parametrize("word", LEXICON["no"])
def test_every_no_word_is_no(word: str) -> None:
    assert lexicon.means(word, "no")
    assert lexicon.yes_or_no(word) is False


@pytest.mark.parametrize(("kind", "expected"), [("male", "L"), ("female", "P")])
def test_every_gender_word_is_its_gender(kind: str, expected: str) -> None:
    for word in LEXICON[kind]:
        assert lexicon.gender(word) == expected, word


@pytest.mark.parametrize("kind", ["opt_out", "opt_in"])
def test_every_opt_out_and_opt_in_phrase_says_so(kind: str) -> None:
    other = "opt_in" if kind == "opt_out" else "opt_out"
    for phrase in LEXICON[kind]:
        assert lexicon.means(phrase, kind) and not lexicon.means(phrase, other), phrase


def test_every_number_word_is_its_number() -> None:
    for word, value in LEXICON["numbers"].items():
        assert lexicon.number(word) == value, word


@pytest.mark.parametrize("polite", LEXICON["polite"])
def test_every_polite_word_leaves_the_answer_as_it_is(polite: str) -> None:
    assert lexicon.yes_or_no(f"iya {polite}") is True
    if not lexicon.means(polite, "yes"):  # "ya tidak" stays no, but is no test of it
        assert lexicon.yes_or_no(f"{polite} tidak") is False
    assert lexicon.number(f"{polite} dua") == 2


@pytest.mark.parametrize(("typed", "meaning"), [
    ("iyaaa bu", True), ("Siap pak!", True), ("setuju", True), ("oke deh", True),
    ("bkn", False), ("gak jadi", False), ("tdk usah min", False), ("ya pak insyaallah", True),
    ("mungkin", None), ("", None),
])
def test_yes_and_no_in_residents_words(typed: str, meaning: bool | None) -> None:
    assert lexicon.yes_or_no(typed) is meaning


@pytest.mark.parametrize(("typed", "value"), [
    ("2\ufe0f\u20e3", 2), ("3\u20e3", 3), ("dua kali", 2), ("tiga", 3), ("no. 3", 3),
    ("yg kedua", 2), ("nomor satu pak", 1), ("dua puluh rumah", None), ("saya", None),
])
def test_numbers_as_residents_write_them(typed: str, value: int | None) -> None:
    assert lexicon.number(typed) == value


# --- in the dialogs -------------------------------------------------------------------


def test_yes_no_and_gender_in_own_words_in_ksm_registration(rt, phone) -> None:  # type: ignore[no-untyped-def]
    add_kelurahan(rt, "Sukamaju")
    phone.send("DAFTAR").send("1️⃣").expect("Nama KSM")
    phone.send("Maju Jaya").send("Siti Aminah").expect("L (laki-laki) atau P")
    phone.send("cewek").expect("Bidang")
    phone.send("1").expect("KSM perempuan")
    phone.send("bkn").expect("Tujuan")
    phone.send("Modal usaha warung untuk keluarga miskin").expect("4 nilai")
    phone.send("setuju pak").expect("terdaftar")


def test_opting_out_and_in_in_own_words(rt, phone) -> None:  # type: ignore[no-untyped-def]
    from bot.models import Contact

    def opted_out() -> bool:
        with rt.db.session() as session:
            return session.query(Contact).one().opted_out

    for typed in ("jangan sms saya lagi", "unreg", "Pak, tolong jangan kirim sms lagi ya"):
        phone.send("MULAI")
        assert not opted_out()
        phone.send(typed)
        assert opted_out(), typed
    phone.send("mulai lagi")
    assert not opted_out()


def test_a_keycap_digit_answers_the_menu(rt, phone) -> None:  # type: ignore[no-untyped-def]
    add_kelurahan(rt, "Sukamaju")
    phone.send("MENU").expect("1 DAFTAR")
    phone.send("1\ufe0f\u20e3").expect("Kelurahan")


def test_every_attend_and_decline_phrase_answers_a_meeting_notice() -> None:
    for phrase in LEXICON["attend"]:
        assert lexicon.rsvp(phrase) == "hadir", phrase
        assert lexicon.rsvp(f"iya bu insyaallah {phrase.lower()}") == "hadir", phrase
    for phrase in LEXICON["decline"]:
        assert lexicon.rsvp(phrase) == "tidak", phrase
        assert lexicon.rsvp(f"maaf bu {phrase.lower()} ya") == "tidak", phrase


def test_every_anonymity_phrase_says_which() -> None:
    for phrase in LEXICON["anonymous_on"]:
        assert lexicon.anonymity(phrase) is True, phrase
    for phrase in LEXICON["anonymous_off"]:
        assert lexicon.anonymity(phrase) is False, phrase


def test_every_thanks_word_and_an_emoji_is_an_acknowledgement() -> None:
    for word in LEXICON["thanks"]:
        assert lexicon.acknowledgement(word), word
    for typed in ("\U0001F44D", "\U0001F64F\U0001F64F", "ok pak", "siap"):
        assert lexicon.acknowledgement(typed), typed
    for typed in ("Sukamaju RW 05", "Pak Ketua", "2jt"):
        assert not lexicon.acknowledgement(typed), typed


def test_every_agree_and_refuse_phrase_answers_an_invitation_or_a_request() -> None:
    for phrase in LEXICON["agree"]:
        assert lexicon.consent(phrase) is True, phrase
        assert lexicon.consent(f"{phrase.lower()} bu") is True, phrase
    for phrase in LEXICON["refuse"]:
        assert lexicon.consent(phrase) is False, phrase
        # A refusal outweighs the words of joining around it.
        assert lexicon.consent(f"maaf {phrase.lower()} gabung ya") is False, phrase
    for typed in ("Jgn diterima dulu, udh penuh", "kagak dah bang", "gk sy trm"):
        assert lexicon.consent(typed) is False, typed
    assert lexicon.consent("jalan rusak di RW 05") is None


@pytest.mark.parametrize(("typed", "again"), [
    ("mau dapet sms lagi", True), ("SAYA INGIN MENERIMA KEMBALI PESAN", True),
    ("tlg sambungin lg pesan2nya pak", True), ("Nggih, kulo badhe nampi pesan malih", True),
    ("Maaf kmrn sy minta berhenti, skrg mau dikirimi info lagi", True),
    ("jangan sms saya lagi", False), ("SAYA TIDAK MAU DIKIRIMI PESAN LAGI", False),
    ("rapat lagi kapan", False),
])
def test_asking_for_the_messages_again(typed: str, again: bool) -> None:
    assert lexicon.asks_for_messages_again(typed) is again
    for word in LEXICON["again_words"]:
        assert lexicon.asks_for_messages_again(f"mau sms {word.lower()}"), word
    for word in LEXICON["message_words"]:
        assert lexicon.asks_for_messages_again(f"kirim {word.lower()} lagi"), word


def test_every_count_word_counts() -> None:
    for phrase in LEXICON["none"]:
        assert lexicon.count(f"{phrase.lower()} pak", every=5) == 0, phrase
    for phrase in LEXICON["all"]:
        assert lexicon.count(phrase, every=5) == 5, phrase
    for phrase in LEXICON["single"]:
        assert lexicon.count(f"tinggal {phrase.lower()}", every=5) == 1, phrase
    for typed, value in (("3x", 3), ("4\ufe0f\u20e3 kali kak", 4), ("Sampun kaping kalih", 2),
                         ("EMPAT ORANG AKTIF, SATU SUDAH PINDAH", 4), ("udh 60% jalan", None),
                         ("2 atau 3", None), ("gk ada yg aktif, pd kerja semua", 0)):
        assert lexicon.count(typed, every=5) == value, typed


def test_every_progress_phrase_is_its_stage() -> None:
    for stage, kind in enumerate(lexicon.PROGRESS_STAGES):
        for phrase in LEXICON[kind]:
            assert lexicon.progress(f"{phrase.lower()} pak") == stage, phrase
    # The earliest phrase counts, the longest where two start together.
    assert lexicon.progress("masih proses bu, blm rampung") == 1
    assert lexicon.progress("blm mulai, nunggu dana cair") == 0
    assert lexicon.progress("terima kasih") is None


def test_every_no_problem_phrase_and_a_problem() -> None:
    for phrase in LEXICON["no_problem"]:
        assert lexicon.no_problem(f"{phrase.lower()} pak"), phrase
    for typed in ("Ada, 2 anggota ga mau iuran lagi", "Semen naik harga, dana kurang"):
        assert not lexicon.no_problem(typed), typed


def test_asking_after_ones_own_complaint() -> None:
    for word in LEXICON["asks_after"]:
        assert lexicon.asks_after_complaint(f"aduan saya {word.lower()}"), word
    for word in LEXICON["own_words"]:
        assert lexicon.asks_after_complaint(f"aduan {word.lower()} gimana"), word
    for word in LEXICON["complaint_words"]:
        assert lexicon.asks_after_complaint(f"{word.lower()} sy sampai mana"), word
    assert lexicon.asks_after_complaint("status 904 294 976 gmn bu")
    # A complaint about a report is not a question about one's complaint.
    assert not lexicon.asks_after_complaint("laporan keuangan KSM gimana, tidak jelas")
    assert lexicon.complaint_code_in("kode 904-294-976 ya") == "904294976"
    assert lexicon.complaint_code_in("udah 2 minggu") is None


def test_thanks_is_no_consent() -> None:
    for typed in ("terima kasih", "trm ksh", "Terima kasih banyak bu", "makasih ya bu"):
        assert lexicon.consent(typed) is None, typed


@pytest.mark.parametrize("table", ["spellings", "program_words"])
def test_every_spelling_and_program_word_is_spelt_out_as_its_word(table: str) -> None:
    for typed, word in LEXICON[table].items():
        assert lexicon.spelt_out(typed) == word.split(), typed
        assert len(typed.split()) <= 3, typed  # spelt_out looks three words ahead


def test_one_home_for_each_word_no_spelling_leads_to_another_spelling() -> None:
    spellings, program = LEXICON["spellings"], LEXICON["program_words"]
    for typed, word in spellings.items():
        assert word not in spellings, (typed, word)
    for typed, word in program.items():
        assert word not in program, (typed, word)


@pytest.mark.parametrize(("typed", "spelt"), [
    ("kok bunga pinjmn bglr", "KOK BUNGA PINJAMAN BERGULIR"),
    ("lap keu bkm", "LAPORAN KEUANGAN BKM"),
    ("sdh lns tp msh ditgh", "SUDAH LUNAS TAPI MASIH DITAGIH"),
    ("pk rt tdk prnh dtg ke kntr", "BAPAK RT TIDAK PERNAH DATANG KE KANTOR"),
    ("kran umum rt 9", "HIDRAN RT 9"),
    ("pekerjanya blm digaji", "TUKANG BLM DIBAYAR"),
    ("WC umum", "MCK"),
])
def test_residents_spellings_and_the_programs_words(typed: str, spelt: str) -> None:
    assert " ".join(lexicon.spelt_out(typed)) == spelt
