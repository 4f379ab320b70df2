"""Officers are told, not only shown (issue 23): an officer registers a phone, verifies
it with a code sent to it, and chooses how to hear of their work: a message at once for
a complaint assigned or escalated to them or overdue in their area, or one digest at
07.00 local time. Every message goes through the outbox (quiet hours, opt-out, send
rate as for residents) and carries the complaint's code and a link, never the
complainant's name, number or words."""
from __future__ import annotations

import dataclasses
import json
import re
from datetime import datetime, timedelta, timezone
from typing import Any

import pytest
from sqlalchemy import select

from bot.complaints import actions
from bot.complaints import assignment
from bot.complaints.digest import send_digests
from bot.complaints.escalation import escalate_overdue
from bot.complaints import officer_alerts
from bot.complaints.officer_alerts import tell_overdue
from bot.models import Complaint, Contact, Kelurahan, Message, Officer
from bot.models import messaging as m
from bot.officers import notify
from bot.officers.accounts import create_or_update
from bot.officers.phone_verification import MAX_TRIES, code_text
from bot.outbox import enqueue_sends
from conversations.gsm import non_gsm7_chars, segments
from tests.conftest import _csrf
from tests.meeting_helpers import WITA, say
from tests.transcript import PUBLIC_BASE_URL, Phone
from workers.sweep import TASKS, officer_digests, release_held_messages, tell_overdue_complaints

RESIDENT = "+6281277770001"
RESIDENT_NAME = "Siti Aminah"
COMPLAINT_TEXT = "dana BLM dipotong ketua"
OFFICER_PHONE = "+6281234567001"
WED_10_WIB = datetime(2026, 11, 25, 3, 0, tzinfo=timezone.utc)


def _utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=timezone.utc)


@pytest.fixture
def sukamaju(rt: Any) -> Kelurahan:
    return _kelurahan(rt, "Sukamaju", "Kota Bandung", "Jawa Barat", "Asia/Jakarta")


def _kelurahan(rt: Any, name: str, kota: str, provinsi: str, zone: str) -> Kelurahan:
    with rt.db.session() as s:
        kel = Kelurahan(name=name, kota=kota, provinsi=provinsi, time_zone=zone)
        s.add(kel)
        s.flush()
        s.expunge(kel)
        return kel


def _officer(rt: Any, username: str, kelurahan: Kelurahan | None = None, role: str = "ppm",
             **area: str) -> int:
    with rt.db.session() as s:
        officer = create_or_update(s, username, "password-123", role,
                                   s.merge(kelurahan) if kelurahan else None, **area)
        s.flush()
        return officer.id


def _login(app: Any, username: str) -> Any:
    client = app.test_client()
    token = _csrf(client.get("/login").data)
    response = client.post("/login", data={"username": username, "password": "password-123",
                                           "csrf_token": token})
    assert response.status_code == 302, response.data
    return client


def _post(client: Any, path: str, **form: str) -> Any:
    token = _csrf(client.get("/notifikasi/").data)
    return client.post(path, data={**form, "csrf_token": token}, follow_redirects=True)


def _file(rt: Any, now: datetime = WED_10_WIB) -> int:
    """A resident files a complaint in Sukamaju and is known by name."""
    say(rt, RESIDENT, f"ADUAN {COMPLAINT_TEXT}", now)
    say(rt, RESIDENT, "Sukamaju", now)
    with rt.db.session() as s:
        s.query(Contact).filter(Contact.phone == RESIDENT).update({"name": RESIDENT_NAME})
        return s.scalar(select(Complaint.id).order_by(Complaint.id.desc()).limit(1))


def _text(request: dict[str, Any]) -> str:
    """What the officer reads: the SMS or WhatsApp body, or the template's variable."""
    if request.get("ContentVariables"):
        return " ".join(json.loads(str(request["ContentVariables"])).values())
    return str(request.get("Body", ""))


def _to(twilio: Any, number: str) -> list[dict[str, Any]]:
    return [r for r in twilio.messages if str(r["To"]).removeprefix("whatsapp:") == number]


def _code_sent(twilio: Any, number: str = OFFICER_PHONE) -> str:
    found = re.search(r"\b(\d{6})\b", _text(_to(twilio, number)[-1]))
    assert found, _to(twilio, number)
    return found.group(1)


def _register(client: Any, run_jobs: Any, twilio: Any, phone: str = "0812-3456-7001",
              channel: str = "whatsapp", mode: str = notify.IMMEDIATE) -> None:
    """The officer's steps on their page: number, the code it got, the mode."""
    page = _post(client, "/notifikasi/nomor", phone=phone, channel=channel)
    assert "Kode dikirim" in page.get_data(as_text=True)
    run_jobs()
    page = _post(client, "/notifikasi/kode", code=_code_sent(twilio))
    assert "terverifikasi" in page.get_data(as_text=True)
    page = _post(client, "/notifikasi/pilihan", mode=mode, channel=channel)
    assert "Tersimpan" in page.get_data(as_text=True)


def _assert_private(text: str) -> None:
    digits = re.sub(r"\D", "", text)
    for secret in (RESIDENT_NAME, COMPLAINT_TEXT, "Siti"):
        assert secret not in text
    assert "81277770001" not in digits and "0812-7777" not in text


def test_an_officer_registers_a_phone_and_hears_of_an_assignment_by_a_colleague(
        app, rt, run_jobs, twilio, sukamaju) -> None:
    rt.settings = dataclasses.replace(rt.settings, whatsapp_templates={
        "officer_code": "HX" + "1" * 32, "officer_alert": "HX" + "2" * 32})
    mine = _officer(rt, "ppm_suka", sukamaju)
    _officer(rt, "ppm_rekan", sukamaju)
    me = _login(app, "ppm_suka")
    _register(me, run_jobs, twilio)
    assert _to(twilio, OFFICER_PHONE)[0]["To"] == f"whatsapp:{OFFICER_PHONE}"
    page = me.get("/notifikasi/").get_data(as_text=True)
    assert "0812-3456-7001" in page and "Segera" in page

    complaint_id = _file(rt)
    twilio.reset()
    colleague = _login(app, "ppm_rekan")
    token = _csrf(colleague.get(f"/complaints/{complaint_id}").data)
    colleague.post(f"/complaints/{complaint_id}/assign",
                   data={"officer_id": str(mine), "csrf_token": token})
    run_jobs()
    told = _to(twilio, OFFICER_PHONE)
    assert len(told) == 1 and told[0]["To"] == f"whatsapp:{OFFICER_PHONE}"
    text = _text(told[0])
    with rt.db.session() as s:
        code = s.get(Complaint, complaint_id).code
    assert code in text and "ditugaskan" in text
    assert f"{PUBLIC_BASE_URL}/complaints/{complaint_id}" in text
    assert not non_gsm7_chars(text) and segments(text) == 1
    _assert_private(text)

    # Their own action is not news to them.
    twilio.reset()
    token = _csrf(me.get(f"/complaints/{complaint_id}").data)
    me.post(f"/complaints/{complaint_id}/take", data={"csrf_token": token})
    run_jobs()
    assert _to(twilio, OFFICER_PHONE) == []


def test_many_complaints_assigned_at_once_are_one_message(app, rt, run_jobs, twilio,
                                                           sukamaju) -> None:
    mine = _officer(rt, "ppm_suka", sukamaju)
    _officer(rt, "ppm_rekan", sukamaju)
    _verified(rt, mine)
    ids = [_file(rt) for _ in range(3)]
    twilio.reset()
    colleague = _login(app, "ppm_rekan")
    token = _csrf(colleague.get("/complaints/").data)
    colleague.post("/complaints/bulk", data={"ids": [str(i) for i in ids], "action": "assign",
                                             "officer_id": str(mine), "csrf_token": token})
    run_jobs()
    told = _to(twilio, OFFICER_PHONE)
    assert len(told) == 1, told
    assert "3 aduan ditugaskan" in _text(told[0])
    assert f"{PUBLIC_BASE_URL}/complaints/?mine=1" in _text(told[0])
    with rt.db.session() as s:
        assert {s.get(Complaint, i).assigned_officer_id for i in ids} == {mine}


def _verified(rt: Any, officer_id: int, phone: str = OFFICER_PHONE, channel: str = "sms",
              mode: str = notify.IMMEDIATE) -> None:
    """An officer whose number is verified (the page's steps are tested above)."""
    with rt.db.session() as s:
        officer = s.get(Officer, officer_id)
        contact = notify.contact_for(s, phone)
        notify.verified(s, officer, contact, channel, WED_10_WIB)
        notify.choose(s, officer, mode, channel)


def _kelurahan_and_kota_officers_and_a_complaint(rt, sukamaju):  # type: ignore[no-untyped-def]
    """A kelurahan officer (notified at +6281234567002) and the kota's (at
    OFFICER_PHONE), both verified, and a complaint filed in their kelurahan."""
    below = _officer(rt, "ppm_suka", sukamaju)
    above = _officer(rt, "ppm_bdg", kota="Kota Bandung", provinsi="Jawa Barat")
    _verified(rt, below, "+6281234567002")
    _verified(rt, above)
    return below, above, _file(rt)


def test_an_escalation_tells_the_level_above_and_not_the_officer_who_escalated(
        app, rt, run_jobs, twilio, sukamaju) -> None:
    below, above, complaint_id = _kelurahan_and_kota_officers_and_a_complaint(rt, sukamaju)
    with rt.db.session() as s:
        queued = actions.escalate(s, s.get(Complaint, complaint_id), s.get(Officer, below),
                                  "perlu kota", settings=rt.settings)
        code = s.get(Complaint, complaint_id).code
    enqueue_sends(rt, queued)
    run_jobs()
    told = _to(twilio, OFFICER_PHONE)
    assert len(told) == 1 and code in _text(told[0]) and "kota" in _text(told[0])
    assert f"/complaints/{complaint_id}" in _text(told[0])
    _assert_private(_text(told[0]))
    assert _to(twilio, "+6281234567002") == []


def test_an_overdue_complaint_is_told_once(app, rt, run_jobs, twilio, sukamaju) -> None:
    assert tell_overdue_complaints in TASKS and officer_digests in TASKS
    mine = _officer(rt, "ppm_suka", sukamaju)
    _verified(rt, mine)
    complaint_id = _file(rt)
    with rt.db.session() as s:
        complaint, officer = s.get(Complaint, complaint_id), s.get(Officer, mine)
        assignment.take(s, complaint, officer, now=WED_10_WIB)
        actions.change_status(s, complaint, officer, "verified", now=WED_10_WIB,
                              settings=rt.settings)
        actions.change_status(s, complaint, officer, "in_follow_up", now=WED_10_WIB,
                              settings=rt.settings)
        due, code = complaint.due_at, complaint.code
    twilio.reset()
    assert tell_overdue(rt, due - timedelta(minutes=1)) == 0
    assert tell_overdue(rt, due + timedelta(minutes=1)) == 1
    assert tell_overdue(rt, due + timedelta(minutes=31)) == 0  # the sweep again: once
    run_jobs()
    told = _to(twilio, OFFICER_PHONE)
    assert len(told) == 1 and code in _text(told[0]) and "tenggat" in _text(told[0])
    _assert_private(_text(told[0]))


def test_an_automatic_move_up_tells_the_assignee_and_the_level_above(
        app, rt, run_jobs, twilio, sukamaju) -> None:
    below, above, complaint_id = _kelurahan_and_kota_officers_and_a_complaint(rt, sukamaju)
    with rt.db.session() as s:
        assignment.take(s, s.get(Complaint, complaint_id), s.get(Officer, below), now=WED_10_WIB)
        due = s.get(Complaint, complaint_id).due_at
    assert escalate_overdue(rt, due + timedelta(hours=1)) == 1
    assert escalate_overdue(rt, due + timedelta(hours=2)) == 0
    run_jobs()
    assert len(_to(twilio, OFFICER_PHONE)) == 1
    assert "otomatis" in _text(_to(twilio, OFFICER_PHONE)[0])
    assert len(_to(twilio, "+6281234567002")) == 1
    assert "tenggat" in _text(_to(twilio, "+6281234567002")[0])


@pytest.mark.clock("2026-11-25T20:30:00+07:00")  # 21.30 WITA: quiet in Kendari, not in Jakarta
def test_quiet_hours_of_the_officers_zone_hold_the_message_until_morning(
        app, rt, run_jobs, twilio) -> None:
    mandonga = _kelurahan(rt, "Mandonga", "Kota Kendari", "Sulawesi Tenggara", WITA)
    rt.settings = dataclasses.replace(rt.settings, quiet_hours=True)
    mine = _officer(rt, "ppm_mandonga", mandonga)
    colleague = _officer(rt, "ppm_rekan", mandonga)
    _verified(rt, mine)
    night = datetime.now(timezone.utc)
    say(rt, RESIDENT, "ADUAN jalan rusak", night)
    say(rt, RESIDENT, "Mandonga", night)
    twilio.reset()
    with rt.db.session() as s:
        complaint = s.scalar(select(Complaint))
        queued = assignment.assign(s, complaint, s.get(Officer, colleague), mine,
                                settings=rt.settings)
    assert len(queued) == 1
    enqueue_sends(rt, queued)
    run_jobs()
    assert _to(twilio, OFFICER_PHONE) == []
    with rt.db.session() as s:
        assert s.get(Message, queued[0]).status == m.HELD
    assert release_held_messages(rt, _utc(2026, 11, 25, 21, 59)) == 0  # 05.59 WITA
    morning = _utc(2026, 11, 25, 22, 1)  # 06.01 WITA
    rt.extras["clock"] = lambda: morning
    assert release_held_messages(rt, morning) == 1
    run_jobs()
    assert len(_to(twilio, OFFICER_PHONE)) == 1


def test_opting_out_stops_the_messages(app, rt, client, run_jobs, twilio, sukamaju) -> None:
    mine = _officer(rt, "ppm_suka", sukamaju)
    colleague = _officer(rt, "ppm_rekan", sukamaju)
    _verified(rt, mine)
    complaint_id = _file(rt)
    twilio.reset()
    Phone(client, number=OFFICER_PHONE).send("BERHENTI")  # from the phone, as a resident
    run_jobs()  # the bot's answer to it
    twilio.reset()
    with rt.db.session() as s:
        queued = assignment.assign(s, s.get(Complaint, complaint_id), s.get(Officer, colleague),
                                mine, settings=rt.settings)
    enqueue_sends(rt, queued)
    run_jobs()
    assert _to(twilio, OFFICER_PHONE) == []
    page = _login(app, "ppm_suka").get("/notifikasi/").get_data(as_text=True)
    assert "sudah membalas BERHENTI" in page

    # Turned off on the page: nothing is even queued.
    me = _login(app, "ppm_suka")
    _post(me, "/notifikasi/pilihan", mode=notify.OFF, channel="sms")
    with rt.db.session() as s:
        queued = assignment.assign(s, s.get(Complaint, complaint_id), s.get(Officer, colleague),
                                mine, settings=rt.settings)
    assert queued == []


@pytest.mark.clock("2026-11-26T06:00:00+07:00")
def test_the_digest_comes_at_seven_local_once_a_day(app, rt, run_jobs, twilio, sukamaju) -> None:
    mine = _officer(rt, "ppm_suka", sukamaju)
    colleague = _officer(rt, "ppm_rekan", sukamaju)
    _verified(rt, mine, mode=notify.DIGEST)
    yesterday = _utc(2026, 11, 25, 8, 0)  # 15.00 WIB the day before
    for _ in range(2):
        complaint_id = _file(rt, yesterday)
        with rt.db.session() as s:
            # A digest officer hears nothing at once.
            assert assignment.assign(s, s.get(Complaint, complaint_id), s.get(Officer, colleague),
                                  mine, now=yesterday, settings=rt.settings) == []
    with rt.db.session() as s:
        s.query(Complaint).filter(Complaint.id == complaint_id).update(
            {"due_at": _utc(2026, 11, 25, 17, 0)})  # overdue since midnight
    twilio.reset()
    assert send_digests(rt, _utc(2026, 11, 25, 23, 59)) == 0  # 06.59 WIB
    assert send_digests(rt, _utc(2026, 11, 26, 0, 1)) == 1  # 07.01 WIB
    assert send_digests(rt, _utc(2026, 11, 26, 0, 30)) == 0  # once a day
    run_jobs()
    told = _to(twilio, OFFICER_PHONE)
    assert len(told) == 1
    text = _text(told[0])
    assert "2 baru ditugaskan" in text and "1 lewat tenggat" in text
    assert f"{PUBLIC_BASE_URL}/complaints/" in text and segments(text) == 1
    _assert_private(text)
    # The next morning, the same complaints still overdue: a digest again, once.
    assert send_digests(rt, _utc(2026, 11, 27, 0, 5)) == 1
    assert send_digests(rt, _utc(2026, 11, 27, 0, 6)) == 0


@pytest.mark.clock("2026-11-26T06:00:00+07:00")
def test_a_digest_with_nothing_in_it_is_not_sent(app, rt, run_jobs, twilio, sukamaju) -> None:
    mine = _officer(rt, "ppm_suka", sukamaju)
    _verified(rt, mine, mode=notify.DIGEST)
    assert send_digests(rt, _utc(2026, 11, 26, 0, 1)) == 0
    run_jobs()
    assert _to(twilio, OFFICER_PHONE) == []


def test_a_wrong_code_is_refused_and_too_many_tries_block_it(
        app, rt, run_jobs, twilio, sukamaju) -> None:
    mine = _officer(rt, "ppm_suka", sukamaju)
    me = _login(app, "ppm_suka")
    _post(me, "/notifikasi/nomor", phone="0812-3456-7001", channel="sms")
    run_jobs()
    code = _code_sent(twilio)
    assert _to(twilio, OFFICER_PHONE)[0]["To"] == OFFICER_PHONE  # SMS
    wrong = "000000" if code != "000000" else "111111"
    page = _post(me, "/notifikasi/kode", code=wrong).get_data(as_text=True)
    assert "Kode salah" in page
    for _ in range(MAX_TRIES - 1):
        _post(me, "/notifikasi/kode", code=wrong)
    page = _post(me, "/notifikasi/kode", code=code).get_data(as_text=True)
    assert "Terlalu banyak percobaan" in page
    with rt.db.session() as s:
        assert s.get(Officer, mine).notify_contact_id is None

    # A new code works; one typed after 15 minutes does not.
    _post(me, "/notifikasi/nomor", phone="0812-3456-7001", channel="sms")
    run_jobs()
    with rt.db.session() as s:
        from bot.models import OfficerPhoneCode

        s.query(OfficerPhoneCode).update(
            {"expires_at": datetime.now(timezone.utc) - timedelta(seconds=1)})
    page = _post(me, "/notifikasi/kode", code=_code_sent(twilio)).get_data(as_text=True)
    assert "kedaluwarsa" in page
    _post(me, "/notifikasi/nomor", phone="0812-3456-7001", channel="sms")  # the third
    # Codes are asked for a few times an hour at most: the page cannot spam a number.
    page = _post(me, "/notifikasi/nomor", phone="0812-3456-7001", channel="sms")
    assert "Terlalu banyak permintaan kode" in page.get_data(as_text=True)
    with rt.db.session() as s:
        from bot.models import OfficerPhoneCode

        assert all(code not in (row.code_hash, row.salt)
                   for row in s.scalars(select(OfficerPhoneCode)))
        # Only the code still waiting to be typed is in clear, in the outbox's copy.
        bodies = list(s.scalars(select(Message.body).where(Message.kind == "officer_code")))
        assert len(bodies) == 3 and sum(bool(re.search(r"\d{6}", b)) for b in bodies) == 1
        assert s.get(Officer, mine).notify_contact_id is None


def test_a_number_that_is_no_number_is_refused(app, rt, sukamaju) -> None:
    _officer(rt, "ppm_suka", sukamaju)
    me = _login(app, "ppm_suka")
    page = _post(me, "/notifikasi/nomor", phone="0812222", channel="sms").get_data(as_text=True)
    assert "Nomor tidak valid" in page


def test_another_officer_cannot_see_or_change_ones_number(
        app, rt, run_jobs, twilio, sukamaju) -> None:
    mine = _officer(rt, "ppm_suka", sukamaju)
    other = _officer(rt, "ppm_rekan", sukamaju)
    _register(_login(app, "ppm_suka"), run_jobs, twilio, channel="sms")
    colleague = _login(app, "ppm_rekan")
    complaint_id = _file(rt)
    for path in ("/notifikasi/", "/complaints/", f"/complaints/{complaint_id}", "/"):
        page = colleague.get(path).get_data(as_text=True)
        assert "0812-3456-7001" not in page and "81234567001" not in page, path
    # Their own page's forms change their own settings only.
    _post(colleague, "/notifikasi/pilihan", mode=notify.OFF, channel="whatsapp")
    _post(colleague, "/notifikasi/nomor", phone="0812-3456-7009", channel="sms")
    with rt.db.session() as s:
        me, them = s.get(Officer, mine), s.get(Officer, other)
        assert me.notify_mode == notify.IMMEDIATE and me.notify_channel == "sms"
        assert s.get(Contact, me.notify_contact_id).phone == OFFICER_PHONE
        assert them.notify_contact_id is None
    # A code sent to my number does not verify it for them.
    run_jobs()
    page = _post(colleague, "/notifikasi/kode", code=_code_sent(twilio)).get_data(as_text=True)
    assert "Kode salah" in page


def test_every_officer_message_is_one_gsm7_segment() -> None:
    long_link = "https://ksm-bot.pnpm-mandiri.kemendagri.go.id/complaints/1234567"
    for text in [*officer_alerts.examples(long_link), code_text("123456")]:
        assert not non_gsm7_chars(text), text
        assert segments(text) == 1, (len(text), text)
