"""Limits planned per gateway phone (issue 24): a daily cap per SIM, the rest moved to
the kelurahan's other phones or SIMs or kept for the next local day (sent then, once,
or expired), SIM choice on a dual-SIM phone, and the random spacing between sends."""
from __future__ import annotations

import time
from collections import Counter
from dataclasses import replace
from datetime import datetime, timedelta, timezone
from typing import Any

import pytest
from sqlalchemy import select

from bot import gateway_caps
from bot.models import BroadcastSend, Contact, Message
from bot.models import broadcast as b
from tests.broadcasting import broadcast_to, counts, residents
from tests.test_smsgate import (  # noqa: F401 - fixtures
    app,
    event,
    fake_smsgate,
    gateway,
    post,
)
from tests.test_smsgate_devices import notices, ping, set_device
from workers.broadcasts import resume_broadcasts
from workers.rate_limit import LocalRateLimiter

WEDNESDAY = "2026-11-18T10:00:00+07:00"
# Thursday 07:00 WIB: the next local day, after the quiet hours.
THURSDAY_MORNING = datetime(2026, 11, 19, 0, 0, tzinfo=timezone.utc)


def cap(rt: Any, per_sim: int) -> None:
    rt.settings = replace(rt.settings, smsgate_daily_cap_per_sim=per_sim)


def kelurahan_of(rt: Any, contact_ids: list[int]) -> int:
    """The kelurahan of the residents ``contact_ids``."""
    with rt.db.session() as session:
        kelurahan_id = session.scalar(select(Contact.kelurahan_id)
                                      .where(Contact.id == contact_ids[0]))
    return kelurahan_id


def online(client: Any, rt: Any, kelurahan_id: int, *devices: str) -> None:
    for device in devices:
        ping(client, device)
        set_device(rt, device, kelurahan_id=kelurahan_id)


def rows(rt: Any, broadcast_id: int) -> list[BroadcastSend]:
    with rt.db.session() as session:
        return list(session.scalars(select(BroadcastSend)
                                    .where(BroadcastSend.broadcast_id == broadcast_id)))


def each_once(gateway: Any) -> bool:
    numbers = Counter(n for m in gateway.messages for n in m["phoneNumbers"])
    return set(numbers.values()) == {1}


@pytest.mark.clock(WEDNESDAY)
def test_a_phone_at_its_cap_mid_broadcast_hands_the_rest_to_the_other_phone(client, rt, run_jobs, gateway) -> None:  # type: ignore[no-untyped-def]
    ids = residents(rt, 6)
    online(client, rt, kelurahan_of(rt, ids), "dev-a", "dev-b")
    cap(rt, 5)
    counted = gateway_caps.counts_for(rt)
    today = gateway_caps.local_day(datetime.now(timezone.utc), None)
    for _ in range(4):  # dev-a sent 4 of its 5 earlier today
        assert counted.take(gateway_caps.count_key(gateway_caps.Slot("dev-a"), today), 5)
    broadcast_id = broadcast_to(rt, ids)
    run_jobs()
    assert Counter(m["deviceId"] for m in gateway.messages) == {"dev-a": 1, "dev-b": 5}
    assert each_once(gateway) and len(gateway.messages) == 6
    assert counts(rt, broadcast_id)["sent"] == 6


@pytest.mark.clock(WEDNESDAY)
def test_with_one_phone_the_rest_wait_for_the_next_day_and_go_then_once(client, rt, run_jobs, gateway) -> None:  # type: ignore[no-untyped-def]
    ids = residents(rt, 5)
    online(client, rt, kelurahan_of(rt, ids), "dev-a")
    cap(rt, 3)
    broadcast_id = broadcast_to(rt, ids)
    run_jobs()
    assert len(gateway.messages) == 3
    waiting = [r for r in rows(rt, broadcast_id) if r.status == b.PENDING]
    # Thursday 00:00 WIB; quiet hours (off in tests) would hold them on to 06:00.
    assert [r.not_before for r in waiting] == [datetime(2026, 11, 18, 17, 0,
                                                         tzinfo=timezone.utc)] * 2
    run_jobs()  # nothing is due yet: nothing more goes, nothing fails
    assert len(gateway.messages) == 3
    rt.extras["clock"] = lambda: THURSDAY_MORNING
    set_device(rt, "dev-a", last_ping_at=THURSDAY_MORNING)
    assert resume_broadcasts(rt, THURSDAY_MORNING) == 1
    run_jobs()
    assert len(gateway.messages) == 5 and each_once(gateway)
    assert counts(rt, broadcast_id, THURSDAY_MORNING)["sent"] == 5
    resume_broadcasts(rt, THURSDAY_MORNING)
    run_jobs()
    assert len(gateway.messages) == 5


@pytest.mark.clock(WEDNESDAY)
def test_rows_kept_for_a_day_that_comes_after_their_date_expire(client, rt, run_jobs, gateway) -> None:  # type: ignore[no-untyped-def]
    ids = residents(rt, 4)
    online(client, rt, kelurahan_of(rt, ids), "dev-a")
    cap(rt, 2)
    broadcast_id = broadcast_to(rt, ids, expires_at=datetime.now(timezone.utc)
                                + timedelta(hours=3))
    run_jobs()
    assert len(gateway.messages) == 2
    assert counts(rt, broadcast_id)["expired"] == 2


@pytest.mark.clock(WEDNESDAY)
def test_a_dual_sim_phone_alternates_its_sims_and_each_has_its_cap(client, rt, run_jobs, gateway) -> None:  # type: ignore[no-untyped-def]
    ids = residents(rt, 8)
    online(client, rt, kelurahan_of(rt, ids), "dev-a")
    for n, sim in enumerate((1, 2)):  # its reports named both slots
        post(client, event("sms:delivered", {"messageId": f"m{n}", "simNumber": sim,
                                             "phoneNumber": "+6281299999999"}, device="dev-a"))
    cap(rt, 3)
    broadcast_id = broadcast_to(rt, ids)
    run_jobs()
    assert Counter(m.get("simNumber") for m in gateway.messages) == {1: 3, 2: 3}
    assert counts(rt, broadcast_id)["queued"] == 2 and each_once(gateway)


@pytest.mark.clock(WEDNESDAY)
def test_a_notice_past_the_cap_waits_for_the_next_day_and_a_reply_still_goes(client, rt, run_jobs, gateway) -> None:  # type: ignore[no-untyped-def]
    ping(client, "dev-a")
    cap(rt, 2)
    ids = notices(rt, 3)
    run_jobs()
    assert len(gateway.messages) == 2
    with rt.db.session() as session:
        last = session.get(Message, ids[2])
        assert last.status == "queued"
        assert last.next_attempt_at == datetime(2026, 11, 18, 17, 0, tzinfo=timezone.utc)
    post(client, event("sms:received", {"messageId": "x", "message": "MENU",
                                        "phoneNumber": "+6281234567890"}, device="dev-a"))
    run_jobs()
    assert gateway.messages[-1]["phoneNumbers"] == ["+6281234567890"]


def test_a_report_naming_a_sim_adds_it_to_the_phones_slots(client, rt) -> None:  # type: ignore[no-untyped-def]
    from bot.gateway_devices import phones

    for n, sim in enumerate((2, 1, 2)):
        post(client, event("sms:sent", {"messageId": f"m{n}", "simNumber": sim,
                                        "phoneNumber": "+6281299999999"}, device="dev-a"))
    with rt.db.session() as session:
        [phone] = phones(session, datetime.now(timezone.utc))
    assert phone.sims == (1, 2)


def test_spacing_varies_the_gaps_and_keeps_the_rate() -> None:
    limiter = LocalRateLimiter()
    per_second, sends = 100.0, 200
    start = time.monotonic()
    # When each send is to leave (the moment it asked plus its wait), from the first.
    leave = [time.monotonic() + limiter.reserve("smsgate:x", per_second, jitter=0.2) - start
             for _ in range(sends)]
    # The i-th leaves at its slot, i intervals on, plus up to 0.2 of an interval.
    extra = [at - i / per_second for i, at in enumerate(leave)]
    assert all(-0.001 <= e <= 0.2 / per_second + 0.001 for e in extra)
    assert max(extra) - min(extra) > 0.1 / per_second  # they vary
