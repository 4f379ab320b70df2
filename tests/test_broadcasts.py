"""Broadcasts: each recipient once, at the right local hour, on the right channel."""
from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import select, update

from bot.broadcasts import add_recipients, cancel
from bot.models import Broadcast, BroadcastSend, Contact
from bot.models import broadcast as b
from tests.broadcasting import (
    WIB,
    WIT,
    WITA,
    broadcast_to,
    counts,
    residents,
    sent_to,
    utc,
)
from tests.transcript import signed_post


def test_every_recipient_once_and_progress_counts(rt, twilio, run_jobs) -> None:
    ids = residents(rt, 25)
    broadcast_id = broadcast_to(rt, ids)
    assert counts(rt, broadcast_id)["queued"] == 25
    run_jobs()
    assert sorted(sent_to(twilio).values()) == [1] * 25
    assert counts(rt, broadcast_id)["sent"] == 25
    with rt.db.session() as session:
        broadcast = session.get(Broadcast, broadcast_id)
        assert (broadcast.status, broadcast.sent_count, broadcast.queued_count) == (b.DONE, 25, 0)
    # Running the job again, or adding the same recipients again, sends nothing more.
    with rt.db.session() as session:
        assert add_recipients(session, broadcast_id, ids) == 0
    from workers.broadcasts import send_broadcast

    send_broadcast(broadcast_id)
    assert len(twilio.messages) == 25


def test_delivery_callbacks_count_as_delivered(rt, twilio, run_jobs, client) -> None:
    broadcast_id = broadcast_to(rt, residents(rt, 3))
    run_jobs()
    sid = str(twilio.messages[0]["_sid"])
    response = signed_post(client, "/webhooks/twilio/status",
                           {"MessageSid": sid, "MessageStatus": "delivered"})
    assert response.status_code < 300
    signed_post(client, "/webhooks/twilio/status", {"MessageSid": sid, "MessageStatus": "sent"})
    assert counts(rt, broadcast_id)["delivered"] == 1


@pytest.mark.parametrize("now, quiet", [
    (utc(13, 59), {WIB: False, WITA: True, WIT: True}),  # 20:59 WIB, 21:59 WITA, 22:59 WIT
    (utc(14, 0), {WIB: True, WITA: True, WIT: True}),  # 21:00 WIB
    (utc(21, 59), {WIB: True, WITA: True, WIT: False}),  # 04:59 WIB, 05:59 WITA, 06:59 WIT
    (utc(22, 0), {WIB: True, WITA: False, WIT: False}),  # 05:00 WIB, 06:00 WITA, 07:00 WIT
    (utc(23, 0), {WIB: False, WITA: False, WIT: False}),  # 06:00 WIB
])
def test_quiet_hours_by_time_zone(now: datetime, quiet: dict[str, bool]) -> None:
    from workers.quiet_hours import is_quiet

    assert {tz: is_quiet(now, tz) for tz in quiet} == quiet


def test_quiet_until_is_six_local_next_morning() -> None:
    from workers.quiet_hours import quiet_until

    assert quiet_until(utc(14, 30), WIB) == utc(23, 0)  # 21:30 WIB -> 06:00 WIB
    assert quiet_until(utc(14, 30), WIT) == utc(21, 0)  # 23:30 WIT -> 06:00 WIT
    assert quiet_until(utc(20, 30), WITA) == utc(22, 0)  # 04:30 WITA, same local day
    assert quiet_until(utc(5, 0), WIB) is None
    assert quiet_until(utc(5, 0), None) is None  # no kelurahan: WIB


def test_broadcast_held_until_six_local_in_each_zone(rt, twilio, run_jobs) -> None:
    from workers.broadcasts import resume_broadcasts

    rt.settings = replace(rt.settings, quiet_hours=True)
    clock = {"now": utc(13, 30)}  # 20:30 WIB, 21:30 WITA, 22:30 WIT
    rt.extras["clock"] = lambda: clock["now"]
    wib, wita, wit = residents(rt, 1, WIB), residents(rt, 1, WITA, first=1), \
        residents(rt, 1, WIT, first=2)
    broadcast_id = broadcast_to(rt, wib + wita + wit)
    run_jobs()
    assert list(sent_to(twilio)) == ["+6281200000000"]
    assert counts(rt, broadcast_id, clock["now"])["held"] == 2
    with rt.db.session() as session:
        held = dict(session.execute(select(BroadcastSend.contact_id, BroadcastSend.not_before)
                                    .where(BroadcastSend.status == b.PENDING)).all())
    assert held == {wita[0]: utc(22, 0), wit[0]: utc(21, 0)}

    clock["now"] = utc(21, 1)  # 06:01 WIT, still 05:01 WITA
    assert resume_broadcasts(rt, clock["now"]) == 1
    run_jobs()
    assert list(sent_to(twilio)) == ["+6281200000000", "+6281200000002"]
    clock["now"] = utc(22, 1)
    resume_broadcasts(rt, clock["now"])
    run_jobs()
    assert sorted(sent_to(twilio).values()) == [1, 1, 1]
    assert counts(rt, broadcast_id)["sent"] == 3


def test_unprompted_single_message_held_at_night_reply_is_not(rt, twilio, run_jobs) -> None:
    from bot.models import Message
    from bot.outbox import enqueue_sends, queue_message
    from workers.sweep import release_held_messages

    rt.settings = replace(rt.settings, quiet_hours=True)
    clock = {"now": utc(15, 0)}  # 22:00 WIB
    rt.extras["clock"] = lambda: clock["now"]
    contact_id = residents(rt, 1)[0]
    with rt.db.session() as session:
        # Queued at the test's own night (each lasts a window from when it was queued).
        notice = queue_message(session, contact_id, "sms", "Pengumuman", kind="notice",
                               now=clock["now"])
        reply = queue_message(session, contact_id, "sms", "Terima kasih", kind="reply",
                              now=clock["now"])
    enqueue_sends(rt, [notice, reply])
    run_jobs()
    assert [m["Body"] for m in twilio.messages] == ["Terima kasih"]
    assert release_held_messages(rt, utc(22, 59)) == 0  # 05:59 WIB
    clock["now"] = utc(23, 0)
    assert release_held_messages(rt, utc(23, 0)) == 1
    run_jobs()
    assert [m["Body"] for m in twilio.messages] == ["Terima kasih", "Pengumuman"]
    with rt.db.session() as session:
        assert session.get(Message, notice).attempts == 1


def test_opt_out_is_checked_at_send_time(rt, twilio, run_jobs) -> None:
    ids = residents(rt, 3)
    broadcast_id = broadcast_to(rt, ids)
    # BERHENTI arrives after the broadcast was made, before its turn comes.
    with rt.db.session() as session:
        session.execute(update(Contact).where(Contact.id == ids[1]).values(opted_out=True))
    run_jobs()
    assert set(sent_to(twilio)) == {"+6281200000000", "+6281200000002"}
    assert counts(rt, broadcast_id)["skipped"] == 1


def test_provider_opt_out_error_marks_contact(rt, twilio, run_jobs) -> None:
    ids = residents(rt, 2)
    twilio.fail(400, 21610, times=1, to="+6281200000000")
    broadcast_id = broadcast_to(rt, ids)
    run_jobs()
    assert counts(rt, broadcast_id)["failed"] == 1
    with rt.db.session() as session:
        assert session.get(Contact, ids[0]).opted_out is True


def test_rate_limit_error_slows_down_and_retries_later(rt, twilio, run_jobs) -> None:
    from workers.rate_limit import limiter_for, sender_key

    broadcast_id = broadcast_to(rt, residents(rt, 2))
    twilio.fail(429, 20429, times=1, to="+6281200000001")
    run_jobs()
    c = counts(rt, broadcast_id)
    assert (c["sent"], c["held"]) == (1, 1)  # back off, not failed
    key, _ = sender_key(rt.settings, "sms")
    assert limiter_for(rt).slowness(key) == 2.0  # half speed for every worker, a while


def test_whatsapp_template_outside_window_else_sms(rt, twilio, run_jobs) -> None:
    rt.settings = replace(rt.settings, whatsapp_templates={"announcement": "HX" + "1" * 32})
    now = datetime.now(timezone.utc)
    recent = residents(rt, 1, whatsapp=True, last_whatsapp_at=now - timedelta(hours=2))
    old = residents(rt, 1, whatsapp=True, last_whatsapp_at=now - timedelta(days=3), first=1)
    sms = residents(rt, 1, first=2)
    broadcast_to(rt, recent + old + sms, body_sms="Hasil prioritas: lihat papan BKM",
                 body_whatsapp="Hasil rapat prioritas BKM (lengkap)")
    run_jobs()
    by_to = {str(m["To"]): m for m in twilio.messages}
    assert by_to["whatsapp:+6281200000000"]["Body"] == "Hasil rapat prioritas BKM (lengkap)"
    template = by_to["whatsapp:+6281200000001"]
    assert template["ContentSid"] == "HX" + "1" * 32 and "Body" not in template
    assert "Hasil prioritas" in str(template["ContentVariables"])
    assert by_to["+6281200000002"]["Body"] == "Hasil prioritas: lihat papan BKM"

    # A kind with no approved template: outside the window it goes by SMS instead.
    twilio.reset()
    broadcast_to(rt, old, kind="meeting_notice", body_sms="Rapat KSM Senin 19.30",
                 body_whatsapp="Rapat KSM Senin 19.30 di balai RW")
    run_jobs()
    assert [(m["To"], m["Body"]) for m in twilio.messages] == [
        ("+6281200000001", "Rapat KSM Senin 19.30")]
    with rt.db.session() as session:
        assert session.scalar(select(BroadcastSend.via).where(
            BroadcastSend.status == b.SENT).order_by(BroadcastSend.id.desc()).limit(1)) == "sms"


def test_cancel_skips_what_is_not_sent(rt, twilio, run_jobs) -> None:
    broadcast_id = broadcast_to(rt, residents(rt, 4))
    with rt.db.session() as session:
        assert cancel(session, broadcast_id) == 4
    run_jobs()
    assert twilio.messages == []
