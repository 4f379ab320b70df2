"""The new keywords through the SMS Gateway for Android (issues 13 and 17): a resident's
GABUNG, INFO and HAPUS DATA typed as on a keypad reach the same services as through
Twilio, and the replies go back through the gateway phone, plain GSM-7, one SMS each."""
from __future__ import annotations

from conversations.gsm import non_gsm7_chars, segments
from conversations.flows.complaint_code import grouped
from tests.ksm_helpers import LEADER, add_kelurahan, members_of, register
from tests.test_smsgate import app, fake_smsgate, gateway, sms  # noqa: F401  (fixtures)
from tests.transcript import Phone

JOINER = "+6281366661234"


def _texts(gateway, number: str) -> list[str]:  # type: ignore[no-untyped-def]
    return [m["textMessage"]["text"] for m in gateway.messages if m["phoneNumbers"] == [number]]


def test_keypad_keywords_through_the_android_gateway(client, rt, run_jobs, gateway) -> None:  # type: ignore[no-untyped-def]
    add_kelurahan(rt, "Sukamaju")
    code = register(Phone(client, number=LEADER))
    for text in (f"Pak, saya mau gabung KSM {code}", "Dewi Lestari", "p",
                 "info kel. sukamaju", "hapus dt"):
        assert sms(client, text, phone="081366661234").status_code == 200
        run_jobs()
    replies = _texts(gateway, JOINER)
    assert len(replies) == 5, replies
    assert "Gabung KSM Maju Jaya" in replies[0] and "Nama Anda" in replies[0]
    assert "dikirim ke ketuanya" in replies[2]
    assert "INFO Sukamaju" in replies[3]
    assert "Permintaan HAPUS DATA Anda kami terima" in replies[4]
    for reply in replies:
        assert segments(reply) == 1 and not non_gsm7_chars(reply), reply
    assert ("Dewi Lestari", "member", "requested") in members_of(rt, code)


def test_own_words_through_the_android_gateway(client, rt, run_jobs, gateway) -> None:  # type: ignore[no-untyped-def]
    """Issue 22's replies in context, typed on a keypad through the gateway phone: an
    invitation accepted in own words, anonymity asked for after filing, a complaint
    asked after without its code, opting out and back in in own words."""
    from sqlalchemy import select

    from bot.models import Complaint, Contact

    add_kelurahan(rt, "Sukamaju")
    leader = Phone(client, number=LEADER)
    code = register(leader)
    leader.send("ANGGOTA Dewi Lestari, P, 081366661234").expect("diundang")
    for text in ("iya bu sy mau gabung", "ADUAN dana BLM dipotong ketua KSM",
                 "rahasiakan nama saya", "aduan sy sampai mana pak?", "jangan sms saya lagi",
                 "mau dapet sms lagi pak"):
        assert sms(client, text, phone="081366661234").status_code == 200
        run_jobs()
    replies = _texts(gateway, JOINER)
    assert ("Dewi Lestari", "member", "confirmed") in members_of(rt, code), replies
    with rt.db.session() as session:
        complaint = session.scalars(select(Complaint)).one()
        assert complaint.anonymous is True and complaint.location_text is None
        assert session.scalars(select(Contact).where(Contact.phone == JOINER)).one().opted_out is False
    assert any(f"Aduan {grouped(complaint.code)}:" in reply for reply in replies), replies
    assert any("dirahasiakan" in reply for reply in replies), replies
    for reply in replies:
        assert segments(reply) == 1 and not non_gsm7_chars(reply), reply
