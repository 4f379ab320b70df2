"""Registering a KSM by SMS (DAFTAR), adding and confirming members, the 3-member rule."""
from __future__ import annotations

import pytest

from tests.ksm_helpers import (
    MEMBERS,
    add_kelurahan,
    form_ksm,
    ksm_row,
    members_of,
    other,
    queued_to,
    register,
)


@pytest.fixture
def kelurahan(rt):  # type: ignore[no-untyped-def]
    add_kelurahan(rt, "Cibeunying")
    return add_kelurahan(rt, "Sukamaju")


def test_full_registration_dialog(phone, rt, kelurahan) -> None:  # type: ignore[no-untyped-def]
    phone.send("daftr").expect("Kelurahan", "1 Cibeunying", "2 Sukamaju")
    phone.send("sukamju").expect("Nama KSM")  # typed with a typo
    phone.send("Maju Jaya").expect("ketua")
    phone.send("Siti").expect("L (laki-laki)")
    phone.send("p").expect("Bidang", "6 Sampah")
    phone.send("3").expect("KSM perempuan")
    phone.send("ya").expect("Tujuan")
    phone.send("Perbaikan saluran air RW 03").expect("keterbukaan", "kepedulian")
    phone.send("YA").expect("KSM Maju Jaya terdaftar", "Butuh 2 anggota lagi", "GABUNG")
    code = phone.expect_match(r"kode (\d{5})").group(1)
    ksm = ksm_row(rt, code)
    assert (ksm.unit, ksm.field, ksm.women, ksm.status, ksm.values_agreed) == (
        "UPL", "lingkungan", True, "forming", True)
    assert ksm.kelurahan_id == kelurahan.id
    assert members_of(rt, code) == [("Siti", "leader", "confirmed")]


def test_members_confirm_and_ksm_waits_for_verification(phone, rt, kelurahan, run_jobs, twilio) -> None:  # type: ignore[no-untyped-def]
    code = register(phone)
    phone.send("ANGGOTA Ani Suryani, P, 0813-1111-0001").expect("Ani Suryani diundang", f"GABUNG {code}",
                                                                  "1/3, butuh 2 lagi")
    invite = queued_to(rt, MEMBERS[0])
    assert len(invite) == 1 and "Siti Aminah mengajak" in invite[0] and f"GABUNG {code}" in invite[0]
    run_jobs()
    assert any(m["To"] == MEMBERS[0] for m in twilio.messages)

    # The invited member counts only after confirming.
    phone.send("KSM").expect("sedang dibentuk", "Ani Suryani(P) diundang", "1/3")
    other(phone, MEMBERS[0]).send(f"gabung {code}").expect("Terima kasih", "anggota KSM Maju Jaya")
    assert "Ani Suryani bergabung" in queued_to(rt, phone.number)[-1]
    assert "2/3, butuh 1 lagi" in queued_to(rt, phone.number)[-1]

    # A step-by-step ANGGOTA dialog for the third member.
    phone.send("ANGGOTA").expect("Nama anggota")
    phone.send("Budi").expect("Budi L (laki-laki)")
    phone.send("L").expect("Nomor HP Budi")
    phone.send("6281311110002").expect("Budi diundang")
    assert ksm_row(rt, code).status == "forming"
    other(phone, MEMBERS[1]).send(f"GABUNG {code}").expect("Terima kasih")
    assert ksm_row(rt, code).status == "waiting_verification"
    assert ksm_row(rt, code).cycle_stage == "KSM-3"
    assert "menunggu verifikasi BKM" in queued_to(rt, phone.number)[-1]
    phone.send("STATUS KSM").expect("menunggu verifikasi BKM", "Siti Aminah(P) ok", "Budi(L) ok")


def test_self_join_asks_name_and_gender_and_decline(phone, rt, kelurahan) -> None:  # type: ignore[no-untyped-def]
    code = register(phone)
    joiner = other(phone, MEMBERS[2])
    joiner.send("GABUNG").expect("kode KSM")
    joiner.send("99999").expect("Tidak ada KSM")
    joiner.send(code).expect("Nama Anda")
    joiner.send("Dewi").expect("L (laki-laki) atau P")
    joiner.send("P").expect("dikirim ke ketuanya")
    assert ("Dewi", "member", "requested") in members_of(rt, code)
    phone.send("TERIMA 1").expect("Dewi kini anggota KSM Maju Jaya")
    assert ("Dewi", "member", "confirmed") in members_of(rt, code)
    joiner.send(f"GABUNG {code}").expect("sudah anggota")

    phone.send(f"ANGGOTA Eko, L, {MEMBERS[0]}").expect("Eko diundang")
    other(phone, MEMBERS[0]).send(f"TOLAK {code}").expect("menolak ajakan")
    assert ("Eko", "member", "declined") in members_of(rt, code)
    assert "Eko menolak" in queued_to(rt, phone.number)[-1]
    assert ksm_row(rt, code).status == "forming"


def test_one_number_in_several_ksms(phone, rt, kelurahan) -> None:  # type: ignore[no-untyped-def]
    first = register(phone, name="Maju Jaya")
    second = register(other(phone, MEMBERS[1]), name="Bank Sampah")
    member = other(phone, MEMBERS[2])
    member.send(f"GABUNG {first}").send("Ani").send("P").expect("KSM Maju Jaya dikirim")
    member.send(f"GABUNG {second}").send("Ani").send("P").expect("KSM Bank Sampah dikirim")
    phone.send("TERIMA 1").expect("Ani kini anggota KSM Maju Jaya")
    other(phone, MEMBERS[1]).send("TERIMA 1").expect("Ani kini anggota KSM Bank Sampah")
    member.send("KSM").expect("KSM Anda", first, second)
    member.send(f"KSM {first}").expect("Maju Jaya", "Ani(P) ok")


def test_women_share_under_30_percent_is_told_not_blocked(phone, rt, kelurahan) -> None:  # type: ignore[no-untyped-def]
    code = form_ksm(phone, rt, gender="L", genders="LL")
    assert ksm_row(rt, code).status == "waiting_verification"
    assert any("perempuan baru 0%" in body for body in queued_to(rt, phone.number))
    phone.send("KSM").expect("menunggu verifikasi", "perempuan baru 0%")


def test_status_for_strangers_and_nobody(phone, rt, kelurahan) -> None:  # type: ignore[no-untyped-def]
    code = register(phone)
    stranger = other(phone, MEMBERS[2])
    stranger.send("KSM").expect("belum ada di KSM", "DAFTAR")
    stranger.send(f"KSM {code}").expect("Tidak ada KSM Anda")  # as for a code that is no KSM
    stranger.send("ANGGOTA Ani, P, 081311110001").expect("belum menjadi ketua")
    stranger.send("TOLAK").expect("kode KSM")
    stranger.send(code).expect("Tidak ada ajakan")


def test_leader_of_two_ksms_picks_one_when_adding(phone, rt, kelurahan) -> None:  # type: ignore[no-untyped-def]
    first = register(phone, name="Maju Jaya")
    second = register(phone, name="Bank Sampah")
    phone.send(f"ANGGOTA Ani, P, {MEMBERS[0]}").expect("KSM yang mana", f"{second} Bank Sampah",
                                                        f"{first} Maju Jaya")
    phone.send("5").expect("KSM yang mana")
    phone.send(first).expect("Tambah anggota KSM Maju Jaya")
    phone.send("Ani").send("P").send(MEMBERS[0]).expect("Ani diundang", f"GABUNG {first}")
    assert ("Ani", "member", "invited") in members_of(rt, first)
    assert ("Ani", "member", "invited") not in members_of(rt, second)
    phone.send("INFO KSM").expect("KSM Anda", first, second)


def test_a_member_added_twice_is_not_invited_twice(phone, rt, kelurahan) -> None:  # type: ignore[no-untyped-def]
    code = register(phone)
    phone.send(f"ANGGOTA Ani P {MEMBERS[0]}").expect("Ani diundang")  # no commas
    phone.send(f"ANGGOTA Ani, P, {MEMBERS[0]}").expect("sudah ada di KSM")
    assert len(queued_to(rt, MEMBERS[0])) == 1
    other(phone, MEMBERS[0]).send("TOLAK").expect("menolak ajakan KSM Maju Jaya")  # the only one
    phone.send(f"ANGGOTA Ani, P, {MEMBERS[0]}").expect("Ani diundang")  # may be asked again
    assert ("Ani", "member", "invited") in members_of(rt, code)


def test_limits_on_invitations_and_unfinished_ksms(phone, rt, kelurahan, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    import conversations.flows.ksm_members as flow_members
    import conversations.flows.ksm_registration as flow_registration

    monkeypatch.setattr(flow_members, "MAX_OPEN_INVITATIONS", 2)
    monkeypatch.setattr(flow_registration, "MAX_FORMING_PER_LEADER", 2)
    code = register(phone)
    phone.send(f"ANGGOTA Ani, P, {MEMBERS[0]}").expect("diundang")
    phone.send(f"ANGGOTA Budi, L, {MEMBERS[1]}").expect("diundang")
    phone.send(f"ANGGOTA Cici, P, {MEMBERS[2]}").expect("2 ajakan belum dijawab")
    assert queued_to(rt, MEMBERS[2]) == []
    other(phone, MEMBERS[0]).send(f"GABUNG {code}")
    phone.send(f"ANGGOTA Cici, P, {MEMBERS[2]}").expect("diundang")
    register(phone, name="Kedua")
    phone.send("DAFTAR").expect("sudah memimpin 2 KSM")


def test_each_person_reads_their_own_language(phone, rt, kelurahan) -> None:  # type: ignore[no-untyped-def]
    member = other(phone, MEMBERS[0])
    member.send("BAHASA EN").expect("English")
    phone.send("BAHASA EN")
    phone.send("DAFTAR").expect("Your kelurahan")
    for answer in ("2", "Maju Jaya", "Siti", "P", "1", "NO", "Small shop capital"):
        phone.send(answer)
    phone.expect("4 values")
    phone.send("yes").expect("is registered", "more members")
    code = phone.expect_match(r"code (\d{5})").group(1)
    phone.send(f"ANGGOTA Ani, P, {MEMBERS[0]}").expect("is invited")
    assert f"Reply GABUNG {code} to accept" in queued_to(rt, MEMBERS[0])[0]
    member.send(f"GABUNG {code}").expect("you are a member")


def test_two_kelurahan_of_one_name_are_told_apart_and_a_code_picks_one(rt, phone) -> None:  # type: ignore[no-untyped-def]
    from bot.models import Kelurahan, Ksm

    with rt.db.session() as session:
        session.add_all([
            Kelurahan(name="Sukamaju", kota="Kota Bandung", provinsi="Jawa Barat",
                      code="32.73.14.1004", time_zone="Asia/Jakarta"),
            Kelurahan(name="Sukamaju", kota="Kabupaten Garut", provinsi="Jawa Barat",
                      code="32.05.11.2001", time_zone="Asia/Jakarta"),
        ])
    phone.send("DAFTAR").expect("1 Sukamaju (Kab. Garut)", "2 Sukamaju (Kota Bandung)")
    phone.send("32.05.11.2001").expect("Nama KSM")
    register_rest = ["Maju Jaya", "Siti Aminah", "P", "1", "TIDAK",
                     "Modal usaha warung untuk keluarga miskin", "YA"]
    for text in register_rest:
        phone.send(text)
    phone.expect("terdaftar")
    with rt.db.session() as session:
        ksm = session.query(Ksm).one()
        assert session.get(Kelurahan, ksm.kelurahan_id).kota == "Kabupaten Garut"
