"""A KSM's leader decides on residents who join by themselves (issue 13).

Invited members (ANGGOTA) still join with GABUNG <code>; anyone else who knows the code
only asks: the leader gets one SMS naming them and answers TERIMA <n> or TOLAK <n>.
Only accepted members count toward the three a KSM needs.
"""
from __future__ import annotations

import re

import pytest

from conversations.gsm import is_gsm7, segments
from tests.ksm_helpers import LEADER, MEMBERS, add_kelurahan, ksm_row, members_of, other, queued_to, register

STRANGER = "+6281377770001"
OTHER_LEADER = "+6281377770002"


@pytest.fixture
def kelurahan(rt):  # type: ignore[no-untyped-def]
    return add_kelurahan(rt, "Sukamaju")


def _ask_to_join(phone, code: str, name: str = "Dewi Lestari", gender: str = "P"):  # type: ignore[no-untyped-def]
    joiner = other(phone, STRANGER)
    joiner.send(f"GABUNG {code}").expect("Nama Anda")
    joiner.send(name).expect("L (laki-laki) atau P")
    joiner.send(gender).expect("dikirim ke ketuanya", "setelah ketua menerima")
    return joiner


def _request_number(rt) -> int:  # type: ignore[no-untyped-def]
    notice = queued_to(rt, LEADER)[-1]
    found = re.search(r"TERIMA (\d+) atau TOLAK (\d+)", notice)
    assert found and found[1] == found[2], notice
    return int(found[1])


def test_an_uninvited_stranger_waits_for_the_leader_and_is_not_counted(phone, rt, kelurahan) -> None:  # type: ignore[no-untyped-def]
    code = register(phone)
    phone.send(f"ANGGOTA Ani, P, {MEMBERS[0]}").expect("diundang")
    other(phone, MEMBERS[0]).send(f"GABUNG {code}").expect("Anda anggota KSM Maju Jaya")  # invited: at once
    before = len(queued_to(rt, LEADER))

    joiner = _ask_to_join(phone, code)
    notices = queued_to(rt, LEADER)[before:]
    assert len(notices) == 1
    assert "Dewi Lestari" in notices[0] and "0813-7777-0001" in notices[0]
    assert "TERIMA" in notices[0] and "TOLAK" in notices[0]
    assert is_gsm7(notices[0]) and segments(notices[0]) == 1
    # Not a member: two confirmed (leader and Ani), the KSM still forming.
    assert ("Dewi Lestari", "member", "requested") in members_of(rt, code)
    assert ksm_row(rt, code).status == "forming"
    phone.send("KSM").expect("2/3", "Dewi Lestari(P) minta gabung")
    # The stranger sees nothing of the KSM yet, and asking again sends no second SMS.
    joiner.send("KSM").expect("belum ada di KSM")
    joiner.send(f"GABUNG {code}").expect("masih menunggu")
    assert len(queued_to(rt, LEADER)) == before + 1


def test_the_leader_accepts_and_the_member_counts(phone, rt, kelurahan) -> None:  # type: ignore[no-untyped-def]
    code = register(phone)
    phone.send(f"ANGGOTA Ani, P, {MEMBERS[0]}").expect("diundang")
    other(phone, MEMBERS[0]).send(f"GABUNG {code}")
    joiner = _ask_to_join(phone, code)
    number = _request_number(rt)

    # TERIMA alone answers the one request waiting (the reply names who is taken in).
    phone.send("TERIMA").expect("Dewi Lestari kini anggota KSM Maju Jaya")
    assert ("Dewi Lestari", "member", "confirmed") in members_of(rt, code)
    assert ksm_row(rt, code).status == "waiting_verification"
    told = queued_to(rt, STRANGER)
    assert len(told) == 1 and "Ketua menerima Anda" in told[0] and code in told[0]
    joiner.send("KSM").expect("Maju Jaya", "Dewi Lestari(P) ok")

    # Approving twice (a resent SMS) changes nothing and tells nobody again.
    phone.send(f"TERIMA {number}").expect("sudah anggota KSM Maju Jaya")
    assert len(queued_to(rt, STRANGER)) == 1
    assert [m for m in members_of(rt, code) if m[0] == "Dewi Lestari"] == [
        ("Dewi Lestari", "member", "confirmed")]
    phone.send("TERIMA").expect("Tidak ada permintaan gabung yang menunggu")


def test_the_leader_refuses_and_the_joiner_is_told_kindly(phone, rt, kelurahan) -> None:  # type: ignore[no-untyped-def]
    code = register(phone)
    joiner = _ask_to_join(phone, code)
    number = _request_number(rt)
    before = len(queued_to(rt, LEADER))

    phone.send(f"TOLAK {number}").expect("Permintaan Dewi Lestari ditolak")
    assert ("Dewi Lestari", "member", "refused") in members_of(rt, code)
    told = queued_to(rt, STRANGER)
    assert len(told) == 1 and "Maaf" in told[0] and "Terima kasih" in told[0]
    phone.send(f"TOLAK {number}").expect("sudah ditolak")
    assert len(queued_to(rt, STRANGER)) == 1
    # Asking again does not pester the leader.
    joiner.send(f"GABUNG {code}").expect("belum menerima Anda")
    assert len(queued_to(rt, LEADER)) == before
    assert ("Dewi Lestari", "member", "refused") in members_of(rt, code)
    # The leader may still change their mind.
    phone.send(f"TERIMA {number}").expect("kini anggota")
    assert ("Dewi Lestari", "member", "confirmed") in members_of(rt, code)


def test_only_the_leader_can_answer(phone, rt, kelurahan) -> None:  # type: ignore[no-untyped-def]
    code = register(phone)
    joiner = _ask_to_join(phone, code)
    number = _request_number(rt)
    other_leader = other(phone, OTHER_LEADER)
    register(other_leader, name="Bank Sampah")  # leads a KSM, not this one

    other_leader.send(f"TERIMA {number}").expect("Tidak ada permintaan gabung dengan nomor itu")
    other_leader.send(f"TOLAK {number}").expect("Tidak ada permintaan gabung dengan nomor itu")
    for someone in (joiner, other(phone, MEMBERS[2])):  # they lead no KSM to speak of
        someone.send(f"TERIMA {number}").expect("Anda bukan ketua KSM")
        someone.send(f"TOLAK {number}").expect("Anda bukan ketua KSM")
    assert ("Dewi Lestari", "member", "requested") in members_of(rt, code)
    assert queued_to(rt, STRANGER) == []


def test_thanks_is_still_thanks(phone, rt, kelurahan) -> None:  # type: ignore[no-untyped-def]
    phone.send("Terima kasih").expect("Sama-sama")
    phone.send("trima kasih bu").expect("Sama-sama")
    phone.send("Terima dana blm sampai ke warga miskin").expect("YA")  # offered as a complaint
    phone.send("TERIMA 123456").expect("Tidak ada permintaan gabung yang menunggu")
