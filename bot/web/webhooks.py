"""The providers' webhooks, one thin blueprint: ``POST /webhooks/<provider>[/<kind>]``.

The provider's module (``bot.providers.registry``) checks the request's signature and
reads it into provider-neutral parts (``bot.inbound_message``), or refuses it with a
status and a one-line reason before anything is stored. Then, the same for every
provider: each received message is stored and its handling queued (``bot.inbound``;
spooled while the database is down), each status report recorded (``bot.delivery``),
the gateway phone that spoke noted (``bot.gateway_devices``), and the provider gets the
answer it wants (Twilio: an empty TwiML; the replies follow as messages). Anything that
fails after the signature check answers 5xx: the gateway delivers again, and Twilio's
message was spooled if the database was the trouble.
"""
from __future__ import annotations

import logging
import time

from flask import Blueprint, Response, abort, request

from bot import clock, gateway_devices
from bot.delivery import record_status
from bot.inbound import receive
from bot.inbound_message import PhoneReport, Refused
from bot.providers.registry import PROVIDERS
from bot.runtime import Runtime
from bot.web.request import get_runtime

log = logging.getLogger(__name__)

bp = Blueprint("webhooks", __name__, url_prefix="/webhooks")


@bp.post("/<name>", defaults={"kind": ""})
@bp.post("/<name>/<kind>")
def webhook(name: str, kind: str) -> Response:
    entry = PROVIDERS.get(name)
    if entry is None:
        abort(404)
    rt = get_runtime()
    try:
        read = entry.read_webhook(kind, request, rt.settings, time.time())
    except Refused as exc:
        return Response(exc.text + "\n", exc.status, mimetype="text/plain")
    for message in read.messages:
        receive(rt, message)
    for report in read.statuses:
        if report.reason:
            log.warning("%s reports %s %s: %s", name, report.external_id, report.status,
                        report.reason)
        record_status(rt, name, report.external_id, report.status, report.error_code,
                      report.device_id, report.sim)
    if read.phone is not None:
        _note_phone(rt, read.phone)  # after: the message comes first
    return Response(read.body, read.status, mimetype=read.mimetype)


def _note_phone(rt: Runtime, report: PhoneReport) -> None:
    """Keep the phone's health; never in the event's way: with the database down a
    received SMS must still be spooled and answered 2xx."""
    try:
        with rt.db.session() as session:
            gateway_devices.note(session, report, clock.now(rt))
    except Exception:  # noqa: BLE001 - see above
        log.warning("could not note gateway phone %s", report.device_id, exc_info=True)
