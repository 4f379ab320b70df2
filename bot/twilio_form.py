"""Twilio's webhook forms read into what the app acts on, or refused with a reason.

Nothing here touches the database: a form that passes gives values every column can
hold (no NUL, nothing longer than its column), so storing it cannot fail half-way.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Mapping

from bot.phone import InvalidPhone, normalise
from conversations.model import SMS, WHATSAPP, Media

MAX_BODY = 1600


class BadInbound(ValueError):
    """The request cannot be a Twilio message; the text is a one-line reason."""


@dataclass(frozen=True)
class InboundMessage:
    """A parsed Twilio inbound message."""

    sid: str
    phone: str
    channel: str
    body: str
    media: tuple[Media, ...] = ()
    profile_name: str | None = None


@dataclass(frozen=True)
class StatusCallback:
    """A parsed Twilio delivery status callback."""

    sid: str
    status: str
    error_code: int | None = None


def parse_twilio_form(form: Mapping[str, str]) -> InboundMessage:
    """Read Twilio's webhook fields; unknown extra fields are ignored.

    Raises:
        BadInbound: no MessageSid, no From, or a From that is no phone number.
    """
    sid = (form.get("MessageSid") or form.get("SmsMessageSid") or "").strip()
    sender = (form.get("From") or "").strip()
    if not sid:
        raise BadInbound("missing MessageSid")
    if len(sid) > 64:
        raise BadInbound("MessageSid too long")
    if not sender:
        raise BadInbound("missing From")
    channel = WHATSAPP if sender.lower().startswith("whatsapp:") else SMS
    try:
        phone = normalise(sender)
    except InvalidPhone:
        raise BadInbound("From is not a phone number") from None
    media: list[Media] = []
    try:
        count = min(int(form.get("NumMedia") or 0), 10)
    except ValueError:
        count = 0
    for i in range(count):
        url = form.get(f"MediaUrl{i}")
        if url:
            media.append(Media(url=_printable(url),
                               content_type=_printable(form.get(f"MediaContentType{i}") or "")))
    # ButtonPayload is what a WhatsApp quick-reply button carries instead of typed text.
    body = form.get("Body") or form.get("ButtonPayload") or ""
    return InboundMessage(
        sid=sid,
        phone=phone,
        channel=channel,
        body=_printable(body[:MAX_BODY]),
        media=tuple(media),
        profile_name=(_printable(form.get("ProfileName") or "") or None),
    )


def parse_status_form(form: Mapping[str, str]) -> StatusCallback:
    """Read a status callback's MessageSid, MessageStatus and ErrorCode.

    Raises:
        BadInbound: a field missing or not of its kind.
    """
    sid = (form.get("MessageSid") or form.get("SmsSid") or "").strip()
    status = (form.get("MessageStatus") or form.get("SmsStatus") or "").strip()
    if not sid:
        raise BadInbound("missing MessageSid")
    if not status:
        raise BadInbound("missing MessageStatus")
    raw_code = (form.get("ErrorCode") or "").strip()
    try:
        error_code = int(raw_code) if raw_code else None
    except ValueError:
        raise BadInbound("ErrorCode is not a number") from None
    return StatusCallback(sid=sid, status=status, error_code=error_code)


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _printable(text: str) -> str:
    """``text`` with control characters (a NUL from a broken gateway, say) turned
    into spaces: a database text cannot hold NUL, and the rest has no meaning in an
    SMS. Line breaks and tabs stay."""
    return _CONTROL.sub(" ", text)
