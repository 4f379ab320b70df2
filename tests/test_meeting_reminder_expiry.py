"""Issue 24's proof against the fake gateway: a gateway phone offline for an hour with
meeting reminders queued. The reminder of the meeting in 30 minutes is stale when the
phone returns and is not sent (it is counted expired); tomorrow's goes, once."""
from __future__ import annotations

from collections import Counter
from datetime import datetime, timedelta, timezone
from typing import Any

import pytest
from sqlalchemy import select

from bot.models import Broadcast, BroadcastSend, Contact, Meeting, MeetingReminder
from bot.models import broadcast as b
from bot.models import meeting as mt
from tests.meeting_helpers import WIB, make_ksm
from tests.test_smsgate import app, event, fake_smsgate, gateway, post  # noqa: F401 - fixtures
from workers.sweep import sweep

T0 = datetime(2026, 12, 8, 10, 30, tzinfo=timezone.utc)  # 17:30 WIB, a Tuesday
SOON = T0 + timedelta(minutes=30)  # 18:00 WIB today
TOMORROW = T0 + timedelta(days=1, hours=2)  # 19:30 WIB tomorrow


def two_meetings(rt: Any) -> dict[str, Any]:
    """A KSM of 3 with a meeting at 18:00 whose '2 hours before' reminders are due now
    (late already: the phone was away), and one tomorrow whose day-before reminder is."""
    ksm = make_ksm(rt, WIB, members=3)
    with rt.db.session() as session:
        soon = Meeting(ksm_id=ksm["id"], starts_at=SOON, place="Balai RW 03",
                       status=mt.SCHEDULED, created_at=T0 - timedelta(days=2))
        tomorrow = Meeting(ksm_id=ksm["id"], starts_at=TOMORROW, place="Masjid",
                           status=mt.SCHEDULED, created_at=T0 - timedelta(days=2))
        session.add_all([soon, tomorrow])
        session.flush()
        session.add_all([MeetingReminder(meeting_id=soon.id, kind=mt.SOON, due_at=T0),
                         MeetingReminder(meeting_id=soon.id, kind=mt.COUNT, due_at=T0),
                         MeetingReminder(meeting_id=tomorrow.id, kind=mt.DAY_BEFORE,
                                         due_at=T0)])
        return {**ksm, "soon": soon.id, "tomorrow": tomorrow.id}


def rows_of(rt: Any, meeting_start: datetime) -> Counter[str]:
    with rt.db.session() as session:
        return Counter(session.scalars(
            select(BroadcastSend.status).join(Broadcast, Broadcast.id == BroadcastSend.broadcast_id)
            .where(Broadcast.expires_at == meeting_start)))


def at(rt: Any, instant: datetime) -> None:
    rt.extras["clock"] = lambda: instant


def sweep_and_run(rt: Any, run_jobs: Any, until: datetime, every: timedelta) -> None:
    """The sweep and the workers, every ``every`` from the clock's now to ``until``."""
    instant = rt.extras["clock"]()
    while instant <= until:
        at(rt, instant)
        sweep()
        run_jobs()
        instant += every


def phones_of(rt: Any, ids: list[int]) -> set[str]:
    with rt.db.session() as session:
        return set(session.scalars(select(Contact.phone).where(Contact.id.in_(ids))))


@pytest.mark.clock("2026-12-08T17:30:00+07:00")
def test_the_gateway_holds_them_for_an_offline_phone_and_drops_the_stale_one(
        client, rt, run_jobs, gateway) -> None:  # type: ignore[no-untyped-def]
    """The cloud gateway accepts what is sent while the phone is away and sends it when
    the phone returns: each message carries its meeting's start as validUntil, so the
    phone drops the stale ones, and their failure report counts them expired."""
    ksm = two_meetings(rt)
    gateway.phone_offline = True
    at(rt, T0)
    sweep_and_run(rt, run_jobs, T0 + timedelta(hours=1), timedelta(minutes=5))
    # Handed to the gateway at once (it answers 202 and holds them): 2 members' reminder
    # and the leader's count for today, the day-before reminder to all 3 for tomorrow.
    assert len(gateway.messages) == 6
    valid = Counter(m["validUntil"] for m in gateway.messages)
    assert valid == {SOON.isoformat(): 3, TOMORROW.isoformat(): 3}

    back = T0 + timedelta(hours=1)  # 18:30 WIB: today's meeting began half an hour ago
    at(rt, back)
    sent, dropped = gateway.phone_returns(back)
    assert {m["validUntil"] for m in dropped} == {SOON.isoformat()} and len(dropped) == 3
    for message in sent:
        assert post(client, event("sms:sent", {"messageId": message["_id"],
                                               "phoneNumber": message["phoneNumbers"][0]})
                    ).status_code == 200
    for message in dropped:  # what the app reports of a message past its validUntil
        assert post(client, event("sms:failed", {"messageId": message["_id"],
                                                 "phoneNumber": message["phoneNumbers"][0],
                                                 "reason": "TTL expired"})).status_code == 200
    assert rows_of(rt, SOON) == {b.EXPIRED: 3}
    assert rows_of(rt, TOMORROW) == {b.SENT: 3}
    everyone = phones_of(rt, ksm["contact_ids"])
    assert sorted(m["phoneNumbers"][0] for m in sent) == sorted(everyone)
    with rt.db.session() as session:  # an expiry says nothing against the numbers
        assert not any(session.scalars(select(Contact.invalid_number)
                                       .where(Contact.id.in_(ksm["contact_ids"]))))
    # Later sweeps send nothing again.
    sweep_and_run(rt, run_jobs, back + timedelta(minutes=30), timedelta(minutes=10))
    assert len(gateway.messages) == 6


@pytest.mark.clock("2026-12-08T17:30:00+07:00")
def test_the_gateway_answers_errors_while_the_phone_is_away(
        client, rt, run_jobs, gateway) -> None:  # type: ignore[no-untyped-def]
    """A gateway that cannot take messages (its server is the phone's own, or it
    refuses): the rows wait on our side and retry; today's expire there when the
    meeting's start comes before their next try, tomorrow's go when it answers, once."""
    ksm = two_meetings(rt)
    gateway.fail(503, times=10_000, message="phone unreachable")
    at(rt, T0)
    sweep_and_run(rt, run_jobs, T0 + timedelta(minutes=20), timedelta(minutes=1))
    assert gateway.messages == []
    # Their 4th error came at 17:42; the next try, at 18:12, would be after 18:00.
    assert rows_of(rt, SOON) == {b.EXPIRED: 3}
    assert rows_of(rt, TOMORROW) == {b.PENDING: 3}

    with gateway.lock:
        gateway.failures.clear()  # the gateway answers again
    sweep_and_run(rt, run_jobs, T0 + timedelta(minutes=50), timedelta(minutes=1))
    assert rows_of(rt, SOON) == {b.EXPIRED: 3}
    assert rows_of(rt, TOMORROW) == {b.SENT: 3}
    assert sorted(m["phoneNumbers"][0] for m in gateway.messages) == sorted(
        phones_of(rt, ksm["contact_ids"]))
    assert {m["validUntil"] for m in gateway.messages} == {TOMORROW.isoformat()}
    sweep_and_run(rt, run_jobs, T0 + timedelta(minutes=80), timedelta(minutes=10))
    assert len(gateway.messages) == 3


@pytest.mark.clock("2026-12-08T17:30:00+07:00")
def test_a_reminder_sent_too_late_by_the_sweep_expires_at_its_claim(
        client, rt, run_jobs, gateway) -> None:  # type: ignore[no-untyped-def]
    """No worker ran for an hour (Redis down, workers stopped): the first sweep after
    makes the due reminders, and today's meeting has begun: nothing of it is sent."""
    two_meetings(rt)
    at(rt, T0 + timedelta(hours=1))
    sweep()
    run_jobs()
    # The reminder of a meeting that has begun is not even made (as before);
    # tomorrow's goes.
    assert {m["validUntil"] for m in gateway.messages} == {TOMORROW.isoformat()}
    with rt.db.session() as session:
        stale = session.get(Broadcast, session.scalar(
            select(Broadcast.id).where(Broadcast.expires_at == TOMORROW)))
        assert stale is not None and stale.status == b.DONE
