"""Twilio: its webhook forms read into what the app acts on (or refused with a reason),
what its error codes mean (:func:`error_outcome`, :func:`slow_down`), and sending
through its REST API with the real ``twilio`` client (:class:`TwilioSender`; its errors
become :class:`~bot.senders.SendError`, which ``bot.providers.registry`` maps to an
outcome).

Nothing here touches the database: a form that passes gives values every column can
hold (no NUL, nothing longer than its column), so storing it cannot fail half-way, and
a form that is refused (:class:`BadInbound`, a 400) stores nothing.

Twilio signs the URL followed by every field's name and value with no separator, so a
captured request can be replayed with a field boundary moved (``NumMedia=0`` dropped,
``MessageSid=<sid>NumMedia0``) and its signature still fits. A SID is therefore taken
only in Twilio's exact shape, and the fields that name the message must agree.
"""
from __future__ import annotations

import hmac
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Mapping

from twilio.request_validator import RequestValidator

from bot import send_outcome
from bot.inbound_message import InboundMessage, Refused, StatusReport, WebhookRead
from bot.models.contact import Contact
from bot.phone import WHATSAPP_PREFIX, InvalidPhone, twilio_sender
from bot.senders import Outgoing, SendError
from conversations.model import SMS, WHATSAPP, Media

MAX_BODY = 1600
# Twilio's media URLs are about 150 characters and content types a few dozen: anything
# much longer is not Twilio's, and is not stored (one signed request carried 1.9 MB).
MAX_MEDIA_URL = 1000
MAX_CONTENT_TYPE = 100
MAX_PROFILE_NAME: int = Contact.__table__.c.name.type.length

# A message's SID: SM (SMS, WhatsApp) or MM (MMS) and 32 hex digits. Twilio writes the
# hex in lowercase, and only that is taken: the SID is the message's unique key, so one
# message must have one spelling (an upper-case copy would be stored as a second one).
MESSAGE_SID = re.compile(r"(?:SM|MM)[0-9a-f]{32}")

# The statuses Twilio documents for a message. Any other value is refused (400) rather
# than ignored: nothing is stored either way, but a 400 shows in Twilio's debugger, so a
# status Twilio adds later is noticed instead of dropped without a trace.
TWILIO_STATUSES = frozenset({
    "accepted", "scheduled", "canceled", "queued", "sending", "sent", "failed",
    "delivered", "undelivered", "receiving", "received", "read", "partially_delivered",
})

# Error codes (of a refused send, or in a status callback) that end a message for good,
# and what they say of the contact; those worth another try; those that ask the
# sender to slow down (too many requests, WhatsApp's rate limit).
OPTED_OUT_CODES = {21610}
INVALID_NUMBER_CODES = {21211, 21614}
RETRY_CODES = {20429, 30003, 63018}
SLOW_DOWN_CODES = {20429, 63018}

_INT32 = (-(2**31), 2**31 - 1)  # the error_code columns are INTEGER
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_ANY_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_INTEGER = re.compile(r"-?[0-9]+")


class BadInbound(ValueError):
    """The request cannot be a Twilio message; the text is a one-line reason."""


@dataclass(frozen=True)
class StatusCallback:
    """A parsed Twilio delivery status callback (``status`` in lowercase)."""

    sid: str
    status: str
    error_code: int | None = None


def error_outcome(code: int | None, http_status: int | None) -> str:
    """What Twilio's error means (``bot.send_outcome``): 21610 the number sent STOP,
    21211/21614 no number Twilio can text; 429, 5xx, no answer (``http_status`` None)
    and :data:`RETRY_CODES` are worth another try; anything else fails the message."""
    if code in OPTED_OUT_CODES:
        return send_outcome.OPTED_OUT
    if code in INVALID_NUMBER_CODES:
        return send_outcome.INVALID_NUMBER
    if http_status is None or http_status == 429 or http_status >= 500 or code in RETRY_CODES:
        return send_outcome.RETRY
    return send_outcome.FAILED


def slow_down(code: int | None, http_status: int | None) -> bool:
    """Whether the error asks for a slower rate from this sender."""
    return code in SLOW_DOWN_CODES or http_status == 429


def parse_twilio_form(form: Mapping[str, str]) -> InboundMessage:
    """Read Twilio's webhook fields; unknown extra fields are ignored.

    Raises:
        BadInbound: no MessageSid or one not in Twilio's shape, SmsMessageSid or SmsSid
            naming another message, no From or a From that is no phone number.
    """
    sid = _message_sid(form, "MessageSid", "SmsMessageSid", "SmsSid")
    sender = _single(form, "From")
    if not sender:
        raise BadInbound("missing From")
    channel = WHATSAPP if sender.startswith(WHATSAPP_PREFIX) else SMS
    try:
        phone = twilio_sender(sender)
    except InvalidPhone:
        raise BadInbound("From is not a phone number") from None
    media: list[Media] = []
    try:
        count = min(int(form.get("NumMedia") or 0), 10)
    except ValueError:
        count = 0
    for i in range(count):
        url = form.get(f"MediaUrl{i}")
        if url and len(url) <= MAX_MEDIA_URL:
            content_type = form.get(f"MediaContentType{i}") or ""
            media.append(Media(url=_printable(url),
                               content_type=_printable(content_type[:MAX_CONTENT_TYPE])))
    # ButtonPayload is what a WhatsApp quick-reply button carries instead of typed text.
    body = form.get("Body") or form.get("ButtonPayload") or ""
    return InboundMessage(
        external_id=sid,
        phone=phone,
        channel=channel,
        body=_printable(body[:MAX_BODY]),
        media=tuple(media),
        profile_name=_profile_name(form.get("ProfileName") or ""),
    )


def parse_status_form(form: Mapping[str, str]) -> StatusCallback:
    """Read a status callback's MessageSid, MessageStatus and ErrorCode.

    Raises:
        BadInbound: a field missing, with control characters or not of its kind (a SID
            not in Twilio's shape, a status Twilio does not send, an ErrorCode that is no
            32-bit integer).
    """
    sid = _message_sid(form, "MessageSid", "SmsSid")
    status = _single(form, "MessageStatus") or _single(form, "SmsStatus")
    if not status:
        raise BadInbound("missing MessageStatus")
    if _ANY_CONTROL.search(status):
        raise BadInbound("MessageStatus has control characters")
    status = status.strip().lower()
    if status not in TWILIO_STATUSES:
        raise BadInbound("unknown MessageStatus")
    return StatusCallback(sid=sid, status=status, error_code=_error_code(form))


def _message_sid(form: Mapping[str, str], name: str, *aliases: str) -> str:
    """The SID in ``name`` (or, without it, the first alias), checked against every
    alias that is present: a message has one SID, whatever field carries it."""
    sid = _single(form, name)
    for alias in aliases:
        sid = sid or _single(form, alias)
    if not sid:
        raise BadInbound(f"missing {name}")
    if _ANY_CONTROL.search(sid):
        raise BadInbound(f"{name} has control characters")
    if not MESSAGE_SID.fullmatch(sid):
        raise BadInbound(f"{name} is not a Twilio message SID")
    for alias in aliases:
        other = _single(form, alias)
        if other is not None and other != sid:
            raise BadInbound(f"{alias} differs from {name}")
    return sid


def _single(form: Mapping[str, str], name: str) -> str | None:
    """The one value of field ``name`` (None when absent).

    Twilio sends each field once; a second value of a field that says which message
    this is, or who sent it, would leave us choosing between them.
    """
    getlist = getattr(form, "getlist", None)
    if getlist is None:
        return form.get(name)
    values = getlist(name)
    if len(values) > 1:
        raise BadInbound(f"{name} given more than once")
    return values[0] if values else None


def _error_code(form: Mapping[str, str]) -> int | None:
    raw = (_single(form, "ErrorCode") or "").strip()
    if not raw:
        return None
    if not _INTEGER.fullmatch(raw):
        raise BadInbound("ErrorCode is not a number")
    # Compared as text first: int() of thousands of digits is slow (and refused).
    if len(raw.lstrip("-")) > 10 or not _INT32[0] <= int(raw) <= _INT32[1]:
        raise BadInbound("ErrorCode is out of range")
    return int(raw)


def _profile_name(raw: str) -> str | None:
    """A WhatsApp profile name that fits ``contact.name``: a name is a courtesy, so a
    long one is cut rather than refused with the message it came with."""
    return _printable(raw).strip()[:MAX_PROFILE_NAME].rstrip() or None


def _printable(text: str) -> str:
    """``text`` with control characters (a NUL from a broken gateway, say) turned
    into spaces: a database text cannot hold NUL, and the rest has no meaning in an
    SMS. Line breaks and tabs stay."""
    return _CONTROL.sub(" ", text)


# The webhook

# Twilio's answer to a message: nothing to say now. The replies are queued messages,
# sent as every other (``bot.messaging.handling``).
EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response></Response>'


def read_webhook(kind: str, request: Any, settings: Any, now: float) -> WebhookRead:
    """Read Twilio's request to ``/webhooks/twilio/<kind>``: ``messages`` (a message
    received) or ``status`` (a delivery status callback).

    Every request must carry a valid X-Twilio-Signature for the public URL (or the
    request URL when PUBLIC_BASE_URL is not set). With no auth token configured nothing
    is accepted.

    Raises:
        Refused: 403 (no token, bad signature), 400 (not as Twilio writes it, with a
            one-line reason), 404 (no such kind).
    """
    if kind not in ("messages", "status"):
        raise Refused(404, "no such Twilio webhook")
    _check_signature(request, settings)
    try:
        if kind == "messages":
            return WebhookRead(messages=(parse_twilio_form(request.form),), body=EMPTY_TWIML,
                               mimetype="text/xml")
        callback = parse_status_form(request.form)
    except BadInbound as exc:
        raise Refused(400, str(exc)) from None
    return WebhookRead(statuses=(StatusReport(callback.sid, callback.status,
                                              callback.error_code),), status=204)


def _public_url(request: Any, settings: Any) -> str:
    base = settings.public_base_url
    if not base:
        return request.url
    query = request.query_string.decode()
    return base + request.path + (f"?{query}" if query else "")


class _SignedForm(dict):  # type: ignore[type-arg]
    """The form as RequestValidator reads it: every value of each field.

    ``getall`` is the first look-up RequestValidator tries; a plain dict would make it
    raise and catch two exceptions per field on every request.
    """

    def getall(self, name: str) -> list[str]:
        return self[name]


@lru_cache(maxsize=4)
def _validator(token: str) -> RequestValidator:
    return RequestValidator(token)


def signature_ok(token: str, url: str, form: Any, signature: str) -> bool:
    """Whether ``signature`` is Twilio's for ``url`` and ``form`` (every value of each
    field)."""
    validator = _validator(token)
    signed = _SignedForm(form.lists())
    # Twilio signs the URL as configured: one HMAC settles nearly every request.
    # validate() tries it with and without the port (two HMACs), so it is kept for
    # the rest.
    expected = validator.compute_signature(url, signed)
    if hmac.compare_digest(expected.encode(), signature.encode()):
        return True
    return validator.validate(url, signed, signature)


def _check_signature(request: Any, settings: Any) -> None:
    token = settings.twilio_auth_token
    if not token:
        raise Refused(403, "webhooks are disabled: TWILIO_AUTH_TOKEN is not set")
    signature = request.headers.get("X-Twilio-Signature", "")
    if not signature or not signature_ok(token, _public_url(request, settings), request.form,
                                         signature):
        raise Refused(403, "invalid Twilio signature")


def make_sender(settings: Any) -> TwilioSender | None:
    """The account's sender, or None when no account is configured."""
    if not (settings.twilio_account_sid and settings.twilio_auth_token):
        return None
    return TwilioSender(
        settings.twilio_account_sid,
        settings.twilio_auth_token,
        sms_from=settings.twilio_sms_from,
        messaging_service_sid=settings.twilio_messaging_service_sid,
        whatsapp_from=settings.twilio_whatsapp_from,
        api_base_url=settings.twilio_api_base_url,
    )


# Sending

class TwilioSender:
    """Sends through the real ``twilio`` client.

    Args:
        account_sid, auth_token: the account.
        sms_from: an SMS number, used when no messaging service is set.
        messaging_service_sid: a Messaging Service (preferred for SMS when set).
        whatsapp_from: the ``whatsapp:+...`` sender.
        api_base_url: send to this base URL instead of api.twilio.com (tests, staging).
    """

    def __init__(
        self,
        account_sid: str,
        auth_token: str,
        sms_from: str | None = None,
        messaging_service_sid: str | None = None,
        whatsapp_from: str | None = None,
        api_base_url: str | None = None,
        timeout: float = 10.0,
    ) -> None:
        from twilio.rest import Client

        self.sms_from = sms_from
        self.messaging_service_sid = messaging_service_sid
        self.whatsapp_from = whatsapp_from
        http_client = _http_client(api_base_url, timeout)
        self.client = Client(account_sid, auth_token, http_client=http_client)

    def send(self, message: Outgoing) -> str:
        from twilio.base.exceptions import TwilioException, TwilioRestException

        params: dict[str, Any] = {"to": message.to}
        if message.channel == "whatsapp":
            if not self.whatsapp_from:
                raise SendError("no WhatsApp sender configured", code=None, http_status=400)
            params["to"] = "whatsapp:" + message.to
            params["from_"] = self.whatsapp_from
        elif self.messaging_service_sid:
            params["messaging_service_sid"] = self.messaging_service_sid
        else:
            params["from_"] = self.sms_from
        if message.content_sid:
            params["content_sid"] = message.content_sid
            if message.content_variables:
                params["content_variables"] = message.content_variables
        else:
            params["body"] = message.body
        if message.media_urls:
            params["media_url"] = list(message.media_urls)
        if message.status_callback:
            params["status_callback"] = message.status_callback
        try:
            created = self.client.messages.create(**params)
        except TwilioRestException as exc:
            raise SendError(str(exc.msg), code=exc.code, http_status=exc.status) from exc
        except (TwilioException, OSError) as exc:
            raise SendError(f"Twilio unreachable: {exc}", code=None, http_status=None) from exc
        return str(created.sid)


def _http_client(api_base_url: str | None, timeout: float) -> Any:
    from twilio.http.http_client import TwilioHttpClient

    class _Client(TwilioHttpClient):
        def request(self, method, url, *args, **kwargs):  # type: ignore[no-untyped-def]
            if api_base_url:
                for host in ("https://api.twilio.com", "https://messaging.twilio.com"):
                    if url.startswith(host):
                        url = api_base_url.rstrip("/") + url[len(host):]
            try:
                return super().request(method, url, *args, **kwargs)
            except OSError:
                raise
            except Exception as exc:  # requests' connection errors
                from twilio.base.exceptions import TwilioException

                raise TwilioException(str(exc)) from exc

    return _Client(timeout=timeout)
