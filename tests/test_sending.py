"""Sending through the real twilio client against the fake Twilio server."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import update

from bot.models import Contact, Message
from bot.outbox import SEND_BROADCAST, SEND_MESSAGE, enqueue_sends, queue_message
from workers.broadcasts import send_broadcast
from workers.outbound import BACKOFF, send_message
from bot.jobs import InlineJobQueue, job_function


def _queue(rt, channel: str = "sms", body: str = "Rapat KSM besok jam 19.30", **contact) -> int:  # type: ignore[no-untyped-def]
    with rt.db.session() as session:
        row = Contact(phone="+6281200000001", **contact)
        session.add(row)
        session.flush()
        message_id = queue_message(session, row.id, channel, body)
    enqueue_sends(rt, [message_id])
    return message_id


def _message(rt, message_id: int) -> Message:  # type: ignore[no-untyped-def]
    with rt.db.session() as session:
        return session.get(Message, message_id)


def _contact(rt) -> Contact:  # type: ignore[no-untyped-def]
    with rt.db.session() as session:
        return session.query(Contact).one()


def _retry_scheduled(rt) -> int:  # type: ignore[no-untyped-def]
    if isinstance(rt.jobs, InlineJobQueue):
        return rt.jobs.pending()
    return rt.jobs.queue.scheduled_job_registry.count


def test_an_sms_goes_out_through_twilio_with_a_status_callback(rt, run_jobs, twilio) -> None:  # type: ignore[no-untyped-def]
    message_id = _queue(rt)
    run_jobs()
    [sent] = twilio.messages
    assert sent["To"] == "+6281200000001"
    assert sent["From"] == "+15005550006"
    assert sent["Body"] == "Rapat KSM besok jam 19.30"
    assert sent["StatusCallback"] == "https://bot.example.org/webhooks/twilio/status"
    stored = _message(rt, message_id)
    assert stored.status == "sent" and stored.external_id == sent["_sid"]


def test_whatsapp_goes_from_the_whatsapp_sender(rt, run_jobs, twilio) -> None:  # type: ignore[no-untyped-def]
    _queue(rt, channel="whatsapp", last_whatsapp_at=datetime.now(timezone.utc) - timedelta(hours=2))
    run_jobs()
    [sent] = twilio.messages
    assert sent["To"] == "whatsapp:+6281200000001"
    assert sent["From"] == "whatsapp:+14155238886"
    assert sent["Body"] == "Rapat KSM besok jam 19.30"


def test_whatsapp_outside_24_hours_without_a_template_goes_by_sms(rt, run_jobs, twilio) -> None:  # type: ignore[no-untyped-def]
    message_id = _queue(rt, channel="whatsapp",
                        last_whatsapp_at=datetime.now(timezone.utc) - timedelta(hours=30))
    run_jobs()
    [sent] = twilio.messages
    assert sent["To"] == "+6281200000001" and sent["From"] == "+15005550006"
    assert sent["Body"] == "Rapat KSM besok jam 19.30"
    stored = _message(rt, message_id)
    assert (stored.status, stored.channel) == ("sent", "sms")


def test_whatsapp_outside_24_hours_uses_the_kinds_approved_template(database_url, twilio, jobs) -> None:  # type: ignore[no-untyped-def]
    from bot import create_app
    from tests.conftest import _empty_tables, app_config

    _empty_tables(database_url)
    app = create_app(app_config(database_url, twilio, jobs, WHATSAPP_TEMPLATES="notice=HX" + "a" * 32))
    rt = app.extensions["ksm_runtime"]
    message_id = _queue(rt, channel="whatsapp",
                        last_whatsapp_at=datetime.now(timezone.utc) - timedelta(days=3))
    send_message(message_id)
    [sent] = twilio.messages
    assert sent["To"] == "whatsapp:+6281200000001"
    assert sent["ContentSid"] == "HX" + "a" * 32 and "Body" not in sent
    assert "Rapat KSM besok" in sent["ContentVariables"]
    rt.db.dispose()


def test_a_messaging_service_is_used_when_configured(database_url, twilio, jobs, run_jobs) -> None:  # type: ignore[no-untyped-def]
    from bot import create_app
    from tests.conftest import app_config

    app = create_app(app_config(database_url, twilio, jobs, TWILIO_MESSAGING_SERVICE_SID="MG" + "1" * 32))
    rt = app.extensions["ksm_runtime"]
    _queue(rt)
    send_message_ids = [r for r in twilio.requests]
    assert not send_message_ids
    from workers.outbound import send_message as job

    with rt.db.session() as session:
        message_id = session.query(Message.id).scalar()
    job(message_id)
    [sent] = twilio.messages
    assert sent["MessagingServiceSid"] == "MG" + "1" * 32 and "From" not in sent
    rt.db.dispose()


@pytest.mark.parametrize(("status", "code"), [(429, 20429), (500, 20500), (503, 30003)])
def test_rate_limits_and_server_errors_are_retried(rt, run_jobs, twilio, status, code) -> None:  # type: ignore[no-untyped-def]
    # The jobs' clock stands still until the test moves it: however slow the machine,
    # the retry is not due until its backoff has passed.
    failed_at = datetime.now(timezone.utc)
    rt.extras["clock"] = lambda: failed_at
    twilio.fail(status, code, times=1)
    message_id = _queue(rt)
    run_jobs()
    stored = _message(rt, message_id)
    assert (stored.status, stored.error_code) == ("queued", code)
    assert _retry_scheduled(rt) == 1
    rt.extras["clock"] = lambda: failed_at + timedelta(seconds=BACKOFF[0] - 1)
    assert send_message(message_id) == "not due"
    rt.extras["clock"] = lambda: failed_at + timedelta(seconds=BACKOFF[0])
    assert send_message(message_id).startswith("sent")  # what the retry does
    assert _message(rt, message_id).status == "sent"
    assert len(twilio.messages) == 1


def test_an_unreachable_twilio_is_retried(rt) -> None:  # type: ignore[no-untyped-def]
    from bot.providers.twilio import TwilioSender

    rt.sender = TwilioSender("AC" + "0" * 32, "token", sms_from="+15005550006",
                             api_base_url="http://127.0.0.1:9", timeout=2)
    message_id = _queue(rt)
    assert send_message(message_id).startswith("retry at")
    assert _message(rt, message_id).status == "queued"


def test_21610_marks_the_contact_opted_out_and_is_not_retried(rt, run_jobs, twilio) -> None:  # type: ignore[no-untyped-def]
    twilio.fail(400, 21610, times=1)
    message_id = _queue(rt)
    run_jobs()
    stored = _message(rt, message_id)
    assert (stored.status, stored.error_code) == ("failed", 21610)
    assert _contact(rt).opted_out
    assert _retry_scheduled(rt) == 0
    assert send_message(message_id) == "not queued"  # a stray second run does nothing


@pytest.mark.parametrize("code", [21211, 21614])
def test_invalid_numbers_are_marked_and_not_retried(rt, run_jobs, twilio, code) -> None:  # type: ignore[no-untyped-def]
    twilio.fail(400, code, times=1)
    message_id = _queue(rt)
    run_jobs()
    assert _message(rt, message_id).status == "failed"
    assert _contact(rt).invalid_number
    assert _retry_scheduled(rt) == 0


def test_nothing_unprompted_goes_to_an_opted_out_number(rt, run_jobs, twilio) -> None:  # type: ignore[no-untyped-def]
    message_id = _queue(rt, opted_out=True)
    run_jobs()
    assert twilio.messages == []
    assert _message(rt, message_id).status == "skipped"


def test_a_send_job_run_twice_sends_once(rt, twilio) -> None:  # type: ignore[no-untyped-def]
    message_id = _queue(rt)
    send_message(message_id)
    assert send_message(message_id) == "not queued"
    assert len(twilio.messages) == 1


def test_the_sweep_requeues_messages_whose_job_was_lost(rt, run_jobs, twilio) -> None:  # type: ignore[no-untyped-def]
    from workers.sweep import sweep

    with rt.db.session() as session:
        row = Contact(phone="+6281200000002")
        session.add(row)
        session.flush()
        message_id = queue_message(session, row.id, "sms", "Pengumuman")  # no job enqueued
        session.execute(update(Message).where(Message.id == message_id).values(
            created_at=datetime.now(timezone.utc) - timedelta(minutes=5)))
    assert sweep()["requeue_stale_messages"] == 1
    run_jobs()
    assert [m["Body"] for m in twilio.messages] == ["Pengumuman"]
    assert sweep()["requeue_stale_messages"] == 0


def test_outbox_sender_is_the_default_without_twilio_credentials() -> None:
    from bot.providers.registry import make_sender
    from bot.settings import Settings
    from bot.senders import OutboxSender

    assert isinstance(make_sender(Settings()), OutboxSender)


def test_the_outbox_names_the_send_jobs_that_exist() -> None:
    # bot.outbox queues jobs by dotted name (bot/ does not import workers): a renamed
    # job must fail here, not in a queue at run time.
    assert job_function(SEND_MESSAGE) is send_message
    assert job_function(SEND_BROADCAST) is send_broadcast


def _replies(rt, texts: list[str]) -> list[int]:  # type: ignore[no-untyped-def]
    with rt.db.session() as session:
        contact = Contact(phone="+6281234500001", uses_sms=True)
        session.add(contact)
        session.flush()
        return [queue_message(session, contact.id, "sms", text, kind="reply") for text in texts]


def test_a_residents_replies_go_out_in_the_order_they_were_written(rt, twilio) -> None:  # type: ignore[no-untyped-def]
    """Two replies to one message (the complaint's code, then the next question): the
    second's job, run first, sends the first before it; the first's job then finds it
    gone."""
    first, second = _replies(rt, ["Pengaduan diterima. Kode aduan: 123456789",
                                  "Di kelurahan/desa mana kejadiannya?"])
    assert send_message(second).startswith("sent")
    assert send_message(first) == "not queued"
    assert [m["Body"] for m in twilio.messages] == [
        "Pengaduan diterima. Kode aduan: 123456789", "Di kelurahan/desa mana kejadiannya?"]


def test_two_workers_sending_one_residents_replies_keep_their_order(rt, twilio) -> None:  # type: ignore[no-untyped-def]
    import threading

    texts = [f"balasan {i}" for i in range(6)]
    ids = _replies(rt, texts)
    twilio.delay = 0.05  # each send takes a while: the jobs overlap
    threads = [threading.Thread(target=send_message, args=(i,)) for i in reversed(ids)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert [m["Body"] for m in twilio.messages] == texts
