"""The handling job: a contact's received messages through the engine, in order
(``bot.messaging.handling``), and their replies sent from the same job."""
from __future__ import annotations

import logging

from bot.messaging import handling
from bot.outbox import enqueue_sends
from bot.runtime import Runtime, current
from workers.outbound import send_messages

log = logging.getLogger(__name__)


def handle_contact(contact_id: int) -> int:
    """Handle every message ``contact_id`` has waiting; returns how many."""
    return handling.handle_contact(current(), contact_id, send=send_replies)


def send_replies(rt: Runtime, message_ids: list[int]) -> None:
    """Send the rows a message's handling just committed, in order, in this job: the
    same claim, lease, retry and send lock as a send job (``workers.outbound``), without
    a job of its own per reply. The message is handled whatever happens here: if sending
    breaks off (Redis or the database gone), the rest get their send jobs, or the sweep
    finds them still queued."""
    if not message_ids:
        return
    try:
        send_messages(message_ids)
    except Exception as exc:  # noqa: BLE001 - the rows are queued or given back
        log.warning("sending messages %s from the handling job stopped (%s); "
                    "queuing their send jobs", message_ids, exc)
        enqueue_sends(rt, message_ids)  # a row already sent: its job finds it not queued
