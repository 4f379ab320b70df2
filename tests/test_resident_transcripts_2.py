"""More transcripts of what residents really send (issue 13): meeting answers, what the
bot says that must be true, guessing, keypad habits. Each asserts what the resident reads."""
from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select

from bot.models import KsmMember, Meeting, Rsvp
from bot.models import ksm as k
from tests.meeting_helpers import WIB, fast, make_ksm, say


def _utc(month: int, day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=UTC)


def _answers(rt, phone_contact_id):  # type: ignore[no-untyped-def]
    with rt.db.session() as s:
        rows = s.execute(select(Meeting.starts_at, Rsvp.answer)
                         .join(Meeting, Meeting.id == Rsvp.meeting_id)
                         .where(Rsvp.contact_id == phone_contact_id)).all()
    return {at.astimezone(UTC).day: answer for at, answer in rows}


# 1. Meeting answers land on the meeting they answer -------------------------------------

def test_an_answer_goes_to_the_latest_notice_and_a_date_picks_the_meeting(rt) -> None:
    fast(rt)
    ksm = make_ksm(rt, WIB, members=3)
    now = _utc(12, 1, 3)
    say(rt, ksm["leader"], "RAPAT 7/12 19.30 Balai RW", now)
    say(rt, ksm["leader"], "YA", now)
    later = _utc(12, 2, 3)
    say(rt, ksm["leader"], "RAPAT 10/12 19.30 Masjid", later)
    say(rt, ksm["leader"], "YA", later)
    member, member_id = ksm["members"][0], ksm["contact_ids"][1]

    reply = say(rt, member, "TIDAK HADIR", later)
    assert "TIDAK HADIR" in reply and "10/12" in reply
    assert _answers(rt, member_id) == {10: "tidak"}
    reply = say(rt, member, "hadir 7/12", later)
    assert "HADIR" in reply and "7/12" in reply
    reply = say(rt, member, "Hadir tgl 10/12", later)
    assert "tercatat HADIR" in reply and "10/12" in reply
    assert _answers(rt, member_id) == {7: "hadir", 10: "hadir"}
    reply = say(rt, member, "hadir 11/12", later)
    assert "11/12" in reply and "1 " in reply and "2 " in reply  # no such date: numbered
    assert "7/12" in say(rt, member, "1", later)


def test_two_meetings_on_one_date_are_asked_numbered(rt) -> None:
    fast(rt)
    first, second = make_ksm(rt, WIB, members=2), make_ksm(rt, WIB, members=2)
    member, member_id = first["members"][0], first["contact_ids"][1]
    with rt.db.session() as s:
        s.add(KsmMember(ksm_id=second["id"], contact_id=member_id, name="Siti", gender="P",
                        role=k.MEMBER, status=k.CONFIRMED))
    now = _utc(12, 1, 3)
    for ksm, place in ((first, "Balai RW"), (second, "Masjid")):
        say(rt, ksm["leader"], f"RAPAT 10/12 19.30 {place}", now)
        say(rt, ksm["leader"], "YA", now)
    reply = say(rt, member, "tdk hadir 10/12", now)
    assert "1 " in reply and "2 " in reply and second["name"] in reply, reply
    assert _answers(rt, member_id) == {}
    reply = say(rt, member, "3", now)
    assert "1 sampai 2" in reply
    reply = say(rt, member, "2", now)
    assert "TIDAK HADIR" in reply and second["name"] in reply
    with rt.db.session() as s:
        [(meeting_ksm, answer)] = s.execute(
            select(Meeting.ksm_id, Rsvp.answer).join(Meeting, Meeting.id == Rsvp.meeting_id)
            .where(Rsvp.contact_id == member_id)).all()
    assert (meeting_ksm, answer) == (second["id"], "tidak")
