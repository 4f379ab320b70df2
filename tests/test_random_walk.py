"""A seeded random walk of residents through every dialog, with keypad noise.

Twelve residents (one a verified KSM's leader, one its member) send 3,000 messages drawn from the keywords, menu digits, answers
the dialogs ask for, malformed dates and codes, empty and very long texts, markup,
NUL bytes, emoji and random Unicode. Whatever they send:

- the webhook answers 200 with well-formed TwiML, and no reply is blank;
- no message makes the engine or an effect fail (the resident would get "an error
  happened" and the message would be stored as failed);
- every message is stored, once;
- an SMS answer to plain GSM-7 input is plain GSM-7 itself (one non-GSM-7 character
  would turn the whole SMS into UCS-2, at 70 characters a segment).
"""
from __future__ import annotations

import random

from sqlalchemy import func, select

from bot.models.messaging import FAILED_HANDLING, IN, Message
from conversations.gsm import is_gsm7
from tests.ksm_helpers import add_kelurahan
from tests.meeting_helpers import make_ksm
from tests.transcript import Phone, handle_and_read_replies, signed_post

INPUTS = [
    "MENU", "INFO", "BANTUAN", "BATAL", "STOP", "BERHENTI", "MULAI", "BAHASA EN",
    "BAHASA ID", "DAFTAR", "daftr", "ADUAN", "Aduan.", "LAPOR", "CEK", "RAPAT", "MONEV",
    "YA", "TIDAK", "ya", "1", "2", "3", "4", "5", "6", "7", "8", "9", "0", "10", "99",
    "-1", "", "   ", "Budi Santoso", "Jl. Mawar 12 RT 03/RW 04", "CEK ABC123",
    "CEK PPM-0000", "RAPAT 31/12 19:00 balai", "RAPAT besok jam 7", "12/13/2026",
    "30/02/2027", "29/02/2028 25:61", "x" * 2000, "<script>&amp;'\"", "a\x00b",
    "\ufffd", "\U0001F600", "08123456789", "+6281234567891", "6281234567892",
    "Siti, Ani, Dewi", "LEWATI", "SELESAI", "KIRIM", "ULANG", "L", "P", "Maju Jaya",
    "Modal usaha warung", "ANGGOTA Ani, P, +6281200000021", "ANGGOTA x", "GABUNG 20001",
    "GABUNG 99999", "KELUAR", "RAPAT 1/1 10:00 balai RW", "Balai RW 04", "19:30", "besok",
    "Sabtu", "1/13", "100000", "Rp 2.500.000",
]


def test_random_walk_never_fails_and_stores_every_message(client, rt):
    rng = random.Random(20261128)
    add_kelurahan(rt, "Sukamaju")
    ksm = make_ksm(rt, kelurahan="Sukamaju")  # its leader and a member walk too
    phones = [Phone(client, number=f"+62812{n:07d}1", whatsapp=n % 3 == 0) for n in range(10)]
    phones += [Phone(client, number=ksm["leader"]), Phone(client, number=ksm["members"][0])]
    problems: list[tuple[str, str, object]] = []
    sent = 0
    for i in range(3000):
        phone = rng.choice(phones)
        if rng.random() < 0.85:
            text = rng.choice(INPUTS)
        else:
            text = "".join(chr(rng.randrange(1, 0x3000)) for _ in range(rng.randrange(1, 40)))
        form = {
            "MessageSid": f"SM{i:032x}", "AccountSid": "AC" + "0" * 32,
            "From": phone._address(phone.number), "To": phone._address(phone.to),
            "Body": text, "NumMedia": "0",
        }
        if rng.random() < 0.05:
            form.update(NumMedia="1", MediaUrl0="https://api.twilio.com/m/1.jpg",
                        MediaContentType0="image/jpeg")
        response = signed_post(client, "/webhooks/twilio/messages", form)
        sent += 1
        if response.status_code != 200:
            problems.append((phone.number, text[:40], response.status_code))
            continue
        for reply in handle_and_read_replies(rt, form["MessageSid"]):
            if not reply.strip():
                problems.append((phone.number, text[:40], "blank reply"))
            if not phone.whatsapp and is_gsm7(text) and not is_gsm7(reply):
                problems.append((phone.number, text[:40], f"non-GSM-7 SMS: {reply[:80]!r}"))
    assert not problems, problems[:10]

    with rt.db.sessions() as session:
        stored = session.scalar(select(func.count()).select_from(Message).where(Message.direction == IN))
        failed = session.execute(
            select(Message.body).where(Message.direction == IN, Message.status == FAILED_HANDLING)
        ).scalars().all()
    assert stored == sent
    assert failed == []


