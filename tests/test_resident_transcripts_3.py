"""Transcripts of the new keywords as residents on keypad phones send them (issues 13
and 17): GABUNG by someone not invited and the leader's TERIMA/TOLAK <n>, INFO
<kelurahan>, HAPUS DATA. Each asserts what the resident or the leader reads."""
from __future__ import annotations

import re

import pytest

from conversations.gsm import non_gsm7_chars, segments
from tests.ksm_helpers import LEADER, add_kelurahan, members_of, other, queued_to, register
from tests.transcript import Phone

STRANGERS = ("+6281366660001", "+6281366660002", "+6281366660003")


@pytest.fixture
def ksm_code(rt, phone) -> str:  # type: ignore[no-untyped-def]
    add_kelurahan(rt, "Sukamaju")
    return register(phone)


def _asks_to_join(phone: Phone, number: str, code: str, name: str, gender: str = "P") -> Phone:
    joiner = other(phone, number)
    joiner.send(f"gabung {code}").expect("Nama Anda")
    joiner.send(name).expect("L (laki-laki) atau P")
    joiner.send(gender).expect("dikirim ke ketuanya")
    return joiner


def _numbers(rt) -> dict[str, int]:  # type: ignore[no-untyped-def]
    """Request number per name, from the SMS the leader got."""
    found = {}
    for notice in queued_to(rt, LEADER):
        hit = re.match(r"(.+?) \(.*TERIMA (\d+) atau", notice)
        if hit:
            found[hit[1]] = int(hit[2])
    return found


def _one_plain_sms(phone: Phone) -> None:
    assert len(phone.last) == 1 and segments(phone.reply) == 1, phone.last
    assert not non_gsm7_chars(phone.reply), phone.reply


def test_a_leader_answers_a_request_with_a_word_after_its_number(rt, phone, ksm_code) -> None:  # type: ignore[no-untyped-def]
    _asks_to_join(phone, STRANGERS[0], ksm_code, "Dewi Lestari")
    _asks_to_join(phone, STRANGERS[1], ksm_code, "Joko Widodo", "L")
    _asks_to_join(phone, STRANGERS[2], ksm_code, "Rina Marlina")
    numbers = _numbers(rt)

    phone.send(f"terima {numbers['Dewi Lestari']} pak").expect("Dewi Lestari kini anggota")
    _one_plain_sms(phone)
    phone.send(f"TOLAK {numbers['Joko Widodo']} bukan warga sini").expect("Joko Widodo")
    phone.expect_not("Kode KSM")
    _one_plain_sms(phone)
    phone.send(f"trm {numbers['Rina Marlina']}").expect("Rina Marlina kini anggota")
    statuses = {name: status for name, _role, status in members_of(rt, ksm_code)}
    assert statuses == {"Siti Aminah": "confirmed", "Dewi Lestari": "confirmed",
                        "Joko Widodo": "refused", "Rina Marlina": "confirmed"}
    # Thanks stays thanks, in every spelling.
    phone.send("trm ksh pak").expect("Sama-sama")


@pytest.mark.parametrize("typed", ["gabung aja {code}", "gabung ksm {code}", "GABUNG KSM no {code}",
                                   "gabung kode {code} pak", "Gabung ke {code} ya"])
def test_a_code_among_a_few_words_is_read(phone, ksm_code, typed: str) -> None:  # type: ignore[no-untyped-def]
    joiner = other(phone, STRANGERS[0])
    joiner.send(typed.format(code=ksm_code)).expect("Gabung KSM Maju Jaya", "Nama Anda")
    _one_plain_sms(joiner)


def test_a_leader_with_nothing_to_decline_is_not_asked_for_a_ksm_code(phone, ksm_code) -> None:  # type: ignore[no-untyped-def]
    phone.send("tolak").expect("Tidak ada permintaan gabung")
    _one_plain_sms(phone)
    # No dialog was left open: thanks is thanks, not a wrong KSM code.
    phone.send("terima kasih").expect("Sama-sama")


@pytest.mark.parametrize("typed", ["Pak, saya mau gabung KSM {code}", "mo gabung {code}",
                                   "sy mau gabung {code}", "Bu, sy ingin gabung ksm {code} ya"])
def test_polite_words_before_gabung_do_not_hide_it(rt, phone, ksm_code, typed: str) -> None:  # type: ignore[no-untyped-def]
    joiner = other(phone, STRANGERS[0])
    joiner.send(typed.format(code=ksm_code)).expect("Gabung KSM Maju Jaya", "Nama Anda")
    joiner.send("Dewi Lestari").send("P").expect("dikirim ke ketuanya")
    assert ("Dewi Lestari", "member", "requested") in members_of(rt, ksm_code)


@pytest.mark.parametrize("typed", ["Pak, hapus data saya", "tolong hapus data saya",
                                   "mohon hapus nomor saya pak"])
def test_polite_words_before_hapus_data_do_not_hide_it(rt, client, typed: str) -> None:  # type: ignore[no-untyped-def]
    resident = Phone(client, number=STRANGERS[1])
    resident.send(typed).expect("Permintaan HAPUS DATA Anda kami terima")
    _one_plain_sms(resident)


def test_i_want_to_ask_is_asked_for_the_question_and_files_it(rt, client) -> None:  # type: ignore[no-untyped-def]
    resident = Phone(client, number=STRANGERS[2])
    resident.send("Sy mau tanya").expect("Tulis pertanyaan")
    resident.send("kapan dana BLM tahap 2 cair pak").expect("dicatat untuk PPM", "CEK ")


def test_an_objection_after_polite_words_is_filed_as_an_objection(rt, client) -> None:  # type: ignore[no-untyped-def]
    from sqlalchemy import select

    from bot.models import Complaint

    resident = Phone(client, number=STRANGERS[1])
    resident.send("Bu, saya mau sanggah hasil rapat BKM kemarin").expect("dicatat untuk PPM")
    with rt.db.session() as s:
        kinds = s.scalars(select(Complaint.kind)).all()
    assert kinds == ["other"], kinds  # an objection, not a question


@pytest.mark.parametrize("typed", ["INFO SUKAMAJU?", "info  sukamaju!!!", "info kel sukamaju",
                                   "Info kel. Sukamaju", "info kelurahan sukamaju",
                                   "INFO desa Sukamaju", "info sukamaju pak", "Info: Sukamaju, ya bu"])
def test_info_reads_the_kelurahan_as_residents_write_it(rt, client, typed: str) -> None:  # type: ignore[no-untyped-def]
    add_kelurahan(rt, "Sukamaju")
    resident = Phone(client, number=STRANGERS[0])
    resident.send(typed).expect("INFO Sukamaju", "aduan masuk 0").expect_not("tidak ditemukan")
    _one_plain_sms(resident)


@pytest.mark.parametrize("typed", ["hapus dt", "hapusdata", "hapus no sy", "Hapus nmr saya",
                                   "delete data"])
def test_hapus_data_as_keypads_shorten_it(rt, client, typed: str) -> None:  # type: ignore[no-untyped-def]
    resident = Phone(client, number=STRANGERS[1])
    resident.send(typed).expect("Permintaan HAPUS DATA Anda kami terima")
    _one_plain_sms(resident)


def test_an_accented_name_is_a_name_not_emoji(rt, phone, ksm_code) -> None:  # type: ignore[no-untyped-def]
    joiner = Phone(phone.client, number=STRANGERS[0], whatsapp=True)
    joiner.send(f"gabung {ksm_code}").expect("Nama Anda")
    joiner.send("José Ramírez").expect("L (laki-laki) atau P").expect_not("emoji")
    joiner.send("L").expect("dikirim ke ketuanya")
    [notice] = queued_to(rt, LEADER)
    assert "José Ramirez" in notice and not non_gsm7_chars(notice) and segments(notice) == 1


@pytest.mark.parametrize("typed", ["TERIMA 1", "terima1", "tolak 2", "TRIMA 3 pak"])
def test_a_resident_who_leads_no_ksm_is_not_told_of_their_ksm(rt, client, typed: str) -> None:  # type: ignore[no-untyped-def]
    resident = Phone(client, number=STRANGERS[2])
    resident.send(typed).expect("ketua KSM").expect_not("KSM Anda")
    _one_plain_sms(resident)


def test_a_joiner_is_not_told_the_request_went_to_a_leader_who_opted_out(rt, phone, ksm_code) -> None:  # type: ignore[no-untyped-def]
    phone.send("BERHENTI").expect("MULAI")
    joiner = other(phone, STRANGERS[0])
    joiner.send(f"gabung {ksm_code}").send("Dewi Lestari").send("P")
    joiner.expect("dicatat", "sampaikan langsung").expect_not("dikirim ke ketuanya")
    _one_plain_sms(joiner)
    # The request is kept: the leader sees it when back.
    assert ("Dewi Lestari", "member", "requested") in members_of(rt, ksm_code)
    phone.send("MULAI").send("TERIMA").expect("Dewi Lestari")


def test_gabung_with_code_and_name_in_one_sms(rt, phone, ksm_code) -> None:  # type: ignore[no-untyped-def]
    joiner = other(phone, STRANGERS[0])
    joiner.send(f"GABUNG {ksm_code} Dewi Lestari").expect("L (laki-laki) atau P")
    joiner.send("P").expect("dikirim ke ketuanya")
    other(phone, STRANGERS[1]).send(f"gabung {ksm_code}, Joko Susilo, L").expect("dikirim ke ketuanya")
    other(phone, STRANGERS[2]).send(f"gabung {ksm_code} nama sy Rina P").expect("dikirim ke ketuanya")
    names = {name for name, _role, status in members_of(rt, ksm_code) if status == "requested"}
    assert names == {"Dewi Lestari", "Joko Susilo", "Rina"}, names


def test_ok_before_a_keyword_does_not_hide_it(rt, phone, ksm_code) -> None:  # type: ignore[no-untyped-def]
    _asks_to_join(phone, STRANGERS[0], ksm_code, "Dewi Lestari")
    _asks_to_join(phone, STRANGERS[1], ksm_code, "Rina Marlina")
    numbers = _numbers(rt)
    phone.send(f"ok terima {numbers['Dewi Lestari']}").expect("Dewi Lestari kini anggota")
    phone.send(f"Oke, terima no {numbers['Rina Marlina']} pak").expect("Rina Marlina kini anggota")
    other(phone, STRANGERS[2]).send(f"ok gabung {ksm_code}").expect("Gabung KSM Maju Jaya")
    phone.send("ok").expect("Sama-sama")  # alone, still thanks


@pytest.mark.parametrize("typed", ["gabung", "GABUNG aja", "mau gabung pak"])
def test_an_invited_member_joins_without_retyping_the_code(rt, phone, ksm_code, typed: str) -> None:  # type: ignore[no-untyped-def]
    phone.send(f"ANGGOTA Ani, P, {STRANGERS[0]}").expect("diundang")
    member = other(phone, STRANGERS[0])
    member.send(typed).expect("Anda anggota KSM Maju Jaya", ksm_code)
    _one_plain_sms(member)
    assert ("Ani", "member", "confirmed") in members_of(rt, ksm_code)


def test_the_answer_to_hapus_data_reaches_a_resident_who_sent_berhenti(
        rt, client, officer_login, twilio, run_jobs) -> None:  # type: ignore[no-untyped-def]
    from tests.test_privacy_erasure import _requests, _token

    resident = Phone(client, number=STRANGERS[0])
    resident.send("BERHENTI").expect("MULAI")
    resident.send("hapus data sy").expect("mengabari Anda lewat SMS")  # a promise to keep
    officer_login("admin", "admin")
    client.post(f"/admin/privacy/{_requests(rt)[0].id}/refuse",
                data={"csrf_token": _token(client), "reason": "aduan Anda masih diproses"})
    run_jobs()
    sent = [m["Body"] for m in twilio.messages if m["To"] == STRANGERS[0]]
    assert any("Alasan: aduan Anda masih diproses." in body for body in sent), sent


@pytest.mark.parametrize("typed", ["batal pak", "BATAL ya bu", "ok batal", "batal dong"])
def test_batal_with_polite_words_cancels_and_is_not_an_answer(rt, client, typed: str) -> None:  # type: ignore[no-untyped-def]
    from sqlalchemy import func, select

    from bot.models import Complaint

    add_kelurahan(rt, "Sukamaju")
    resident = Phone(client, number=STRANGERS[0])
    resident.send("DAFTAR").send("1").expect("Nama KSM")
    resident.send(typed).expect("Dibatalkan").expect_not("ketua KSM")
    resident.send("ADUAN").expect("Tulis isi pengaduan")
    resident.send(typed).expect("Dibatalkan").expect_not("Kode aduan")
    with rt.db.session() as s:
        assert s.scalar(select(func.count()).select_from(Complaint)) == 0


@pytest.mark.parametrize("typed", ["berhenti pak", "stop ya", "sy mau berhenti", "Pak, tolong stop"])
def test_berhenti_with_polite_words_opts_out_even_mid_dialog(rt, client, typed: str) -> None:  # type: ignore[no-untyped-def]
    from sqlalchemy import select

    from bot.models import Contact

    add_kelurahan(rt, "Sukamaju")
    resident = Phone(client, number=STRANGERS[1])
    resident.send("DAFTAR").send("1").expect("Nama KSM")
    resident.send(typed).expect("tidak akan menerima pesan", "MULAI")
    with rt.db.session() as s:
        assert s.scalar(select(Contact.opted_out).where(Contact.phone == STRANGERS[1])) is True
    fresh = Phone(client, number=STRANGERS[2])
    fresh.send(typed).expect("tidak akan menerima pesan")  # and with no dialog open


@pytest.mark.parametrize("typed", ["info pak", "menu dong", "bantuan bu"])
def test_help_and_menu_with_polite_words(rt, client, typed: str) -> None:  # type: ignore[no-untyped-def]
    resident = Phone(client, number=STRANGERS[0])
    resident.send(typed).expect("1 DAFTAR", "2 ADUAN").expect_not("tidak ditemukan")


@pytest.mark.parametrize("typed", ["KSM saya", "info ksm sy", "status ksm saya dong"])
def test_my_ksm_is_the_ksm_status_not_a_code_question(rt, phone, ksm_code, typed: str) -> None:  # type: ignore[no-untyped-def]
    phone.send(typed).expect("KSM Maju Jaya", ksm_code, "Siti Aminah")
    stranger = other(phone, STRANGERS[0])
    stranger.send(typed).expect("belum ada di KSM")
    stranger.send("hapus data").expect("Permintaan HAPUS DATA")  # no code question left open


@pytest.mark.parametrize("typed", ["INFO Sukamaju RW 05", "info sukamaju rt 3 rw 5",
                                   "info sukamaju bulan ini", "Info Sukamaju skrg pak"])
def test_info_leaves_out_the_rw_and_this_month(rt, client, typed: str) -> None:  # type: ignore[no-untyped-def]
    add_kelurahan(rt, "Sukamaju")
    resident = Phone(client, number=STRANGERS[0])
    resident.send(typed).expect("INFO Sukamaju", "aduan masuk 0").expect_not("tidak ditemukan")
