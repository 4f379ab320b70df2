"""Bad input at every step of the KSM dialogs gets a short corrective reply and keeps
the dialog at its step: empty, too long, emoji, a wrong choice number."""
from __future__ import annotations

import pytest

from conversations.gsm import segments
from tests.ksm_helpers import MEMBERS, add_kelurahan, other, register

# (answer that is valid, what the next question says) for each DAFTAR step.
STEPS = [
    ("kelurahan", "1", "Nama KSM"),
    ("name", "Maju Jaya", "ketua"),
    ("leader_name", "Siti", "L (laki-laki)"),
    ("leader_gender", "P", "Bidang"),
    ("field", "2", "KSM perempuan"),
    ("women", "TIDAK", "Tujuan"),
    ("goal", "Posyandu balita", "4 nilai"),
    ("values", "YA", "terdaftar"),
]
EMOJI = "Maju \U0001F600"
TOO_LONG = "x" * 301
# What each step answers to bad input (fragment of the corrective reply).
EXPECTED = {
    "empty": "kosong",
    "long": "terlalu panjang",
    "emoji": "emoji",
    "number": "1 sampai",
}
# Steps where a typed answer is a choice (emoji/long text: "choose one").
CHOICE_REPLIES = {"leader_gender": "L (laki-laki) atau P", "women": "YA atau TIDAK",
                  "values": "YA atau TIDAK", "field": "1 sampai 6"}


@pytest.fixture
def kelurahan(rt):  # type: ignore[no-untyped-def]
    return add_kelurahan(rt, "Sukamaju")


def _corrective(phone, fragment: str) -> None:  # type: ignore[no-untyped-def]
    phone.expect(fragment)
    assert segments(phone.reply) == 1, phone.reply


@pytest.mark.parametrize("index", range(len(STEPS)), ids=[s[0] for s in STEPS])
def test_bad_input_keeps_the_daftar_step(phone, kelurahan, index: int) -> None:  # type: ignore[no-untyped-def]
    phone.send("DAFTAR")
    for _name, answer, _next in STEPS[:index]:
        phone.send(answer)
    step, answer, next_prompt = STEPS[index]
    choice = CHOICE_REPLIES.get(step)
    phone.send("")
    _corrective(phone, EXPECTED["empty"])
    phone.send(TOO_LONG)
    _corrective(phone, EXPECTED["long"] if choice is None else choice)
    phone.send(EMOJI)
    _corrective(phone, EXPECTED["emoji"] if choice is None else choice)
    if step in ("kelurahan", "field"):
        phone.send("9")
        # One kelurahan in the test area: "only one choice", never "1 sampai 1".
        _corrective(phone, "satu pilihan" if step == "kelurahan" else EXPECTED["number"])
    phone.send(answer).expect(next_prompt)


def test_values_refused_keeps_asking(phone, kelurahan) -> None:  # type: ignore[no-untyped-def]
    phone.send("DAFTAR")
    for _name, answer, _next in STEPS[:-1]:
        phone.send(answer)
    phone.send("TIDAK").expect("harus berdasar 4 nilai")
    phone.send("YA").expect("terdaftar")


def test_bad_input_in_anggota_and_gabung(phone, kelurahan) -> None:  # type: ignore[no-untyped-def]
    code = register(phone)
    phone.send("ANGGOTA Ani, X, 0813").expect("L (laki-laki) atau P")
    phone.send("P").expect("Nomor HP")
    phone.send("").expect("kosong")
    phone.send("12").expect("tidak valid")
    phone.send("\U0001F4F1").expect("tidak valid")
    phone.send(phone.number).expect("nomor Anda sendiri")
    phone.send(MEMBERS[0]).expect("diundang")
    phone.send("ANGGOTA").expect("Nama anggota")
    phone.send("\U0001F600").expect("emoji")
    phone.send("y" * 41).expect("terlalu panjang")
    phone.send("Budi").expect("Budi L")
    phone.send("BATAL").expect("Dibatalkan")

    joiner = other(phone, MEMBERS[1])
    joiner.send("GABUNG abc").expect("hanya angka")
    joiner.send("").expect("kode KSM")
    joiner.send(code).expect("Nama Anda")
    joiner.send("").expect("kosong")
    joiner.send("Ani \U0001F600").expect("emoji")
    joiner.send("Ani").expect("L (laki-laki)")
    joiner.send("3").expect("L (laki-laki) atau P")
    joiner.send("P").expect("gabung KSM", "ketua")
