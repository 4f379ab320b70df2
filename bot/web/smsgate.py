"""SMS Gateway for Android's webhook: received SMS, delivery reports and pings.

Every request must carry ``X-Signature`` (hex HMAC-SHA256 with SMSGATE_SIGNING_KEY of
the raw body followed by ``X-Timestamp``) and an ``X-Timestamp`` within five minutes:
else 401 and nothing is stored. With no signing key configured nothing is accepted.

A signed body that is no event, or lacks a field it needs, gets a 400 with a one-line
reason. Events this bot does not act on get a 2xx, so the gateway stops re-delivering
them. A received SMS is stored (or, with the database down, spooled: ``bot.spool``)
before the 2xx; its replies are queued and sent through the gateway's API by the send
job. Anything that fails after the signature check answers 5xx, and the gateway
delivers the event again.
"""
from __future__ import annotations

import logging
import time

from flask import Blueprint, Response, abort, request

from bot import clock
from bot import gateway_devices
from bot.providers import smsgate as events
from bot.delivery import record_status
from bot.inbound import receive
from bot.models.messaging import SMSGATE
from bot.web.request import get_runtime

log = logging.getLogger(__name__)

bp = Blueprint("smsgate", __name__, url_prefix="/webhooks/smsgate")


def _check_signature(body: bytes) -> None:
    key = get_runtime().settings.smsgate_signing_key
    if not key:
        abort(Response("gateway webhooks are disabled: SMSGATE_SIGNING_KEY is not set\n", 403,
                       mimetype="text/plain"))
    signature = request.headers.get("X-Signature", "")
    timestamp = request.headers.get("X-Timestamp", "")
    if not signature or not events.signature_ok(key, body, timestamp, signature, time.time()):
        abort(Response("invalid or stale gateway signature\n", 401, mimetype="text/plain"))


def _answer(text: str, status: int = 200) -> Response:
    return Response(text + "\n", status, mimetype="text/plain")


def _note_phone(event: events.Event) -> None:
    """Keep the phone's health (``bot.gateway_devices``); never in the event's way: with
    the database down a received SMS must still be spooled and answered 2xx."""
    if event.device_id is None:
        return
    now = clock.now(get_runtime())
    try:
        with get_runtime().db.session() as session:
            gateway_devices.heard_from(session, event.device_id, now)
            if event.kind in (events.SENT, events.DELIVERED):
                gateway_devices.sent_by(session, event.device_id, now)
            elif event.kind == events.FAILED and gateway_devices.first_delivery(
                    session, event.id, now):
                gateway_devices.failed_on(session, event.device_id, now)
    except Exception:  # noqa: BLE001 - see above
        log.warning("could not note gateway phone %s", event.device_id, exc_info=True)


@bp.post("")
def event() -> Response:
    body = request.get_data(cache=False)
    _check_signature(body)
    try:
        parsed = events.parse_event(body)
        if parsed.kind == events.RECEIVED:
            receive(get_runtime(), events.received_message(parsed))
            _note_phone(parsed)  # after: the message comes first
            return _answer("stored")
        if parsed.kind in events.STATUS_OF:
            report = events.delivery_report(parsed)
            if report.reason:
                log.warning("gateway reports %s %s: %s", report.external_id, report.status,
                            report.reason)
            # A report for a message this bot did not send (one typed on the phone) is
            # answered 2xx too: re-delivering it for two days would change nothing.
            record_status(get_runtime(), SMSGATE, report.external_id, report.status, None)
            _note_phone(parsed)
            return _answer("recorded")
    except events.BadEvent as exc:
        return Response(str(exc) + "\n", 400, mimetype="text/plain")
    # system:ping (the phone is alive) and events this bot does not use.
    _note_phone(parsed)
    return _answer("ignored")
