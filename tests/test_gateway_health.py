"""Delivery known per phone and per kind (issue 24): what each gateway phone (and each SIM
of a dual-SIM phone) sent, delivered, failed and let expire over the last day and week,
from the fake gateway's signed events; a phone that stops reporting, stops pinging,
keeps failing or delivers far less than in its week is flagged on the admin jobs page,
and every admin with a verified phone is told by message once a day, never through the
phone in trouble when another way exists."""
from __future__ import annotations

import dataclasses
from datetime import datetime, timedelta, timezone
from typing import Any

import pytest
import time_machine
from sqlalchemy import func, select, update

from bot.gateway_alerts import check_phones, examples, tell_admins
from bot.gateway_health import DROP, FAILING, NO_PING, SILENT, fleet
from bot.models import Contact, GatewayDevice, Message
from bot.models import messaging as m
from bot.officers import notify
from bot.officers.accounts import create_or_update
from bot.settings import SettingsError, from_env
from conversations.gsm import non_gsm7_chars, segments
from tests.test_smsgate import (  # noqa: F401 - fixtures
    app,
    event,
    fake_smsgate,
    gateway,
    post,
)
from tests.test_smsgate_devices import ping
from tests.transcript import PUBLIC_BASE_URL
from workers.sweep import TASKS, tell_admins_of_gateway_phones

T0 = datetime(2026, 11, 18, 3, 0, tzinfo=timezone.utc)  # Wednesday 10.00 WIB
ADMIN_PHONE = "+6281234567001"
DIGEST_ADMIN_PHONE = "+6281234567002"


def report(client: Any, kind: str, sent: dict[str, Any], sim: int | None,
           event_id: str | None = None) -> None:
    """The phone reports on an SMS it was given (``sent``: the fake gateway's record)."""
    payload = {"messageId": sent["_id"], "phoneNumber": sent["phoneNumbers"][0],
               "simNumber": sim}
    if kind == "sms:failed":
        payload["reason"] = "RESULT_ERROR_GENERIC_FAILURE"
    body = event(kind, payload, event_id=event_id, device=sent["deviceId"])
    assert post(client, body).status_code == 200


def send_notices(rt: Any, run_jobs: Any, gateway: Any, count: int) -> list[dict[str, Any]]:
    """``count`` notices queued and sent; the fake gateway's records of them."""
    from bot.outbox import enqueue_sends, queue_message

    before = len(gateway.messages)
    ids = []
    with rt.db.session() as session:
        first = session.scalar(select(func.count()).select_from(Contact))
        for n in range(first, first + count):
            contact = Contact(phone=f"+62812555{n:05d}")
            session.add(contact)
            session.flush()
            ids.append(queue_message(session, contact.id, "sms", "Rapat KSM besok jam 19.30"))
    enqueue_sends(rt, ids)
    run_jobs()
    return gateway.messages[before:]


def admin(rt: Any, username: str, phone: str, mode: str = notify.IMMEDIATE,
          role: str = "admin", channel: str = "sms") -> int:
    """An officer whose phone is verified and who chose ``mode``."""
    with rt.db.session() as session:
        officer = create_or_update(session, username, "password-123", role)
        notify.verified(session, officer, notify.contact_for(session, phone), channel, T0)
        officer.notify_mode = mode
        session.flush()
        return officer.id


def alerts(rt: Any) -> list[tuple[str, str, str | None, str | None]]:
    """Every officer alert queued: (to, body, provider, device)."""
    with rt.db.session() as session:
        rows = session.execute(
            select(Contact.phone, Message.body, Message.provider, Message.device_id)
            .join(Contact, Contact.id == Message.contact_id)
            .where(Message.kind == notify.ALERT_KIND).order_by(Message.id)).all()
    return [tuple(r) for r in rows]


def health(rt: Any, now: datetime) -> dict[str, Any]:
    with rt.db.session() as session:
        return {p.device_id: p for p in fleet(session, now, rt.settings)}


def problems(phone: Any) -> set[str]:
    return {flag.problem for flag in phone.flags}


@pytest.mark.clock("2026-11-18T10:00:00+07:00")
def test_a_dual_sim_phones_reports_are_counted_per_sim(client, rt, run_jobs, gateway) -> None:  # type: ignore[no-untyped-def]
    ping(client, "dev-a")
    sent = send_notices(rt, run_jobs, gateway, 5)
    assert {s["deviceId"] for s in sent} == {"dev-a"}
    outcomes = [(1, "sms:delivered"), (1, "sms:delivered"), (2, "sms:delivered"),
                (2, "sms:failed"), (None, "sms:delivered")]
    for record, (sim, kind) in zip(sent, outcomes):
        report(client, "sms:sent", record, sim)
        report(client, kind, record, sim)
    # A report re-delivered without its slot keeps the slot an earlier one named.
    report(client, "sms:delivered", sent[0], None)
    with rt.db.session() as session:
        sims = dict(session.execute(select(Message.external_id, Message.sim)
                                    .where(Message.direction == m.OUT)).all())
    assert sorted(sims.values(), key=lambda s: s or 0) == [None, 1, 1, 2, 2]

    phone = health(rt, datetime.now(timezone.utc))["dev-a"]
    by_sim = {s.sim: s.total.day for s in phone.sim_list}
    assert {sim: (c.sent, c.delivered, c.failed) for sim, c in by_sim.items()} == {
        1: (2, 2, 0), 2: (2, 1, 1), None: (1, 1, 0)}
    assert by_sim[2].share == 0.5 and by_sim[1].share == 1.0
    assert phone.sims[2].kinds["notice"].week.failed == 1
    assert (phone.total.week.sent, phone.total.week.delivered) == (5, 4)
    assert not phone.flags


@pytest.mark.clock("2026-11-18T10:00:00+07:00")
def test_a_phone_that_stops_reporting_delivery_is_flagged_and_each_admin_told_once(
        client, rt, run_jobs, gateway, twilio) -> None:  # type: ignore[no-untyped-def]
    ping(client, "dev-a")
    ping(client, "dev-b")
    for record in send_notices(rt, run_jobs, gateway, 4):  # both phones report at first
        report(client, "sms:delivered", record, 1)
    with time_machine.travel(T0 + timedelta(hours=1), tick=False):
        ping(client, "dev-a")
        ping(client, "dev-b")
        for record in send_notices(rt, run_jobs, gateway, 6):
            report(client, "sms:sent", record, 1)
            if record["deviceId"] == "dev-b":
                report(client, "sms:delivered", record, 1)
    later = T0 + timedelta(hours=3, minutes=30)
    with time_machine.travel(later, tick=False):
        ping(client, "dev-a")  # it still pings: the app runs, its reports do not come
        ping(client, "dev-b")
    phones = health(rt, later)
    assert problems(phones["dev-a"]) == {SILENT} and not phones["dev-b"].flags
    assert phones["dev-a"].flags[0].count == 3
    assert phones["dev-a"].total.day.unreported == 3

    admin(rt, "admin_segera", ADMIN_PHONE)
    admin(rt, "admin_harian", DIGEST_ADMIN_PHONE, mode=notify.DIGEST)  # urgent: told too
    admin(rt, "admin_mati", "+6281234567003", mode=notify.OFF)
    admin(rt, "ppm_segera", "+6281234567004", role="ppm")
    assert tell_admins(rt, later) == 2
    told = alerts(rt)
    assert [to for to, *_ in told] == [ADMIN_PHONE, DIGEST_ADMIN_PHONE]
    body = told[0][1]
    assert "ponsel dev-a" in body and "3 SMS tanpa laporan" in body
    assert body.endswith(f"{PUBLIC_BASE_URL}/admin/jobs/")
    assert segments(body) == 1 and not non_gsm7_chars(body)
    # Twilio's SMS shares nothing with the phones: the alert goes that way.
    assert {(provider, device) for _, _, provider, device in told} == {("twilio", None)}

    # Not two: the next sweeps, and the next UTC day within 24 hours, say nothing more.
    assert tell_admins(rt, later) == 0
    assert tell_admins_of_gateway_phones(rt, later + timedelta(minutes=6)) == 0
    next_day = later + timedelta(hours=18)  # 00.30 UTC, the dev-a SMS still within 24 h
    with time_machine.travel(next_day, tick=False):
        ping(client, "dev-a")
        ping(client, "dev-b")
    assert problems(health(rt, next_day)["dev-a"]) == {SILENT}
    assert tell_admins(rt, next_day) == 0
    assert len(alerts(rt)) == 2
    run_jobs()
    to_admin = [r for r in twilio.messages if r["To"] == ADMIN_PHONE]
    assert len(to_admin) == 1 and "dev-a" in str(to_admin[0]["Body"])


@pytest.mark.clock("2026-11-18T10:00:00+07:00")
def test_without_twilio_sms_the_alert_leaves_from_another_phone(client, rt, run_jobs, gateway) -> None:  # type: ignore[no-untyped-def]
    rt.settings = dataclasses.replace(rt.settings, twilio_sms_from=None)
    ping(client, "dev-a")
    ping(client, "dev-b")
    with time_machine.travel(T0 + timedelta(hours=1), tick=False):
        ping(client, "dev-a")
        ping(client, "dev-b")
        send_notices(rt, run_jobs, gateway, 8)  # no phone reports anything
    later = T0 + timedelta(hours=4)
    with time_machine.travel(later, tick=False):
        ping(client, "dev-a")
        ping(client, "dev-b")
        # dev-b reports again: only dev-a stays silent.
        for record in gateway.messages:
            if record["deviceId"] == "dev-b":
                report(client, "sms:delivered", record, 1)
    admin(rt, "admin_segera", ADMIN_PHONE)
    assert tell_admins(rt, later) == 1
    [(to, body, provider, device)] = alerts(rt)
    assert (to, provider, device) == (ADMIN_PHONE, "smsgate", "dev-b")
    with time_machine.travel(later, tick=False):
        run_jobs()
    assert [s["deviceId"] for s in gateway.messages if s["phoneNumbers"] == [ADMIN_PHONE]] == [
        "dev-b"]


@pytest.mark.clock("2026-11-18T10:00:00+07:00")
def test_a_phone_failing_again_and_again_is_flagged_and_admins_told(client, rt, run_jobs, gateway) -> None:  # type: ignore[no-untyped-def]
    ping(client, "dev-a")
    ping(client, "dev-b")
    sent = [s for s in send_notices(rt, run_jobs, gateway, 10) if s["deviceId"] == "dev-a"]
    for n, record in enumerate(sent):
        report(client, "sms:failed", record, 2, event_id=f"ev-fail-{n}")
        report(client, "sms:failed", record, 2, event_id=f"ev-fail-{n}")  # re-delivered
    now = datetime.now(timezone.utc)
    phone = health(rt, now)["dev-a"]
    assert phone.recent_failures == 5 and FAILING in problems(phone)
    assert phone.sims[2].total.day.failed == 5 and phone.sims[2].total.day.share == 0.0
    admin(rt, "admin_segera", ADMIN_PHONE)
    assert tell_admins(rt, now) >= 1
    bodies = [body for _, body, *_ in alerts(rt)]
    assert any("ponsel dev-a gagal 5 kali berturut-turut" in b for b in bodies)
    assert all(segments(b) == 1 for b in bodies)


def test_a_phone_that_stops_pinging_is_flagged_until_it_is_retired(client, rt) -> None:  # type: ignore[no-untyped-def]
    ping(client, "dev-a")
    now = datetime.now(timezone.utc)
    assert not health(rt, now + timedelta(minutes=45))["dev-a"].flags
    assert problems(health(rt, now + timedelta(minutes=90))["dev-a"]) == {NO_PING}
    assert not health(rt, now + timedelta(days=8))["dev-a"].flags  # a week silent: retired


def test_a_sims_share_delivered_falling_sharply_is_flagged(client, rt) -> None:  # type: ignore[no-untyped-def]
    ping(client, "dev-a")
    now = datetime.now(timezone.utc)
    with rt.db.session() as session:
        contact = Contact(phone="+6281255500001")
        session.add(contact)
        session.flush()

        def sent(status: str, sim: int, ago: timedelta, n: int) -> None:
            at = now - ago
            for _ in range(n):
                session.add(Message(contact_id=contact.id, direction=m.OUT, channel="sms",
                                    status=status, kind="notice", provider=m.SMSGATE,
                                    device_id="dev-a", sim=sim, created_at=at, sent_at=at,
                                    updated_at=at + timedelta(minutes=5)))

        for day in range(2, 7):  # the week before: SIM 1 delivers 9 in 10
            sent(m.DELIVERED, 1, timedelta(days=day), 9)
            sent(m.FAILED, 1, timedelta(days=day), 1)
        sent(m.DELIVERED, 1, timedelta(hours=5), 6)  # today: 6 in 20
        sent(m.FAILED, 1, timedelta(hours=5), 14)
        sent(m.DELIVERED, 2, timedelta(hours=5), 19)  # SIM 2 delivers as before
        sent(m.UNDELIVERED, 2, timedelta(hours=5), 1)
        sent("expired", 2, timedelta(hours=5), 3)  # never left the queue: not in the share
    phone = health(rt, now)["dev-a"]
    [flag] = phone.flags
    assert (flag.problem, flag.sim) == (DROP, 1)
    assert round(flag.day_share, 2) == 0.3 and round(flag.week_share, 2) == 0.73
    sim2 = phone.sims[2].total.day
    assert (sim2.expired, sim2.share) == (3, 0.95)


def test_every_alert_fits_one_gsm7_sms() -> None:
    link = "https://ksm-bot.kota-bandung.example.go.id/admin/jobs/"
    for text in examples(link):
        assert segments(text) == 1 and not non_gsm7_chars(text), text


def test_the_sweep_looks_at_the_phones_every_five_minutes_when_a_gateway_is_set(rt) -> None:  # type: ignore[no-untyped-def]
    assert tell_admins_of_gateway_phones in TASKS
    now = datetime.now(timezone.utc)
    assert check_phones(rt, now) == 0  # no admin to tell: nothing, but it looked
    rt.settings = dataclasses.replace(rt.settings, smsgate_url=None)
    assert check_phones(rt, now + timedelta(minutes=10)) == 0


def test_thresholds_are_settings_with_cautious_defaults() -> None:
    settings = from_env({})
    assert (settings.gateway_silent_hours, settings.gateway_silent_messages,
            settings.gateway_ping_alarm_minutes, settings.gateway_failures_alarm,
            settings.gateway_drop_ratio, settings.gateway_drop_min_messages) == (2, 3, 60, 5, 0.5, 20)
    assert from_env({"GATEWAY_DROP_RATIO": "0.3"}).gateway_drop_ratio == 0.3
    with pytest.raises(SettingsError, match="GATEWAY_DROP_RATIO"):
        from_env({"GATEWAY_DROP_RATIO": "1.5"})


@pytest.mark.clock("2026-11-18T10:00:00+07:00")
def test_the_admin_jobs_page_shows_each_phone_sim_and_kind_with_its_flags(
        client, rt, run_jobs, gateway, officer_login) -> None:  # type: ignore[no-untyped-def]
    ping(client, "ffffffffceb0b1db0000018e937c815b")
    ping(client, "dev-b")
    for n, record in enumerate(send_notices(rt, run_jobs, gateway, 4)):
        report(client, "sms:delivered", record, 1 + n // 2)
    with rt.db.session() as session:
        session.execute(update(GatewayDevice).where(GatewayDevice.device_id == "dev-b")
                        .values(recent_failures=6, last_failed_at=datetime.now(timezone.utc)))
    officer_login("root", "admin")
    page = client.get("/admin/jobs/").get_data(as_text=True)
    assert "Pengiriman per ponsel" in page and "Perlu diperiksa (1 ponsel)" in page
    assert "gagal mengirim 6 kali berturut-turut" in page
    assert "<code>ffffffffceb0b1db0000018e<strong>937c815b</strong></code>" in page
    assert 'data-label="SIM">2</td>' in page and "Pemberitahuan" in page
    assert 'data-label="Sampai">1 / 1</td>' in page and "100% / 100%" in page


def test_the_sim_slot_is_read_only_when_it_is_one() -> None:
    from bot.providers.smsgate import sim_number

    assert [sim_number({"simNumber": v}) for v in (1, 2, 3)] == [1, 2, 3]
    for odd in (None, 0, 10, True, "2", 1.0, [1]):
        assert sim_number({"simNumber": odd}) is None, odd
    assert sim_number({}) is None


def test_an_alert_avoids_the_phone_it_is_about() -> None:
    from types import SimpleNamespace

    from bot.gateway_alerts import route_around
    from bot.gateway_health import Flag, PhoneHealth

    def phone(device: str, row: int, online: bool = True, flagged: bool = False) -> PhoneHealth:
        p = PhoneHealth(device, row, None, None, 0, online, False)
        p.flags = [Flag(SILENT)] if flagged else []
        return p

    gateway_only = SimpleNamespace(twilio_account_sid=None, twilio_sms_from=None,
                                   twilio_messaging_service_sid=None, smsgate_url="http://gw")
    a, b, c = phone("a", 1, flagged=True), phone("b", 2, flagged=True), phone("c", 3)
    assert route_around(gateway_only, [a, b, c], a) == ("smsgate", "c")  # unflagged first
    assert route_around(gateway_only, [a, b], a) == ("smsgate", "b")  # else another online
    assert route_around(gateway_only, [a, phone("d", 4, online=False)], a) == (None, None)
    with_twilio = SimpleNamespace(twilio_account_sid="AC1", twilio_sms_from="+1500",
                                  twilio_messaging_service_sid=None, smsgate_url="http://gw")
    assert route_around(with_twilio, [a, c], a) == ("twilio", None)
