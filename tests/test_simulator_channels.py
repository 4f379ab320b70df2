"""The officer picks the simulator's channel: SMS or WhatsApp, each taking its own path."""
from __future__ import annotations

from sqlalchemy import select

from bot.models import Contact, Ksm
from conversations.gsm import is_gsm7, segments
from tests.ksm_helpers import add_kelurahan, register
from tests.simulator_helpers import SimPhone


def test_the_page_offers_both_channels(client, officer_login) -> None:  # type: ignore[no-untyped-def]
    officer_login()
    page = client.get("/simulator/").get_data(as_text=True)
    assert '<select id="channel">' in page
    assert '<option value="sms" selected>SMS</option>' in page
    assert '<option value="whatsapp">WhatsApp</option>' in page


def test_by_whatsapp_replies_are_whatsapp_and_so_is_the_contact(rt, client, officer_login) -> None:  # type: ignore[no-untyped-def]
    add_kelurahan(rt, "Sukamaju")
    officer_login()
    leader = SimPhone(client, "+6281366660001", whatsapp=True)
    code = register(leader)
    thread = leader.thread()
    assert {m["channel"] for m in thread} == {"whatsapp"}
    assert all("segments" not in m for m in thread)  # no SMS cost on WhatsApp
    with rt.db.session() as session:
        contact = session.scalars(select(Contact).where(Contact.phone == leader.number)).one()
        assert (contact.uses_whatsapp, contact.uses_sms, contact.simulated) == (True, False, True)
        assert session.scalars(select(Ksm.code)).all() == [code]


def test_by_sms_each_reply_shows_its_segments(client, officer_login) -> None:  # type: ignore[no-untyped-def]
    officer_login()
    sms = SimPhone(client, "+6281366660002")
    sms.send("MENU").expect("DAFTAR")
    replies = [m for m in sms.thread() if m["direction"] == "out"]
    assert replies and {m["channel"] for m in replies} == {"sms"}
    for reply in replies:
        assert reply["gsm7"] is True and is_gsm7(reply["body"])
        assert reply["segments"] == segments(reply["body"]) == 1


def test_an_unknown_channel_is_refused_with_a_reason(client, officer_login) -> None:  # type: ignore[no-untyped-def]
    officer_login()
    refused = SimPhone(client, "+6281366660003").post("MENU", channel="telegram")
    assert refused.status_code == 400
    assert refused.get_json()["error"] == "Saluran harus sms atau whatsapp."
