"""Announcements in each gateway phone's delivery figures (issue 24): a broadcast row
keeps the phone (and the SIM, when routing chose one) it left from, the gateway's
signed delivery reports fill or correct them as on single messages, and the figures,
the flags, the admins' alerts and the admin jobs page count announcements beside
messages, under the broadcast's kind."""
from __future__ import annotations

from collections import Counter
from datetime import datetime, timedelta, timezone
from typing import Any

import pytest
import time_machine

from bot.gateway_alerts import tell_admins
from bot.gateway_health import SILENT
from tests.broadcasting import broadcast_to, residents
from tests.test_gateway_caps import kelurahan_of, online, rows
from tests.test_gateway_health import (
    ADMIN_PHONE,
    T0,
    admin,
    alerts,
    health,
    problems,
    report,
    send_notices,
)
from tests.test_smsgate import (  # noqa: F401 - fixtures
    app,
    event,
    fake_smsgate,
    gateway,
    post,
)
from tests.test_smsgate_devices import ping

WEDNESDAY = "2026-11-18T10:00:00+07:00"  # T0


def sent_rows(rt: Any, broadcast_id: int) -> dict[str, Any]:
    """The broadcast's rows handed to the gateway, by the gateway's message id."""
    return {r.external_id.removeprefix("gw:"): r for r in rows(rt, broadcast_id)
            if r.external_id}


@pytest.mark.clock(WEDNESDAY)
def test_an_announcement_sent_from_two_phones_counts_on_each_phones_row(
        client, rt, run_jobs, gateway) -> None:  # type: ignore[no-untyped-def]
    ids = residents(rt, 6)
    online(client, rt, kelurahan_of(rt, ids), "dev-a", "dev-b")
    broadcast_id = broadcast_to(rt, ids)
    run_jobs()
    sent = list(gateway.messages)
    by_phone = Counter(s["deviceId"] for s in sent)
    assert set(by_phone) == {"dev-a", "dev-b"} and sum(by_phone.values()) == 6
    # Each row keeps the phone it left from, before any report came.
    kept = sent_rows(rt, broadcast_id)
    assert {s["_id"]: s["deviceId"] for s in sent} == {k: r.device_id for k, r in kept.items()}

    failed = next(s for s in sent if s["deviceId"] == "dev-a")
    for record in sent:
        report(client, "sms:sent", record, None)
        report(client, "sms:failed" if record is failed else "sms:delivered", record, None)
    notices = send_notices(rt, run_jobs, gateway, 2)  # single messages count beside them
    for record in notices:
        report(client, "sms:delivered", record, None)

    phones = health(rt, datetime.now(timezone.utc))
    for device, phone in phones.items():
        announced = phone.sims[None].kinds["announcement"]
        expected_failed = 1 if device == "dev-a" else 0
        assert (announced.day.sent, announced.day.delivered, announced.day.failed) == (
            by_phone[device], by_phone[device] - expected_failed, expected_failed)
        assert announced.week.sent == by_phone[device]
        its_notices = sum(1 for n in notices if n["deviceId"] == device)
        assert phone.total.week.sent == by_phone[device] + its_notices
        assert phone.total.week.delivered == by_phone[device] - expected_failed + its_notices
    assert phones["dev-a"].total.day.share == pytest.approx(
        (by_phone["dev-a"] - 1 + sum(1 for n in notices if n["deviceId"] == "dev-a"))
        / (by_phone["dev-a"] + sum(1 for n in notices if n["deviceId"] == "dev-a")))


@pytest.mark.clock(WEDNESDAY)
def test_reports_naming_sim_2_count_announcements_on_sim_2(client, rt, run_jobs, gateway) -> None:  # type: ignore[no-untyped-def]
    ids = residents(rt, 4)
    online(client, rt, kelurahan_of(rt, ids), "dev-a")  # no report named a slot yet
    broadcast_id = broadcast_to(rt, ids)
    run_jobs()
    sent = list(gateway.messages)
    assert len(sent) == 4 and not any(s.get("simNumber") for s in sent)
    assert {r.sim for r in sent_rows(rt, broadcast_id).values()} == {None}
    for record in sent:
        report(client, "sms:delivered", record, 2)
    # A report re-delivered without its slot keeps the slot an earlier one named.
    report(client, "sms:delivered", sent[0], None)
    kept = sent_rows(rt, broadcast_id).values()
    assert {(r.device_id, r.sim, r.status) for r in kept} == {("dev-a", 2, "delivered")}

    phone = health(rt, datetime.now(timezone.utc))["dev-a"]
    assert set(phone.sims) == {2}
    day = phone.sims[2].kinds["announcement"].day
    assert (day.sent, day.delivered, day.share) == (4, 4, 1.0)


@pytest.mark.clock(WEDNESDAY)
def test_a_dual_sim_phone_keeps_the_sim_chosen_for_each_row(client, rt, run_jobs, gateway) -> None:  # type: ignore[no-untyped-def]
    ids = residents(rt, 6)
    online(client, rt, kelurahan_of(rt, ids), "dev-a")
    for n, sim in enumerate((1, 2)):  # its reports named both slots
        post(client, event("sms:delivered", {"messageId": f"m{n}", "simNumber": sim,
                                             "phoneNumber": "+6281299999999"}, device="dev-a"))
    broadcast_id = broadcast_to(rt, ids)
    run_jobs()
    sent = list(gateway.messages)
    kept = sent_rows(rt, broadcast_id)
    assert {s["_id"]: s["simNumber"] for s in sent} == {k: r.sim for k, r in kept.items()}
    assert Counter(r.sim for r in kept.values()) == {1: 3, 2: 3}
    # SIM 2's SMS fail: counted on SIM 2, SIM 1 delivers.
    for record in sent:
        sim = record["simNumber"]
        report(client, "sms:failed" if sim == 2 else "sms:delivered", record, sim)
    phone = health(rt, datetime.now(timezone.utc))["dev-a"]
    one, two = phone.sims[1].total.day, phone.sims[2].total.day
    assert (one.sent, one.delivered, two.sent, two.failed) == (3, 3, 3, 3)
    assert (one.share, two.share) == (1.0, 0.0)


@pytest.mark.clock(WEDNESDAY)
def test_a_phone_that_sent_announcements_and_stopped_reporting_is_flagged_once(
        client, rt, run_jobs, gateway, officer_login) -> None:  # type: ignore[no-untyped-def]
    ids = residents(rt, 8)
    kelurahan_id = kelurahan_of(rt, ids)
    online(client, rt, kelurahan_id, "dev-a", "dev-b")
    with time_machine.travel(T0 + timedelta(hours=1), tick=False):
        ping(client, "dev-a")
        ping(client, "dev-b")
        broadcast_to(rt, ids)
        run_jobs()
        sent = list(gateway.messages)
        for record in sent:
            report(client, "sms:sent", record, None)
            if record["deviceId"] == "dev-b":
                report(client, "sms:delivered", record, None)
    silent = sum(1 for s in sent if s["deviceId"] == "dev-a")
    assert silent >= 3 and silent < len(sent)
    later = T0 + timedelta(hours=3, minutes=30)
    with time_machine.travel(later, tick=False):
        ping(client, "dev-a")  # it still pings: its reports do not come
        ping(client, "dev-b")
    phones = health(rt, later)
    assert problems(phones["dev-a"]) == {SILENT} and not phones["dev-b"].flags
    assert phones["dev-a"].flags[0].count == silent
    assert phones["dev-a"].sims[None].kinds["announcement"].day.unreported == silent

    admin(rt, "admin_segera", ADMIN_PHONE)
    assert tell_admins(rt, later) == 1
    [(to, body, *_)] = alerts(rt)
    assert to == ADMIN_PHONE and f"ponsel dev-a masih ping tapi {silent} SMS" in body
    assert tell_admins(rt, later + timedelta(minutes=10)) == 0
    assert len(alerts(rt)) == 1

    officer_login("root", "admin")
    with time_machine.travel(later, tick=False):
        page = client.get("/admin/jobs/").get_data(as_text=True)
    assert "Perlu diperiksa (1 ponsel)" in page
    assert f"masih ping, tetapi {silent} SMS tanpa laporan" in page
    assert "Pengumuman" in page
    shown = len(sent) - silent
    assert f'data-label="Sampai">{shown} / {shown}</td>' in page  # dev-b's announcements
    assert f'data-label="Tanpa laporan">{silent} / {silent}</td>' in page
