"""RAPAT and HADIR in the pure engine, with an in-memory directory and explicit times."""
from __future__ import annotations

from datetime import UTC, datetime

from conversations.engine import Engine
from conversations.flows.ksm_common import VERIFIED, KsmView
from conversations.flows.meeting_common import (
    MeetingView,
    next_routine,
    reminder_times,
    split_routine,
)
from conversations.flows.meetings import RecordRsvp, ScheduleMeeting
from conversations.model import Conversation, Inbound

NOW = datetime(2026, 12, 1, 3, 0, tzinfo=UTC)  # Tuesday 10:00 WIB, 12:00 WIT


class Directory:
    def __init__(self, led: list[KsmView], zone: str = "Asia/Jakarta",
                 meeting: MeetingView | None = None) -> None:
        self.led, self.zone, self.meeting = led, zone, meeting

    def ksms_led(self) -> list[KsmView]:
        return self.led

    def kelurahan_time_zone(self, kelurahan_id: int) -> str:
        return self.zone

    def next_meeting(self, ksm_id: int, now: datetime) -> MeetingView | None:
        return self.meeting

    def my_next_meeting(self, now: datetime) -> MeetingView | None:
        return self.meeting

    def unreachable_members(self, ksm_id: int) -> list[str]:
        return []

    def my_meetings(self, now: datetime) -> list[MeetingView]:
        return [self.meeting] if self.meeting else []


def ksm(id: int, name: str) -> KsmView:
    return KsmView(id=id, code=f"1000{id}", name=name, kelurahan_id=1, kelurahan="Sukamaju",
                   field="ekonomi", unit="UPK", women_ksm=False, status=VERIFIED,
                   leader_contact_id=1, confirmed=4)


def talk(directory: Directory, *texts: str):  # type: ignore[no-untyped-def]
    engine, conversation, outcome = Engine(), Conversation(), None
    for text in texts:
        outcome = engine.handle(conversation, Inbound(text=text, received_at=NOW), directory)
        conversation = Conversation(dialog=outcome.dialog)
    return outcome


def test_read_back_in_the_kelurahan_time_zone() -> None:
    outcome = talk(Directory([ksm(1, "Maju")], zone="Asia/Jayapura"), "RAPAT 5/12 19.30 Balai RW")
    assert outcome.dialog.step == "confirm" and outcome.effects == []
    assert outcome.replies[0].params["when"] == "Sabtu 5/12 19.30 WIT"
    outcome = talk(Directory([ksm(1, "Maju")], zone="Asia/Jayapura"),
                   "RAPAT 5/12 19.30 Balai RW", "ya")
    [effect] = outcome.effects
    assert effect == ScheduleMeeting(ksm_id=1, starts_at=datetime(2026, 12, 5, 10, 30, tzinfo=UTC),
                                     place="Balai RW")


def test_several_ksms_asked_which_and_bad_choice_kept() -> None:
    directory = Directory([ksm(1, "Maju"), ksm(2, "Melati")])
    outcome = talk(directory, "RAPAT besok 19.30 Balai")
    assert (outcome.dialog.step, outcome.replies[0].key) == ("ksm", "ksm.ask.which")
    outcome = talk(directory, "RAPAT besok 19.30 Balai", "7")
    assert (outcome.dialog.step, outcome.replies[0].key) == ("ksm", "error.choice")
    outcome = talk(directory, "RAPAT besok 19.30 Balai", "10002")
    assert outcome.dialog.step == "confirm" and "Melati" in outcome.replies[0].params["ksm"]


def test_rsvp_answers() -> None:
    meeting = MeetingView(id=9, ksm_id=1, ksm_name="Maju", place="Balai",
                          starts_at=datetime(2026, 12, 5, 12, 30, tzinfo=UTC))
    assert talk(Directory([], meeting=meeting), "HADIR").effects == [RecordRsvp(9, "hadir")]
    for text in ("TIDAK HADIR", "tdk hadir", "Izin", "absen"):
        assert talk(Directory([], meeting=meeting), text).effects == [RecordRsvp(9, "tidak")]


def test_reminder_times_and_routine_dates() -> None:
    start = datetime(2026, 12, 5, 12, 30, tzinfo=UTC)  # 19:30 WIB
    assert reminder_times(start, "Asia/Jakarta")["day_before"] == datetime(
        2026, 12, 4, 1, 0, tzinfo=UTC)
    assert split_routine("Senin pertama 19.30 Balai") == (1, 0, "19.30 Balai")
    assert split_routine("tiap Jumat ke-2 jam 8 pagi di masjid") == (2, 4, "jam 8 pagi di masjid")
    assert split_routine("ketiga Rabu 19.00 x") == (3, 2, "19.00 x")
    assert split_routine("Minggu terakhir 16.00 x")[:2] == (-1, 6)
    assert split_routine("kapan saja") is None
    from datetime import time
    last_sunday = next_routine(NOW, "-1:6", time(16, 0), "Asia/Makassar")
    assert last_sunday == datetime(2026, 12, 27, 8, 0, tzinfo=UTC)
