"""SMS Gateway for Android: its webhook events read into what the app acts on, what a
refused send means (:func:`error_outcome`, :func:`slow_down`), and sending through its
API with its own client (:class:`SmsGateSender`).

The gateway (an app on a phone with a local SIM, with a cloud or private server) posts
one JSON event per request::

    {"id": "<event id>", "webhookId": "...", "event": "sms:received",
     "deviceId": "<phone>", "payload": {...}}

It signs each with the account's signing key (:func:`signature_ok`) and re-delivers an
event until it gets a 2xx, for about two days: the event ``id`` is what makes a
re-delivery act once. A received SMS's ``payload.messageId`` is derived from its
content (two "YA" from one phone share it), so it is never the key on its own.
Nothing in the reading touches the database; an event that is refused
(:class:`BadEvent`, a 400) stores nothing.

Sending: the gateway's API (cloud ``https://api.sms-gate.app/3rdparty/v1``, a private
server, or the phone's local server) takes a message and answers at once with its id
and state ``Pending``; the phone sends it later and reports ``sms:sent``/
``sms:delivered``/``sms:failed`` to the webhook. Errors become :class:`SendError` so the
send job's retry schedule and leases (``workers.outbound``) apply unchanged: 5xx, 429,
timeouts and an unreachable server are retried; any other 4xx fails the message with
the gateway's reason.
"""
from __future__ import annotations

import hashlib
import hmac
import json
import logging
import re
from dataclasses import dataclass
from typing import Any

import requests
from android_sms_gateway import APIClient, Message, TextMessage
from android_sms_gateway.errors import APIError
from android_sms_gateway.http import RequestsHttpClient

from bot import send_outcome
from bot.inbound_message import InboundMessage, PhoneReport, Refused, StatusReport, WebhookRead
from bot.phone import InvalidPhone, normalise
from bot.providers.twilio import MAX_BODY
from bot.senders import Outgoing, SendError
from conversations.model import SMS

log = logging.getLogger(__name__)

# How far X-Timestamp may be from our clock: a captured event cannot be replayed later.
MAX_SKEW_SECONDS = 300

RECEIVED = "sms:received"
SENT = "sms:sent"
DELIVERED = "sms:delivered"
FAILED = "sms:failed"
PING = "system:ping"
# A delivery report's event and the outbound status it moves the message to.
STATUS_OF = {SENT: "sent", DELIVERED: "delivered", FAILED: "failed"}

# Unique-key prefixes in ``message.external_id`` (see migrations 0008 and 0026).
EVENT_KEY = "gw-event:"
SENT_KEY = "gw:"

# The highest SIM slot number taken from a report (the client library documents 1 to 3).
MAX_SIM = 9

# Ids are short tokens (nanoid-like); the key column holds 64 characters.
_ID = re.compile(r"[A-Za-z0-9_.:-]{1,55}")
_TIMESTAMP = re.compile(r"[0-9]{1,12}")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


class BadEvent(ValueError):
    """The body is not a gateway event; the text is a one-line reason."""


@dataclass(frozen=True)
class Event:
    """One gateway event: ``kind`` is its ``event`` field (``sms:received``...)."""

    id: str
    kind: str
    device_id: str | None
    payload: dict[str, Any]


@dataclass(frozen=True)
class DeliveryReport:
    """``sms:sent`` / ``sms:delivered`` / ``sms:failed`` for a message we sent."""

    external_id: str  # the message's key: "gw:" + the id the gateway gave it
    status: str
    reason: str | None = None
    sim: int | None = None  # the SIM slot it left from (1, 2...); None: the default SIM


def error_outcome(code: int | None, http_status: int | None) -> str:
    """What a refused send means (``bot.send_outcome``). The gateway gives no error
    codes, and none says anything of the number: 429, 5xx and no answer
    (``http_status`` None) are worth another try, any other refusal fails the message."""
    if http_status is None or http_status == 429 or http_status >= 500:
        return send_outcome.RETRY
    return send_outcome.FAILED


def slow_down(code: int | None, http_status: int | None) -> bool:
    """Whether the error asks for a slower rate from this phone."""
    return http_status == 429


def signature_ok(key: str, body: bytes, timestamp: str, signature: str, now: float) -> bool:
    """Whether ``signature`` is the hex HMAC-SHA256, keyed with ``key``, of the raw
    body followed by the X-Timestamp, and that timestamp is within
    :data:`MAX_SKEW_SECONDS` of ``now``."""
    # ASCII digits only: str.isdigit() also takes superscripts and other scripts' digits.
    if not _TIMESTAMP.fullmatch(timestamp):
        return False
    if abs(now - int(timestamp)) > MAX_SKEW_SECONDS:
        return False
    expected = hmac.new(key.encode(), body + timestamp.encode(), hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, signature.strip().lower())


def sign(key: str, body: bytes, timestamp: str) -> str:
    """The X-Signature the gateway sends for ``body`` at ``timestamp`` (tests, bench)."""
    return hmac.new(key.encode(), body + timestamp.encode(), hashlib.sha256).hexdigest()


def parse_event(body: bytes) -> Event:
    """Read the envelope of one event.

    Raises:
        BadEvent: not JSON, not an object, or ``id``/``event``/``payload`` missing or
            not of their kind.
    """
    try:
        data = json.loads(body)
    except (ValueError, UnicodeDecodeError, RecursionError):  # nesting deeper than Python's stack
        raise BadEvent("body is not JSON") from None
    if not isinstance(data, dict):
        raise BadEvent("body is not a JSON object")
    event_id = _id(data, "id")
    kind = data.get("event")
    if not isinstance(kind, str) or not kind:
        raise BadEvent("missing event")
    payload = data.get("payload")
    if not isinstance(payload, dict):
        raise BadEvent("missing payload")
    device = data.get("deviceId")
    device_id = _id(data, "deviceId") if device is not None else None
    return Event(id=event_id, kind=kind, device_id=device_id, payload=payload)


def received_message(event: Event) -> InboundMessage:
    """The SMS of an ``sms:received`` event, keyed by the event id.

    Raises:
        BadEvent: ``payload.phoneNumber`` missing or no phone number, ``payload.message``
            missing.
    """
    phone = event.payload.get("phoneNumber") or event.payload.get("sender")
    if not isinstance(phone, str) or not phone:
        raise BadEvent("missing payload.phoneNumber")
    try:
        # Phones report numbers as their network wrote them: 0812..., 62812..., +62812...
        e164 = normalise(phone)
    except InvalidPhone:
        raise BadEvent("payload.phoneNumber is not a phone number") from None
    text = event.payload.get("message")
    if not isinstance(text, str):
        raise BadEvent("missing payload.message")
    return InboundMessage(
        external_id=EVENT_KEY + event.id,
        phone=e164,
        channel=SMS,
        body=_CONTROL.sub(" ", text[:MAX_BODY]),
        provider="smsgate",
        device_id=event.device_id,
    )


def delivery_report(event: Event) -> DeliveryReport:
    """The status an ``sms:sent``/``sms:delivered``/``sms:failed`` event reports.

    Raises:
        BadEvent: ``payload.messageId`` missing or not an id.
    """
    message_id = _id(event.payload, "messageId", "payload.messageId")
    reason = event.payload.get("reason")
    return DeliveryReport(external_id=SENT_KEY + message_id, status=STATUS_OF[event.kind],
                          reason=reason if isinstance(reason, str) else None,
                          sim=sim_number(event.payload))


def sim_number(payload: dict[str, Any]) -> int | None:
    """The SIM slot a report names (``payload.simNumber``, 1 to 3 on today's phones), or
    None: the gateway leaves it null when the phone's default SIM sent it, and a value
    that is no slot number is bookkeeping not worth refusing the report for."""
    value = payload.get("simNumber")
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= MAX_SIM:
        return None
    return value


def _id(data: dict[str, Any], name: str, label: str | None = None) -> str:
    value = data.get(name)
    label = label or name
    if value is None or value == "":
        raise BadEvent(f"missing {label}")
    if not isinstance(value, str) or not _ID.fullmatch(value):
        raise BadEvent(f"{label} is not an id")
    return value


# The webhook

def read_webhook(kind: str, request: Any, settings: Any, now: float) -> WebhookRead:
    """Read the gateway's request to ``/webhooks/smsgate``: one event.

    Every request must carry ``X-Signature`` (hex HMAC-SHA256 with SMSGATE_SIGNING_KEY
    of the raw body followed by ``X-Timestamp``) and an ``X-Timestamp`` within five
    minutes of ``now``. With no signing key configured nothing is accepted. A received
    SMS is to be stored (or spooled) before the 2xx; a delivery report recorded; events
    this bot does not act on (``system:ping``: the phone is alive) get a 2xx too, so the
    gateway stops re-delivering them.

    Raises:
        Refused: 403 (no key), 401 (bad or stale signature), 400 (no event, or a field
            it needs missing, with a one-line reason), 404 (a path below the webhook).
    """
    if kind:
        raise Refused(404, "no such gateway webhook")
    body = request.get_data(cache=False)
    key = settings.smsgate_signing_key
    if not key:
        raise Refused(403, "gateway webhooks are disabled: SMSGATE_SIGNING_KEY is not set")
    signature = request.headers.get("X-Signature", "")
    timestamp = request.headers.get("X-Timestamp", "")
    if not signature or not signature_ok(key, body, timestamp, signature, now):
        raise Refused(401, "invalid or stale gateway signature")
    try:
        event = parse_event(body)
        phone = (PhoneReport(event.device_id, event.id, _PHONE_OUTCOME.get(event.kind),
                             sim_number(event.payload) if event.kind in STATUS_OF else None)
                 if event.device_id is not None else None)
        if event.kind == RECEIVED:
            return WebhookRead(messages=(received_message(event),), phone=phone,
                               body="stored\n")
        if event.kind in STATUS_OF:
            report = delivery_report(event)
            # A report for a message this bot did not send (one typed on the phone) is
            # answered 2xx too: re-delivering it for two days would change nothing.
            return WebhookRead(statuses=(StatusReport(report.external_id, report.status,
                                                      None, report.reason,
                                                      event.device_id, report.sim),),
                               phone=phone, body="recorded\n")
    except BadEvent as exc:
        raise Refused(400, str(exc)) from None
    return WebhookRead(phone=phone, body="ignored\n")


# What an event says of the phone's sending (``bot.gateway_devices``).
_PHONE_OUTCOME = {SENT: "sent", DELIVERED: "sent", FAILED: "failed"}


def make_sender(settings: Any) -> SmsGateSender | None:
    """The gateway's sender, or None when no gateway is configured."""
    if not settings.smsgate_url:
        return None
    return SmsGateSender(settings.smsgate_url, settings.smsgate_username,
                         settings.smsgate_password or "")


# Sending



class _TimedSession(requests.Session):
    """A requests session with a timeout on every call: the client sets none, and a
    hung server would hold the send job past its lease."""

    def __init__(self, timeout: float) -> None:
        super().__init__()
        self.timeout = timeout

    def request(self, method: str, url: str,  # type: ignore[override]
                *args: Any, **kwargs: Any) -> Any:
        kwargs.setdefault("timeout", self.timeout)
        return super().request(method, url, *args, **kwargs)


def gateway_client(url: str, username: str | None, password: str,
                   timeout: float = 10.0) -> APIClient:
    """The real ``android-sms-gateway`` client for ``url``: Basic auth with a username,
    else ``password`` is a token (Bearer)."""
    http = RequestsHttpClient(session=_TimedSession(timeout))
    return APIClient(username, password, base_url=url, http=http)


class SmsGateSender:
    """Sends SMS through one gateway account (all its phones)."""

    def __init__(self, url: str, username: str | None, password: str,
                 timeout: float = 10.0) -> None:
        self.client = gateway_client(url, username, password, timeout)

    def send(self, message: Outgoing) -> str:
        request = Message(
            phone_numbers=[message.to],
            text_message=TextMessage(text=message.body),
            with_delivery_report=True,
            device_id=message.device_id,
            # The SIM slot of a dual-SIM phone (bot.gateway_caps); None: its default.
            sim_number=message.sim,
            # The gateway holds a message for a phone that is offline and sends it when
            # the phone returns: not after it has become useless (bot.usefulness).
            valid_until=message.expires_at,
        )
        try:
            state = self.client.send(request)
        except APIError as exc:
            status = exc.status_code
            raise SendError(f"gateway refused: {_reason(exc)}", code=None,
                            http_status=status) from exc
        except (requests.RequestException, OSError) as exc:
            raise SendError(f"gateway unreachable: {exc}", code=None, http_status=None) from exc
        # Stored under this key (message.external_id): what its delivery reports name.
        return SENT_KEY + state.id


def _reason(exc: APIError) -> str:
    """The gateway's own message when its error body has one."""
    body = exc.response if isinstance(exc.response, dict) else {}
    return str(body.get("message") or body.get("error") or exc)[:200]
