"""The send job: one stored outbound message through the sender, exactly once."""
from __future__ import annotations

import logging
from datetime import datetime, timezone

from sqlalchemy import select, update

from bot.models import Contact, Kelurahan, Message
from bot.models import messaging as m
from workers import clock
from workers.channels import choose_route
from workers.clock import quiet_hours_on
from workers.quiet_hours import is_quiet
from workers.rate_limit import SLOW_DOWN_CODES, acquire, limiter_for, sender_key
from workers.senders import INVALID_NUMBER_CODES, OPTED_OUT_CODES, Outgoing, SendError

log = logging.getLogger(__name__)

# Replies and notices a resident asked for still go to an opted-out number; nothing else.
PROMPTED_KINDS = {"reply", "officer_reply"}


class RetryLater(Exception):
    """Raised so that the job queue retries the job with backoff (429, 5xx, unreachable)."""


def send_message(message_id: int) -> str:
    """Send the queued outbound message ``message_id``.

    Claims the row (queued -> sending) so that a second run, on any worker, does
    nothing. Permanent errors mark the message failed (and the contact opted out or
    invalid); retryable ones put it back to queued and raise :class:`RetryLater`.

    Returns:
        What happened, for the job's result.
    """
    from bot.runtime import current

    rt = current()
    table = Message.__table__
    now = datetime.now(timezone.utc)
    with rt.db.session() as session:
        claimed = session.execute(
            update(table)
            .where(table.c.id == message_id, table.c.status == m.QUEUED)
            .values(status=m.SENDING, attempts=table.c.attempts + 1, updated_at=now)
            .returning(table.c.contact_id, table.c.channel, table.c.body, table.c.kind, table.c.media)
        ).first()
        if claimed is None:
            return "not queued"
        contact = session.execute(
            select(Contact.phone, Contact.opted_out, Contact.invalid_number, Contact.last_whatsapp_at,
                   Kelurahan.time_zone)
            .outerjoin(Kelurahan, Kelurahan.id == Contact.kelurahan_id)
            .where(Contact.id == claimed.contact_id)
        ).one()
        if contact.invalid_number or (contact.opted_out and claimed.kind not in PROMPTED_KINDS):
            session.execute(update(table).where(table.c.id == message_id).values(status=m.SKIPPED))
            return "skipped"
        quiet = quiet_hours_on(rt) and is_quiet(clock.now(rt), contact.time_zone)
        if claimed.kind not in PROMPTED_KINDS and quiet:
            # The sweep queues it again once it is 06:00 for this contact.
            session.execute(update(table).where(table.c.id == message_id)
                            .values(status=m.HELD, attempts=table.c.attempts - 1))
            return "held"

    # WhatsApp outside the 24-hour window: the kind's approved template, else SMS.
    route = choose_route(claimed.channel, contact.last_whatsapp_at, clock.now(rt), claimed.body,
                         content_sid=rt.settings.whatsapp_templates.get(claimed.kind or ""))
    outgoing = Outgoing(
        to=contact.phone,
        channel=route.channel,
        body=route.body,
        media_urls=tuple(x["url"] for x in (claimed.media or [])) if route.channel == "whatsapp" else (),
        status_callback=_status_callback(rt.settings.public_base_url),
        content_sid=route.content_sid,
        content_variables=route.content_variables,
    )
    try:
        # Replies share the sender's rate with broadcasts; a reservation per message
        # puts a reply at most one slot per busy worker behind a running broadcast.
        key, per_second = sender_key(rt.settings, route.channel)
        acquire(limiter_for(rt), key, per_second)
        sid = rt.sender.send(outgoing)
    except SendError as error:
        if error.code in SLOW_DOWN_CODES or error.http_status == 429:
            limiter_for(rt).slow_down(key)
        return _failed(rt, message_id, claimed.contact_id, error)
    with rt.db.session() as session:
        session.execute(
            update(table)
            .where(table.c.id == message_id, table.c.status == m.SENDING)
            .values(status=m.SENT, twilio_sid=sid, sent_at=now, error_code=None,
                    channel=route.channel, updated_at=datetime.now(timezone.utc))
        )
    return f"sent {sid}"


def _failed(rt, message_id: int, contact_id: int, error: SendError) -> str:  # type: ignore[no-untyped-def]
    table = Message.__table__
    now = datetime.now(timezone.utc)
    with rt.db.session() as session:
        if error.retryable:
            session.execute(
                update(table).where(table.c.id == message_id)
                .values(status=m.QUEUED, error_code=error.code, updated_at=now)
            )
        else:
            session.execute(
                update(table).where(table.c.id == message_id)
                .values(status=m.FAILED, error_code=error.code, updated_at=now)
            )
            mark_contact_for_error(session, contact_id, error.code, now)
    if error.retryable:
        log.warning("message %s: retryable send error %s (%s)", message_id, error.code, error)
        raise RetryLater(f"message {message_id}: {error}")
    log.warning("message %s failed for good: %s %s", message_id, error.code, error)
    return f"failed {error.code}"


def mark_contact_for_error(session, contact_id: int, code: int | None, now: datetime) -> None:  # type: ignore[no-untyped-def]
    """21610: the number sent STOP to Twilio; 21211/21614: not a number we can text."""
    if code in OPTED_OUT_CODES:
        session.execute(
            update(Contact).where(Contact.id == contact_id).values(opted_out=True, opted_out_at=now)
        )
    elif code in INVALID_NUMBER_CODES:
        session.execute(update(Contact).where(Contact.id == contact_id).values(invalid_number=True))


def _status_callback(public_base_url: str | None) -> str | None:
    return f"{public_base_url}/webhooks/twilio/status" if public_base_url else None
