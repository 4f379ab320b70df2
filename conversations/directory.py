"""What flows may look up while handling one message: the :class:`Directory` protocol.

``bot.directory.DbDirectory`` answers it from the database inside the inbound
transaction; tests of single flows pass in-memory stand-ins with the few methods they
need. Every method a flow calls on ``turn.directory`` is declared here
(tests/test_directory_protocol.py checks both sides).

It lives beside the flows rather than in ``conversations.model`` because it names the
views the flows define (``KsmView``, ``MeetingView``...), and the flows import the model.
"""
from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any, Protocol, runtime_checkable

from conversations.flows.ksm_common import JoinRequest, KsmView, Membership, MemberView
from conversations.flows.meeting_common import MeetingView
from conversations.flows.monev import MonevDue
from conversations.model import Dialog


@runtime_checkable
class Directory(Protocol):
    """Read-only facts about the world, as seen by the contact who wrote."""

    contact_id: int
    """The contact whose message is being handled."""

    # The conversation itself

    def parked_dialog(self, since: datetime) -> tuple[int, Dialog] | None:
        """The dialog parked last (after ``since``) for LANJUT: its session id and state."""

    # Areas

    def kelurahan_names(self) -> list[tuple[int, str]]:
        """Every kelurahan as ``(id, name)``, a name two share saying its kota."""

    def kelurahan_by_code(self, code: str) -> tuple[int, str] | None:
        """The kelurahan with the Kemendagri ``code`` (``32.73.14.1004``) as ``(id, name)``."""

    def kelurahan_time_zone(self, kelurahan_id: int) -> str:
        """The kelurahan's IANA time zone (``Asia/Jakarta`` when unknown)."""

    def public_info(self, typed: str) -> dict[str, Any]:
        """This month's public figures of the kelurahan ``typed`` names."""

    # KSM

    def ksms_led(self) -> list[KsmView]:
        """The KSMs the contact leads."""

    def ksm_by_code(self, code: str) -> KsmView | None:
        """The KSM with ``code`` (for a simulated number, only a simulated leader's)."""

    def my_ksms(self) -> list[Membership]:
        """The KSMs the contact leads, was invited to or joined (not declined ones)."""

    def my_status_in(self, ksm_id: int) -> str | None:
        """The contact's membership status in the KSM, None if not a member."""

    def member_status(self, ksm_id: int, phone: str) -> str | None:
        """The membership status in the KSM of the member with ``phone``."""

    def ksm_members(self, ksm_id: int) -> list[MemberView]:
        """The KSM's members, leader first."""

    def leader_reachable(self, ksm_id: int) -> bool:
        """False when the KSM's leader opted out or has a dead number."""

    def join_requests(self) -> list[JoinRequest]:
        """Requests to join the KSMs the contact leads (any answer), newest first."""

    def pjm_programs(self, kelurahan_id: int) -> list[tuple[int, str]]:
        """The kelurahan's active PJM programmes as ``(id, name)``, for a proposal."""

    def monev_due(self, now: datetime) -> list[MonevDue]:
        """Unreported monev periods of the verified KSMs the contact leads, due by next week."""

    # Meetings

    def next_meeting(self, ksm_id: int, now: datetime) -> MeetingView | None:
        """The KSM's next scheduled meeting after ``now``."""

    def unreachable_members(self, ksm_id: int) -> list[str]:
        """Names of the KSM's members (not its leader) a notice will not reach."""

    def my_next_meeting(self, now: datetime) -> MeetingView | None:
        """The soonest meeting of any KSM the contact is a confirmed member of."""

    def my_meetings(self, now: datetime) -> list[MeetingView]:
        """Upcoming meetings of the contact's KSMs, soonest first, each with ``told_at``."""

    # Complaints and announcements

    def new_complaint_code(self) -> str:
        """A random complaint code no complaint has yet, for the flow to file under."""

    def complaint_code(self, ref: int | None) -> str | None:
        """The code of the complaint the contact filed with inbound message ``ref``."""

    def own_complaint_codes(self, limit: int = 4) -> list[str]:
        """The codes of the contact's newest complaints, newest first."""

    def own_complaint(self, code: str) -> dict[str, Any] | None:
        """Status facts of complaint ``code`` if this contact filed it, else None:
        ``status``, ``date`` (its last change, a local ``datetime.date``), ``year`` (True
        when that is not this year) and ``response``."""

    def complaint_check_misses(self, within: timedelta = timedelta(hours=1)) -> int:
        """Wrong CEK codes the contact sent within the last ``within``."""

    def latest_announcement(self) -> int | None:
        """The newest published announcement of the contact's kelurahan or KSMs."""
