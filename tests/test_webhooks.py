"""Twilio's webhooks: signatures, bad requests, storage, retries and status callbacks."""
from __future__ import annotations

import threading
import uuid

from sqlalchemy import func, select

from bot.models import Contact, ConversationSession, Message
from tests.transcript import AUTH_TOKEN, Phone, replies_of, signed_post


def _form(**extra: str) -> dict[str, str]:
    return {"MessageSid": "SM" + uuid.uuid4().hex, "From": "+6281234567890",
            "To": "+6281100000000", "Body": "MENU", **extra}


def _count(rt, *where) -> int:  # type: ignore[no-untyped-def]
    with rt.db.session() as session:
        return session.scalar(select(func.count()).select_from(Message).where(*where))


def test_a_message_is_stored_and_answered_with_twiml(client, rt) -> None:  # type: ignore[no-untyped-def]
    response = signed_post(client, "/webhooks/twilio/messages", _form(Body="halo"))
    assert response.status_code == 200
    assert response.mimetype == "text/xml"
    [reply] = replies_of(response)
    assert "DAFTAR" in reply or "Layanan" in reply
    with rt.db.session() as session:
        inbound = session.execute(select(Message).where(Message.direction == "in")).scalar_one()
        assert (inbound.body, inbound.channel, inbound.status) == ("halo", "sms", "handled")
        out = session.execute(select(Message).where(Message.direction == "out")).scalar_one()
        assert out.reply_to_id == inbound.id and out.body == reply
        contact = session.execute(select(Contact)).scalar_one()
        assert contact.phone == "+6281234567890" and contact.uses_sms


def test_whatsapp_prefix_sets_channel_and_media_is_kept(client, rt) -> None:  # type: ignore[no-untyped-def]
    form = _form(From="whatsapp:+6281234567890", To="whatsapp:+14155238886", Body="",
                 NumMedia="1", MediaUrl0="https://api.twilio.com/media/ME1",
                 MediaContentType0="image/jpeg", ProfileName="Bu Sri", WaId="6281234567890",
                 SomeFieldTwilioAddsLater="x")
    assert signed_post(client, "/webhooks/twilio/messages", form).status_code == 200
    with rt.db.session() as session:
        inbound = session.execute(select(Message).where(Message.direction == "in")).scalar_one()
        assert inbound.channel == "whatsapp"
        assert inbound.media == [{"url": "https://api.twilio.com/media/ME1", "type": "image/jpeg"}]
        contact = session.execute(select(Contact)).scalar_one()
        assert contact.uses_whatsapp and contact.last_whatsapp_at is not None
        assert contact.name == "Bu Sri"


def test_missing_or_wrong_signature_is_refused_and_nothing_stored(client, rt) -> None:  # type: ignore[no-untyped-def]
    form = _form()
    assert client.post("/webhooks/twilio/messages", data=form).status_code == 403
    wrong = signed_post(client, "/webhooks/twilio/messages", form, token="not-the-token")
    assert wrong.status_code == 403
    tampered = signed_post(client, "/webhooks/twilio/messages", form)
    assert tampered.status_code == 200  # the right signature passes...
    form2 = _form()
    from twilio.request_validator import RequestValidator

    signature = RequestValidator(AUTH_TOKEN).compute_signature(
        "https://bot.example.org/webhooks/twilio/messages", form2)
    form2["Body"] = "changed in transit"
    assert client.post("/webhooks/twilio/messages", data=form2,
                       headers={"X-Twilio-Signature": signature}).status_code == 403
    assert _count(rt, Message.direction == "in") == 1


def test_without_an_auth_token_webhooks_refuse_everything(database_url, twilio, jobs) -> None:  # type: ignore[no-untyped-def]
    from bot import create_app
    from tests.conftest import app_config

    app = create_app(app_config(database_url, twilio, jobs, TWILIO_AUTH_TOKEN=""))
    client = app.test_client()
    response = signed_post(client, "/webhooks/twilio/messages", _form())
    assert response.status_code == 403
    assert b"TWILIO_AUTH_TOKEN" in response.data
    assert signed_post(client, "/webhooks/twilio/status",
                       {"MessageSid": "SM" + "1" * 32, "MessageStatus": "sent"}).status_code == 403
    app.extensions["ksm_runtime"].db.dispose()


def test_missing_fields_get_400_with_a_reason(client) -> None:  # type: ignore[no-untyped-def]
    no_sid = signed_post(client, "/webhooks/twilio/messages", {"From": "+6281234567890", "Body": "x"})
    assert no_sid.status_code == 400 and no_sid.data == b"missing MessageSid\n"
    no_from = signed_post(client, "/webhooks/twilio/messages", {"MessageSid": "SM" + "1" * 32, "Body": "x"})
    assert no_from.status_code == 400 and no_from.data == b"missing From\n"
    bad_from = signed_post(client, "/webhooks/twilio/messages", _form(From="hello"))
    assert bad_from.status_code == 400 and b"From" in bad_from.data


def test_a_retried_message_is_stored_once_acts_once_and_gets_the_same_reply(client, rt) -> None:  # type: ignore[no-untyped-def]
    form = _form(Body="BERHENTI")
    first = signed_post(client, "/webhooks/twilio/messages", form)
    second = signed_post(client, "/webhooks/twilio/messages", form)
    assert replies_of(first) == replies_of(second)
    assert "MULAI" in replies_of(first)[0]
    assert _count(rt, Message.direction == "in") == 1
    assert _count(rt, Message.direction == "out") == 1
    # Acting twice would have answered "already unsubscribed" the second time.
    assert "sudah berhenti" not in replies_of(second)[0]


def test_the_same_message_from_two_processes_at_once_is_stored_once(app, rt) -> None:  # type: ignore[no-untyped-def]
    form = _form(Body="MENU")
    results: list[list[str]] = []
    barrier = threading.Barrier(4)

    def deliver() -> None:
        client = app.test_client()
        barrier.wait()
        results.append(replies_of(signed_post(client, "/webhooks/twilio/messages", form)))

    threads = [threading.Thread(target=deliver) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(results) == 4 and all(r == results[0] for r in results)
    assert _count(rt, Message.direction == "in") == 1
    assert _count(rt, Message.direction == "out") == 1


def test_a_failing_flow_keeps_the_message_and_apologises(app, client, rt, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    def boom(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise RuntimeError("bug in a flow")

    monkeypatch.setattr(rt.engine, "handle", boom)
    response = signed_post(client, "/webhooks/twilio/messages", _form(Body="DAFTAR"))
    assert response.status_code == 200
    assert "sudah kami simpan" in replies_of(response)[0]
    with rt.db.session() as session:
        inbound = session.execute(select(Message).where(Message.direction == "in")).scalar_one()
        assert (inbound.body, inbound.status) == ("DAFTAR", "failed")


def test_opt_out_language_and_cancel_through_the_webhook(client, rt) -> None:  # type: ignore[no-untyped-def]
    phone = Phone(client)
    phone.send("Bahasa EN").expect("Language: English")
    phone.send("batal").expect("Nothing to cancel")
    phone.send("BERHENTI").expect("no more messages")
    with rt.db.session() as session:
        contact = session.execute(select(Contact)).scalar_one()
        assert contact.opted_out and contact.language == "en"
    phone.send("mulai").expect("Welcome back")
    with rt.db.session() as session:
        assert not session.execute(select(Contact)).scalar_one().opted_out


def test_an_idle_dialog_expires_and_the_next_message_says_so(client, rt) -> None:  # type: ignore[no-untyped-def]
    from datetime import datetime, timedelta, timezone

    phone = Phone(client)
    phone.send("halo").send("BATAL")  # no open dialog left
    with rt.db.session() as session:
        contact_id = session.scalar(select(Contact.id))
        idle = ConversationSession(
            contact_id=contact_id, flow="menu", step="choose", data={},
            expires_at=datetime.now(timezone.utc) - timedelta(minutes=1))
        session.add(idle)
    phone.send("1").expect("sudah berakhir")
    with rt.db.session() as session:
        assert session.get(ConversationSession, idle.id).status == "expired"


def test_status_callbacks_move_a_message_forward_only(client, rt) -> None:  # type: ignore[no-untyped-def]
    from bot.outbox import queue_message

    with rt.db.session() as session:
        contact = Contact(phone="+6281200000001")
        session.add(contact)
        session.flush()
        message_id = queue_message(session, contact.id, "sms", "Rapat besok")
        session.get(Message, message_id).external_id = "SM" + "abc" * 10 + "ab"
        session.get(Message, message_id).status = "sent"

    def callback(status: str, code: str = "") -> int:
        form = {"MessageSid": "SM" + "abc" * 10 + "ab", "MessageStatus": status, "AccountSid": "AC1"}
        if code:
            form["ErrorCode"] = code
        return signed_post(client, "/webhooks/twilio/status", form).status_code

    def status() -> tuple[str, int | None]:
        with rt.db.session() as session:
            m = session.get(Message, message_id)
            return m.status, m.error_code

    assert callback("delivered") == 204 and status() == ("delivered", None)
    assert callback("sent") == 204 and status() == ("delivered", None)
    assert callback("read") == 204 and status() == ("read", None)
    assert callback("undelivered", "21610") == 204 and status() == ("undelivered", 21610)
    with rt.db.session() as session:
        assert session.get(Contact, contact.id).opted_out
    unknown = signed_post(client, "/webhooks/twilio/status", {"MessageSid": "SM" + "0" * 32, "MessageStatus": "sent"})
    assert unknown.status_code == 204
    missing = signed_post(client, "/webhooks/twilio/status", {"MessageSid": "SM" + "abc" * 10 + "ab"})
    assert missing.status_code == 400


def test_healthz_reports_database_and_redis(client) -> None:  # type: ignore[no-untyped-def]
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.get_json()
    assert body["database"] == "ok" and body["status"] == "ok"
    assert body["redis"] in ("ok", "not configured (in-process jobs)")


def test_the_contact_row_follows_channels_number_state_and_the_whatsapp_window(rt) -> None:  # type: ignore[no-untyped-def]
    from datetime import datetime, timedelta, timezone

    from bot.inbound import receive
    from bot.inbound_message import InboundMessage

    number = "+6281234567890"
    t0 = datetime(2026, 11, 27, 8, 0, tzinfo=timezone.utc)

    def message(sid: str, channel: str = "sms") -> InboundMessage:
        return InboundMessage(external_id=sid, phone=number, channel=channel, body="MENU")

    def contact() -> Contact:
        with rt.db.session() as session:
            return session.execute(select(Contact)).scalar_one()

    receive(rt, message("SM" + "1" * 32), t0)
    first = contact()
    assert first.uses_sms and not first.uses_whatsapp and first.last_whatsapp_at is None

    with rt.db.session() as session:  # committed when the block ends
        session.execute(select(Contact)).scalar_one().invalid_number = True
    receive(rt, message("SM" + "2" * 32), t0 + timedelta(minutes=1))
    assert not contact().invalid_number  # a number that just wrote to us works

    receive(rt, message("SM" + "3" * 32, "whatsapp"), t0 + timedelta(minutes=2))
    seen = contact()
    assert seen.uses_sms and seen.uses_whatsapp
    assert seen.last_whatsapp_at == t0 + timedelta(minutes=2)

    # Within minutes the window's start may stay as recorded (never later than true)...
    receive(rt, message("SM" + "4" * 32, "whatsapp"), t0 + timedelta(minutes=9))
    window = contact().last_whatsapp_at
    assert t0 + timedelta(minutes=2) <= window <= t0 + timedelta(minutes=9)
    # ...and hours later it moves.
    receive(rt, message("SM" + "5" * 32, "whatsapp"), t0 + timedelta(hours=3))
    later = contact()
    assert later.last_whatsapp_at == t0 + timedelta(hours=3)
    assert later.last_seen_at == t0 + timedelta(hours=3)


def test_control_characters_in_a_message_become_spaces_and_nothing_is_cut(client, rt) -> None:  # type: ignore[no-untyped-def]
    phone = Phone(client)
    phone.send("ADUAN jalan\x00rusak\x07 di RT 3\nmohon dibantu")
    assert "Maaf, ada gangguan" not in phone.last[0]
    with rt.db.session() as session:
        inbound = session.execute(select(Message).where(Message.direction == "in")).scalar_one()
        assert inbound.body == "ADUAN jalan rusak  di RT 3\nmohon dibantu"
        assert inbound.status == "handled"
