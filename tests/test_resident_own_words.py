"""Residents in their own words between keywords (issue "Residents in their own words"):
a message that does not answer an optional question is not stored as its answer,
anonymity asked in words is honoured, and a long complaint the phone cut in two is
kept whole. Transcripts on SMS and WhatsApp; the database is checked, not only replies."""
from __future__ import annotations

from datetime import datetime, timedelta

import pytest
import time_machine
from sqlalchemy import select

from bot.models import Complaint
from conversations.flows.complaint_code import grouped
from tests.transcript import Phone

AREA_QUESTION = "kelurahan/desa mana"
START = datetime.fromisoformat("2026-11-18T10:00:00+07:00")


def _complaint(rt):  # type: ignore[no-untyped-def]
    with rt.db.session() as session:
        return session.scalars(select(Complaint).order_by(Complaint.id.desc()).limit(1)).one()


@pytest.fixture(params=[False, True], ids=["sms", "whatsapp"])
def resident(request, client) -> Phone:  # type: ignore[no-untyped-def]
    return Phone(client, whatsapp=request.param)


@pytest.mark.parametrize("not_an_answer", ["ya", "ok pak", "\U0001F44D", "makasih bu", "oke deh"])
def test_an_acknowledgement_is_not_stored_as_the_location(rt, resident, not_an_answer) -> None:  # type: ignore[no-untyped-def]
    resident.send("ADUAN dana BLM dipotong ketua").expect("Kode aduan", AREA_QUESTION)
    resident.send(not_an_answer).expect(AREA_QUESTION)
    assert _complaint(rt).location_text is None
    resident.send("Sukamaju RW 05").expect("Jenis")
    assert _complaint(rt).location_text == "Sukamaju RW 05"


@pytest.mark.parametrize(("asked", "anonymous"), [
    ("rahasiakan nama saya", True), ("tolong dirahasiakan ya pak", True), ("anonim aja", True),
    ("tdk usah anonim", False), ("nama saya boleh ditampilkan", False),
])
def test_anonymity_asked_in_words_mid_dialog_is_honoured_not_stored_as_location(
        rt, resident, asked, anonymous) -> None:  # type: ignore[no-untyped-def]
    resident.send("ADUAN dana BLM dipotong ketua").expect(AREA_QUESTION)
    resident.send(asked).expect("dirahasiakan" if anonymous else "ditampilkan", AREA_QUESTION)
    stored = _complaint(rt)
    assert stored.location_text is None and stored.anonymous is anonymous


@pytest.mark.parametrize("typed", ["ADUAN anonim: dana BLM dipotong ketua",
                                   "aduan (anonim) dana BLM dipotong ketua",
                                   "ADUAN rahasia, dana BLM dipotong ketua"])
def test_aduan_anonim_files_an_anonymous_complaint_without_the_word(rt, resident, typed) -> None:  # type: ignore[no-untyped-def]
    resident.send(typed).expect("Kode aduan")
    stored = _complaint(rt)
    assert stored.anonymous is True and stored.text == "dana BLM dipotong ketua"
    # Asked already: the anonymity question is not asked again at the end.
    for answer in ("Sukamaju RW 05", "3", "Pak Ketua", "2jt"):
        resident.send(answer)
    resident.expect("Terima kasih")


@pytest.mark.clock("2026-11-18T10:00:00+07:00")
def test_the_second_half_of_a_long_complaint_is_appended_not_stored_as_location(rt, client) -> None:  # type: ignore[no-untyped-def]
    phone = Phone(client)
    first = ("ADUAN dana BLM untuk perbaikan jalan di RW 05 dipotong oleh ketua KSM sebesar "
             "dua juta rupiah dan warga tidak pernah diberi tahu rincian penggunaannya sejak")
    assert len(first) >= 150
    with time_machine.travel(START, tick=False):
        phone.send(first).expect(AREA_QUESTION)
    with time_machine.travel(START + timedelta(seconds=20), tick=False):
        phone.send("bulan Agustus, mohon diperiksa").expect(AREA_QUESTION)
    stored = _complaint(rt)
    assert stored.text.endswith("sejak bulan Agustus, mohon diperiksa")
    assert stored.location_text is None
    # Long after, a short answer is the answer.
    with time_machine.travel(START + timedelta(minutes=5), tick=False):
        phone.send("Sukamaju RW 05").expect("Jenis")
    assert _complaint(rt).location_text == "Sukamaju RW 05"


# --- replies to a notice, in the resident's own words ---------------------------------


@pytest.mark.parametrize(("typed", "answer"), [
    ("iya bu insyaallah hadir", "hadir"), ("Siap hadir pak", "hadir"), ("ok saya datang", "hadir"),
    ("maaf gak bisa datang ada acara", "tidak"), ("gk jadi dtg, sakit", "tidak"),
    ("mohon izin bu, berhalangan", "tidak"), ("tdk bisa hadir", "tidak"),
])
def test_a_member_answers_the_meeting_notice_in_own_words(rt, twilio, typed, answer) -> None:  # type: ignore[no-untyped-def]
    from bot.models import Rsvp
    from tests.meeting_helpers import WIB, fast, make_ksm, say
    from tests.test_meetings import utc

    fast(rt)
    ksm = make_ksm(rt, WIB, members=3)
    now = utc(12, 1, 3)
    say(rt, ksm["leader"], "RAPAT 5/12 19.30 Balai RW", now)
    say(rt, ksm["leader"], "YA", now)
    reply = say(rt, ksm["members"][0], typed, now)
    assert ("tercatat HADIR" if answer == "hadir" else "TIDAK HADIR") in reply
    with rt.db.session() as session:
        assert session.scalars(select(Rsvp.answer)).all() == [answer]


def test_own_words_without_a_current_notice_are_not_an_rsvp(rt) -> None:  # type: ignore[no-untyped-def]
    from bot.models import Rsvp
    from tests.meeting_helpers import WIB, make_ksm, say
    from tests.test_meetings import utc

    ksm = make_ksm(rt, WIB, members=3)
    reply = say(rt, ksm["members"][0], "maaf gak bisa datang ada acara", utc(12, 1, 3))
    assert "tercatat" not in reply
    with rt.db.session() as session:
        assert session.scalars(select(Rsvp.answer)).all() == []


# --- a side question never costs the dialog --------------------------------------------


def _ksms(rt):  # type: ignore[no-untyped-def]
    from bot.models import Ksm

    with rt.db.session() as session:
        return [k.name for k in session.scalars(select(Ksm))]


def test_a_query_mid_dialog_answers_then_asks_the_open_question_again(rt, resident) -> None:  # type: ignore[no-untyped-def]
    from tests.ksm_helpers import add_kelurahan

    add_kelurahan(rt, "Sukamaju")
    resident.send("DAFTAR").send("1").expect("Nama KSM")
    resident.send("Maju Jaya").expect("ketua")
    resident.send("CEK 123456789").expect("ketua")  # the check answered, the question again
    assert "tidak disimpan" not in resident.reply
    resident.send("Siti Aminah").expect("L (laki-laki) atau P")
    for answer in ("P", "1", "TIDAK", "Modal usaha warung untuk keluarga miskin", "YA"):
        resident.send(answer)
    resident.expect("terdaftar")
    assert _ksms(rt) == ["Maju Jaya"]


def test_a_new_task_parks_the_dialog_and_lanjut_takes_it_up_again(rt, resident) -> None:  # type: ignore[no-untyped-def]
    from tests.ksm_helpers import add_kelurahan

    add_kelurahan(rt, "Sukamaju")
    resident.send("DAFTAR").send("1").send("Maju Jaya").expect("ketua")
    resident.send("ADUAN jalan rusak di RW 05").expect("Kode aduan", "LANJUT")
    assert _complaint(rt).text == "jalan rusak di RW 05"
    resident.send("LANJUT").expect("ketua")  # where the registration stopped
    resident.send("Siti Aminah").expect("L (laki-laki) atau P")
    for answer in ("P", "1", "TIDAK", "Modal usaha warung untuk keluarga miskin", "YA"):
        resident.send(answer)
    resident.expect("terdaftar")
    assert _ksms(rt) == ["Maju Jaya"]
    resident.send("LANJUT").expect("Tidak ada isian")  # nothing left to take up


@pytest.mark.clock("2026-11-18T10:00:00+07:00")
def test_dates_as_leaders_write_them_in_rapat(rt, phone) -> None:  # type: ignore[no-untyped-def]
    from tests.ksm_helpers import add_kelurahan, form_ksm

    add_kelurahan(rt, "Sukamaju")
    form_ksm(phone, rt)
    phone.send("RAPAT").expect("tanggal, jam dan tempat")
    phone.send("kemarin jam 7 malam balai").expect("sudah lewat")
    phone.send("tgl 25 jam 8 pagi balai RW").expect("08.00", "balai RW", "YA atau TIDAK")
    phone.send("oke").expect("Anggota diberi tahu")


def _codes(rt):  # type: ignore[no-untyped-def]
    with rt.db.session() as session:
        return [c.code for c in session.scalars(select(Complaint).order_by(Complaint.id))]


def test_cek_without_a_code_lists_the_numbers_own_complaints(rt, resident) -> None:  # type: ignore[no-untyped-def]
    resident.send("ADUAN jalan rusak").send("LEWATI").send("BATAL")
    resident.send("cek").expect("baru diterima")  # one complaint: its status at once
    resident.send("ADUAN dana dipotong").send("BATAL")
    first, second = _codes(rt)
    resident.send("cek").expect(f"1) {grouped(second)}, 2) {grouped(first)}")  # newest first
    resident.send("2").expect(grouped(first), "baru diterima")


def test_not_knowing_the_code_gets_help_not_the_same_prompt(rt, resident) -> None:  # type: ignore[no-untyped-def]
    resident.send("CEK").expect("kode aduan")
    resident.send("gk tau kodenya").expect("SMS", "ADUAN")
    resident.expect_not("Ketik kode aduan Anda (9 angka)")


def test_words_after_the_code_are_not_in_the_way(rt, resident) -> None:  # type: ignore[no-untyped-def]
    resident.send("ADUAN jalan rusak").expect("Kode aduan")
    [code] = _codes(rt)
    resident.send(f"cek {code} ya min").expect("baru diterima", "kelurahan/desa mana")


def test_an_invited_member_accepts_in_own_words_or_with_the_code_alone(rt, phone) -> None:  # type: ignore[no-untyped-def]
    from tests.ksm_helpers import MEMBERS, add_kelurahan, members_of, other, register

    add_kelurahan(rt, "Sukamaju")
    code = register(phone)
    for number, name in zip(MEMBERS, ("Ani", "Budi")):
        phone.send(f"ANGGOTA {name}, P, {number}").expect("diundang")
    other(phone, MEMBERS[0]).send("iya saya mau gabung").expect("Terima kasih")
    other(phone, MEMBERS[1]).send("MENU")
    other(phone, MEMBERS[1]).send(code).expect("Terima kasih")  # not a menu choice
    assert [status for _name, _role, status in members_of(rt, code)] == ["confirmed"] * 3


def test_rapat_for_a_ksm_with_no_members_yet_says_to_invite_them_first(rt, phone) -> None:  # type: ignore[no-untyped-def]
    from bot.models import Meeting
    from tests.ksm_helpers import add_kelurahan, register

    add_kelurahan(rt, "Sukamaju")
    register(phone)
    phone.send("RAPAT besok jam 7 malam balai").expect("ANGGOTA").expect_not("Kirim ke 0")
    with rt.db.session() as session:
        assert session.scalars(select(Meeting)).all() == []


def test_menu_or_bantuan_mid_dialog_parks_it_for_lanjut(rt, phone) -> None:  # type: ignore[no-untyped-def]
    from tests.ksm_helpers import add_kelurahan

    add_kelurahan(rt, "Sukamaju")
    phone.send("DAFTAR").send("1").send("Maju Jaya").expect("ketua")
    phone.send("BANTUAN").expect("DAFTAR")
    phone.send("LANJUT").expect("ketua")
    phone.send("MENU").expect("1 DAFTAR")
    phone.send("lanjut").expect("ketua")


def test_the_ksm_status_never_cuts_a_name_mid_word(rt, phone) -> None:  # type: ignore[no-untyped-def]
    from conversations.flows.ksm_status import short_names
    from tests.ksm_helpers import add_kelurahan, register

    assert short_names(["bu Siti Aminah", "Pak Dedi Kurniawan Saputra", "Budi"]) == [
        "Siti Aminah", "Dedi", "Budi"]
    assert short_names(["Siti Nurhaliza Rahma", "Siti Nurhaliza Putri"]) == [
        "Siti NR", "Siti NP"]
    add_kelurahan(rt, "Sukamaju")
    code = register(phone)
    phone.send("ANGGOTA bu Siti Aminah, P, 081311223301").expect("diundang")
    phone.send(f"KSM {code}").expect("Siti Aminah(P)").expect_not("amin(")


@pytest.mark.clock("2026-11-18T10:00:00+07:00")
def test_a_new_rapat_while_a_read_back_waits_replaces_it_and_ya_keeps_the_other(rt, phone) -> None:  # type: ignore[no-untyped-def]
    from bot.models import Meeting
    from tests.ksm_helpers import add_kelurahan, form_ksm

    add_kelurahan(rt, "Sukamaju")
    form_ksm(phone, rt)
    phone.send("RAPAT 5/12 19.30 Balai RW").send("YA").expect("Anggota diberi tahu")
    # The leader starts to cancel it, then sends a new meeting instead of answering.
    phone.send("RAPAT BATAL").expect("Batalkan rapat")
    phone.send("RAPAT 12/12 19.30 Masjid").expect("tetap berjalan", "12/12", "Masjid",
                                                  "YA atau TIDAK")
    phone.send("ya").expect("Anggota diberi tahu")  # the new one, not the cancel
    with rt.db.session() as session:
        meetings = session.scalars(select(Meeting).order_by(Meeting.starts_at)).all()
        assert [(m.place, m.status) for m in meetings] == [("Balai RW", "scheduled"),
                                                          ("Masjid", "scheduled")]
    # A read-back of a new meeting replaced by another: the first is not saved.
    phone.send("RAPAT 19/12 19.30 Balai").expect("YA atau TIDAK")
    phone.send("RAPAT 20/12 19.30 Balai").expect("tidak disimpan", "20/12")
    phone.send("oke").expect("Anggota diberi tahu")
    with rt.db.session() as session:
        assert session.scalar(select(Meeting.starts_at).order_by(Meeting.starts_at.desc())).day == 20


def test_a_leader_says_yes_to_the_monev_reminder_in_own_words(rt, twilio, run_jobs) -> None:  # type: ignore[no-untyped-def]
    from datetime import UTC, datetime

    from tests.meeting_helpers import WIB, fast, make_ksm, say
    from workers.monev_sweep import open_monev_periods

    fast(rt)
    ksm = make_ksm(rt, WIB, members=4, verified_at=datetime(2026, 10, 15, 3, 0, tzinfo=UTC))
    now = datetime(2026, 11, 16, 3, 0, tzinfo=UTC)
    # Before anything is due, "siap pak" is no report.
    assert "Berapa kali KSM rapat" not in say(rt, ksm["leader"], "siap pak", now)
    assert open_monev_periods(rt, datetime(2026, 11, 15, 3, 0, tzinfo=UTC)) == 1
    # Thanks alone, or a member's yes, starts nothing.
    assert "Berapa kali KSM rapat" not in say(rt, ksm["leader"], "makasih pak", now)
    assert "Berapa kali KSM rapat" not in say(rt, ksm["members"][0], "siap", now)
    assert "Berapa kali KSM rapat" in say(rt, ksm["leader"], "siap pak, sy isi skrg", now)
    assert "anggota yang aktif" in say(rt, ksm["leader"], "dua kali", now)
