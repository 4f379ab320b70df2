"""The cheapest route as sent and as estimated: a notice and a broadcast to a resident
on both channels take it, a reply does not, and the announcement's confirmation shows
the split between WhatsApp and SMS and its cost (issue 24)."""
from __future__ import annotations

import re
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import update

from bot.models import Contact, Message
from bot.outbox import enqueue_sends, queue_message
from tests.test_announcements import cell, published

TEMPLATE_SID = "HX" + "b" * 32
# A Tuesday, 10.00 WIB.
MORNING = "2026-12-01T10:00:00+07:00"


def both(rt: Any, phone: str, last_whatsapp_at: datetime, last_seen_at: datetime) -> None:
    """``phone`` wrote by SMS and by WhatsApp, last at these times."""
    with rt.db.session() as session:
        session.execute(update(Contact).where(Contact.phone == phone).values(
            uses_sms=True, uses_whatsapp=True, last_whatsapp_at=last_whatsapp_at,
            last_seen_at=last_seen_at))


def test_a_notice_takes_whatsapp_in_the_window_and_a_reply_stays_on_sms(
        rt, run_jobs, twilio) -> None:  # type: ignore[no-untyped-def]
    now = datetime.now(UTC)
    rt.settings = replace(rt.settings, sms_price_per_segment=350.0,
                          whatsapp_price_per_message=100.0)
    with rt.db.session() as session:
        contact = Contact(phone="+6281200000009", uses_sms=True, uses_whatsapp=True,
                          last_whatsapp_at=now - timedelta(hours=2),
                          last_seen_at=now - timedelta(minutes=5))
        session.add(contact)
        session.flush()
        # Both queued for SMS: the resident's last message came by SMS.
        notice = queue_message(session, contact.id, "sms", "Rapat KSM besok jam 19.30")
        reply = queue_message(session, contact.id, "sms", "Terima kasih, aduan dicatat.",
                              kind="reply")
    enqueue_sends(rt, [notice, reply])
    run_jobs()
    sent = {str(m["Body"]): str(m["To"]) for m in twilio.messages}
    assert sent == {"Rapat KSM besok jam 19.30": "whatsapp:+6281200000009",
                    "Terima kasih, aduan dicatat.": "+6281200000009"}
    with rt.db.session() as session:
        assert session.get(Message, notice).channel == "whatsapp"
        assert session.get(Message, reply).channel == "sms"


def test_a_broadcast_goes_by_template_where_it_is_cheaper_than_sms(  # type: ignore[no-untyped-def]
        rt, client, officer_login, csrf_token, twilio, run_jobs) -> None:
    ann = published(rt, client, officer_login, csrf_token)
    now = datetime.now(UTC)
    cheap, = ann["ksms"][0]["members"][:1]
    both(rt, cheap, now - timedelta(days=3), now - timedelta(days=3))
    rt.settings = replace(rt.settings, sms_provider="twilio", sms_price_per_segment=350.0,
                          whatsapp_template_price=300.0,
                          whatsapp_templates={"announcement": TEMPLATE_SID})
    confirm = client.get(ann["url"] + "/confirm").get_data(as_text=True)
    # The announcement's SMS is one segment: Rp 350 against a Rp 300 template.
    assert "1 lewat WhatsApp, 6 lewat SMS, perkiraan biaya Rp 2.400" in confirm, confirm
    client.post(ann["url"] + "/publish", data={"csrf_token": ann["token"], "messages": "7"})
    run_jobs()
    to_whatsapp = [m for m in twilio.messages if str(m["To"]).startswith("whatsapp:")]
    assert [(str(m["To"]), m.get("ContentSid")) for m in to_whatsapp] == [
        ("whatsapp:" + cheap, TEMPLATE_SID)]
    assert len(twilio.messages) == 7


@pytest.mark.clock(MORNING)
def test_the_confirmation_shows_the_split_and_the_cost(
        rt, client, officer_login, csrf_token) -> None:  # type: ignore[no-untyped-def]
    ann = published(rt, client, officer_login, csrf_token, members=(4, 3))
    now = datetime.now(UTC)
    inside, wrote_whatsapp, wrote_sms = ann["ksms"][0]["members"]
    both(rt, inside, now - timedelta(hours=2), now - timedelta(hours=2))
    # Outside the window; one wrote by WhatsApp last, one by SMS (a day after).
    both(rt, wrote_whatsapp, now - timedelta(days=3), now - timedelta(days=3))
    both(rt, wrote_sms, now - timedelta(days=3), now - timedelta(days=2))
    # A template at the price of a one-segment SMS from a gateway phone: a tie.
    rt.settings = replace(rt.settings, sms_provider="smsgate", smsgate_url="http://gateway.test",
                          smsgate_price_per_segment=150.0, whatsapp_price_per_message=100.0,
                          whatsapp_template_price=150.0,
                          whatsapp_templates={"announcement": TEMPLATE_SID})
    page = client.get(ann["url"] + "/confirm").get_data(as_text=True)
    # WhatsApp: a text Rp 100 and a template Rp 150 (the tie, to the one who wrote by
    # WhatsApp). SMS from the gateway, Rp 150 each: the one who wrote by SMS (the tie),
    # the 4 who use only SMS, and the notice to the leader of the KSM not chosen.
    assert "2 lewat WhatsApp, 6 lewat SMS, perkiraan biaya Rp 1.150" in page, page
    assert ("Kirim 8 pesan (7 anggota KSM, 1 ketua KSM yang belum terpilih), perkiraan biaya "
            "Rp 1.150 (6 SMS)") in page
    rows = {label: messages for label, messages in zip(
        _cells(page, "Dikirim lewat"), _cells(page, "Pesan"))}
    assert rows == {"SMS lewat ponsel gateway (SIM lokal)": "6",
                    "WhatsApp (dalam 24 jam sejak pesan terakhir warga)": "1",
                    "WhatsApp template (di luar 24 jam)": "1"}
    assert cell(page, "Dikirim lewat")  # the table is there
    assert "2 lewat WhatsApp, 6 lewat SMS" in client.get(ann["url"]).get_data(as_text=True)

    # Templates dearer than SMS: both outside the window go by SMS.
    rt.settings = replace(rt.settings, whatsapp_template_price=500.0)
    page = client.get(ann["url"] + "/confirm").get_data(as_text=True)
    assert "1 lewat WhatsApp, 7 lewat SMS, perkiraan biaya Rp 1.150" in page, page


def _cells(page: str, label: str) -> list[str]:
    return [x.strip() for x in re.findall(rf'data-label="{re.escape(label)}"[^>]*>([^<]*)<', page)]

