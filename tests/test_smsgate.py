"""SMS Gateway for Android: signed events in, replies out through the real
``android-sms-gateway`` client against the fake gateway (tests/fake_smsgate.py)."""
from __future__ import annotations

import json
import time
import uuid
from datetime import datetime, timedelta, timezone
from typing import Any, Iterator

import pytest
from sqlalchemy import select

from bot.models import Contact, Message
from bot.providers.smsgate import sign
from tests.conftest import _empty_tables, app_config
from tests.fake_smsgate import FakeSmsGate
from tests.transcript import handle_and_read_replies
from workers.outbound import BACKOFF, send_message

KEY = "test-signing-key-0123456789"
DEVICE = "dev-kelurahan-1"
RESIDENT = "+6281234567890"


@pytest.fixture(scope="session")
def fake_smsgate() -> Iterator[FakeSmsGate]:
    fake = FakeSmsGate().start()
    yield fake
    fake.stop()


@pytest.fixture
def gateway(fake_smsgate: FakeSmsGate) -> FakeSmsGate:
    """The fake gateway API, emptied for this test."""
    fake_smsgate.reset()
    return fake_smsgate


def gateway_config(database_url: str, twilio: Any, jobs: Any, gateway: FakeSmsGate,
                   **overrides: Any) -> dict[str, Any]:
    return app_config(database_url, twilio, jobs, **{
        "SMSGATE_URL": gateway.url,
        "SMSGATE_USERNAME": "ABCDEF",
        "SMSGATE_PASSWORD": "gateway-password",
        "SMSGATE_SIGNING_KEY": KEY,
        # Tests do not wait on the per-phone rate unless they choose one.
        "SMSGATE_RATE_PER_MINUTE": "60000",
        **overrides,
    })


@pytest.fixture
def app(database_url: str, twilio: Any, jobs: Any, gateway: FakeSmsGate) -> Iterator[Any]:
    """The app with the gateway configured (SMS_PROVIDER defaults to smsgate)."""
    from bot import create_app

    _empty_tables(database_url)
    app = create_app(gateway_config(database_url, twilio, jobs, gateway))
    yield app
    app.extensions["ksm_runtime"].db.dispose()


def event(kind: str, payload: dict[str, Any], event_id: str | None = None,
          device: str | None = DEVICE) -> bytes:
    data: dict[str, Any] = {"id": event_id or uuid.uuid4().hex[:21], "webhookId": "wh1",
                            "event": kind, "payload": payload}
    if device is not None:
        data["deviceId"] = device
    return json.dumps(data).encode()


def post(client: Any, body: bytes, key: str | None = KEY, timestamp: int | None = None,
         signature: str | None = None) -> Any:
    stamp = str(int(time.time()) if timestamp is None else timestamp)
    headers = {"Content-Type": "application/json", "X-Timestamp": stamp}
    if key is not None:
        headers["X-Signature"] = signature or sign(key, body, stamp)
    return client.post("/webhooks/smsgate", data=body, headers=headers)


def sms(client: Any, text: str, phone: str = RESIDENT, event_id: str | None = None,
        message_id: str = "content-derived-id") -> Any:
    """The gateway phone reports an SMS it received; a worker then handles it at once
    (``tests.transcript.handle_and_read_replies``)."""
    payload = {"messageId": message_id, "message": text, "phoneNumber": phone,
               "simNumber": 1, "receivedAt": "2026-12-08T09:15:00.000+07:00"}
    event_id = event_id or uuid.uuid4().hex[:21]
    response = post(client, event("sms:received", payload, event_id))
    if response.status_code < 300:
        handle_and_read_replies(client.application.extensions["ksm_runtime"],
                                "gw-event:" + event_id)
    return response


def _messages(rt: Any, direction: str) -> list[Message]:
    with rt.db.session() as session:
        return list(session.scalars(select(Message).where(Message.direction == direction)
                                    .order_by(Message.id)))


def test_a_resident_texts_the_gateway_phone_and_is_answered_from_it(client, rt, run_jobs, gateway, twilio) -> None:  # type: ignore[no-untyped-def]
    response = sms(client, "MENU", phone="081234567890", event_id="ev-1")
    assert response.status_code == 200
    [inbound] = _messages(rt, "in")
    assert (inbound.external_id, inbound.provider, inbound.device_id) == (
        "gw-event:ev-1", "smsgate", DEVICE)
    [reply] = _messages(rt, "out")
    assert (reply.status, reply.provider, reply.device_id) == ("queued", "smsgate", DEVICE)

    run_jobs()
    [sent] = gateway.messages
    assert sent["phoneNumbers"] == [RESIDENT]
    assert sent["deviceId"] == DEVICE
    assert "1 DAFTAR" in sent["textMessage"]["text"]
    assert sent["withDeliveryReport"] is True
    assert not twilio.messages  # nothing through Twilio
    [reply] = _messages(rt, "out")
    assert (reply.status, reply.external_id) == ("sent", "gw:" + sent["_id"])
    auth = [r["auth"] for r in gateway.requests]
    assert all(a.startswith("Basic ") for a in auth)


def test_a_conversation_goes_on_through_the_gateway(client, rt, run_jobs, gateway) -> None:  # type: ignore[no-untyped-def]
    sms(client, "MENU")
    run_jobs()
    sms(client, "ADUAN jalan rusak di RT 03 tidak diperbaiki")
    run_jobs()
    texts = [m["textMessage"]["text"] for m in gateway.messages]
    assert "1 DAFTAR" in texts[0]
    assert any("Kode aduan" in text for text in texts[1:]), texts
    assert {m["deviceId"] for m in gateway.messages} == {DEVICE}
    assert {s.status for s in _messages(rt, "out")} == {"sent"}


def test_a_redelivered_event_acts_once(client, rt, run_jobs, gateway) -> None:  # type: ignore[no-untyped-def]
    body = event("sms:received", {"messageId": "m1", "message": "MENU",
                                  "phoneNumber": RESIDENT}, "ev-same")
    assert post(client, body).status_code == 200
    assert post(client, body).status_code == 200
    run_jobs()
    assert len(_messages(rt, "in")) == 1
    assert len(gateway.messages) == 1


def test_the_same_text_twice_is_two_messages_though_its_message_id_is_the_same(client, rt) -> None:  # type: ignore[no-untyped-def]
    # messageId is derived from the content: two "MENU" from one phone share it.
    sms(client, "MENU", event_id="ev-a", message_id="same")
    sms(client, "MENU", event_id="ev-b", message_id="same")
    assert [m.external_id for m in _messages(rt, "in")] == ["gw-event:ev-a", "gw-event:ev-b"]


@pytest.mark.parametrize("phone", ["081234567890", "6281234567890", "+6281234567890",
                                   "0812-3456-7890"])
def test_numbers_as_phones_report_them_are_one_resident(client, rt, phone) -> None:  # type: ignore[no-untyped-def]
    assert sms(client, "MENU", phone=phone).status_code == 200
    with rt.db.session() as session:
        assert session.scalars(select(Contact.phone)).all() == [RESIDENT]


def _nothing_stored(rt: Any) -> bool:
    return not _messages(rt, "in") and not _messages(rt, "out")


@pytest.mark.parametrize("how", ["unsigned", "forged", "other key", "stale", "future",
                                 "no timestamp", "body changed"])
def test_forged_unsigned_and_stale_events_are_refused(client, rt, how) -> None:  # type: ignore[no-untyped-def]
    body = event("sms:received", {"messageId": "m", "message": "MENU", "phoneNumber": RESIDENT})
    now = int(time.time())
    if how == "unsigned":
        response = post(client, body, key=None)
    elif how == "forged":
        response = post(client, body, signature="0" * 64)
    elif how == "other key":
        response = post(client, body, key="another-key")
    elif how == "stale":
        response = post(client, body, timestamp=now - 301)
    elif how == "future":
        response = post(client, body, timestamp=now + 301)
    elif how == "no timestamp":
        response = client.post("/webhooks/smsgate", data=body, headers={
            "X-Signature": sign(KEY, body, "")})
    else:
        stamp = str(now)
        response = client.post("/webhooks/smsgate", data=body.replace(b"MENU", b"ADUAN"),
                               headers={"X-Timestamp": stamp, "X-Signature": sign(KEY, body, stamp)})
    assert response.status_code == 401
    assert _nothing_stored(rt)


def test_a_timestamp_within_five_minutes_is_accepted(client, rt) -> None:  # type: ignore[no-untyped-def]
    body = event("sms:received", {"messageId": "m", "message": "MENU", "phoneNumber": RESIDENT})
    assert post(client, body, timestamp=int(time.time()) - 250).status_code == 200


def test_without_a_signing_key_every_event_is_refused(database_url, twilio, jobs) -> None:  # type: ignore[no-untyped-def]
    from bot import create_app

    _empty_tables(database_url)
    app = create_app(app_config(database_url, twilio, jobs))  # no gateway configured
    try:
        body = event("sms:received", {"messageId": "m", "message": "MENU",
                                      "phoneNumber": RESIDENT})
        response = post(app.test_client(), body)
        assert response.status_code == 403
        assert _nothing_stored(app.extensions["ksm_runtime"])
    finally:
        app.extensions["ksm_runtime"].db.dispose()


@pytest.mark.parametrize(("body", "reason"), [
    (b"{not json", "body is not JSON"),
    (b"[1, 2]", "body is not a JSON object"),
    (json.dumps({"event": "sms:received", "payload": {}}).encode(), "missing id"),
    (json.dumps({"id": "e1", "payload": {}}).encode(), "missing event"),
    (json.dumps({"id": "e1", "event": "sms:received"}).encode(), "missing payload"),
    (event("sms:received", {"message": "MENU"}), "missing payload.phoneNumber"),
    (event("sms:received", {"phoneNumber": RESIDENT}), "missing payload.message"),
    (event("sms:received", {"phoneNumber": "CS-TELKOMSEL", "message": "x"}),
     "payload.phoneNumber is not a phone number"),
    (event("sms:delivered", {"phoneNumber": RESIDENT}), "missing payload.messageId"),
    (json.dumps({"id": "e\u0000", "event": "sms:received", "payload": {}}).encode(),
     "id is not an id"),
])
def test_a_signed_event_that_is_not_one_gets_400_with_a_reason(client, rt, body, reason) -> None:  # type: ignore[no-untyped-def]
    response = post(client, body)
    assert response.status_code == 400
    assert response.get_data(as_text=True) == reason + "\n"
    assert _nothing_stored(rt)


@pytest.mark.parametrize("kind", ["system:ping", "sms:data-received", "mms:received",
                                  "something:new"])
def test_other_events_are_answered_and_ignored(client, rt, kind) -> None:  # type: ignore[no-untyped-def]
    response = post(client, event(kind, {"health": {"status": "pass"}}))
    assert response.status_code == 200
    assert _nothing_stored(rt)


def _one_reply_sent(client: Any, rt: Any, run_jobs: Any, gateway: FakeSmsGate) -> tuple[int, str]:
    sms(client, "MENU")
    run_jobs()
    [reply] = _messages(rt, "out")
    [sent] = gateway.messages
    return reply.id, sent["_id"]


def _status(rt: Any, message_id: int) -> str:
    with rt.db.session() as session:
        return session.get(Message, message_id).status


def test_delivery_reports_move_the_reply_forward_only(client, rt, run_jobs, gateway) -> None:  # type: ignore[no-untyped-def]
    reply_id, gateway_id = _one_reply_sent(client, rt, run_jobs, gateway)
    delivered = event("sms:delivered", {"messageId": gateway_id, "phoneNumber": RESIDENT})
    assert post(client, delivered).status_code == 200
    assert _status(rt, reply_id) == "delivered"
    # A late sms:sent (re-delivered by the app) does not move it back.
    late = event("sms:sent", {"messageId": gateway_id, "phoneNumber": RESIDENT})
    assert post(client, late).status_code == 200
    assert post(client, delivered).status_code == 200
    assert _status(rt, reply_id) == "delivered"


def test_a_failed_report_marks_the_reply_failed(client, rt, run_jobs, gateway) -> None:  # type: ignore[no-untyped-def]
    reply_id, gateway_id = _one_reply_sent(client, rt, run_jobs, gateway)
    failed = event("sms:failed", {"messageId": gateway_id, "phoneNumber": RESIDENT,
                                  "reason": "RESULT_ERROR_NO_SERVICE"})
    assert post(client, failed).status_code == 200
    assert _status(rt, reply_id) == "failed"


def test_a_report_for_a_message_the_bot_did_not_send_is_answered(client, rt) -> None:  # type: ignore[no-untyped-def]
    report = event("sms:sent", {"messageId": "typed-on-the-phone", "phoneNumber": RESIDENT})
    assert post(client, report).status_code == 200


@pytest.mark.parametrize("status", [500, 502, 503, 429])
def test_server_errors_are_retried_with_the_send_jobs_backoff(client, rt, run_jobs, gateway, status) -> None:  # type: ignore[no-untyped-def]
    gateway.fail(status, times=1)
    sms(client, "MENU")
    run_jobs()
    [reply] = _messages(rt, "out")
    assert reply.status == "queued" and reply.attempts == 1
    assert send_message(reply.id) == "not due"
    later = datetime.now(timezone.utc) + timedelta(seconds=BACKOFF[0])
    rt.extras["clock"] = lambda: later
    assert send_message(reply.id).startswith("sent gw:")
    [sent] = gateway.messages
    assert sent["deviceId"] == DEVICE
    assert _status(rt, reply.id) == "sent"


@pytest.mark.parametrize("status", [400, 401, 403, 404])
def test_client_errors_fail_the_message_for_good(client, rt, run_jobs, gateway, status) -> None:  # type: ignore[no-untyped-def]
    gateway.fail(status, times=1, message="invalid phone number")
    sms(client, "MENU")
    run_jobs()
    [reply] = _messages(rt, "out")
    assert (reply.status, reply.attempts) == ("failed", 1)
    assert send_message(reply.id) == "not queued"
    assert not gateway.messages


def test_an_unreachable_gateway_is_retried(client, rt) -> None:  # type: ignore[no-untyped-def]
    from bot.senders import ProviderSender
    from bot.providers.smsgate import SmsGateSender

    rt.sender = ProviderSender({"smsgate": SmsGateSender("http://127.0.0.1:9/3rdparty/v1",
                                                         "u", "p", timeout=2)})
    sms(client, "MENU")
    [reply] = _messages(rt, "out")
    assert send_message(reply.id).startswith("retry at")
    assert _status(rt, reply.id) == "queued"


def test_a_timeout_is_retried(client, rt, gateway) -> None:  # type: ignore[no-untyped-def]
    from bot.senders import ProviderSender
    from bot.providers.smsgate import SmsGateSender

    rt.sender = ProviderSender({"smsgate": SmsGateSender(gateway.url, "u", "p", timeout=0.3)})
    gateway.fail(0, times=1, delay=1.0)
    sms(client, "MENU")
    [reply] = _messages(rt, "out")
    assert send_message(reply.id).startswith("retry at")
    assert _status(rt, reply.id) == "queued"


def _queue_notice(rt: Any, channel: str = "sms", **contact: Any) -> int:
    from bot.outbox import enqueue_sends, queue_message

    with rt.db.session() as session:
        row = Contact(phone=RESIDENT, **contact)
        session.add(row)
        session.flush()
        message_id = queue_message(session, row.id, channel, "Rapat KSM besok jam 19.30")
    enqueue_sends(rt, [message_id])
    return message_id


def test_an_unprompted_sms_goes_through_sms_provider_the_gateway_picking_the_phone(rt, run_jobs, gateway, twilio) -> None:  # type: ignore[no-untyped-def]
    message_id = _queue_notice(rt)
    run_jobs()
    [sent] = gateway.messages
    assert sent["phoneNumbers"] == [RESIDENT] and "deviceId" not in sent
    assert not twilio.messages
    with rt.db.session() as session:
        assert session.get(Message, message_id).provider == "smsgate"


def test_whatsapp_stays_on_twilio_and_its_sms_fallback_takes_sms_provider(rt, run_jobs, gateway, twilio) -> None:  # type: ignore[no-untyped-def]
    _queue_notice(rt, channel="whatsapp",
                  last_whatsapp_at=datetime.now(timezone.utc) - timedelta(hours=1))
    run_jobs()
    [whatsapp] = twilio.messages
    assert whatsapp["To"] == "whatsapp:" + RESIDENT and not gateway.messages
    with rt.db.session() as session:
        session.execute(Message.__table__.delete())
        session.execute(Contact.__table__.delete())
    _queue_notice(rt, channel="whatsapp",
                  last_whatsapp_at=datetime.now(timezone.utc) - timedelta(hours=30))
    run_jobs()
    assert len(twilio.messages) == 1 and len(gateway.messages) == 1


def test_with_sms_provider_twilio_unprompted_sms_go_through_twilio_replies_still_through_the_gateway(database_url, twilio, jobs, gateway) -> None:  # type: ignore[no-untyped-def]
    from bot import create_app

    _empty_tables(database_url)
    app = create_app(gateway_config(database_url, twilio, jobs, gateway, SMS_PROVIDER="twilio"))
    rt = app.extensions["ksm_runtime"]
    try:
        assert rt.settings.sms_provider == "twilio"
        sms(app.test_client(), "MENU")
        _queue_notice_for_existing(rt)
        _run(rt)
        assert [m["phoneNumbers"] for m in gateway.messages] == [[RESIDENT]]  # the reply
        [notice] = twilio.messages
        assert notice["Body"] == "Rapat KSM besok jam 19.30" and notice["To"] == RESIDENT
    finally:
        rt.db.dispose()


def _queue_notice_for_existing(rt: Any) -> None:
    from bot.outbox import enqueue_sends, queue_message

    with rt.db.session() as session:
        contact_id = session.scalar(select(Contact.id))
        message_id = queue_message(session, contact_id, "sms", "Rapat KSM besok jam 19.30")
    enqueue_sends(rt, [message_id])


def _run(rt: Any) -> None:
    from bot.jobs import InlineJobQueue

    if isinstance(rt.jobs, InlineJobQueue):
        rt.jobs.run_pending()
        return
    from tests.conftest import BurstWorker

    BurstWorker([rt.jobs.queue], connection=rt.redis).work(burst=True, logging_level="WARNING")


def test_each_gateway_phone_has_its_own_rate_per_minute() -> None:
    from bot.settings import from_env
    from workers.rate_limit import sender_key

    settings = from_env({"SMSGATE_URL": "https://gw.example/3rdparty/v1",
                         "SMSGATE_PASSWORD": "p", "SMSGATE_SIGNING_KEY": "k"})
    assert sender_key(settings, "sms", "smsgate", "dev-1") == ("smsgate:dev-1", 10 / 60)
    assert sender_key(settings, "sms", "smsgate", "dev-2")[0] == "smsgate:dev-2"
    assert sender_key(settings, "sms", "twilio")[0].startswith("sms:")
    assert sender_key(settings, "whatsapp", "smsgate")[0].startswith("whatsapp:")


def test_the_per_phone_rate_spaces_sends(database_url, twilio, jobs, gateway) -> None:  # type: ignore[no-untyped-def]
    from bot import create_app

    _empty_tables(database_url)
    # 240 per minute: one every 0.25 s on this phone (the limiter lets 1 s of lag catch up).
    app = create_app(gateway_config(database_url, twilio, jobs, gateway,
                                    SMSGATE_RATE_PER_MINUTE="240"))
    rt = app.extensions["ksm_runtime"]
    try:
        client = app.test_client()
        for i in range(10):
            sms(client, "MENU", phone=f"+62812345678{i:02d}")
        started = time.monotonic()
        _run(rt)
        assert len(gateway.messages) == 10
        # 10 slots at 0.25 s, less up to 1 s of catch-up: at least 1.25 s.
        assert time.monotonic() - started >= 1.2
    finally:
        rt.db.dispose()


@pytest.mark.skipif(not __import__("os").environ.get("DATABASE_URL"),
                    reason="needs PostgreSQL (server mode)")
def test_with_the_database_down_an_event_is_spooled_then_answered_through_its_phone(
        app, database_url, twilio, jobs, gateway, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from bot import create_app
    from bot.inbound import spool_of
    from tests.fault_services import TcpProxy

    with TcpProxy.for_database(database_url) as proxy:
        through = create_app(gateway_config(proxy.url_for(database_url), twilio, jobs, gateway,
                                            SPOOL_DIR=str(tmp_path / "spool")))
        rt = through.extensions["ksm_runtime"]
        spool_of(rt).retry_seconds = 3600  # replayed by hand, at a known moment
        try:
            client = through.test_client()
            proxy.cut()
            body = event("sms:received", {"messageId": "m", "message": "MENU",
                                          "phoneNumber": RESIDENT}, "ev-down")
            # Kept before the 2xx (the spool), so the gateway need not deliver it again;
            # if it does, the event id makes it act once.
            assert post(client, body).status_code == 200
            assert post(client, body).status_code == 200
            proxy.restore()
            assert spool_of(rt).replay() == 2
            [inbound] = _messages(rt, "in")
            assert (inbound.external_id, inbound.device_id) == ("gw-event:ev-down", DEVICE)
            _run(rt)
            [sent] = gateway.messages  # no holding reply: only the real one, once
            assert sent["deviceId"] == DEVICE and "1 DAFTAR" in sent["textMessage"]["text"]
        finally:
            rt.db.dispose()


def _setup_env(gateway: FakeSmsGate, **extra: str) -> dict[str, str]:
    return {"SMSGATE_URL": gateway.url, "SMSGATE_USERNAME": "ABCDEF",
            "SMSGATE_PASSWORD": "gateway-password", "SMSGATE_SIGNING_KEY": KEY,
            "PUBLIC_BASE_URL": "https://bot.example.org", **extra}


def test_smsgate_setup_registers_the_webhooks_once_and_sets_the_signing_key(gateway, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from click.testing import CliRunner

    from bot.cli import main

    env = _setup_env(gateway, DATABASE_URL=f"sqlite:///{tmp_path / 'x.sqlite3'}")
    result = CliRunner().invoke(main, ["smsgate", "setup"], env=env)
    assert result.exit_code == 0, result.output
    assert "gateway health: pass" in result.output
    assert sorted(h["event"] for h in gateway.webhooks) == [
        "sms:delivered", "sms:failed", "sms:received", "sms:sent", "system:ping"]
    assert {h["url"] for h in gateway.webhooks} == {"https://bot.example.org/webhooks/smsgate"}
    assert gateway.settings == {"webhooks": {"signing_key": KEY}}
    again = CliRunner().invoke(main, ["smsgate", "setup"], env=env)
    assert again.exit_code == 0 and again.output.count("already registered") == 5
    assert len(gateway.webhooks) == 5


@pytest.mark.parametrize(("change", "message"), [
    ({"SMSGATE_PASSWORD": ""}, "SMSGATE_PASSWORD is required"),
    ({"PUBLIC_BASE_URL": ""}, "PUBLIC_BASE_URL is required"),
    ({"SMSGATE_URL": "http://127.0.0.1:9/3rdparty/v1"}, "cannot be reached"),
])
def test_smsgate_setup_says_in_one_line_what_is_wrong(gateway, tmp_path, change, message) -> None:  # type: ignore[no-untyped-def]
    from click.testing import CliRunner

    from bot.cli import main

    env = _setup_env(gateway, DATABASE_URL=f"sqlite:///{tmp_path / 'x.sqlite3'}", **change)
    result = CliRunner().invoke(main, ["smsgate", "setup"], env=env)
    assert result.exit_code == 1
    assert message in result.output and not gateway.webhooks


def test_smsgate_setup_stops_on_a_failing_gateway(gateway) -> None:  # type: ignore[no-untyped-def]
    from bot.settings import from_env
    from bot.providers.smsgate_setup import SetupError, setup

    gateway.health = "fail"
    with pytest.raises(SetupError, match="failing"):
        setup(from_env(_setup_env(gateway)), echo=lambda _: None)
    assert not gateway.webhooks


def test_one_place_decides_the_sms_provider() -> None:
    from bot.settings import from_env
    from bot.channels import sms_provider

    both = from_env({"SMSGATE_URL": "https://gw.example/3rdparty/v1", "SMSGATE_PASSWORD": "p",
                     "SMSGATE_SIGNING_KEY": "k", "TWILIO_ACCOUNT_SID": "AC" + "0" * 32,
                     "TWILIO_AUTH_TOKEN": "t", "SMS_PROVIDER": "twilio"})
    # A reply goes back the way it came, from the same phone.
    assert sms_provider(both, "sms", "smsgate", "dev-1") == ("smsgate", "dev-1")
    assert sms_provider(both, "sms", "twilio") == ("twilio", None)
    # Unprompted, and a WhatsApp message falling back to SMS: SMS_PROVIDER.
    assert sms_provider(both, "sms") == ("twilio", None)
    assert sms_provider(both, "whatsapp", "smsgate", "dev-1") == ("twilio", None)
    # A recorded provider that is no longer configured: SMS_PROVIDER.
    gateway_only = from_env({"SMSGATE_URL": "https://gw.example/3rdparty/v1",
                             "SMSGATE_PASSWORD": "p", "SMSGATE_SIGNING_KEY": "k"})
    assert sms_provider(gateway_only, "sms", "twilio") == ("smsgate", None)


@pytest.mark.parametrize("stamp", ["1700000000\u00b2", "\u0661\u0667\u0660\u0660", "+1700000000",
                                   " 1700000000", "1" * 40])
def test_a_timestamp_that_is_not_plain_digits_is_refused_not_a_server_error(client, rt, stamp) -> None:  # type: ignore[no-untyped-def]
    # str.isdigit() takes superscripts and other scripts' digits, which int() refuses.
    body = event("sms:received", {"messageId": "m", "message": "MENU", "phoneNumber": RESIDENT})
    response = client.post("/webhooks/smsgate", data=body, headers={
        "X-Timestamp": stamp, "X-Signature": "0" * 64})
    assert response.status_code == 401
    assert _nothing_stored(rt)


def test_a_signed_deeply_nested_body_gets_400_not_a_server_error(client, rt) -> None:  # type: ignore[no-untyped-def]
    deep = b'{"id": "e1", "event": "sms:received", "payload": ' + b"[" * 100_000 + b"]" * 100_000 + b"}"
    response = post(client, deep)
    assert response.status_code == 400
    assert response.get_data(as_text=True) == "body is not JSON\n"
    assert _nothing_stored(rt)
