"""Twilio's webhooks: signatures, bad requests, storage, retries and status callbacks."""
from __future__ import annotations

import threading
import uuid

from sqlalchemy import func, select

from bot.models import Contact, ConversationSession, Message
from tests.transcript import AUTH_TOKEN, Phone, signed_post


def _form(**extra: str) -> dict[str, str]:
    return {"MessageSid": "SM" + uuid.uuid4().hex, "From": "+6281234567890",
            "To": "+6281100000000", "Body": "MENU", **extra}


def _count(rt, *where) -> int:  # type: ignore[no-untyped-def]
    with rt.db.session() as session:
        return session.scalar(select(func.count()).select_from(Message).where(*where))


def test_a_message_is_stored_answered_at_once_and_its_reply_sent_by_a_worker(
        client, rt, twilio, run_jobs) -> None:  # type: ignore[no-untyped-def]
    response = signed_post(client, "/webhooks/twilio/messages", _form(Body="halo"))
    assert response.status_code == 200
    assert response.mimetype == "text/xml"
    assert b"<Message>" not in response.data  # the webhook never runs the engine
    with rt.db.session() as session:
        inbound = session.execute(select(Message).where(Message.direction == "in")).scalar_one()
        assert (inbound.body, inbound.channel, inbound.status) == ("halo", "sms", "received")
        contact = session.execute(select(Contact)).scalar_one()
        assert contact.phone == "+6281234567890" and contact.uses_sms
    assert _count(rt, Message.direction == "out") == 0

    run_jobs()  # a worker: handles the message, then sends its reply
    [sent] = twilio.messages
    assert sent["To"] == "+6281234567890"
    assert "DAFTAR" in str(sent["Body"]) or "Layanan" in str(sent["Body"])
    with rt.db.session() as session:
        inbound = session.execute(select(Message).where(Message.direction == "in")).scalar_one()
        assert inbound.status == "handled"
        out = session.execute(select(Message).where(Message.direction == "out")).scalar_one()
        assert (out.reply_to_id, out.body, out.kind, out.status) == (
            inbound.id, sent["Body"], "reply", "sent")


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


def test_a_retried_message_is_stored_once_acts_once_and_is_answered_once(
        client, rt, twilio, run_jobs) -> None:  # type: ignore[no-untyped-def]
    form = _form(Body="BERHENTI")
    assert signed_post(client, "/webhooks/twilio/messages", form).status_code == 200
    run_jobs()
    assert signed_post(client, "/webhooks/twilio/messages", form).status_code == 200
    run_jobs()
    assert _count(rt, Message.direction == "in") == 1
    [reply] = twilio.messages
    # Acting twice would have answered "already unsubscribed" the second time.
    assert "MULAI" in str(reply["Body"]) and "sudah berhenti" not in str(reply["Body"])


def test_the_same_message_from_two_processes_at_once_is_stored_once(
        app, rt, twilio, run_jobs) -> None:  # type: ignore[no-untyped-def]
    form = _form(Body="MENU")
    statuses: list[int] = []
    barrier = threading.Barrier(4)

    def deliver() -> None:
        client = app.test_client()
        barrier.wait()
        statuses.append(signed_post(client, "/webhooks/twilio/messages", form).status_code)

    threads = [threading.Thread(target=deliver) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert statuses == [200] * 4
    run_jobs()
    assert _count(rt, Message.direction == "in") == 1
    assert _count(rt, Message.direction == "out") == 1
    assert len(twilio.messages) == 1


def _failing_engine(rt, monkeypatch, on: str):  # type: ignore[no-untyped-def]
    real = rt.engine.handle

    def handle(conversation, inbound, directory):  # type: ignore[no-untyped-def]
        if inbound.text == on:
            raise RuntimeError("bug in a flow")
        return real(conversation, inbound, directory)

    monkeypatch.setattr(rt.engine, "handle", handle)


def test_a_failing_message_is_kept_tried_again_then_apologised_for(
        client, rt, monkeypatch, officer_login) -> None:  # type: ignore[no-untyped-def]
    from bot.messaging.handling import handle_contact

    _failing_engine(rt, monkeypatch, on="DAFTAR")
    phone = Phone(client)
    phone.send("DAFTAR")
    assert phone.last == []  # one failed try: kept, no answer yet
    phone.send("MENU")  # waits behind it: never handled before the one before it
    assert phone.last == []
    with rt.db.session() as session:
        rows = session.execute(select(Message.body, Message.status, Message.attempts)
                               .where(Message.direction == "in").order_by(Message.id)).all()
    assert [tuple(r) for r in rows] == [("DAFTAR", "received", 2), ("MENU", "received", 0)]

    contact_id = _contact_id(rt)
    assert handle_contact(rt, contact_id) == 2  # the third try: failed for good; MENU goes on
    with rt.db.session() as session:
        rows = session.execute(select(Message.body, Message.status)
                               .where(Message.direction == "in").order_by(Message.id)).all()
        replies = session.scalars(select(Message.body).where(Message.direction == "out")
                                  .order_by(Message.id)).all()
    assert [tuple(r) for r in rows] == [("DAFTAR", "failed"), ("MENU", "handled")]
    assert "sudah kami simpan" in replies[0]  # the apology, then MENU's answer
    assert len(replies) == 2
    # A person reads it: it waits in the officers' inbox (national: no kelurahan known).
    officer_login("ppm_pusat", "ppm")
    assert "DAFTAR" in client.get("/inbox/").get_data(as_text=True)


def test_the_sweep_hands_on_messages_whose_handling_job_was_lost(
        client, rt, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from datetime import timedelta

    from bot import clock
    from bot.messaging import handling
    from workers.sweep import handle_waiting_messages

    queued: list[int] = []
    monkeypatch.setattr(handling, "queue_handling", lambda rt, contact_id: queued.append(contact_id))
    signed_post(client, "/webhooks/twilio/messages", _form(Body="MENU"))  # Redis "lost" the job
    now = clock.now(rt)
    assert handle_waiting_messages(rt, now) == 0  # too fresh: its job may still run
    assert handle_waiting_messages(rt, now + timedelta(minutes=2)) == 1
    assert queued == [_contact_id(rt)]


def _contact_id(rt) -> int:  # type: ignore[no-untyped-def]
    with rt.db.session() as session:
        return session.scalar(select(Contact.id))


def test_one_residents_messages_are_handled_one_at_a_time_in_order(
        client, rt, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    import time

    from bot.messaging.handling import handle_contact

    real = rt.engine.handle
    seen: list[str] = []
    inside = [0]
    overlap = [0]

    def slow(conversation, inbound, directory):  # type: ignore[no-untyped-def]
        inside[0] += 1
        overlap[0] = max(overlap[0], inside[0])
        time.sleep(0.01)
        seen.append(inbound.text)
        inside[0] -= 1
        return real(conversation, inbound, directory)

    monkeypatch.setattr(rt.engine, "handle", slow)
    texts = [f"pesan {i}" for i in range(12)]
    for text in texts:
        assert signed_post(client, "/webhooks/twilio/messages", _form(Body=text)).status_code == 200
    contact_id = _contact_id(rt)
    # Four workers take the same resident's jobs at once.
    threads = [threading.Thread(target=handle_contact, args=(rt, contact_id)) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert seen == texts
    assert overlap[0] == 1
    assert _count(rt, Message.direction == "in", Message.status == "handled") == 12


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


def test_the_handling_job_sends_its_replies_itself(client, rt, twilio, run_jobs) -> None:  # type: ignore[no-untyped-def]
    """One job per message: the job that handles a resident's message sends the replies
    it wrote (in order, under the contact's send lock), with no send job queued after it."""
    from bot.jobs import InlineJobQueue

    assert signed_post(client, "/webhooks/twilio/messages", _form(Body="MENU")).status_code == 200
    if isinstance(rt.jobs, InlineJobQueue):
        assert rt.jobs.run_pending() == 1
    else:
        from rq.registry import FinishedJobRegistry

        run_jobs()
        finished = FinishedJobRegistry(queue=rt.jobs.queue)
        assert [job.func_name for job in rt.jobs.queue.job_class.fetch_many(
            finished.get_job_ids(), connection=rt.redis)] == ["workers.handling.handle_contact"]
    assert [m["To"] for m in twilio.messages] == ["+6281234567890"]
    with rt.db.session() as session:
        assert session.scalars(select(Message.status).where(Message.direction == "out")).all() == ["sent"]


def test_a_new_residents_two_first_messages_at_once_are_both_stored(rt) -> None:  # type: ignore[no-untyped-def]
    """The second message waits on the first one's new contact row; once that commits it
    is stored too, under the same contact (on PostgreSQL the one-statement path cannot
    see a row committed while it waited, and must fall back)."""
    import pytest

    from bot import clock
    from bot.inbound_message import InboundMessage
    from bot.inbound_store import store_received

    if rt.db.is_sqlite:
        pytest.skip("SQLite's write lock orders every writer: no such race")
    now = clock.now(rt)
    first = InboundMessage(external_id="SM-first", phone="+6281299990001", channel="sms", body="MENU")
    second = InboundMessage(external_id="SM-second", phone="+6281299990001", channel="sms", body="1")
    stored: list[tuple[int, bool]] = []
    with rt.db.engine.connect() as holding:
        stored.append(store_received(holding, first, now))  # its contact row, not committed

        def deliver_second() -> None:
            with rt.db.engine.begin() as conn:
                stored.append(store_received(conn, second, now))

        thread = threading.Thread(target=deliver_second)
        thread.start()
        thread.join(0.5)
        assert thread.is_alive()  # waiting on the first one's contact row
        holding.commit()
    thread.join(10)
    assert [waiting for _, waiting in stored] == [True, True]
    assert stored[0][0] == stored[1][0]
    with rt.db.session() as session:
        rows = session.execute(select(Message.external_id, Message.contact_id)
                               .where(Message.direction == "in").order_by(Message.id)).all()
        assert [(r.external_id, r.contact_id) for r in rows] == [
            ("SM-first", stored[0][0]), ("SM-second", stored[0][0])]
        assert session.scalar(select(func.count()).select_from(Contact)) == 1
