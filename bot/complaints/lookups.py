"""Look-ups the complaint flows (ADUAN, CEK) make through ``turn.directory``."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone
from functools import lru_cache
from typing import Any

from sqlalchemy import Select, bindparam, func, select
from sqlalchemy.orm import Session

from bot.complaints.intake import new_unique_code
from bot.models import Complaint, ComplaintCheckMiss, Kelurahan
from conversations.flows.meeting_common import zone


@lru_cache(maxsize=None)
def _code_of() -> Select[Any]:
    """Built once (asked on each answer of the ADUAN dialog)."""
    return select(Complaint.code).where(Complaint.inbound_message_id == bindparam("ref"),
                                        Complaint.contact_id == bindparam("contact_id"))


@lru_cache(maxsize=None)
def _check_misses() -> Select[Any]:
    """Built once (asked on each CEK)."""
    return (select(func.count()).select_from(ComplaintCheckMiss)
            .where(ComplaintCheckMiss.contact_id == bindparam("contact_id"),
                   ComplaintCheckMiss.created_at >= bindparam("since")))


class ComplaintLookups:
    """Mixed into ``bot.directory.DbDirectory``."""

    session: Session
    contact_id: int

    def new_complaint_code(self) -> str:
        """A random complaint code no complaint has yet, for the flow to file under."""
        return new_unique_code(self.session)

    def complaint_code(self, ref: int | None) -> str | None:
        """The code of the complaint this contact filed with inbound message ``ref``."""
        if ref is None:
            return None
        return self.session.scalar(_code_of(), {"ref": ref, "contact_id": self.contact_id})

    def own_complaint_codes(self, limit: int = 4) -> list[str]:
        """The codes of this contact's newest complaints, newest first."""
        return list(self.session.scalars(
            select(Complaint.code).where(Complaint.contact_id == self.contact_id)
            .order_by(Complaint.id.desc()).limit(limit)))

    def own_complaint(self, code: str) -> dict[str, Any] | None:
        """Status facts of complaint ``code`` if THIS contact filed it, else None.

        Someone else's code gives None exactly like a code that does not exist. A
        complaint merged into another answers with that one's status and response.
        """
        facts = (Complaint.status, Complaint.updated_at, Complaint.public_response,
                 Kelurahan.time_zone, Complaint.merged_into_id)
        row = self.session.execute(
            select(*facts)
            .outerjoin(Kelurahan, Kelurahan.id == Complaint.kelurahan_id)
            .where(Complaint.code == code, Complaint.contact_id == self.contact_id)
        ).first()
        if row is None:
            return None
        if row.merged_into_id is not None:
            row = self.session.execute(
                select(*facts)
                .outerjoin(Kelurahan, Kelurahan.id == Complaint.kelurahan_id)
                .where(Complaint.id == row.merged_into_id)
            ).first() or row
        tz = zone(row.time_zone)
        local = row.updated_at.astimezone(tz)
        # The flow writes the day in words; the year only when it is not this one.
        return {"status": row.status, "date": local.date(),
                "year": local.year != datetime.now(tz).year, "response": row.public_response}

    def complaint_check_misses(self, within: timedelta = timedelta(hours=1)) -> int:
        """Wrong CEK codes this contact sent in the last hour."""
        since = datetime.now(timezone.utc) - within
        return self.session.scalar(
            _check_misses(), {"contact_id": self.contact_id, "since": since}) or 0
