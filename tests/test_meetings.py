"""RAPAT: read-back, bad input, notices, reminders at the right local hour, RSVP."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import select

from bot.models import Contact, Meeting, MeetingReminder, Rsvp
from bot.models import meeting as mt
from tests.ksm_helpers import MEMBERS, add_kelurahan, form_ksm, other
from tests.meeting_helpers import WIB, WIT, WITA, bodies_to, fast, make_ksm, say
from workers.meeting_sweep import roll_meetings, send_meeting_reminders


def utc(month: int, day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=UTC)


def meetings(rt: Any) -> list[Meeting]:
    with rt.db.session() as session:
        return list(session.execute(select(Meeting).order_by(Meeting.id)).scalars())


def test_rapat_is_read_back_then_members_are_told(rt, phone, twilio, run_jobs) -> None:
    fast(rt)
    add_kelurahan(rt, "Sukamaju")
    code = form_ksm(phone, rt)
    run_jobs()
    twilio.reset()
    phone.send("RAPAT besok 19.30 Balai RW 03").expect("Maju Jaya", "19.30 WIB", "Balai RW 03",
                                                       "Kirim ke 2 anggota", "YA atau TIDAK")
    assert meetings(rt) == []
    phone.send("YA").expect("disimpan")
    [meeting] = meetings(rt)
    local = meeting.starts_at.astimezone(__import__("zoneinfo").ZoneInfo(WIB))
    assert (local.hour, local.minute, meeting.place) == (19, 30, "Balai RW 03")
    run_jobs()
    for number in MEMBERS[:2]:
        [body] = bodies_to(twilio, number)
        assert "Rapat KSM Maju Jaya" in body and "HADIR" in body
    assert bodies_to(twilio, phone.number) == []  # the leader set it; no notice to him
    # A member who is not a leader sees the next meeting with RAPAT.
    other(phone, MEMBERS[0]).send("RAPAT").expect("berikutnya", "Balai RW 03")
    assert code


@pytest.mark.clock("2026-11-18T10:00:00+07:00")  # 5/12 is ahead, 1/1/2020 long past
def test_rapat_bad_input_keeps_the_step(rt, phone, twilio, run_jobs) -> None:
    add_kelurahan(rt, "Sukamaju")
    form_ksm(phone, rt)
    phone.send("RAPAT").expect("tanggal, jam dan tempat")
    phone.send("kapan-kapan saja").expect("tidak terbaca")
    phone.send("5/12").expect("Jamnya belum ada")
    phone.send("31/2 19.00 Balai").expect("Tanggal itu tidak ada")
    phone.send("besok 25.00 Balai").expect("Jam itu tidak ada")
    phone.send("1/1/2020 19.00 Balai").expect("sudah lewat")
    phone.send("besok 19.30").expect("Tempatnya belum ada")
    phone.send("besok 19.30 Balai \U0001F600").expect("tanpa emoji")
    phone.send("RAPAT besok jam 7 malam rumah Pak RT").expect("19.00", "rumah Pak RT",
                                                              "YA atau TIDAK")
    phone.send("mungkin").expect("YA atau TIDAK")
    phone.send("TIDAK").expect("tidak disimpan")
    assert meetings(rt) == []


def test_not_a_leader_and_no_meeting(rt, phone) -> None:
    phone.send("RAPAT 5/12 19.30 Balai").expect("Hanya ketua KSM")
    phone.send("HADIR").expect("Tidak ada rapat")


def test_leader_of_several_ksms_is_asked_which(rt, twilio, run_jobs) -> None:
    a = make_ksm(rt, WITA)
    now = utc(12, 1, 2)  # 10:00 WITA
    with rt.db.session() as session:
        from bot.models import Ksm, KsmMember
        from bot.models import ksm as k

        first = session.get(Ksm, a["id"])
        leader_id = first.leader_contact_id
        second = Ksm(code="39999", name="Bank Sampah", kelurahan_id=first.kelurahan_id,
                     field="sampah", unit="UPL", goal="Bersih", status=k.FORMING,
                     leader_contact_id=leader_id)
        session.add(second)
        session.flush()
        session.add(KsmMember(ksm_id=second.id, contact_id=leader_id, name="Ketua",
                              role=k.LEADER, status=k.CONFIRMED))
    reply = say(rt, a["leader"], "RAPAT 5/12 19.30 Balai Warga", now)
    assert "KSM yang mana" in reply and "Bank Sampah" in reply
    assert "Ketik nomor 1 sampai 2" in say(rt, a["leader"], "9", now)
    reply = say(rt, a["leader"], "2", now)
    assert "Sabtu 5/12 19.30 WITA" in reply and "Balai Warga" in reply, reply
    assert "disimpan" in say(rt, a["leader"], "YA", now)
    [meeting] = meetings(rt)
    assert meeting.ksm_id == a["id"]
    assert meeting.starts_at == utc(12, 5, 11, 30)  # 19:30 WITA = 11:30 UTC


@pytest.mark.parametrize("time_zone, day_before, soon", [
    # A meeting on Saturday 5/12 at 19:30 local: the day before at 08:00 local, 2 h before.
    (WIB, utc(12, 4, 1), utc(12, 5, 10, 30)),
    (WITA, utc(12, 4, 0), utc(12, 5, 9, 30)),
    (WIT, utc(12, 3, 23), utc(12, 5, 8, 30)),
])
def test_reminders_fire_at_local_time(rt, twilio, run_jobs, time_zone, day_before, soon) -> None:
    fast(rt)
    ksm = make_ksm(rt, time_zone, members=3)
    created = utc(12, 1, 0, 30)
    reply = say(rt, ksm["leader"], "RAPAT 5/12 19.30 Balai RW", created)
    assert "Sabtu 5/12 19.30" in reply, reply
    say(rt, ksm["leader"], "YA", created)
    run_jobs()
    twilio.reset()
    minute = timedelta(minutes=1)
    assert send_meeting_reminders(rt, day_before - minute) == 0
    assert send_meeting_reminders(rt, day_before) == 1
    assert send_meeting_reminders(rt, day_before + minute) == 0  # exactly once
    run_jobs()
    everyone = [ksm["leader"], *ksm["members"]]
    assert sorted(str(m["To"]) for m in twilio.messages) == sorted(everyone)
    assert all("besok rapat" in str(m["Body"]) for m in twilio.messages)
    twilio.reset()
    assert send_meeting_reminders(rt, soon - minute) == 0
    assert send_meeting_reminders(rt, soon) == 2  # members' reminder, leader's count
    assert send_meeting_reminders(rt, soon) == 0
    run_jobs()
    for number in ksm["members"]:
        assert ["hari ini" in b for b in bodies_to(twilio, number)] == [True]
    [count] = bodies_to(twilio, ksm["leader"])
    assert "0 hadir, 0 tidak hadir, 2 belum menjawab" in count


def test_rsvp_counts_reach_the_leader(rt, twilio, run_jobs) -> None:
    fast(rt)
    ksm = make_ksm(rt, WIB, members=5)
    now = utc(12, 1, 3)
    say(rt, ksm["leader"], "RAPAT 5/12 19.30 Balai RW", now)
    say(rt, ksm["leader"], "YA", now)
    a, b, c, _d = ksm["members"]
    assert "tercatat HADIR" in say(rt, a, "HADIR", now)
    assert "TIDAK HADIR" in say(rt, b, "tidak hadir", now)
    say(rt, c, "HADIR", now)
    assert "TIDAK HADIR" in say(rt, c, "Tidak", now)  # changed her mind: the last answer counts
    with rt.db.session() as session:
        answers = sorted(session.execute(select(Rsvp.answer)).scalars())
    assert answers == [mt.HADIR, mt.TIDAK, mt.TIDAK]
    run_jobs()
    twilio.reset()
    assert send_meeting_reminders(rt, utc(12, 5, 10, 30)) == 3  # the day before's was due too
    run_jobs()
    [count] = [b for b in bodies_to(twilio, ksm["leader"]) if "belum menjawab" in b]
    assert "1 hadir, 2 tidak hadir, 1 belum menjawab" in count


def test_a_bare_tidak_answers_a_notice_but_stays_an_answer_inside_a_dialog(rt, twilio, run_jobs) -> None:
    fast(rt)
    ksm = make_ksm(rt, WIB, members=3)
    now = utc(12, 1, 3)
    say(rt, ksm["leader"], "RAPAT 5/12 19.30 Balai RW", now)
    say(rt, ksm["leader"], "YA", now)
    assert "YA atau TIDAK" in say(rt, ksm["leader"], "RAPAT 6/12 19.30 Masjid", now)
    # Inside the leader's read-back dialog, TIDAK declines the new meeting: no RSVP.
    reply = say(rt, ksm["leader"], "TIDAK", now)
    assert "tercatat" not in reply
    with rt.db.session() as session:
        assert session.execute(select(Rsvp.answer)).first() is None
    member = ksm["members"][0]
    assert "tercatat TIDAK HADIR" in say(rt, member, "tidak", now)


def test_reminders_respect_opt_out_and_quiet_hours(rt, twilio, run_jobs) -> None:
    from dataclasses import replace

    from workers.broadcasts import resume_broadcasts

    fast(rt)
    ksm = make_ksm(rt, WIB, members=3)
    created = utc(12, 1, 3)
    say(rt, ksm["leader"], "RAPAT 5/12 06.30 Balai RW", created)  # early: 2 h before is 04:30
    say(rt, ksm["leader"], "YA", created)
    say(rt, ksm["members"][1], "BERHENTI", created)
    assert send_meeting_reminders(rt, utc(12, 4, 1)) == 1  # 08:00 WIB the day before
    run_jobs()
    assert ksm["members"][1] not in [str(m["To"]) for m in twilio.notices]
    twilio.reset()
    rt.settings = replace(rt.settings, quiet_hours=True)
    clock = {"now": utc(12, 4, 21, 30)}  # 04:30 WIB
    rt.extras["clock"] = lambda: clock["now"]
    assert send_meeting_reminders(rt, clock["now"]) == 2
    run_jobs()
    assert twilio.messages == []  # held until 06:00 local
    clock["now"] = utc(12, 4, 23, 0)  # 06:00 WIB
    resume_broadcasts(rt, clock["now"])
    run_jobs()
    assert len(bodies_to(twilio, ksm["members"][0])) == 1
    assert bodies_to(twilio, ksm["members"][1]) == []  # opted out
    assert len(bodies_to(twilio, ksm["leader"])) == 1  # the count


def test_rapat_batal_tells_members_and_stops_reminders(rt, twilio, run_jobs) -> None:
    fast(rt)
    ksm = make_ksm(rt, WIB, members=3)
    now = utc(12, 1, 3)
    say(rt, ksm["leader"], "RAPAT 5/12 19.30 Balai RW", now)
    say(rt, ksm["leader"], "YA", now)
    run_jobs()
    twilio.reset()
    assert "Batalkan rapat" in say(rt, ksm["leader"], "RAPAT BATAL", now)
    assert "dibatalkan" in say(rt, ksm["leader"], "YA", now)
    run_jobs()
    for number in ksm["members"]:
        assert ["DIBATALKAN" in b for b in bodies_to(twilio, number)] == [True]
    assert meetings(rt)[0].status == mt.CANCELLED
    twilio.reset()
    assert send_meeting_reminders(rt, utc(12, 5, 12)) == 0
    assert "Tidak ada rapat" in say(rt, ksm["members"][0], "HADIR", now)
    assert "Tidak ada rapat terjadwal" in say(rt, ksm["leader"], "RAPAT BATAL", now)


def test_routine_meeting_repeats_on_first_monday(rt, twilio, run_jobs) -> None:
    fast(rt)
    ksm = make_ksm(rt, WIT, members=3)
    now = utc(12, 8, 3)  # Tuesday 8/12, 12:00 WIT: the first Monday of December is past
    reply = say(rt, ksm["leader"], "RAPAT RUTIN Senin pertama 19.30 Balai RW", now)
    assert "tiap Senin pertama jam 19.30 WIT" in reply and "Senin 4/1/2027 19.30 WIT" in reply, reply
    say(rt, ksm["leader"], "YA", now)
    [first] = meetings(rt)
    assert first.starts_at == datetime(2027, 1, 4, 10, 30, tzinfo=UTC)
    assert roll_meetings(rt, first.starts_at) == 1
    done, second = meetings(rt)
    assert done.status == mt.DONE and second.status == mt.SCHEDULED
    assert second.starts_at == datetime(2027, 2, 1, 10, 30, tzinfo=UTC)
    with rt.db.session() as session:
        kinds = sorted(session.execute(select(MeetingReminder.kind)
                                       .where(MeetingReminder.meeting_id == second.id)).scalars())
    assert kinds == ["count", "day_before", "soon"]
    assert "tidak terbaca" in say(rt, ksm["leader"], "RAPAT RUTIN kadang-kadang", now).lower()


def test_english_members_get_english_notices(rt, twilio, run_jobs) -> None:
    fast(rt)
    ksm = make_ksm(rt, WIB, members=3)
    with rt.db.session() as session:
        session.execute(Contact.__table__.update().where(Contact.phone == ksm["members"][0])
                        .values(language="en"))
    now = utc(12, 1, 3)
    say(rt, ksm["leader"], "RAPAT 5/12 19.30 Balai RW", now)
    say(rt, ksm["leader"], "YA", now)
    run_jobs()
    [english] = bodies_to(twilio, ksm["members"][0])
    [indonesian] = bodies_to(twilio, ksm["members"][1])
    assert english.startswith("KSM ") and "Reply HADIR" in english
    assert indonesian.startswith("Rapat KSM")


def test_the_periodic_sweep_runs_the_meeting_and_monev_tasks(rt, twilio, run_jobs) -> None:
    from workers.sweep import sweep

    fast(rt)
    ksm = make_ksm(rt, WIB, members=2)
    created = utc(12, 1, 3)
    say(rt, ksm["leader"], "RAPAT 5/12 19.30 Balai RW", created)
    say(rt, ksm["leader"], "YA", created)
    run_jobs()
    twilio.reset()
    rt.extras["clock"] = lambda: utc(12, 4, 1)  # 08:00 WIB the day before
    report = sweep()
    assert report["meeting_reminders"] == 1
    assert {"past_meetings", "monev_periods", "monev_second_reminders"} <= set(report)
    run_jobs()
    assert len(bodies_to(twilio, ksm["members"][0])) == 1
    assert sweep()["meeting_reminders"] == 0
