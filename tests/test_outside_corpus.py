"""Messages written from outside (by people who read none of the code or tests), each
in the situation it answers, with the meaning a person would read in it: the bot must do
what it says, checked in the database where there is something to store.

tests/data/outside-*.jsonl: {"situation", "channel", "message", "label"}; the first
(120) across the flows, the second (100) in regional and generational styles (Javanese,
Sundanese, Betawi, Minang, Bugis, Batak, Banjar, Madurese, NTT, Papua; slang, all caps);
the third and fourth (145 each, written on 2026-12-07 by two more outside writers) add
the replies to a reminder, an invitation and a join request, the monev questions,
opting in again and asking after a complaint.
"""
from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from bot.models import Complaint, Contact, InboxItem, Ksm, KsmMember, MonevReport, Rsvp
from bot.models import ksm as k
from tests.ksm_helpers import MEMBERS, add_kelurahan, members_of, other, register
from tests.meeting_helpers import WIB, fast, make_ksm, say
from tests.transcript import Phone

CORPORA = ("outside-2026-12-07.jsonl", "outside-2-2026-12-07.jsonl",
           "outside-3-2026-12-07.jsonl", "outside-4-2026-12-07.jsonl")
CORPUS = [json.loads(line) for name in CORPORA
          for line in (Path(__file__).parent / "data" / name).read_text().splitlines()
          if line.strip()]


def _one(rt: Any, model: Any, *where: Any) -> Any:
    with rt.db.session() as session:
        return session.scalars(select(model).where(*where)).all()


def _phone(client: Any, case: dict[str, str]) -> Phone:
    return Phone(client, number="+6281277770001", whatsapp=case["channel"] == "whatsapp")


def _fresh(rt: Any, client: Any, case: dict[str, str]) -> None:
    phone = _phone(client, case)
    phone.send(case["message"])
    label = case["label"]
    [contact] = _one(rt, Contact)
    if label == "complaint":
        filed = _one(rt, Complaint)
        offered = "sebagai pengaduan" in phone.reply
        assert filed or offered, phone.reply
        if offered:
            phone.send("YA")
            assert _one(rt, Complaint), phone.reply
    elif label == "opt_out":
        assert contact.opted_out, phone.reply
    else:  # greeting or thanks: answered, nothing filed, nobody bothered
        assert not contact.opted_out and not _one(rt, Complaint) and not _one(rt, InboxItem), \
            phone.reply


def _meeting_notice(rt: Any, client: Any, case: dict[str, str]) -> None:
    from tests.test_meetings import utc

    fast(rt)
    ksm = make_ksm(rt, WIB, members=3)
    now = utc(12, 1, 3)
    say(rt, ksm["leader"], "RAPAT 5/12 19.30 Balai RW 05", now)
    say(rt, ksm["leader"], "YA", now)
    reply = say(rt, ksm["members"][0], case["message"], now)
    answers = [r.answer for r in _one(rt, Rsvp)]
    assert answers == ["hadir" if case["label"] == "attend" else "tidak"], reply


def _registration_until(phone: Phone, question: str) -> None:
    phone.send("DAFTAR").send("1").send("Maju Jaya").send("Siti Aminah")
    if question == "gender":
        return
    phone.send("P").send("1")  # field, then "KSM perempuan?"


def _yes_no(rt: Any, client: Any, case: dict[str, str]) -> None:
    add_kelurahan(rt, "Sukamaju")
    phone = _phone(client, case)
    _registration_until(phone, "women")
    phone.send(case["message"]).expect("Tujuan")
    phone.send("Modal usaha warung untuk keluarga miskin").send("YA")
    [ksm] = _one(rt, Ksm)
    assert ksm.women is (case["label"] == "yes")


def _gender(rt: Any, client: Any, case: dict[str, str]) -> None:
    add_kelurahan(rt, "Sukamaju")
    phone = _phone(client, case)
    _registration_until(phone, "gender")
    phone.send(case["message"]).expect("Bidang")
    phone.send("1").send("TIDAK").send("Modal usaha warung untuk keluarga miskin").send("YA")
    [leader] = _one(rt, KsmMember)
    assert leader.gender == ("L" if case["label"] == "male" else "P")


def _location(rt: Any, client: Any, case: dict[str, str]) -> None:
    add_kelurahan(rt, "Sukamaju")
    phone = _phone(client, case)
    phone.send("ADUAN dana BLM dipotong ketua").expect("kelurahan/desa mana")
    phone.send(case["message"])
    [complaint] = _one(rt, Complaint)
    label = case["label"]
    if label == "location":
        assert complaint.location_text, phone.reply
    else:
        assert complaint.location_text is None, phone.reply
        if label == "anonymous_on":
            assert complaint.anonymous is True, phone.reply
            assert "dirahasiakan" in phone.reply
        elif label == "anonymous_off":
            assert complaint.anonymous is False, phone.reply


def _menu_choice(rt: Any, client: Any, case: dict[str, str]) -> None:
    add_kelurahan(rt, "Sukamaju")
    phone = _phone(client, case)
    phone.send("MENU").expect("1 DAFTAR")
    phone.send(case["message"])
    expected = {"choice_1": "Kelurahan", "choice_2": "aduan", "choice_3": "kode aduan"}
    assert expected[case["label"]].lower() in phone.reply.lower(), phone.reply


def _meeting_reminder(rt: Any, client: Any, case: dict[str, str]) -> None:
    from tests.test_meetings import utc
    from workers.meeting_sweep import send_meeting_reminders

    fast(rt)
    ksm = make_ksm(rt, WIB, members=3)
    say(rt, ksm["leader"], "RAPAT 5/12 19.30 Balai RW 05", utc(12, 1, 3))
    say(rt, ksm["leader"], "YA", utc(12, 1, 3))
    assert send_meeting_reminders(rt, utc(12, 4, 1)) == 1  # 08.00 WIB the day before
    reply = say(rt, ksm["members"][0], case["message"], utc(12, 4, 2))
    answers = [r.answer for r in _one(rt, Rsvp)]
    assert answers == ["hadir" if case["label"] == "attend" else "tidak"], reply


def _invitation(rt: Any, client: Any, case: dict[str, str]) -> None:
    add_kelurahan(rt, "Sukamaju")
    leader = Phone(client)
    code = register(leader)
    leader.send(f"ANGGOTA Ani Rahayu, P, {MEMBERS[0]}").expect("diundang")
    member = other(leader, MEMBERS[0])
    member.whatsapp = case["channel"] == "whatsapp"
    member.send(re.sub(r"48[ .\-]?213", code, case["message"]))  # the code as typed, spaced or not
    status = {name: state for name, _, state in members_of(rt, code)}["Ani Rahayu"]
    assert status == (k.CONFIRMED if case["label"] == "join" else k.DECLINED), member.reply


def _join_request(rt: Any, client: Any, case: dict[str, str]) -> None:
    add_kelurahan(rt, "Sukamaju")
    leader = Phone(client, whatsapp=case["channel"] == "whatsapp")
    code = register(leader)
    joiner = other(leader, "+6281377770001")
    joiner.send(f"GABUNG {code}").send("Budi Santoso").send("L").expect("dikirim ke ketuanya")
    number = re.search(r"TERIMA (\d+)", leader_notices(rt)[-1])[1]  # type: ignore[index]
    leader.send(re.sub(r"\b3\b", number, case["message"]))
    status = {name: state for name, _, state in members_of(rt, code)}["Budi Santoso"]
    assert status == (k.CONFIRMED if case["label"] == "accept" else k.REFUSED), leader.reply


def leader_notices(rt: Any) -> list[str]:
    from tests.ksm_helpers import LEADER, queued_to

    return queued_to(rt, LEADER)


MONEV_DUE = datetime(2026, 11, 15, 3, 0, tzinfo=UTC)
# The monev questions in order, with an answer a leader gives when that step is not the
# one the case is about.
MONEV_STEPS = (("monev_meetings", "2"), ("monev_active", "3"), ("monev_progress", "2"),
               ("monev_problems", "TIDAK ADA"))


def _monev(rt: Any, client: Any, case: dict[str, str]) -> None:
    from workers.monev_sweep import open_monev_periods

    fast(rt)
    ksm = make_ksm(rt, WIB, members=5, verified_at=datetime(2026, 10, 15, 3, 0, tzinfo=UTC))
    assert open_monev_periods(rt, MONEV_DUE) == 1
    now = datetime(2026, 11, 16, 3, 0, tzinfo=UTC)
    reply = say(rt, ksm["leader"], "MONEV", now)
    for step, usual in MONEV_STEPS:
        reply = say(rt, ksm["leader"], case["message"] if step == case["situation"] else usual, now)
    [report] = _one(rt, MonevReport)
    label = case["label"]
    got = {"monev_meetings": report.meetings_held, "monev_active": report.members_active,
           "monev_progress": report.progress,
           "monev_problems": "none" if report.problems is None else "problem"}[case["situation"]]
    assert str(got) == label, reply


def _opted_out(rt: Any, client: Any, case: dict[str, str]) -> None:
    phone = _phone(client, case)
    phone.send("STOP")
    assert _one(rt, Contact)[0].opted_out
    phone.send(case["message"])
    assert not _one(rt, Contact)[0].opted_out, phone.reply


FILED_CODE = "904294976"


def _check_status(rt: Any, client: Any, case: dict[str, str]) -> None:
    phone = _phone(client, case)
    phone.send("ADUAN dana BLM dipotong ketua KSM").send("LEWATI").send("BATAL")
    with rt.db.session() as session:
        session.scalars(select(Complaint)).one().code = FILED_CODE
    phone.send(case["message"])
    assert "Aduan 904 294 976:" in phone.reply, phone.reply  # written in groups


SITUATIONS = {"fresh": _fresh, "meeting_notice": _meeting_notice, "yes_no_question": _yes_no,
              "gender_question": _gender, "location_question": _location,
              "menu_choice": _menu_choice, "meeting_reminder": _meeting_reminder,
              "invitation": _invitation, "join_request": _join_request,
              "monev_meetings": _monev, "monev_active": _monev, "monev_progress": _monev,
              "monev_problems": _monev, "opted_out": _opted_out, "check_status": _check_status}


@pytest.mark.clock("2026-11-18T10:00:00+07:00")
@pytest.mark.parametrize("case", CORPUS, ids=[f"{c['situation']}:{c['message'][:40]}" for c in CORPUS])
def test_a_message_written_from_outside_does_what_it_says(rt, client, case) -> None:  # type: ignore[no-untyped-def]
    SITUATIONS[case["situation"]](rt, client, case)
