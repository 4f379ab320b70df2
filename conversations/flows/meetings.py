"""RAPAT: a KSM leader schedules (or cancels) a meeting; HADIR / TIDAK HADIR: a member
answers for their next meeting.

``RAPAT 5/12 19.30 Balai RW``, ``RAPAT besok jam 7 malam di rumah Pak RT``,
``RAPAT RUTIN Senin pertama 19.30 Balai RW`` (every month), ``RAPAT BATAL``. Dates are
read in the kelurahan's time zone relative to the message's arrival
(``turn.inbound.received_at``); the bot reads the meeting back for YA/TIDAK before
anything is saved or sent. A leader of several KSMs is asked which one first.

A bare ``TIDAK`` cannot be a keyword: a message that is exactly a keyword starts its
service even inside another dialog, and every YA/TIDAK question would be hijacked.
Members answer ``TIDAK HADIR`` (or ``ABSEN``/``IZIN``) instead.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any

import conversations.flows.ksm_texts  # noqa: F401  (ksm.ask.which, ksm.error.yes_no)
from conversations import lexicon
import conversations.flows.meeting_texts  # noqa: F401
from conversations.catalogue import render
from conversations.dates_id import MONTHS, WhenError, parse_when
from conversations.flow import Flow, Invalid, invalid_choice
from conversations.flows.ksm_common import (
    REJECTED,
    KsmView,
    ksm_options,
    parse_yes_no,
    pick_ksm,
    plain_text,
)
from conversations.flows.meeting_common import (
    MeetingView,
    local_clock,
    local_when,
    next_routine,
    recurrence_code,
    routine_words,
    split_routine,
    zone,
)
from conversations.keywords import match, normalise
from conversations.model import Dialog, Effect, Outcome, Reply, Turn

PLACE_MAX = 40
MAX_AHEAD = timedelta(days=366)
NEW, ROUTINE, CANCEL = "new", "rutin", "batal"
MODE_WORDS = {"RUTIN": ROUTINE, "BATAL": CANCEL, "BATALKAN": CANCEL}


@dataclass(frozen=True)
class ScheduleMeeting(Effect):
    """Save the meeting with its reminders and tell the KSM's members at once."""

    ksm_id: int
    starts_at: datetime  # UTC
    place: str
    recurrence: str | None = None


@dataclass(frozen=True)
class CancelMeeting(Effect):
    """Cancel the meeting (a routine stops too) and tell the members."""

    meeting_id: int


@dataclass(frozen=True)
class RecordRsvp(Effect):
    """The sender's answer to the meeting; a later answer replaces an earlier one."""

    meeting_id: int
    answer: str  # hadir / tidak


NOT_TOLD_NAMES = 3  # named in the read-back; the rest are counted


def not_told(names: list[str], language: str) -> str:
    """The read-back's note on members a notice will not reach ("" when none)."""
    if not names:
        return ""
    shown = ", ".join(name[:20] for name in names[:NOT_TOLD_NAMES])
    more = len(names) - NOT_TOLD_NAMES
    if more > 0:
        shown += render("rapat.not_told.more", language, n=more)
    return render("rapat.not_told", language, names=shown)


def _now(turn: Turn) -> datetime:
    return turn.inbound.received_at or datetime.now(timezone.utc)


def _ksm_data(view: KsmView) -> dict[str, Any]:
    return {"id": view.id, "name": view.name, "kelurahan_id": view.kelurahan_id,
            "members": max(view.confirmed - 1, 0)}


def _led(turn: Turn) -> list[KsmView]:
    return [k for k in turn.directory.ksms_led() if k.status != REJECTED]


class MeetingFlow(Flow):
    """RAPAT [RUTIN|BATAL] [date time place]; steps: ksm, when, confirm."""

    name = "meeting"
    keywords = {"RAPAT": "meeting", "PERTEMUAN": "meeting", "JADWAL RAPAT": "meeting"}
    menu_key = "rapat.menu"

    def answers_keyword(self, dialog: Dialog, flow_name: str) -> bool:
        # "RAPAT 5/12 19.30 ..." typed again when asked for the date is the answer.
        return dialog.step == "when" and flow_name == self.name

    def start(self, turn: Turn) -> Outcome:
        words = turn.args.split(maxsplit=1)
        mode = MODE_WORDS.get(normalise(words[0])) if words else None
        text = (words[1] if len(words) > 1 else "") if mode else turn.args
        led = _led(turn)
        if not led:
            return self._member_view(turn)
        data: dict[str, Any] = {"mode": mode or NEW, "text": text.strip()}
        if len(led) == 1:
            data["ksm"] = _ksm_data(led[0])
            return self._proceed(turn, data)
        return Outcome(replies=[Reply("ksm.ask.which", self._which(led))],
                       dialog=Dialog(self.name, "ksm", data))

    def resume(self, turn: Turn, dialog: Dialog) -> Outcome:
        data = dict(dialog.data)
        text = turn.inbound.text
        if dialog.step == "ksm":
            led = _led(turn)
            try:
                data["ksm"] = self._parse_which(text, led)
            except Invalid as invalid:
                return Outcome(replies=[invalid.reply], dialog=dialog)
            return self._proceed(turn, data)
        if dialog.step == "when":
            # "RAPAT 5/12 ..." typed again inside the dialog is an answer too.
            found = match(text, _RAPAT)
            data["text"] = found.rest if found is not None else text
            return self._proceed(turn, data)
        again = match(text, _RAPAT)
        if again is not None and again.rest.strip():
            # A new RAPAT instead of YA/TIDAK: the read-back waiting is dropped (and
            # said so), the new one read back, so the next "ya" is about it alone.
            started = self.start(Turn(inbound=turn.inbound, conversation=turn.conversation,
                                      directory=turn.directory, args=again.rest))
            started.replies.insert(0, self._not_done(data))
            return started
        try:
            yes = parse_yes_no(text)
        except Invalid as invalid:
            return Outcome(replies=[invalid.reply], dialog=dialog)
        return self._confirmed(data) if yes else Outcome(replies=[self._not_done(data)])

    @staticmethod
    def _not_done(data: dict[str, Any]) -> Reply:
        return Reply("rapat.batal.kept" if data["mode"] == CANCEL else "rapat.not_saved")

    # -- steps -------------------------------------------------------------------------

    def _which(self, led: list[KsmView]) -> dict[str, Any]:
        return {"options": ksm_options(led)}

    def _parse_which(self, text: str, led: list[KsmView]) -> dict[str, Any]:
        view = pick_ksm(text, led)
        if view is None:
            raise invalid_choice(len(led))
        return _ksm_data(view)

    def _proceed(self, turn: Turn, data: dict[str, Any]) -> Outcome:
        ksm = data["ksm"]
        if data["mode"] != CANCEL and not ksm.get("members"):
            # Nobody to tell: "Kirim ke 0 anggota?" then "Anggota diberi tahu" was a lie.
            return Outcome(replies=[Reply("rapat.no_members", {"ksm": ksm["name"]})])
        if data["mode"] == CANCEL:
            meeting = turn.directory.next_meeting(ksm["id"], _now(turn))
            if meeting is None:
                return Outcome(replies=[Reply("rapat.batal.none", {"ksm": ksm["name"]})])
            data["meeting_id"] = meeting.id
            when = local_when(meeting.starts_at, meeting.time_zone, turn.language, now=_now(turn))
            return Outcome(
                replies=[Reply("rapat.batal.confirm", {"ksm": ksm["name"], "when": when,
                                                       "place": meeting.place})],
                dialog=Dialog(self.name, "confirm", data))
        if not data["text"]:
            key = "rapat.ask.rutin" if data["mode"] == ROUTINE else "rapat.ask.when"
            return Outcome(replies=[Reply(key)], dialog=Dialog(self.name, "when", data))
        time_zone = turn.directory.kelurahan_time_zone(ksm["kelurahan_id"])
        try:
            reply = self._read(turn, data, time_zone)
        except Invalid as invalid:
            return Outcome(replies=[invalid.reply], dialog=Dialog(self.name, "when", data))
        return Outcome(replies=[reply], dialog=Dialog(self.name, "confirm", data))

    def _read(self, turn: Turn, data: dict[str, Any], time_zone: str) -> Reply:
        """Parse ``data["text"]`` into ``data`` and return the read-back question."""
        now = _now(turn)
        local_now = now.astimezone(zone(time_zone))
        text = data["text"]
        rule = None
        if data["mode"] == ROUTINE:
            routine = split_routine(text)
            if routine is None:
                raise Invalid("rapat.error.rutin")
            nth, weekday, text = routine
            rule = recurrence_code(nth, weekday)
        try:
            when = parse_when(text, local_now)
        except WhenError as error:
            raise Invalid("rapat.error.rutin" if rule and error.reason == "nothing"
                          else f"rapat.error.{error.reason}", **error.params) from None
        place = when.rest.strip()
        if not place:
            raise Invalid("rapat.error.place")
        place = plain_text(place, PLACE_MAX)
        starts_at = when.at.astimezone(timezone.utc)
        if rule is not None:
            starts_at = next_routine(now, rule, when.at.time(), time_zone)
        if starts_at - now > MAX_AHEAD:
            raise Invalid("rapat.error.far")
        data.update(starts_at=starts_at.isoformat(), place=place, recurrence=rule,
                    time_zone=time_zone)
        unreachable = turn.directory.unreachable_members(data["ksm"]["id"])
        params = {"ksm": data["ksm"]["name"], "place": place,
                  "n": max(data["ksm"]["members"] - len(unreachable), 0),
                  "when": local_when(starts_at, time_zone, turn.language, now=now),
                  "not_told": not_told(unreachable, turn.language)}
        if rule is None:
            return Reply("rapat.confirm", params)
        return Reply("rapat.confirm_rutin", {**params, "rule": routine_words(rule, turn.language),
                                             "clock": local_clock(starts_at, time_zone)})

    def _confirmed(self, data: dict[str, Any]) -> Outcome:
        if data["mode"] == CANCEL:
            return Outcome(replies=[Reply("rapat.batal.done")],
                           effects=[CancelMeeting(meeting_id=data["meeting_id"])])
        effect = ScheduleMeeting(
            ksm_id=data["ksm"]["id"], starts_at=datetime.fromisoformat(data["starts_at"]),
            place=data["place"], recurrence=data.get("recurrence"))
        return Outcome(replies=[Reply("rapat.saved")], effects=[effect])

    def _member_view(self, turn: Turn) -> Outcome:
        meeting = turn.directory.my_next_meeting(_now(turn))
        if meeting is None:
            return Outcome(replies=[Reply("rapat.not_leader")])
        return Outcome(replies=[Reply("rapat.next", {
            "ksm": meeting.ksm_name, "place": meeting.place,
            "when": local_when(meeting.starts_at, meeting.time_zone, turn.language,
                               now=_now(turn))})])


ANSWERS = {"HADIR": "hadir", "DATANG": "hadir", "TIDAK HADIR": "tidak", "TDK HADIR": "tidak",
           "GAK HADIR": "tidak", "ABSEN": "tidak", "IZIN": "tidak", "IJIN": "tidak"}
# A bare TIDAK answers a meeting notice only when no dialog is asking a YA/TIDAK question.
IDLE_ANSWERS = {"TIDAK": "tidak", "TDK": "tidak"}
_ALL_ANSWERS = {**ANSWERS, **IDLE_ANSWERS}
_RAPAT = {"RAPAT": "rapat"}


_DAY_MONTH = re.compile(r"(\d{1,2})\s*[/.-]\s*(\d{1,2})\b")
_DAY = re.compile(r"(?:TGL|TANGGAL)\.?\s*(\d{1,2})\b")
_DAY_MONTH_NAME = re.compile(r"(\d{1,2})\s+([A-Z]+)")


def answer_date(text: str) -> tuple[int, int | None] | None:
    """The day (and month) an answer names: ``10/12``, ``tgl 10``, ``10 Des``; or None."""
    upper = text.upper()
    found = _DAY_MONTH.search(upper)
    if found:
        return int(found.group(1)), int(found.group(2))
    found = _DAY_MONTH_NAME.search(upper)
    if found and found.group(2).lower() in MONTHS:
        return int(found.group(1)), MONTHS[found.group(2).lower()]
    found = _DAY.search(upper)
    return (int(found.group(1)), None) if found else None


def _on(meeting: MeetingView, day: int, month: int | None) -> bool:
    local = meeting.starts_at.astimezone(zone(meeting.time_zone))
    return local.day == day and (month is None or local.month == month)


class RsvpFlow(Flow):
    """HADIR / TIDAK (HADIR) [date]: the answer goes to the meeting the member was told
    about last, or to the one on the date given; when that leaves more than one, the
    member picks one by number (step ``which``)."""

    name = "meeting_rsvp"
    keywords = {keyword: "meeting_rsvp" for keyword in ANSWERS}
    idle_keywords = {keyword: "meeting_rsvp" for keyword in IDLE_ANSWERS}
    collects = False

    def start(self, turn: Turn) -> Outcome:
        found = match(turn.inbound.text, _ALL_ANSWERS)
        answer = found.value if found is not None else "hadir"
        meetings = turn.directory.my_meetings(_now(turn))
        if not meetings:
            return Outcome(replies=[Reply("rsvp.none")])
        named = answer_date(found.rest) if found is not None else None
        if named is not None:
            chosen = [m for m in meetings if _on(m, *named)]
            if not chosen:
                day = f"{named[0]}/{named[1]}" if named[1] else str(named[0])
                return self._ask(turn, answer, meetings, Reply("rsvp.no_date", {"date": day}))
        else:
            last = max((m.told_at for m in meetings if m.told_at), default=None)
            chosen = [m for m in meetings if m.told_at == last] if last else meetings[:1]
        if len(chosen) == 1:
            return self._record(turn, answer, chosen[0])
        return self._ask(turn, answer, chosen, None)

    def addressed(self, args: str) -> bool:
        """``TIDAK setuju``, ``tdk bersedia bu``: a no to something else than a meeting
        (an invitation, a request to join), read as if no keyword were there."""
        if not lexicon.mentions(args, lexicon.AGREE) or answer_date(args) is not None:
            return True
        return lexicon.mentions(args, lexicon.ATTEND) or lexicon.mentions(args, lexicon.DECLINE)

    def answers_notice(self, turn: Turn) -> Outcome | None:
        """``iya bu insyaallah hadir``, ``maaf gak bisa datang ada acara``: an answer to
        the meeting the member was told about last, while it is still ahead."""
        answer = lexicon.rsvp(turn.inbound.text)
        if answer is None or turn.directory is None:
            return None
        told = [m for m in turn.directory.my_meetings(_now(turn)) if m.told_at]
        if not told:
            return None
        return self._record(turn, answer, max(told, key=lambda m: m.told_at))

    def resume(self, turn: Turn, dialog: Dialog) -> Outcome:
        if dialog.step != "which":
            return self.start(turn)
        ids = dialog.data.get("ids", [])
        choice = normalise(turn.inbound.text)
        if not choice.isdigit() or not 1 <= int(choice) <= len(ids):
            return Outcome(replies=[invalid_choice(len(ids)).reply], dialog=dialog)
        meeting_id = ids[int(choice) - 1]
        meeting = next((m for m in turn.directory.my_meetings(_now(turn))
                        if m.id == meeting_id), None)
        if meeting is None:  # cancelled or begun meanwhile
            return Outcome(replies=[Reply("rsvp.none")])
        return self._record(turn, dialog.data["answer"], meeting)

    def _ask(self, turn: Turn, answer: str, meetings: list[MeetingView],
             note: Reply | None) -> Outcome:
        options = ", ".join(
            f"{n} {local_when(m.starts_at, m.time_zone, turn.language, now=_now(turn))}"
            f" {m.ksm_name}" for n, m in enumerate(meetings, 1))
        key = "rsvp.ask.yes" if answer == "hadir" else "rsvp.ask.no"
        replies = [note] if note is not None else []
        replies.append(Reply(key, {"options": options}))
        return Outcome(replies=replies, dialog=Dialog(
            self.name, "which", {"answer": answer, "ids": [m.id for m in meetings]}))

    def _record(self, turn: Turn, answer: str, meeting: MeetingView) -> Outcome:
        when = local_when(meeting.starts_at, meeting.time_zone, turn.language, now=_now(turn))
        key = "rsvp.yes" if answer == "hadir" else "rsvp.no"
        return Outcome(replies=[Reply(key, {"ksm": meeting.ksm_name, "when": when})],
                       effects=[RecordRsvp(meeting_id=meeting.id, answer=answer)])
