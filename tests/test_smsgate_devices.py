"""Several gateway phones: health from their events, replies from the phone written to,
other SMS and broadcasts spread over the online phones (of the contact's kelurahan),
an offline phone's messages moved to another, each sent once."""
from __future__ import annotations

from collections import Counter
from datetime import datetime, timedelta, timezone
from typing import Any

from sqlalchemy import select, update

from bot.models import Contact, GatewayDevice, Kelurahan, Message
from tests.broadcasting import broadcast_to, residents
from tests.test_smsgate import (  # noqa: F401 - fixtures
    app,
    event,
    fake_smsgate,
    gateway,
    post,
    sms,
)
from bot.channels import Phone, choose_phone
from workers.outbound import BACKOFF, send_message

RESIDENT = "+6281234567890"


def ping(client: Any, device: str) -> None:
    assert post(client, event("system:ping", {"health": {"status": "pass"}},
                              device=device)).status_code == 200


def devices(rt: Any) -> dict[str, GatewayDevice]:
    with rt.db.session() as session:
        return {d.device_id: d for d in session.scalars(select(GatewayDevice))}


def set_device(rt: Any, device: str, **values: Any) -> None:
    with rt.db.session() as session:
        session.execute(update(GatewayDevice).where(GatewayDevice.device_id == device)
                        .values(**values))


def kelurahan(rt: Any, name: str) -> int:
    with rt.db.session() as session:
        row = Kelurahan(name=name, kota="Kota", provinsi="Prov")
        session.add(row)
        session.flush()
        return row.id


def notices(rt: Any, count: int, kelurahan_id: int | None = None) -> list[int]:
    from bot.outbox import enqueue_sends, queue_message

    ids = []
    with rt.db.session() as session:
        for i in range(count):
            contact = Contact(phone=f"+62812555{i:05d}", kelurahan_id=kelurahan_id)
            session.add(contact)
            session.flush()
            ids.append(queue_message(session, contact.id, "sms", "Rapat KSM besok jam 19.30"))
    enqueue_sends(rt, ids)
    return ids


def test_events_keep_each_phones_health(client, rt) -> None:  # type: ignore[no-untyped-def]
    ping(client, "dev-a")
    [device] = devices(rt).values()
    assert device.device_id == "dev-a" and device.last_ping_at is not None
    for n in range(2):
        post(client, event("sms:failed", {"messageId": f"m{n}", "phoneNumber": RESIDENT},
                           device="dev-a"))
    assert devices(rt)["dev-a"].recent_failures == 2
    post(client, event("sms:sent", {"messageId": "m3", "phoneNumber": RESIDENT},
                       device="dev-a"))
    device = devices(rt)["dev-a"]
    assert device.recent_failures == 0 and device.last_sent_at is not None


def test_unprompted_sms_are_spread_over_the_online_phones(client, rt, run_jobs, gateway) -> None:  # type: ignore[no-untyped-def]
    ping(client, "dev-a")
    ping(client, "dev-b")
    ids = notices(rt, 6)
    run_jobs()
    assert Counter(m["deviceId"] for m in gateway.messages) == {"dev-a": 3, "dev-b": 3}
    with rt.db.session() as session:
        rows = session.scalars(select(Message).where(Message.id.in_(ids))).all()
        assert {(r.status, r.provider) for r in rows} == {("sent", "smsgate")}
        assert {r.device_id for r in rows} == {"dev-a", "dev-b"}


def test_a_contact_with_a_kelurahan_gets_its_kelurahans_phone(client, rt, run_jobs, gateway) -> None:  # type: ignore[no-untyped-def]
    north, south = kelurahan(rt, "Utara"), kelurahan(rt, "Selatan")
    for device in ("dev-a", "dev-b", "dev-c"):
        ping(client, device)
    set_device(rt, "dev-a", kelurahan_id=north)
    set_device(rt, "dev-b", kelurahan_id=south)
    notices(rt, 4, kelurahan_id=south)
    run_jobs()
    assert [m["deviceId"] for m in gateway.messages] == ["dev-b"] * 4


def test_a_reply_for_a_phone_that_stopped_pinging_goes_from_another_of_its_kelurahan(client, rt, run_jobs, gateway) -> None:  # type: ignore[no-untyped-def]
    north, south = kelurahan(rt, "Utara"), kelurahan(rt, "Selatan")
    for device in ("dev-a", "dev-b", "dev-c"):
        ping(client, device)
    set_device(rt, "dev-a", kelurahan_id=north)
    set_device(rt, "dev-b", kelurahan_id=south)
    set_device(rt, "dev-c", kelurahan_id=north)
    post(client, event("sms:received", {"messageId": "x", "message": "MENU",
                                        "phoneNumber": RESIDENT}, device="dev-a"))
    # Twenty minutes without a word from dev-a (the others pinged meanwhile).
    later = datetime.now(timezone.utc) + timedelta(minutes=20)
    set_device(rt, "dev-b", last_ping_at=later)
    set_device(rt, "dev-c", last_ping_at=later)
    rt.extras["clock"] = lambda: later
    run_jobs()
    [sent] = gateway.messages
    assert sent["deviceId"] == "dev-c" and sent["phoneNumbers"] == [RESIDENT]
    with rt.db.session() as session:
        [reply] = session.scalars(select(Message).where(Message.direction == "out")).all()
        assert (reply.status, reply.device_id) == ("sent", "dev-c")


def test_a_phone_that_keeps_failing_hands_its_queued_reply_on_sent_once(client, rt, run_jobs, gateway) -> None:  # type: ignore[no-untyped-def]
    ping(client, "dev-a")
    ping(client, "dev-b")
    set_device(rt, "dev-a", recent_failures=2,
               last_failed_at=datetime.now(timezone.utc))
    gateway.fail(503, times=1)
    post(client, event("sms:received", {"messageId": "x", "message": "MENU",
                                        "phoneNumber": RESIDENT}, device="dev-a"))
    run_jobs()
    with rt.db.session() as session:
        [reply] = session.scalars(select(Message).where(Message.direction == "out")).all()
    assert (reply.status, reply.attempts) == ("queued", 1)
    assert devices(rt)["dev-a"].recent_failures == 3
    later = datetime.now(timezone.utc) + timedelta(seconds=BACKOFF[0])
    rt.extras["clock"] = lambda: later
    assert send_message(reply.id).startswith("sent gw:")
    assert send_message(reply.id) == "not queued"
    [sent] = gateway.messages
    assert sent["deviceId"] == "dev-b"


def test_with_no_phone_online_a_reply_waits_on_its_own(client, rt, run_jobs, gateway) -> None:  # type: ignore[no-untyped-def]
    sms(client, "MENU")
    later = datetime.now(timezone.utc) + timedelta(hours=1)
    rt.extras["clock"] = lambda: later
    run_jobs()
    [sent] = gateway.messages
    assert sent["deviceId"] == "dev-kelurahan-1"


def test_a_broadcast_is_spread_over_its_kelurahans_phones(client, rt, run_jobs, gateway) -> None:  # type: ignore[no-untyped-def]
    for device in ("dev-a", "dev-b", "dev-c"):
        ping(client, device)
    ids = residents(rt, 10)
    with rt.db.session() as session:
        kel = session.scalar(select(Contact.kelurahan_id).where(Contact.id == ids[0]))
    set_device(rt, "dev-a", kelurahan_id=kel)
    set_device(rt, "dev-b", kelurahan_id=kel)
    broadcast_to(rt, ids)
    run_jobs()
    assert Counter(m["deviceId"] for m in gateway.messages) == {"dev-a": 5, "dev-b": 5}
    assert sorted(len(m["phoneNumbers"]) for m in gateway.messages) == [1] * 10


def test_choose_phone() -> None:
    a, b, c = Phone("a", 1, True), Phone("b", 1, False), Phone("c", 2, True)
    assert choose_phone([a, b, c], "b", None, 0) == "a"  # b offline: its kelurahan's a
    assert choose_phone([b, c], "b", None, 0) == "c"  # none there: any online phone
    assert choose_phone([b], "b", None, 0) == "b"  # none at all: it waits for b
    assert choose_phone([a, b, c], "x", None, 0) == "x"  # unknown phone: as recorded
    assert choose_phone([a, b, c], None, 2, 7) == "c"
    assert {choose_phone([a, b, c], None, None, n) for n in range(4)} == {"a", "c"}
    assert choose_phone([], None, 1, 0) is None  # no phone known: the gateway's choice


def test_the_admin_jobs_page_shows_the_phones_offline_highlighted(client, rt, officer_login) -> None:  # type: ignore[no-untyped-def]
    ping(client, "dev-a")
    ping(client, "dev-b")
    set_device(rt, "dev-b", last_ping_at=datetime.now(timezone.utc) - timedelta(minutes=30))
    officer_login("root", "admin")
    page = client.get("/admin/jobs/").get_data(as_text=True)
    assert "Ponsel gateway SMS (2)" in page
    offline = page.index('<tr class="overdue"><td data-label="Ponsel"><code>dev-b</code>')
    assert page.index("<code>dev-a</code>") > offline  # offline first
    assert page.count("MATI") == 1


def test_a_failure_report_delivered_again_counts_once(client, rt) -> None:  # type: ignore[no-untyped-def]
    # The gateway re-delivers an event until it gets a 2xx; its id is what makes it one.
    failed = event("sms:failed", {"messageId": "m1", "phoneNumber": RESIDENT,
                                  "reason": "RESULT_ERROR_NO_SERVICE"}, event_id="ev-f1",
                   device="dev-a")
    for _ in range(4):
        assert post(client, failed).status_code == 200
    assert devices(rt)["dev-a"].recent_failures == 1
    another = event("sms:failed", {"messageId": "m2", "phoneNumber": RESIDENT}, event_id="ev-f2",
                    device="dev-a")
    assert post(client, another).status_code == 200
    assert devices(rt)["dev-a"].recent_failures == 2
