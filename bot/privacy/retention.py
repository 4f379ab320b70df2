"""The retention policy: after ``RETENTION_MONTHS`` a complaint forgets who filed it.

Which complaints (``due``):
- closed ones (resolved, rejected, not our authority) closed more than the retention
  period ago;
- anonymous ones, whatever their status, untouched (``updated_at``) for that long.

What a purge does to each (``detach``), in one transaction:
- ``contact_id`` and ``inbound_message_id`` are cleared, ``purged_at`` set: nothing
  leads from the complaint to a number any more;
- the NIK and phone numbers written in its text, who is complained about and the
  location are masked (``bot.privacy.pii_mask``);
- the messages of its thread (the resident's messages, the bot's replies, the notices)
  keep their row, status and time for the sending statistics, but lose their body and
  media, and the audit trail, notices and media no longer point at them; notices not
  sent yet (held by quiet hours, still queued) are skipped: nobody is left to receive
  them;
- an audit entry says so (``purged``), with the number of months and nothing personal.

The complaint itself, its code, kind, area, amount, dates, status and audit trail stay
for the program's audit and statistics. The contact (the number) is not deleted here:
the resident may use other services; ``HAPUS DATA`` erases a number (bot.privacy.erasure).

``ksm-bot privacy purge --dry-run`` lists what would go; the sweep runs the purge once a
day (``workers.sweep.purge_expired_personal_data``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import and_, delete, or_, select, update
from sqlalchemy.orm import Session

from bot import gateway_devices, rate_counts
from bot.models import Complaint, ComplaintEvent, ComplaintMedia, ComplaintNotice, Message
from bot.models import complaint as c
from bot.models import messaging as m
from bot.privacy import pii_mask
from bot.complaints.events import record

BATCH = 500  # complaints per transaction: a first purge of years of data goes in steps


def months_before(now: datetime, months: int) -> datetime:
    """``now`` minus ``months`` calendar months (the 31st becomes the month's last day)."""
    total = now.year * 12 + (now.month - 1) - months
    year, month = divmod(total, 12)
    month += 1
    for day in (now.day, 30, 29, 28):
        try:
            return now.replace(year=year, month=month, day=day)
        except ValueError:
            continue
    raise ValueError(now)  # pragma: no cover - day 28 exists in every month


def _due_condition(cutoff: datetime) -> Any:
    return and_(
        Complaint.purged_at.is_(None),
        or_(
            and_(Complaint.status.in_(c.CLOSED), Complaint.closed_at < cutoff),
            and_(Complaint.anonymous.is_(True), Complaint.updated_at < cutoff),
        ),
    )


def due(session: Session, now: datetime, months: int, limit: int | None = None) -> list[Complaint]:
    """The complaints whose link to their complainant has outlived ``months``, oldest first."""
    query = select(Complaint).where(_due_condition(months_before(now, months)))
    query = query.order_by(Complaint.id)
    if limit:
        query = query.limit(limit)
    return list(session.scalars(query))


def thread_message_ids(session: Session, complaint_ids: list[int]) -> list[int]:
    """Every message of these complaints: the first one, those the audit trail, notices
    and media name, and the replies to them."""
    if not complaint_ids:
        return []
    ids: set[int] = set()
    for column, owner in (
        (Complaint.inbound_message_id, Complaint.id),
        (ComplaintEvent.message_id, ComplaintEvent.complaint_id),
        (ComplaintNotice.message_id, ComplaintNotice.complaint_id),
        (ComplaintMedia.message_id, ComplaintMedia.complaint_id),
    ):
        ids.update(
            session.scalars(select(column).where(owner.in_(complaint_ids), column.is_not(None)))
        )
    if ids:
        ids.update(session.scalars(select(Message.id).where(Message.reply_to_id.in_(ids))))
    return sorted(ids)


def blank_messages(session: Session, message_ids: list[int], now: datetime) -> None:
    """Keep the rows (status, time, channel: the sending statistics), drop what was said."""
    for start in range(0, len(message_ids), BATCH):
        chunk = message_ids[start:start + BATCH]
        session.execute(
            update(Message).where(Message.id.in_(chunk)).values(body="", media=None,
                                                               updated_at=now)
        )


def detach(session: Session, complaints: list[Complaint], now: datetime, action: str,
           after: dict[str, Any] | None = None) -> None:
    """Cut ``complaints`` from their complainant (see the module's docstring) and record
    ``action`` in each one's audit trail."""
    ids = [x.id for x in complaints]
    if not ids:
        return
    thread = thread_message_ids(session, ids)
    blank_messages(session, thread, now)
    for start in range(0, len(thread), BATCH):
        session.execute(
            update(Message)
            .where(Message.id.in_(thread[start:start + BATCH]),
                   Message.status.in_((m.QUEUED, m.HELD)))
            .values(status=m.SKIPPED, updated_at=now)
        )
    session.execute(
        update(ComplaintEvent).where(ComplaintEvent.complaint_id.in_(ids)).values(message_id=None)
    )
    session.execute(
        update(ComplaintMedia).where(ComplaintMedia.complaint_id.in_(ids)).values(message_id=None)
    )
    session.execute(
        delete(ComplaintNotice).where(ComplaintNotice.complaint_id.in_(ids),
                                      ComplaintNotice.message_id.is_(None))
    )
    session.execute(
        update(ComplaintNotice).where(ComplaintNotice.complaint_id.in_(ids))
        .values(message_id=None, body="")
    )
    for complaint in complaints:
        complaint.contact_id = None
        complaint.inbound_message_id = None
        complaint.text = pii_mask.mask(complaint.text)
        if complaint.accused:
            complaint.accused = pii_mask.mask(complaint.accused)
        if complaint.location_text:
            complaint.location_text = pii_mask.mask(complaint.location_text)
        complaint.purged_at = now
        record(session, complaint.id, action, None, None, after, now=now)
    session.flush()


@dataclass
class PurgeReport:
    """What a purge did (or, dry, would do): counts and complaint codes, no numbers."""

    cutoff: datetime
    codes: list[str] = field(default_factory=list)
    closed: int = 0
    anonymous_open: int = 0
    messages: int = 0


def purge(session: Session, now: datetime, months: int, dry_run: bool = False) -> PurgeReport:
    """Apply the retention policy to every complaint it covers (see the module).

    Args:
        session: an open transaction; committed in batches unless ``dry_run``.
        now: the time the policy is measured from.
        months: ``RETENTION_MONTHS``.
        dry_run: only report what would go; change nothing.

    Returns:
        The counts and the codes of the complaints concerned.
    """
    report = PurgeReport(cutoff=months_before(now, months))
    if dry_run:
        found = due(session, now, months)
        _count(session, report, found)
        return report
    while True:
        found = due(session, now, months, limit=BATCH)
        if not found:
            return report
        _count(session, report, found)
        detach(session, found, now, "purged", {"months": months})
        session.commit()


def _count(session: Session, report: PurgeReport, found: list[Complaint]) -> None:
    report.codes += [x.code for x in found]
    report.closed += sum(1 for x in found if x.status in c.CLOSED)
    report.anonymous_open += sum(1 for x in found if x.status not in c.CLOSED)
    report.messages += len(thread_message_ids(session, [x.id for x in found]))


def purge_due(rt, now: datetime) -> int:  # type: ignore[no-untyped-def]
    """Sweep task body: purge what is due; returns how many complaints were cut."""
    with rt.db.sessions() as session:
        report = purge(session, now, rt.settings.retention_months)
    with rt.db.session() as session:
        gateway_devices.forget_old_events(session, now)
        rate_counts.forget_ended(session, now)
    return len(report.codes)
