"""`ksm-bot worker`, the Procfile's worker process, sends queued messages from RQ."""
from __future__ import annotations

import os
import subprocess
import sys

import pytest

from bot.models import Contact, Message
from bot.outbox import enqueue_sends, queue_message

# The worker runs in its own process, on the machine's clock: so does this side.
pytestmark = [pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="needs Redis (server mode)"),
              pytest.mark.real_clock]


def _env(database_url: str, twilio) -> dict[str, str]:  # type: ignore[no-untyped-def]
    env = dict(os.environ)
    env.update({
        "DATABASE_URL": database_url, "SECRET_KEY": "s" * 32,
        "TWILIO_ACCOUNT_SID": "AC" + "0" * 32, "TWILIO_AUTH_TOKEN": "t",
        "TWILIO_SMS_FROM": "+15005550006", "PUBLIC_BASE_URL": "https://bot.example.org",
        "TWILIO_API_BASE_URL": twilio.url,
        # The contact has no kelurahan (WIB): between 14:00 and 23:00 UTC the notice
        # would be held by quiet hours and the test would depend on the wall clock.
        "QUIET_HOURS": "off",
    })
    return env


def test_the_worker_process_sends_what_the_web_process_queued(rt, twilio, database_url, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from workers.sweep import SWEEP_JOB_ID

    with rt.db.session() as session:
        contact = Contact(phone="+6281200000009")
        session.add(contact)
        session.flush()
        message_id = queue_message(session, contact.id, "sms", "Pengingat rapat")
    enqueue_sends(rt, [message_id])

    result = subprocess.run([sys.executable, "-m", "bot.cli", "worker", "--burst"], env=_env(database_url, twilio),
                            capture_output=True, text=True, cwd=tmp_path, timeout=120)
    assert result.returncode == 0, result.stderr[-2000:]
    assert [m["Body"] for m in twilio.messages] == ["Pengingat rapat"]
    with rt.db.session() as session:
        assert session.get(Message, message_id).status == "sent"
    # The worker put the periodic sweep on RQ's scheduler, once, under its fixed id.
    assert SWEEP_JOB_ID in rt.jobs.queue.scheduled_job_registry.get_job_ids()


def test_a_number_in_a_worker_log_line_is_masked(rt, twilio, database_url, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """Twilio's refusal repeats the resident's number ("The 'To' number ... is not a valid
    phone number"); the worker logs it, and the log shows the number masked, like the web's
    and the CLI's logs do."""

    number = "+6281200000019"
    with rt.db.session() as session:
        contact = Contact(phone=number)
        session.add(contact)
        session.flush()
        message_id = queue_message(session, contact.id, "sms", "Aduan Anda: ADU-7QK2")
    enqueue_sends(rt, [message_id])
    twilio.fail(400, 21211, message=f"The 'To' number {number} is not a valid phone number.")

    result = subprocess.run([sys.executable, "-m", "bot.cli", "worker", "--burst"], env=_env(database_url, twilio),
                            capture_output=True, text=True, cwd=tmp_path, timeout=120)
    assert result.returncode == 0, result.stderr[-2000:]
    logs = result.stdout + result.stderr
    assert "21211" in logs  # the failure was logged ...
    assert number not in logs and number[1:] not in logs  # ... with the number masked
    assert "+62812****0019" in logs
    with rt.db.session() as session:
        assert session.get(Message, message_id).status == "failed"
